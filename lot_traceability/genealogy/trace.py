"""Forward and backward traces of lots, for the Lot Trace report and the trace API."""

from collections import defaultdict
from dataclasses import replace
from datetime import date

import frappe
from frappe import _
from frappe.utils import getdate

from lot_traceability import access
from lot_traceability.messages import Refused, bold, esc
from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries import genealogy as genealogy_queries
from lot_traceability.queries import items as item_queries
from lot_traceability.queries import ledger as ledger_queries
from lot_traceability.queries import lot_ledger as lot_ledger_queries
from lot_traceability.queries import lots as lot_queries
from lot_traceability.traceability.genealogy import (
	BACKWARD,
	FORWARD,
	MAX_DEPTH,
	Edge,
	closure,
	gather_backward,
	spread_forward,
	tree,
)
from lot_traceability.traceability.movements import INTERNAL_TRANSFER

DIRECTIONS = {"Backward": (BACKWARD,), "Forward": (FORWARD,), "Both": (BACKWARD, FORWARD)}
DEFAULT_DEPTH = 25


def roots_of(batch: str | None = None, supplier_lot_no: str | None = None) -> list[str]:
	"""The lots to trace: the lot named (checked to exist with the trace's other reads), or every lot
	of the supplier lot no."""
	if batch:
		return [batch]
	if supplier_lot_no:
		lots = lot_queries.get_lots_of_supplier_lot(supplier_lot_no)
		if not lots:
			frappe.throw(
				_("No lot carries supplier lot no {0}.").format(bold(supplier_lot_no)),
				frappe.DoesNotExistError,
			)
		return lots
	frappe.throw(_("Choose a lot or a supplier lot no to trace."), exc=Refused)


def checked_depth(value, default: int = DEFAULT_DEPTH) -> int:
	"""The levels a person asked a trace, recall scope or graph to walk: a whole number from 1 to
	`MAX_DEPTH` (empty: `default`); anything else is refused."""
	if value is None or value == "":
		return default
	try:
		depth = int(str(value).strip())
	except ValueError:
		depth = None
	if depth is None:
		frappe.throw(_("Depth {0} is not a whole number of levels.").format(bold(str(value))), exc=Refused)
	if depth > MAX_DEPTH:
		frappe.throw(
			_(
				"Depth {0} is over the limit of {1} levels: trace at most {1} levels, then trace again from "
				"the deepest lots it reached."
			).format(depth, MAX_DEPTH),
			exc=Refused,
		)
	if depth < 1:
		frappe.throw(
			_("Depth {0} is under 1 level: a trace walks at least one level.").format(depth), exc=Refused
		)
	return depth


def walks(roots: list[str], directions, max_depth: int = DEFAULT_DEPTH) -> dict:
	"""The closures of `roots` in these directions: every reachable edge in one recursive read, then
	the walk level by level in memory (depth limit and cycle protection live in the pure core)."""
	max_depth = checked_depth(max_depth)
	leaving = {direction: defaultdict(dict) for direction in directions}
	for direction, parent, child, qty, voucher, _level in genealogy_queries.get_reachable_edges(
		roots, directions, max_depth
	):
		leaving[direction][parent if direction == FORWARD else child][Edge(parent, child, qty, voucher)] = (
			None
		)

	def walked(direction):
		def edges_of(lots):
			return [edge for lot in lots for edge in leaving[direction].get(lot, ())]

		return closure(roots, edges_of, direction, max_depth)

	return {direction: walked(direction) for direction in directions}


def walk(roots: list[str], direction: str, max_depth: int = DEFAULT_DEPTH):
	return walks(roots, (direction,), max_depth)[direction]


