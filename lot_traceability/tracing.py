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
	for way in DIRECTIONS[direction]:
		trace = walk(roots, way, max_depth)
		lots = trace.lots
		made = queries.get_lot_made_qty(lots)
		content = {}
		for root in roots:
			spread = spread_forward if way == FORWARD else gather_backward
			for lot, qty in spread(root, made.get(root, 0.0), trace.edges, made).items():
				content[lot] = content.get(lot, 0.0) + qty
		ends = (
			queries.get_lot_documents(lots, queries.SELLING_DOCTYPES, "customer")
			if way == FORWARD
			else queries.get_lot_documents(lots, queries.RECEIVING_DOCTYPES, "supplier")
		)
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
			"documents": ends,
			"truncated": trace.truncated,
			"lots": len(lots),
		}
	details = queries.get_lot_details({n["lot"] for d in result["directions"].values() for n in d["nodes"]})
	balances = queries.get_lot_balances(list(details))
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
