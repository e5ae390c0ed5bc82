"""The genealogy of a lot as a graph a person can look at: the traced lot in the middle, what it was
made from to the left down to the receipts' suppliers, what was made from it to the right out to the
deliveries' customers; edges carry the quantity that went along them. Pure: the caller reads the
walks, the lots and the end documents; the page lays the graph out.

A trace of thousands of lots stays readable: a column (a level of the walk) with more lots than
`limit` shows them as groups, one per item (or one for the whole column when the items too are more
than `limit`), and more suppliers or customers than `limit` show as one node each side; a group
expands on request (`expand`: the ids of the groups to open), its edges the sums of its members'.
"""

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

LOT, GROUP, SUPPLIER, CUSTOMER, SUPPLIERS, CUSTOMERS = (
	"lot",
	"group",
	"supplier",
	"customer",
	"suppliers",
	"customers",
)
DEFAULT_LIMIT = 25


@dataclass(frozen=True)
class LotInfo:
	name: str
	item: str | None = None
	item_name: str | None = None
	status: str | None = None
	expiry: str | None = None
	on_hand: float = 0.0
	uom: str | None = None
	supplier_lot_no: str | None = None


@dataclass(frozen=True)
class Link:
	"""A genealogy edge: `qty` of the input lot `parent` went into the output lot `child`."""

	parent: str
	child: str
	qty: float


@dataclass(frozen=True)
class EndDocument:
	"""A receipt of a lot from a supplier (qty in) or a delivery of a lot to a customer (qty out)."""

	lot: str
	party: str
	qty: float
	document: str


def columns(roots: Iterable[str], backward: Iterable[Link], forward: Iterable[Link]) -> dict[str, int]:
	"""Lot → its column: 0 for the traced lots, −n for a lot n links back (what they were made
	from), +n for a lot n links forward (the shortest walk decides)."""
	column = {root: 0 for root in roots}
	for links, step, near, far in ((backward, -1, "child", "parent"), (forward, 1, "parent", "child")):
		leaving: dict[str, list[str]] = {}
		for link in links:
			leaving.setdefault(getattr(link, near), []).append(getattr(link, far))
		queue = deque((root, 0) for root in sorted(column) if column[root] == 0)
		seen = set(column)
		while queue:
			lot, at = queue.popleft()
			for other in sorted(leaving.get(lot, ())):
				if other not in seen:
					seen.add(other)
					column[other] = at + step
					queue.append((other, at + step))
	return column


def build(
	roots: Iterable[str],
	backward: Iterable[Link],
	forward: Iterable[Link],
	lots: Mapping[str, LotInfo],
	receipts: Iterable[EndDocument] = (),
	deliveries: Iterable[EndDocument] = (),
	limit: int = DEFAULT_LIMIT,
	expand: Iterable[str] = (),
) -> dict:
	"""{"nodes": [...], "edges": [...]} of the trace, grouped as the module says."""
	roots, backward, forward = list(roots), list(backward), list(forward)
	expand = set(expand)
	column = columns(roots, backward, forward)
	node_of: dict[str, str] = {}  # lot, supplier or customer → the id of the node that shows it
	nodes: dict[str, dict] = {}

	by_column: dict[int, list[str]] = {}
	for lot, at in column.items():
		by_column.setdefault(at, []).append(lot)
	for at, members in sorted(by_column.items()):
		members.sort()
		grouped = at != 0 and len(members) > limit and f"column:{at}" not in expand
		items: dict[str, list[str]] = {}
		for lot in members:
			items.setdefault((lots.get(lot) or LotInfo(lot)).item or "", []).append(lot)
		whole_column = grouped and len(items) > limit
		for lot in members:
			info = lots.get(lot) or LotInfo(lot)
			group = None
			if whole_column:
				group = f"column:{at}"
			elif grouped and f"column:{at}:{info.item or ''}" not in expand:
				group = f"column:{at}:{info.item or ''}"
			if group is None:
				node_of[lot] = lot
				nodes[lot] = _lot_node(info, at, lot in roots)
				continue
			node_of[lot] = group
			node = nodes.setdefault(
				group,
				{
					"id": group,
					"kind": GROUP,
					"column": at,
					"lots": 0,
					"items": set(),
					"item": None if whole_column else info.item,
					"item_name": None if whole_column else info.item_name,
					"on_hand": 0.0,
					"uom": info.uom,
					"statuses": {},
				},
			)
			node["lots"] += 1
			node["items"].add(info.item or "")
			node["on_hand"] += info.on_hand
			if node["uom"] != info.uom:
				node["uom"] = None
			node["statuses"][info.status or ""] = node["statuses"].get(info.status or "", 0) + 1

	first, last = min(column.values(), default=0), max(column.values(), default=0)
	edges: dict[tuple[str, str], float] = {}

	def add_edge(source: str, target: str, qty: float) -> None:
		if source != target:
			edges[(source, target)] = edges.get((source, target), 0.0) + abs(qty)

	for link in backward + forward:
		if link.parent in node_of and link.child in node_of:
			add_edge(node_of[link.parent], node_of[link.child], link.qty)
	for documents, kind, many, at, inward in (
		(list(receipts), SUPPLIER, SUPPLIERS, first - 1, True),
		(list(deliveries), CUSTOMER, CUSTOMERS, last + 1, False),
	):
		parties = sorted({document.party for document in documents if document.lot in node_of})
		together = len(parties) > limit and many not in expand
		for party in parties:
			party_id = many if together else f"{kind}:{party}"
			if party_id not in nodes:
				nodes[party_id] = {
					"id": party_id,
					"kind": many if together else kind,
					"column": at,
					"parties": 0,
				}
				if not together:
					nodes[party_id]["label"] = party
			nodes[party_id]["parties"] += 1
			node_of[f"{kind}:{party}"] = party_id
		for document in documents:
			if document.lot not in node_of:
				continue
			party_id = node_of[f"{kind}:{document.party}"]
			lot_id = node_of[document.lot]
			add_edge(party_id, lot_id, document.qty) if inward else add_edge(lot_id, party_id, document.qty)

	for node in nodes.values():
		if node["kind"] == GROUP:
			items = node.pop("items")
			node["label"] = (
				f"{node['lots']} lots of {node['item']}"
				if node["item"] is not None
				else f"{node['lots']} lots, {len(items)} items"
			)
	return {
		"nodes": sorted(nodes.values(), key=lambda node: (node["column"], node["id"])),
		"edges": [
			{"source": source, "target": target, "qty": round(qty, 6)}
			for (source, target), qty in sorted(edges.items())
		],
		"columns": [first, last],
	}


def _lot_node(info: LotInfo, at: int, is_root: bool) -> dict:
	return {
		"id": info.name,
		"kind": LOT,
		"column": at,
		"label": info.name,
		"item": info.item,
		"item_name": info.item_name,
		"status": info.status,
		"expiry": info.expiry,
		"on_hand": info.on_hand,
		"uom": info.uom,
		"supplier_lot_no": info.supplier_lot_no,
		"root": is_root,
	}
