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

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import format_date, format_datetime, getdate, nowdate

from lot_traceability import restrictions
from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.messages import Refusal as RefusalBase
from lot_traceability.messages import bold, document_label, esc, movement_label
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import quarantine as quarantine_queries
from lot_traceability.queries import restrictions as restriction_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.queries import warehouses as warehouse_queries
from lot_traceability.traceability import quarantine as quarantine_core
from lot_traceability.traceability.movements import OUTWARD, Lot, Refusal, check_movement, classify
from lot_traceability.traceability.statuses import Movement

MAX_LISTED = 20


class LotNotAllowedError(RefusalBase, frappe.ValidationError):
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
	refusals, records = decide(batches, movement, posting_date, into_quarantine, for_update=True)
	source = bundle.warehouse if bundle.type_of_transaction == OUTWARD else None
	held = quarantine_holds(records, refusals, movement, source, into_quarantine, for_update=True)
	row = None
	if refusals or held:
		row = row_number(bundle.voucher_type, bundle.voucher_detail_no)
		throw_refusals(
			[(row, refusal) for refusal in refusals],
			bundle.voucher_type,
			bundle.voucher_no,
			posting_date,
			[(row, hold) for hold in held],
		)
	quantities: dict[str, float] = {}
	for entry in bundle.entries:
		if entry.batch_no:
			quantities[entry.batch_no] = quantities.get(entry.batch_no, 0.0) + abs(entry.qty or 0)
	if not needs_use_check(records, movement, bundle.voucher_type):
		return
	use = restrictions.context_of_voucher(bundle.voucher_type, bundle.voucher_no)
	source, target = restriction_queries.get_row_warehouses(bundle.voucher_type, bundle.voucher_detail_no)
	scope_refusals, scopes = restrictions.check_restricted(
		records,
		movement,
		quantities,
		use,
		posting_date,
		warehouse=source or bundle.warehouse,
		target_warehouse=target,
		for_update=True,
	)
	formula = (
		restrictions.check_formula(
			records, use, restrictions.voucher_cache(bundle.voucher_type, bundle.voucher_no)
		)
		if movement is Movement.ISSUE
		else []
	)
	if scope_refusals or formula:
		row = row or row_number(bundle.voucher_type, bundle.voucher_detail_no)
		throw_use_refusals(
			[(row, refusal) for refusal in scope_refusals],
			[(row, *found) for found in formula],
			use,
			movement,
			bundle.voucher_type,
			bundle.voucher_no,
		)
	restrictions.record_uses(scopes, movement, quantities, bundle.voucher_type, bundle.voucher_no)


def needs_use_check(records: dict, movement, voucher_type: str) -> bool:
	"""Whether a movement's use must be checked: a restricted lot moves, or a lot is issued by a
	production entry (the formula check). Everything else is decided by status and expiry alone."""
	if movement is None or not records:
		return False
	if movement is Movement.ISSUE and voucher_type in ("Stock Entry", "Subcontracting Receipt"):
		return True
	default_status = get_settings().default_receipt_status
	return any(
		get_lot_status(record.lot_status or default_status).is_restricted for record in records.values()
	)


def check_lots(batches, movement, posting_date, into_quarantine=False, for_update=False) -> list[Refusal]:
	"""Why each of these lots may not make the movement (none: all may). `for_update` reads the lots
	as last committed, locking their rows until the transaction ends (the decision at submit)."""
	return decide(batches, movement, posting_date, into_quarantine, for_update)[0]