def trace_lot(
	batch: str | None = None,
	supplier_lot_no: str | None = None,
	direction: str = "Both",
	max_depth: int = DEFAULT_DEPTH,
) -> dict:
	"""The trace of a lot (or of every lot of a supplier lot no) as plain data."""
	if direction not in DIRECTIONS:
		frappe.throw(
			_("Direction must be Backward, Forward or Both, not {0}.").format(esc(direction)), exc=Refused
		)
	asked = roots_of(batch, supplier_lot_no)
	walled = access.wall()
	# a lot that does not exist is said so (below, from its details), not refused as unreadable
	missing = batch and walled.companies is not None and not frappe.db.exists("Batch", batch)
	roots = asked if missing else readable_roots(asked, walled)
	traces = walks(roots, DIRECTIONS[direction], max_depth)
	all_lots = {lot for trace in traces.values() for lot in trace.lots}
	details = lot_queries.get_lot_details(all_lots)
	if batch and batch not in details:
		frappe.throw(_("Lot {0} does not exist.").format(bold(batch)), frappe.DoesNotExistError)
	# the end documents' movements and the making ones, not every movement of every lot reached
	movements = lot_ledger_queries.get_lot_movements(
		all_lots, WALLED_FIELDS, lot_ledger_queries.ENDS_AND_MAKINGS
	)
	made = made_quantities(movements)  # what each lot made, every company's: the traced shares
	shown = walled.readable_lots(all_lots)
	movements, hidden_moves = within_reach(movements, walled)
	balances = on_hand(all_lots, walled)
	# documents' dates as read (ISO text): made dates only for the nodes shown, not every movement
	posted_on = {voucher_no: posted for _lot, _type, voucher_no, posted, *_rest in movements}
	units = item_queries.get_item_names_and_units({d.item for d in details.values() if d.item})
	result = {"roots": roots, "directions": {}}
	hidden_lots, hidden_documents = set(asked) - set(roots), 0  # a supplier lot no's lots of others
	for way, trace in traces.items():
		content = {}
		for root in roots:
			spread = spread_forward if way == FORWARD else gather_backward
			for lot, qty in spread(root, made.get(root, 0.0), trace.edges, made).items():
				content[lot] = content.get(lot, 0.0) + qty
		result["directions"][way] = {
			"nodes": [
				node_row(node, content, details.get(node.lot) or {}, units, posted_on, balances)
				for node in within_walls(tree(trace), shown)
			],
			"documents": end_documents(movements, set(trace.lots) & shown, way),
			"truncated": trace.truncated,
			"lots": len(set(trace.lots) & shown),
		}
		hidden_lots |= set(trace.lots) - shown
		hidden_documents += len(
			{(row.voucher_type, row.voucher_no) for row in end_documents(hidden_moves, set(trace.lots), way)}
		)
	result["hidden"] = access.hidden_counts(lots=len(hidden_lots), documents=hidden_documents)
	result["hidden_note"] = access.hidden_note(result["hidden"])
	return result


def node_row(node, content: dict, detail: dict, units: dict, posted_on: dict, balances: dict) -> dict:
	"""A node of the trace as the answer gives it: the lot, where it sits in the tree, the document
	that linked it (and its date), its traced quantity, item, status, expiry and stock on hand."""
	return {
		"lot": node.lot,
		"parent": node.parent,
		"depth": node.depth,
		"link_qty": node.link_qty,
		"voucher": node.voucher,
		"qty": content.get(node.lot, 0.0),
		"posting_date": as_date(posted_on.get(node.voucher)) if node.voucher else None,
		"item": detail.get("item"),
		"item_name": detail.get("item_name"),
		"uom": units.get(detail.get("item"), (None, None))[1],
		"supplier_lot_no": detail.get("supplier_lot_no"),
		"lot_status": detail.get("lot_status"),
		"expiry_date": detail.get("expiry_date"),
		"on_hand": balances.get(node.lot, 0.0),
	}


# the kept movements a trace reads, with where they were made: the company walls need it. The
# warehouse, not the company too: the warehouse names its company (a stock document's warehouses
# are its company's), and the lot ledger's covering index holds the warehouse, not the company —
# reading the company looked up every movement's row.
WALLED_FIELDS = (*lot_ledger_queries.TRACE_FIELDS, "warehouse")


def within_reach(movements, walled) -> tuple[list, list]:
	"""(the movements in warehouses and companies the user may read, the others), `WALLED_FIELDS`
	order: each warehouse's company read once."""
	if walled.open:
		return movements, []
	walled.know_warehouses({move[-1] for move in movements})
	shown, hidden = [], []
	for move in movements:
		(shown if walled.reads_warehouse(move[-1]) else hidden).append(move)
	return shown, hidden


def on_hand(lots, walled) -> dict[str, float]:
	"""Each lot's stock on hand in the warehouses the user may read, from the kept balances."""
	rows = balance_queries.get_lots_on_hand(lots)
	walled.know_warehouses({warehouse for _lot, warehouse, _qty in rows})
	balances: dict[str, float] = {}
	for lot, warehouse, qty in rows:
		if walled.reads_warehouse(warehouse):
			balances[lot] = balances.get(lot, 0.0) + float(qty)
	return balances


