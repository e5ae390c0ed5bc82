"""Customer returns of held lots: received into quarantine, and counted in their recalls' containment."""

import frappe
from frappe import _

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.queries import warehouses as warehouse_queries

# The field of a return row that names the row it returns, per selling doctype.
RETURNED_ROW_FIELDS = {"Delivery Note": "dn_detail", "Sales Invoice": "sales_invoice_item"}


def returned_lots(doc) -> dict[str, list[str]]:
	"""Row name → lots each row of a return brings back: its bundle, its lot, else the lots of the
	row it returns."""
	bundles = voucher_queries.get_bundle_batches(
		[row.serial_and_batch_bundle for row in doc.items if row.get("serial_and_batch_bundle")]
	)
	field = RETURNED_ROW_FIELDS.get(doc.doctype)
	original = voucher_queries.get_row_lots(
		doc.doctype, [row.get(field) for row in doc.items if field and row.get(field)]
	)
	found = {}
	for row in doc.items:
		lots = bundles.get(row.get("serial_and_batch_bundle")) or (
			[row.batch_no] if row.get("batch_no") else []
		)
		found[row.name] = [
			lot for lot in (lots or original.get(row.get(field) if field else None, [])) if lot
		]
	return found


def quarantine_returns(doc) -> None:
	"""Send the rows of a customer return that bring back a held lot into a quarantine warehouse."""
	if not doc.get("is_return") or not get_settings().hold_returns_in_quarantine:
		return
	if doc.doctype == "Sales Invoice" and not doc.get("update_stock"):
		return
	lots_of_row = returned_lots(doc)
	details = lot_queries.get_lots({lot for lots in lots_of_row.values() for lot in lots})
	warehouse = None
	for row in doc.items:
		held = [
			details[lot]
			for lot in lots_of_row.get(row.name, [])
			if lot in details
			and details[lot].lot_status
			and get_lot_status(details[lot].lot_status).is_hold
			and not get_lot_status(details[lot].lot_status).is_terminal
		]
		if not held or warehouse_queries.is_quarantine_warehouse(row.warehouse):
			continue
		warehouse = warehouse or return_warehouse(doc, held[0])
		frappe.msgprint(
			_(
				"Row {0}: lot {1} of item {2} is {3}, so its return is received into quarantine warehouse {4}."
			).format(
				row.idx,
				frappe.bold(held[0].name),
				row.item_code,
				frappe.bold(_(held[0].lot_status)),
				frappe.bold(warehouse),
			),
			indicator="orange",
			alert=True,
		)
		row.warehouse = warehouse


def return_warehouse(doc, lot) -> str:
	settings = get_settings()
	configured = settings.returns_quarantine_warehouse
	if configured and frappe.db.get_value("Warehouse", configured, "company") == doc.company:
		return configured
	found = warehouse_queries.get_quarantine_warehouse(doc.company)
	if found:
		return found
	frappe.throw(
		_(
			"Lot {0} of item {1} is {2}: its return on {3} {4} must be received into a quarantine warehouse, and company {5} has none. Tick Is Quarantine Warehouse on one of its warehouses."
		).format(
			frappe.bold(lot.name),
			lot.item,
			frappe.bold(_(lot.lot_status)),
			_(doc.doctype),
			doc.name,
			doc.company,
		),
		title=_("No Quarantine Warehouse"),
	)


def update_recalls(doc) -> None:
	"""A submitted or cancelled return of recalled lots changes their recalls' containment."""
	if not doc.get("is_return"):
		return
	from lot_traceability.recall_containment import update_recalls_of_lots

	lots = {lot for lots in returned_lots(doc).values() for lot in lots}
	lots |= {
		row.batch_no
		for row in voucher_queries.get_voucher_lot_moves(doc.doctype, [doc.name])
		if row.get("batch_no")
	}
	update_recalls_of_lots(lots)
