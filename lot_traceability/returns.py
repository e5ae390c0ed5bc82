"""Customer returns: a return of a governed lot names the shipment it came from and gets a disposition
(rules: `traceability.dispositions`) — restocked, quarantined, returned to its supplier (a draft
return made at submit) or disposed of (written off at submit); returns of held lots of ungoverned
items are received into quarantine; every return counts in its lots' recalls' containment."""

import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability.config import get_lot_rules, get_lot_status, get_settings
from lot_traceability.disposals import LotQuantity, draft_supplier_returns, write_off_lots
from lot_traceability.messages import Refusal, Refused, bold, esc
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import returns as return_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.queries import warehouses as warehouse_queries
from lot_traceability.traceability import dispositions as core

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


def is_stock_return(doc) -> bool:
	return bool(doc.get("is_return")) and (doc.doctype != "Sales Invoice" or bool(doc.get("update_stock")))


def quarantine_returns(doc) -> None:
	"""Before a customer return is validated: rows of governed lots are checked against their original
	shipment and get their disposition; rows bringing back a held lot of an ungoverned item go into a
	quarantine warehouse (Settings allowing)."""
	if not is_stock_return(doc):
		return
	lots_of_row = returned_lots(doc)
	details = lot_queries.get_lots({lot for lots in lots_of_row.values() for lot in lots})
	governed = governed_rows(doc, lots_of_row, details)
	if governed:
		apply_dispositions(doc, governed, details)
	if not get_settings().hold_returns_in_quarantine:
		return
	warehouse = None
	for row in doc.items:
		if row.name in governed:
			continue
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
				bold(held[0].name),
				esc(row.item_code),
				bold(_(held[0].lot_status)),
				bold(warehouse),
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
			bold(lot.name),
			esc(lot.item),
			bold(_(lot.lot_status)),
			_(doc.doctype),
			esc(doc.name),
			esc(doc.company),
		),
		title=_("No Quarantine Warehouse"),
		exc=Refused,
	)


def update_recalls(doc) -> None:
	"""A submitted or cancelled return of recalled lots changes their recalls' containment."""
	if not doc.get("is_return"):
		return
	from lot_traceability.recall.containment import update_recalls_of_lots
	from lot_traceability.recall.war_room import notify as notify_war_rooms

	lots = {lot for lots in returned_lots(doc).values() for lot in lots}
	lots |= {
		row.batch_no
		for row in voucher_queries.get_voucher_lot_moves(doc.doctype, [doc.name])
		if row.get("batch_no")
	}
	update_recalls_of_lots(lots)
	notify_war_rooms(lots=lots)


# Dispositions of governed lots


def governed_rows(doc, lots_of_row, details) -> dict[str, list[str]]:
	"""Row name → its lots, for the rows whose item some Lot Rule governs."""
	items = {row.item_code for row in doc.items if lots_of_row.get(row.name)}
	rules = get_lot_rules((item, doc.company) for item in items)
	return {
		row.name: [lot for lot in lots_of_row[row.name] if lot in details]
		for row in doc.items
		if lots_of_row.get(row.name) and rules.get((row.item_code, doc.company))
	}


def apply_dispositions(doc, governed, details) -> None:
	original = doc.get("return_against")
	shipped = return_queries.get_shipped_lots(doc.doctype, original) if original else set()
	receipts = return_queries.get_supplier_receipts({lot for lots in governed.values() for lot in lots})
	refusals, warehouse = [], None
	for row in doc.items:
		lots = governed.get(row.name)
		if not lots:
			continue
		statuses = {
			lot: get_lot_status(details[lot].lot_status or get_settings().default_receipt_status)
			for lot in lots
		}
		if row.get("lot_return_disposition"):
			disposition = core.Disposition(row.lot_return_disposition)
		else:
			disposition = (
				core.Disposition.RESTOCK
				if all(core.may_restock(status) for status in statuses.values())
				else core.Disposition.QUARANTINE
			)
			row.lot_return_disposition = disposition.value
		if disposition in core.INTO_QUARANTINE and not warehouse_queries.is_quarantine_warehouse(
			row.warehouse
		):
			warehouse = warehouse or return_warehouse(doc, details[lots[0]])
			frappe.msgprint(
				_("Row {0}: the return of lot {1} ({2}) is received into quarantine warehouse {3}.").format(
					row.idx, bold(lots[0]), _(disposition.value), bold(warehouse)
				),
				indicator="orange",
				alert=True,
			)
			row.warehouse = warehouse
		for lot in lots:
			for problem in core.check_return_row(
				lot,
				statuses[lot],
				disposition,
				original,
				shipped,
				lot in receipts,
				warehouse_queries.is_quarantine_warehouse(row.warehouse),
			):
				refusals.append(refusal(doc, row, lot, problem, shipped))
	if refusals:
		frappe.throw(
			refusals if len(refusals) > 1 else refusals[0],
			ReturnNotAllowedError,
			title=_("Return Refused"),
			as_list=len(refusals) > 1,
		)


class ReturnNotAllowedError(Refusal, frappe.ValidationError):
	pass