def readable_roots(roots: list[str], walled) -> list[str]:
	"""The lots to trace the user may read: a lot named must be; of a supplier lot no's lots, those
	of the user's companies (none: the first refused)."""
	if walled.companies is None:
		return roots
	if len(roots) == 1:
		access.check_lot_access(roots[0], walled)
		return roots
	readable = walled.readable_lots(roots)
	if not readable:
		access.check_lot_access(roots[0], walled)
	return [lot for lot in roots if lot in readable]


def within_walls(nodes, shown: set[str]):
	"""The tree's nodes of the lots the user may read, each under its nearest shown ancestor."""
	parents = {node.lot: node.parent for node in nodes}
	for node in nodes:
		if node.lot not in shown:
			continue
		parent = node.parent
		while parent is not None and parent not in shown:
			parent = parents.get(parent)
		if parent != node.parent:
			node = replace(node, parent=parent)
		yield node


def made_quantities(movements) -> dict[str, float]:
	"""Made quantity of each lot (received or produced, not transfers or returns), from the kept lot
	ledger's movements (`TRACE_FIELDS` order)."""
	made: dict[str, float] = {}
	for lot, voucher_type, _voucher_no, _date, qty, purpose, *_rest in movements:
		if makes_lot(voucher_type, purpose, qty):
			made[lot] = made.get(lot, 0.0) + qty
	return made


def makes_lot(voucher_type: str, purpose: str | None, qty: float) -> bool:
	"""An inward movement that adds to a lot's made quantity: a receipt, or a Stock Entry that
	receives or produces (not a transfer, not a receipt from one of our own companies, and not a
	customer return)."""
	return qty > 0 and (
		(voucher_type in ledger_queries.RECEIVING_DOCTYPES and purpose != INTERNAL_TRANSFER)
		or (voucher_type == "Stock Entry" and purpose in ledger_queries.MAKING_PURPOSES)
	)


def end_documents(movements, lots: set[str], way: str) -> list[frappe._dict]:
	"""Deliveries (forward) or receipts (backward) of the lots, netted per lot and document, with the
	document's customer or supplier, from the kept lot ledger's movements (`TRACE_FIELDS` order).

	Transfers between our own sites and companies are not deliveries or receipts: the lot goes on.
	A forward trace lists them (`transfer` set, the party our other company, the quantity sent, or
	received where the document only received); a backward one leaves them out."""
	doctypes = set(ledger_queries.SELLING_DOCTYPES if way == FORWARD else ledger_queries.RECEIVING_DOCTYPES)
	transfer_doctypes = set(ledger_queries.SELLING_DOCTYPES) | set(ledger_queries.RECEIVING_DOCTYPES)
	# (lot, document, doctype) -> [date, net quantity, party, transfer, sent]: plain lists while
	# netting (thousands of movements on a wide trace), a row of the answer per entry after
	netted: dict[tuple, list] = {}
	for lot, voucher_type, voucher_no, posting_date, qty, purpose, party, *_rest in movements:
		if lot not in lots:
			continue
		transfer = purpose == INTERNAL_TRANSFER
		if transfer and (way != FORWARD or voucher_type not in transfer_doctypes):
			continue
		if not transfer and voucher_type not in doctypes:
			continue
		row = netted.get((lot, voucher_no, voucher_type))
		if row is None:
			row = netted[(lot, voucher_no, voucher_type)] = [posting_date, 0.0, party, transfer, 0.0]
		row[1] += qty
		if qty < 0:
			row[4] += qty
	return [
		frappe._dict(
			batch_no=lot,
			voucher_type=voucher_type,
			voucher_no=voucher_no,
			posting_date=as_date(posting_date),
			qty=sent if transfer and sent else qty,  # both legs in our warehouses: what it sent
			party=party,
			transfer=transfer,
		)
		for (lot, voucher_no, voucher_type), (posting_date, qty, party, transfer, sent) in netted.items()
	]


def as_date(value) -> date | None:
	"""A date from the lot ledger's rows (ISO strings) or from the database (dates)."""
	if value is None or isinstance(value, date):
		return value
	return date.fromisoformat(value) if isinstance(value, str) else getdate(value)