def decide(batches, movement, posting_date, into_quarantine=False, for_update=False):
	"""`check_lots`, and the lots as it read them (what later decisions in the same transaction
	must use: after a locking read, a plain one may still answer from an older snapshot)."""
	if not batches or movement is None:
		return [], {}
	settings = get_settings()
	refusals = []
	records = lot_queries.get_lots(batches, for_update=for_update)
	for record in records.values():
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
	return refusals, records


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
	found, held_found, scope_found, formula_found = [], [], [], []
	use = None
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
		refusals, records = decide(batches, movement, posting_date, into_quarantine, for_update)
		if refusals and not for_update:
			# the snapshot may be older than a release another user committed: refuse only what the
			# lots say as last committed
			refused = [refusal.lot.batch_no for refusal in refusals]
			refusals = check_lots(refused, movement, posting_date, into_quarantine, for_update=True)
		found += [(row.idx, refusal) for refusal in refusals]
		source = (row.get("s_warehouse") or row.get("warehouse")) if direction == OUTWARD else None
		held = quarantine_holds(records, refusals, movement, source, into_quarantine, for_update)
		if not for_update and any(hold.reason == quarantine_core.NOT_RELEASED for hold in held):
			# released meanwhile? read as last committed
			fresh = lot_queries.get_lots(list(records), for_update=True)
			held = quarantine_holds(fresh, refusals, movement, source, into_quarantine, for_update=True)
		held_found += [(row.idx, hold) for hold in held]
		if refusals or held:
			continue
		if not needs_use_check(records, movement, doc.doctype):
			continue
		use = use or restrictions.context_of_doc(doc)
		qty = abs(row.get("transfer_qty") or row.get("stock_qty") or row.get("qty") or 0)
		quantities = {batch: qty / len(batches) for batch in batches}
		if row.get("serial_and_batch_bundle"):
			quantities = voucher_queries.get_bundle_quantities(row.serial_and_batch_bundle) or quantities
		scope_refusals, _scopes = restrictions.check_restricted(
			records,
			movement,
			quantities,
			use,
			posting_date,
			warehouse=row.get("s_warehouse") or row.get("warehouse"),
			target_warehouse=target,
			for_update=for_update,
		)
		scope_found += [(row.idx, refusal) for refusal in scope_refusals]
		if movement is Movement.ISSUE:
			formula_found += [(row.idx, *problem) for problem in restrictions.check_formula(records, use)]
	throw_refusals(found, doc.doctype, doc.name, posting_date, held_found)
	if scope_found or formula_found:
		throw_use_refusals(scope_found, formula_found, use, movement, doc.doctype, doc.name)


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
			bold(lot.batch_no),
			bold(lot.item_code),
			_(lot.status.name),
			format_date(lot.expiry_date),
			movement_label(refusal.movement),
			format_date(posting_date),
			where,
		)
	return _("Lot {0} of item {1} is {2} and may not {3} — {4}.").format(
		bold(lot.batch_no),
		bold(lot.item_code),
		bold(_(lot.status.name)),
		movement_label(refusal.movement),
		where,
	)


def throw_refusals(found, voucher_type, voucher_no, posting_date, held=()) -> None:
	"""Refuse the lots refused by status or expiry (`found`) and those held in quarantine (`held`)."""
	if not found and not held:
		return
	messages = [
		refusal_message(refusal, voucher_type, voucher_no, posting_date, row) for row, refusal in found
	]
	messages += [hold_message(hold, voucher_type, voucher_no, row) for row, hold in held]
	throw_not_allowed(messages)


@dataclass(frozen=True)
class QuarantineHold:
	"""Why a lot's stock may not leave a quarantine warehouse (`traceability.quarantine`)."""

	batch: str
	item: str
	status: str
	warehouse: str
	movement: Movement
	reason: str
	arrived: object = None  # when the stock last came into the warehouse (a release must be later)


def quarantine_holds(records, refusals, movement, source, into_quarantine, for_update=False) -> list:
	"""The lots (read as `records`) whose stock may not leave quarantine warehouse `source` by the
	movement; lots refused by their status already are not named twice. A transfer out is judged on
	when the stock last arrived there and when the lot's status last changed, read locked with
	`for_update` (the lots' rows are held by then: a release committed before is seen)."""
	if not records or not warehouse_queries.is_quarantine_warehouse(source):
		return []
	reason = quarantine_core.check_exit(movement, into_quarantine, released=False)
	if reason is None:
		return []
	refused = {refusal.lot.batch_no for refusal in refusals}
	lots = [record for name, record in sorted(records.items()) if name not in refused]
	arrivals, changes = {}, {}
	if reason == quarantine_core.NOT_RELEASED and lots:
		names = [record.name for record in lots]
		arrivals = quarantine_queries.get_arrivals(names, source, for_update)
		changes = quarantine_queries.get_last_changes(names, for_update)
	default_status = get_settings().default_receipt_status
	return [
		QuarantineHold(
			record.name,
			record.item,
			record.lot_status or default_status,
			source,
			movement,
			reason,
			arrivals.get(record.name),
		)
		for record in lots
		if reason == quarantine_core.HELD
		or not quarantine_core.is_released(arrivals.get(record.name), changes.get(record.name))
	]


