"""Forward and backward traces of lots, for the Lot Trace report and the trace API."""

import frappe
from frappe import _

from lot_traceability import queries
from lot_traceability.traceability.genealogy import (
	BACKWARD,
	FORWARD,
	Edge,
	closure,
	gather_backward,
	spread_forward,
	tree,
)

DIRECTIONS = {"Backward": (BACKWARD,), "Forward": (FORWARD,), "Both": (BACKWARD, FORWARD)}
DEFAULT_DEPTH = 25


def roots_of(batch: str | None = None, supplier_lot_no: str | None = None) -> list[str]:
	if batch:
		if not frappe.db.exists("Batch", batch):
			frappe.throw(_("Lot {0} does not exist.").format(frappe.bold(batch)), frappe.DoesNotExistError)
		return [batch]
	if supplier_lot_no:
		lots = queries.get_lots_of_supplier_lot(supplier_lot_no)
		if not lots:
			frappe.throw(
				_("No lot carries supplier lot no {0}.").format(frappe.bold(supplier_lot_no)),
				frappe.DoesNotExistError,
			)
		return lots
	frappe.throw(_("Choose a lot or a supplier lot no to trace."))


def walk(roots: list[str], direction: str, max_depth: int = DEFAULT_DEPTH):
	def edges_of(lots):
		return [
			Edge(e.parent_lot, e.child_lot, e.qty, e.voucher_no)
			for e in queries.get_edges_from(lots, direction)
		]

	return closure(roots, edges_of, direction, max_depth)


def trace_lot(
	batch: str | None = None,
	supplier_lot_no: str | None = None,
	direction: str = "Both",
	max_depth: int = DEFAULT_DEPTH,
) -> dict:
	"""The trace of a lot (or of every lot of a supplier lot no) as plain data."""
	if direction not in DIRECTIONS:
		frappe.throw(_("Direction must be Backward, Forward or Both, not {0}.").format(direction))
	roots = roots_of(batch, supplier_lot_no)
	result = {"roots": roots, "directions": {}}
	walks = {way: walk(roots, way, max_depth) for way in DIRECTIONS[direction]}
	all_lots = {lot for trace in walks.values() for lot in trace.lots}
	totals = queries.get_lot_totals(all_lots)
	made = {lot: made_qty for lot, (_balance, made_qty) in totals.items() if made_qty}
	balances = {lot: balance for lot, (balance, _made) in totals.items()}
	for way, trace in walks.items():
		content = {}
		for root in roots:
			spread = spread_forward if way == FORWARD else gather_backward
			for lot, qty in spread(root, made.get(root, 0.0), trace.edges, made).items():
				content[lot] = content.get(lot, 0.0) + qty
		result["directions"][way] = {
			"nodes": [
				{
					"lot": node.lot,
					"parent": node.parent,
					"depth": node.depth,
					"link_qty": node.link_qty,
					"voucher": node.voucher,
					"qty": content.get(node.lot, 0.0),
				}
				for node in tree(trace)
			],
			"documents": queries.get_end_documents(
				trace.lots, queries.SELLING_DOCTYPES if way == FORWARD else queries.RECEIVING_DOCTYPES
			),
			"truncated": trace.truncated,
			"lots": len(trace.lots),
		}
	details = queries.get_lot_details(all_lots)
	for way_result in result["directions"].values():
		for node in way_result["nodes"]:
			info = details.get(node["lot"], {})
			node.update(
				item=info.get("item"),
				lot_status=info.get("lot_status"),
				expiry_date=info.get("expiry_date"),
				on_hand=balances.get(node["lot"], 0.0),
			)
	return result


def summarise(movements) -> tuple[dict[str, float], dict[str, float]]:
	"""Made quantity (received or produced, not transfers or returns) and balance of each lot."""
	made: dict[str, float] = {}
	balances: dict[str, float] = {}
	for move in movements:
		balances[move.batch_no] = balances.get(move.batch_no, 0.0) + move.qty
		making = move.voucher_type in queries.RECEIVING_DOCTYPES or (
			move.voucher_type == "Stock Entry" and move.purpose in queries.MAKING_PURPOSES
		)
		if making and move.qty > 0:
			made[move.batch_no] = made.get(move.batch_no, 0.0) + move.qty
	return made, balances


def end_documents(movements, lots: set[str], way: str) -> list[frappe._dict]:
	"""Deliveries (forward) or receipts (backward) of the lots, netted per lot and document."""
	doctypes = queries.SELLING_DOCTYPES if way == FORWARD else queries.RECEIVING_DOCTYPES
	netted: dict[tuple, frappe._dict] = {}
	for move in movements:
		if move.batch_no in lots and move.voucher_type in doctypes:
			key = (move.batch_no, move.voucher_type, move.voucher_no)
			row = netted.setdefault(
				key,
				frappe._dict(
					batch_no=move.batch_no,
					voucher_type=move.voucher_type,
					voucher_no=move.voucher_no,
					posting_date=move.posting_date,
					qty=0.0,
				),
			)
			row.qty += move.qty
	rows = list(netted.values())
	parties = queries.get_parties(rows, "customer" if way == FORWARD else "supplier")
	for row in rows:
		row.party = parties.get(row.voucher_no)
	return rows
