"""A recall's war room (on the Lot Recall form): where the affected stock is now, by company and
warehouse, and in transit; what was shipped, recovered and is still with each customer; the sales
value shipped; the tasks open and done; containment day by day since the recall date. The figures are
those of Recall Impact for the recall's source lots, computed now; the form redraws them when a
return, a write-off or a task of the recall changes them (Frappe realtime, `notify`)."""

from collections import Counter

import frappe
from frappe.utils import flt, getdate

from lot_traceability import access
from lot_traceability.queries import recall as recall_queries
from lot_traceability.queries import recall_audit as audit_queries
from lot_traceability.traceability import recall as recall_core
from lot_traceability.traceability import recall_audit

EVENT = "lot_recall_war_room"


def figures(name: str) -> dict:
	from lot_traceability.recall.rows import scope_roots
	from lot_traceability.recall.scope import compute_scope, within_walls

	recall = frappe.get_doc("Lot Recall", name)
	walled = access.check_recall_access(recall)
	roots, supplier_lot_no = scope_roots(recall)
	scope = within_walls(compute_scope(roots, supplier_lot_no, recall.recall_date, with_demand=False), walled)
	summary = scope.summary
	sites: dict[tuple, dict] = {}
	for row in scope.stock:
		site = sites.setdefault(
			(row.company or "", row.warehouse),
			{
				"company": row.company,
				"warehouse": row.warehouse,
				"in_transit": row.in_transit,
				"qty": 0.0,
				"value": 0.0,
			},
		)
		site["qty"] += flt(row.qty)
		site["value"] += flt(row.value)
	contained_by_customer = recall_core.containment_by_customer(scope.shipments)
	customers = [
		{
			"customer": row.customer,
			"shipped": row.shipped_qty,
			"returned": row.returned_qty,
			"recovered": row.recovered_qty,
			"outstanding": contained_by_customer[row.customer].outstanding_qty,
			"sales_value": row.sales_value,
		}
		for row in sorted(scope.customers, key=lambda row: -row.net_qty)
	]
	contained = recall_core.containment(scope.shipments, 0.0, summary.on_hand_qty)
	lots = {lot.lot for lot in scope.lots}
	ledger = [
		recall_audit.LedgerRow(
			row.batch_no, row.voucher_type, flt(row.qty), getdate(row.posting_date), row.purpose
		)
		for row in audit_queries.get_ledger_rows(lots)
		if walled.reads_company(row.company)
	]
	tasks = Counter(
		task.status
		for task in audit_queries.get_tasks(
			[("Lot Recall", recall.name), ("Lot Status Change", recall.status_change)]
		)
	)
	return {
		"recall": recall.name,
		"hidden": scope.hidden,
		"hidden_note": scope.hidden_note,
		"lots": summary.lots,
		"on_hand": summary.on_hand_qty,
		"stock_value": summary.stock_value,
		"in_transit": summary.in_transit_qty,
		"shipped": summary.shipped_qty,
		"returned": summary.returned_qty,
		"recovered": contained.recovered_qty,
		"outstanding": contained.outstanding_qty,
		"revenue": summary.shipped_value,
		"customers": customers,
		"sites": sorted(sites.values(), key=lambda site: (-site["qty"], site["warehouse"])),
		"tasks": {
			"open": tasks.get("Open", 0),
			"closed": tasks.get("Closed", 0),
			"cancelled": tasks.get("Cancelled", 0),
		},
		"containment": [
			{**vars(day), "day": day.day.isoformat()}
			for day in recall_audit.containment_over_time(ledger, getdate(recall.recall_date))
		],
		"statements": customer_statements(recall.name, {row["customer"] for row in customers}),
	}


def customer_statements(recall: str, customers) -> list[dict]:
	"""What the customers (of those the user may read) stated on the recall notice, per lot: their
	own word from the customer portal, beside the ledger's shipped and recovered."""
	from lot_traceability.queries import portal as portal_queries

	return [
		{
			"customer": row.customer,
			"lot": row.batch,
			"received": row.received_qty,
			"held": row.held_qty,
			"destroyed": row.destroyed_qty,
			"returning": row.returning_qty,
			"remarks": row.remarks,
			"stated_by": row.stated_by,
			"stated_on": str(row.stated_on) if row.stated_on else None,
		}
		for row in portal_queries.get_statements(recall, sorted(customers))
	]


def notify(lots=(), recalls=()) -> None:
	"""Tell the forms of these recalls, and of the submitted recalls whose scope holds any of these
	lots, to redraw their war room (once the transaction commits)."""
	names = set(recalls) | set(recall_queries.get_submitted_recalls_of_lots(lots) if lots else ())
	for name in sorted(names):
		frappe.publish_realtime(
			EVENT, {"recall": name}, doctype="Lot Recall", docname=name, after_commit=True
		)


def notify_for_voucher(doc) -> None:
	"""A submitted document moved lots (a write-off of recalled stock): their recalls' war rooms redraw."""
	from lot_traceability.queries.vouchers import get_voucher_lot_moves

	moves = get_voucher_lot_moves(doc.doctype, [doc.name])
	notify(lots={row.batch_no for row in moves if row.get("batch_no")})


def notify_for_task(todo, method=None) -> None:
	"""A task given on a recall (or on its status change) changed: its recall's war room redraws."""
	if todo.reference_type == "Lot Recall" and todo.reference_name:
		notify(recalls=[todo.reference_name])
	elif todo.reference_type == "Lot Status Change" and todo.reference_name:
		notify(recalls=recall_queries.get_recalls_of_status_change(todo.reference_name))