def check_reservation(doc) -> None:
	"""Refuse a Stock Reservation Entry of a batch item in a quarantine warehouse: a reservation is an
	allocation, and nothing there is allocated, whatever its lots' status (so nothing to read under a
	lock). The refusal names the lots reserved (else the item), the warehouse and the order's row."""
	if not enforcement_enabled() or not doc.get("has_batch_no"):
		return
	if not warehouse_queries.is_quarantine_warehouse(doc.warehouse):
		return
	records = lot_queries.get_lots([row.batch_no for row in doc.get("sb_entries") or [] if row.batch_no])
	row = frappe.db.get_value(f"{doc.voucher_type} Item", doc.voucher_detail_no, "idx")
	holds = quarantine_holds(records, [], Movement.ALLOCATION, doc.warehouse, into_quarantine=False)
	messages = [hold_message(hold, doc.voucher_type, doc.voucher_no, row) for hold in holds]
	throw_not_allowed(
		messages
		or [
			_(
				"Item {0} may not be reserved in quarantine warehouse {1}: what is held there is not allocated until released — {2}."
			).format(
				bold(doc.item_code),
				bold(doc.warehouse),
				_row_label(doc.voucher_type, doc.voucher_no, row),
			)
		]
	)


def hold_message(hold: QuarantineHold, voucher_type: str, voucher_no: str, row=None) -> str:
	where = _row_label(voucher_type, voucher_no, row)
	if hold.reason == quarantine_core.NOT_RELEASED:
		return _(
			"Lot {0} of item {1} ({2}) came into quarantine warehouse {3} {4} and has not been released since: it may leave quarantine for a normal warehouse only after a Lot Status Change records its release — {5}."
		).format(
			bold(hold.batch),
			bold(hold.item),
			_(hold.status),
			bold(hold.warehouse),
			_("on {0}").format(format_datetime(hold.arrived))
			if hold.arrived
			else _("at a time not recorded"),
			where,
		)
	return _(
		"Lot {0} of item {1} ({2}) is held in quarantine warehouse {3} and may not {4} from there — {5}. Only a write-off, a return to the supplier, a move to another quarantine warehouse or a release takes it out."
	).format(
		bold(hold.batch),
		bold(hold.item),
		_(hold.status),
		bold(hold.warehouse),
		movement_label(hold.movement),
		where,
	)


def throw_use_refusals(scope_found, formula_found, use, movement, voucher_type, voucher_no) -> None:
	"""Refuse movements a restricted lot's release scope, or the formula of what is made, does not
	permit: each message names the lot, its scope (or the BOM), the document and the row."""
	where_of = lambda row: _row_label(voucher_type, voucher_no, row)  # noqa: E731
	messages = [
		_("Lot {0} of item {1} is {2}, released {3}: it may not {4} {5} — {6}.").format(
			bold(refusal.batch),
			bold(refusal.item),
			bold(_(refusal.status)),
			esc(refusal.summary),
			movement_label(movement),
			restrictions.refusal_reason(refusal),
			where_of(row),
		)
		for row, refusal in scope_found
	]
	messages += [
		_(
			"Lot {0} of item {1} may not be issued to make {2}: its formula, BOM {3}, does not list {1}{4} — {5}."
		).format(
			bold(batch),
			bold(item),
			bold(", ".join(sorted(use.items_made)) or _("this production")),
			bold(problem.params["bom"]),
			_(" (work order {0})").format(use.work_order) if use and use.work_order else "",
			where_of(row),
		)
		for row, batch, item, problem in formula_found
	]
	throw_not_allowed(messages)


def throw_not_allowed(messages: list[str]) -> None:
	if len(messages) > MAX_LISTED:
		messages = [*messages[:MAX_LISTED], _("… and {0} more").format(len(messages) - MAX_LISTED)]
	frappe.throw(
		messages if len(messages) > 1 else messages[0],
		LotNotAllowedError,
		title=_("Lot Not Allowed"),
		as_list=len(messages) > 1,
	)


def _row_label(voucher_type, voucher_no, row) -> str:
	where = document_label(voucher_type, voucher_no, saved=(voucher_type, voucher_no) not in unsaved())
	return _("{0}, row {1}").format(where, row) if row else where


def row_number(voucher_type: str, voucher_detail_no: str | None):
	"""The row's number in its document; for a row of another table than the main one (a
	Subcontracting Receipt's supplied items), with that table's name."""
	if not voucher_detail_no:
		return None
	main = _child_doctype(voucher_type)
	idx = main and frappe.db.get_value(main, voucher_detail_no, "idx")
	if idx:
		return idx
	for table in frappe.get_meta(voucher_type).get_table_fields():
		if table.options == main:
			continue
		idx = frappe.db.get_value(table.options, voucher_detail_no, "idx")
		if idx:
			return _("{0} of {1}").format(idx, _(table.label))
	return None


def _child_doctype(voucher_type: str) -> str | None:
	table_field = {"Pick List": "locations", "Stock Entry": "items"}.get(voucher_type, "items")
	field = frappe.get_meta(voucher_type).get_field(table_field)
	return field.options if field else None
