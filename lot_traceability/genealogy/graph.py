"""The genealogy graph of a lot, as the Lot Genealogy page draws it: the walks both ways, each lot's
item, status (with its colour), expiry and stock on hand, the receipts' suppliers and the
deliveries' customers, grouped by `traceability.graph` so that a trace of thousands of lots stays
readable. Transfers between our own sites and companies are not deliveries: the trace goes on."""

import frappe
from frappe import _

from lot_traceability import access
from lot_traceability.genealogy.trace import (
	DEFAULT_DEPTH,
	WALLED_FIELDS,
	end_documents,
	on_hand,
	walks,
	within_reach,
)
from lot_traceability.messages import bold
from lot_traceability.queries import items as item_queries
from lot_traceability.queries import lot_ledger as lot_ledger_queries
from lot_traceability.queries import lots as lot_queries
from lot_traceability.traceability import graph
from lot_traceability.traceability.genealogy import BACKWARD, FORWARD


def graph_of(lot: str, expand=(), limit: int = graph.DEFAULT_LIMIT, max_depth: int = DEFAULT_DEPTH) -> dict:
	if not lot or not frappe.db.exists("Batch", lot):
		frappe.throw(_("Lot {0} does not exist.").format(bold(lot or "")), frappe.DoesNotExistError)
	walled = access.wall()
	access.check_lot_access(lot, walled)
	traces = walks([lot], (BACKWARD, FORWARD), max_depth)
	everything = set(traces[BACKWARD].lots) | set(traces[FORWARD].lots) | {lot}
	shown = walled.readable_lots(everything) | {lot}
	links = {
		way: [
			graph.Link(edge.parent, edge.child, edge.qty)
			for edge in traces[way].edges
			if edge.parent in shown and edge.child in shown
		]
		for way in (BACKWARD, FORWARD)
	}
	details = lot_queries.get_lot_details(shown)
	# the end documents' and making movements (every one with a party among them), not every movement
	movements, hidden_moves = within_reach(
		lot_ledger_queries.get_lot_movements(shown, WALLED_FIELDS, lot_ledger_queries.ENDS_AND_MAKINGS),
		walled,
	)
	hidden_documents = {(move[1], move[2]) for move in hidden_moves if move[6]}  # with a party
	balances = on_hand(shown, walled)
	units = item_queries.get_item_names_and_units({row.item for row in details.values() if row.item})
	lots = {
		name: graph.LotInfo(
			name=name,
			item=row.item,
			item_name=row.item_name,
			status=row.lot_status,
			expiry=row.expiry_date.isoformat() if row.expiry_date else None,
			on_hand=round(balances.get(name, 0.0), 6),
			uom=units.get(row.item, (None, None))[1],
			supplier_lot_no=row.supplier_lot_no,
		)
		for name, row in details.items()
	}
	ends = {
		way: [
			graph.EndDocument(row.batch_no, row.party or _("(no party)"), row.qty, row.voucher_no)
			for row in end_documents(movements, set(traces[way].lots) | {lot}, way)
			if not row.transfer and row.qty
		]
		for way in (BACKWARD, FORWARD)
	}
	drawn = graph.build(
		[lot],
		links[BACKWARD],
		links[FORWARD],
		lots,
		receipts=[row for row in ends[BACKWARD] if row.qty > 0],
		deliveries=[row for row in ends[FORWARD] if row.qty < 0],
		limit=int(limit),
		expand=expand,
	)
	drawn["lot"] = lot
	drawn["lots"] = len(shown)
	drawn["hidden"] = access.hidden_counts(lots=len(everything - shown), documents=len(hidden_documents))
	drawn["hidden_note"] = access.hidden_note(drawn["hidden"])
	drawn["truncated"] = traces[BACKWARD].truncated or traces[FORWARD].truncated
	drawn["colours"] = dict(frappe.get_all("Lot Status", fields=["name", "colour"], as_list=True))
	return drawn
