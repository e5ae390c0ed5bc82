"""Stopping movements a lot's status or expiry does not allow, on every stock path.

Two layers, both feeding the pure core (`traceability.movements`):

- `check_bundle` runs when ERPNext submits a Serial and Batch Bundle. Every batch movement goes
  through one, including the batches ERPNext picks by itself at submit, so nothing gets past it.
  Refusing there rolls back the whole submit of the voucher. It is the decision: it reads the lots'
  status and expiry with a locking read (rows the voucher locked before posting, `locks.py`), so a
  status change committed by another user before that point is seen, and one that comes after it
  waits until the movement has committed.
- `check_voucher_rows` runs before the voucher's validate (before ERPNext's own batch checks) with
  the batches already chosen on its rows, so users see the refusal when they save, before anything
  is posted. It takes no lock (a save must not hold lots): an early answer, not the decision.
"""

import frappe
from frappe import _
from frappe.utils import format_date, getdate, nowdate

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.messages import document_label, movement_label
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.queries import warehouses as warehouse_queries
from lot_traceability.traceability.movements import Lot, Refusal, check_movement, classify
from lot_traceability.traceability.statuses import Movement

MAX_LISTED = 20


class LotNotAllowedError(frappe.ValidationError):
	pass


def enforcement_enabled() -> bool:
	return bool(get_settings().enable_enforcement)


def check_bundle(bundle) -> None:
	"""Refuse a submitted bundle that moves a lot its status or expiry does not allow."""
	if not enforcement_enabled() or not bundle.has_batch_no:
		return
	context = voucher_queries.get_voucher_context(
		bundle.voucher_type, bundle.voucher_no, bundle.type_of_transaction
	)
	movement = classify(
		bundle.voucher_type,
		bundle.type_of_transaction,
		context.get("purpose"),
		bool(context.get("is_return")),
		bool(context.get("is_lot_write_off")),
	)
	if movement is None:
		return
	into_quarantine = movement is Movement.TRANSFER and warehouse_queries.is_quarantine_warehouse(
		voucher_queries.get_target_warehouse(bundle.voucher_type, bundle.voucher_detail_no)
	)
	posting_date = getdate(bundle.posting_date or context.get("posting_date") or nowdate())
	batches = [entry.batch_no for entry in bundle.entries if entry.batch_no]
	refusals = check_lots(batches, movement, posting_date, into_quarantine, for_update=True)
	if refusals:
		row = row_number(bundle.voucher_type, bundle.voucher_detail_no)
		throw_refusals(
			[(row, refusal) for refusal in refusals], bundle.voucher_type, bundle.voucher_no, posting_date
		)


def check_lots(batches, movement, posting_date, into_quarantine=False, for_update=False) -> list[Refusal]:
	"""Why each of these lots may not make the movement (none: all may). `for_update` reads the lots
	as last committed, locking their rows until the transaction ends (the decision at submit)."""
	if not batches or movement is None:
		return []
	settings = get_settings()
	refusals = []
	for record in lot_queries.get_lots(batches, for_update=for_update).values():
		lot = Lot(
			record.name,
			record.item,
			get_lot_status(record.lot_status or settings.default_receipt_status),
			getdate(record.expiry_date) if record.expiry_date else None,
		)
		refusal = check_movement(
			lot, movement, posting_date, into_quarantine, bool(settings.allow_held_lots_into_quarantine)
		)
		if refusal:
			refusals.append(refusal)
	return refusals


def check_voucher_rows(doc, rows, for_update: bool = False) -> None:
	"""Refuse, at validate, rows whose chosen lots may not make the row's movement.

	`rows` yields (row, direction, target_warehouse) for the rows that move stock; `for_update` reads
	the lots as last committed (a Pick List's submit, its lots locked).
	"""
	if doc.is_new():
		unsaved().add((doc.doctype, doc.name))
	else:
		unsaved().discard((doc.doctype, doc.name))
	if not enforcement_enabled():
		return
	rows = list(rows)
	bundles = voucher_queries.get_bundle_batches(
		[row.serial_and_batch_bundle for row, *_ in rows if row.get("serial_and_batch_bundle")]
	)
	posting_date = getdate(doc.get("posting_date") or nowdate())
	purpose = doc.get("purpose")
	found = []
	for row, direction, target in rows:
		batches = bundles.get(row.get("serial_and_batch_bundle")) or (
			[row.batch_no] if row.get("batch_no") else []
		)
		if not batches:
			continue
		movement = classify(
			doc.doctype, direction, purpose, bool(doc.get("is_return")), bool(doc.get("is_lot_write_off"))
		)
		into_quarantine = warehouse_queries.is_quarantine_warehouse(target)
		refusals = check_lots(batches, movement, posting_date, into_quarantine, for_update)
		if refusals and not for_update:
			# the snapshot may be older than a release another user committed: refuse only what the
			# lots say as last committed
			refused = [refusal.lot.batch_no for refusal in refusals]
			refusals = check_lots(refused, movement, posting_date, into_quarantine, for_update=True)
		found += [(row.idx, refusal) for refusal in refusals]
	throw_refusals(found, doc.doctype, doc.name, posting_date)


def unsaved() -> set:
	"""(doctype, name) of the documents this request is saving for the first time: a refusal names
	them as not saved (their number is only reserved)."""
	if getattr(frappe.local, "lot_unsaved_documents", None) is None:
		frappe.local.lot_unsaved_documents = set()
	return frappe.local.lot_unsaved_documents


def refusal_message(refusal: Refusal, voucher_type: str, voucher_no: str, posting_date, row=None) -> str:
	lot = refusal.lot
	where = document_label(voucher_type, voucher_no, saved=(voucher_type, voucher_no) not in unsaved())
	if row:
		where = _("{0}, row {1}").format(where, row)
	if refusal.reason == "expired":
		return _("Lot {0} of item {1} ({2}) expired on {3} and may not {4} on {5} — {6}.").format(
			frappe.bold(lot.batch_no),
			frappe.bold(lot.item_code),
			_(lot.status.name),
			format_date(lot.expiry_date),
			movement_label(refusal.movement),
			format_date(posting_date),
			where,
		)
	return _("Lot {0} of item {1} is {2} and may not {3} — {4}.").format(
		frappe.bold(lot.batch_no),
		frappe.bold(lot.item_code),
		frappe.bold(_(lot.status.name)),
		movement_label(refusal.movement),
		where,
	)


def throw_refusals(found, voucher_type, voucher_no, posting_date) -> None:
	if not found:
		return
	messages = [
		refusal_message(refusal, voucher_type, voucher_no, posting_date, row) for row, refusal in found
	]
	if len(messages) > MAX_LISTED:
		messages = [*messages[:MAX_LISTED], _("… and {0} more").format(len(messages) - MAX_LISTED)]
	frappe.throw(
		messages if len(messages) > 1 else messages[0],
		LotNotAllowedError,
		title=_("Lot Not Allowed"),
		as_list=len(messages) > 1,
	)


def row_number(voucher_type: str, voucher_detail_no: str | None):
	if not voucher_detail_no:
		return None
	child_doctype = _child_doctype(voucher_type)
	return child_doctype and frappe.db.get_value(child_doctype, voucher_detail_no, "idx")


def _child_doctype(voucher_type: str) -> str | None:
	table_field = {"Pick List": "locations", "Stock Entry": "items"}.get(voucher_type, "items")
	field = frappe.get_meta(voucher_type).get_field(table_field)
	return field.options if field else None