def refusal(doc, row, lot, problem, shipped) -> str:
	p = problem.params
	where = _("{0} {1}, row {2}").format(_(doc.doctype), doc.name, row.idx)
	if problem.code == "return_without_shipment":
		return _(
			"{0}: lot {1} of item {2} is returned by {3} without the shipment it came from. Set Return Against to the {4} that shipped it."
		).format(where, bold(lot), row.item_code, bold(doc.customer), _(doc.doctype))
	if problem.code == "lot_not_in_shipment":
		return _("{0}: lot {1} was never shipped to {2} by {3} {4} (it shipped {5}).").format(
			where,
			bold(lot),
			bold(doc.customer),
			_(doc.doctype),
			p["shipment"],
			", ".join(sorted(shipped)) or _("no lot"),
		)
	if problem.code == "restock_not_allowed":
		return _(
			"{0}: lot {1} is {2}, so its return cannot be restocked. Choose Quarantine, Return to Supplier or Dispose."
		).format(where, bold(lot), bold(_(p["status"])))
	if problem.code == "restock_into_quarantine":
		return _(
			"{0}: lot {1} is to be restocked, but {2} is a quarantine warehouse. Restock it into the warehouse it shipped from, or choose Quarantine."
		).format(where, bold(lot), bold(row.warehouse))
	return _(
		"{0}: lot {1} was not received from a supplier, so it cannot be returned to one. Choose Quarantine or Dispose."
	).format(where, bold(lot))


def carry_out_dispositions(doc) -> None:
	"""After a customer return is submitted: a draft return to the supplier for each receipt of the
	lots to return to it, a write-off of the lots to dispose of, and a note in each lot's timeline."""
	if not is_stock_return(doc):
		return
	moved = return_queries.get_returned_quantities(doc.doctype, doc.name)
	rows = {row.name: row for row in doc.items if row.get("lot_return_disposition")}
	to_supplier, to_dispose = [], []
	for entry in moved:
		row = rows.get(entry.voucher_detail_no)
		if not row:
			continue
		disposition = core.Disposition(row.lot_return_disposition)
		if disposition is core.Disposition.RETURN_TO_SUPPLIER:
			to_supplier.append((row, entry))
		elif disposition is core.Disposition.DISPOSE:
			to_dispose.append((row, entry))
	made = {}
	if to_supplier:
		made.update(
			draft_supplier_returns(
				[lot_quantity(row, entry) for row, entry in to_supplier],
				doc,
				_("Goods returned by customer {0} on {1} {2}, to go back to the supplier.").format(
					doc.customer, _(doc.doctype), doc.name
				),
			)
		)
	if to_dispose:
		made.update(
			write_off_lots(
				[lot_quantity(row, entry) for row, entry in to_dispose],
				doc,
				_("Disposal of the goods returned by customer {0} on {1} {2}.").format(
					doc.customer, _(doc.doctype), doc.name
				),
				posted=(doc.posting_date, doc.posting_time),
			)
		)
	for row_name, (doctype, name) in made.items():
		frappe.db.set_value(
			rows[row_name].doctype,
			row_name,
			{"lot_disposition_doctype": doctype, "lot_disposition_document": name},
			update_modified=False,
		)
	for entry in moved:
		row = rows.get(entry.voucher_detail_no)
		if row:
			link = made.get(row.name)
			frappe.get_doc("Batch", entry.batch_no).add_comment(
				"Info",
				_("Returned by {0}: {1} on {2} {3} into {4} — {5}{6}.").format(
					doc.customer,
					flt(abs(entry.qty)),
					_(doc.doctype),
					doc.name,
					entry.warehouse,
					_(row.lot_return_disposition),
					f" ({_(link[0])} {link[1]})" if link else "",
				),
			)


def lot_quantity(row, entry) -> LotQuantity:
	return LotQuantity(row.name, row.item_code, entry.batch_no, abs(flt(entry.qty)), entry.warehouse)


def undo_dispositions(doc) -> None:
	"""Before a customer return is cancelled: its write-off is cancelled, its draft supplier returns
	deleted; a supplier return already submitted must be cancelled first."""
	if not is_stock_return(doc):
		return
	for doctype, name, docstatus in return_queries.get_disposition_documents(doc.doctype, doc.name):
		if doctype == "Stock Entry" and docstatus == 1:
			write_off_entry = frappe.get_doc(doctype, name)
			write_off_entry.flags.ignore_permissions = True
			write_off_entry.cancel()
		elif doctype != "Stock Entry" and docstatus == 0:
			frappe.delete_doc(doctype, name, ignore_permissions=True)
		elif doctype != "Stock Entry" and docstatus == 1:
			frappe.throw(
				_("{0} {1} has sent the goods of this return back to the supplier: cancel it first.").format(
					_(doctype), bold(name)
				),
				ReturnNotAllowedError,
			)


def allow_cancelling_a_write_off(doc) -> None:
	"""On cancel of a write-off made for a customer return: the return's row links it, which must not
	stop the cancel (ERPNext sets its own list of links to ignore in its on_cancel, before this)."""
	if doc.get("lot_disposition_of"):
		ignored = doc.get("ignore_linked_doctypes") or ()
		doc.ignore_linked_doctypes = (
			*([ignored] if isinstance(ignored, str) else ignored),
			*return_queries.RETURN_ROW_DOCTYPES,
		)
