"""Lot Deviations (rules: `traceability.deviations`): the lots an event put at risk — named, or read
from the lot ledger for a warehouse and time window — held in one governed change on submit, with
tasks for the people Settings name, and closed once every held lot has a disposition carried out as
a governed change or a document."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, format_datetime, get_datetime, now_datetime

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.disposals import LotQuantity, draft_supplier_returns, write_off_lots
from lot_traceability.hold_tasks import assign_to_task_roles, named
from lot_traceability.messages import Refusal, bold, esc
from lot_traceability.queries import deviations as q
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import returns as return_queries
from lot_traceability.queries import sign_off as sign_off_queries
from lot_traceability.status_changes import change_lot_status
from lot_traceability.traceability import deviations as core
from lot_traceability.traceability.problems import Problem

SELLING_DOCTYPES = ("Delivery Note", "Sales Invoice", "POS Invoice")
AWAITING_RELEASE = "Awaiting Release"  # closed, but a release it made awaits its signed approval


class DeviationError(Refusal, frappe.ValidationError):
	pass


def describe_event(doc) -> str:
	"""The event in a few words: what, where and when."""
	what = _(doc.deviation_type)
	if doc.scope_type == "Warehouse and Time Window":
		return _("{0} at {1}, {2} – {3}").format(
			what, doc.warehouse, format_datetime(doc.window_from), format_datetime(doc.window_to)
		)
	if doc.scope_type == "Workstation and Time Window":
		return _("{0} on {1}, {2} – {3}").format(
			what,
			", ".join(row.workstation for row in doc.workstations),
			format_datetime(doc.window_from),
			format_datetime(doc.window_to),
		)
	return what


# Scope


def fill_lots(doc) -> None:
	"""The deviation's lots, with where each is now: for a window, every lot the ledger shows in the
	warehouse during it (those gone since say where they went); named lots as listed."""
	if doc.scope_type == "Warehouse and Time Window":
		fill_window_lots(doc)
	elif doc.scope_type == "Workstation and Time Window":
		fill_workstation_lots(doc)
	else:
		fill_named_lots(doc)


def fill_window_lots(doc) -> None:
	start, end = get_datetime(doc.window_from), get_datetime(doc.window_to)
	if end < start:
		frappe.throw(
			_("The window ends ({0}) before it begins ({1}).").format(
				format_datetime(end), format_datetime(start)
			),
			DeviationError,
		)
	company = frappe.get_cached_value("Warehouse", doc.warehouse, "company")
	if company != doc.company:
		frappe.throw(
			_("Warehouse {0} belongs to {1}, not to {2}.").format(
				bold(doc.warehouse), esc(company), esc(doc.company)
			),
			DeviationError,
		)
	raw = q.get_moves_since(doc.warehouse, start.date())
	moves = [
		core.WindowMove(
			row.batch_no,
			get_datetime(f"{row.posting_date} {row.posting_time or '00:00:00'}"),
			flt(row.qty),
			row.voucher_type,
			row.voucher_no,
			row.voucher_detail_no or "",
		)
		for row in raw
	]
	found = core.window_lots(q.get_warehouse_balances(doc.warehouse), moves, start, end)
	parties = {(row.voucher_no, row.voucher_detail_no or "", row.batch_no): row for row in raw}
	targets = q.get_transfer_targets(
		{
			move.voucher_detail_no
			for lot in found.values()
			for move in lot.left
			if move.voucher_type == "Stock Entry"
		}
	)
	kept = {row.batch: row for row in doc.lots}
	doc.lots = []
	stock = q.get_company_stock(found, doc.company)
	details = lot_queries.get_lots(found)
	for lot in sorted(found):
		in_window = found[lot]
		previous = kept.get(lot)
		doc.append(
			"lots",
			{
				"batch": lot,
				"item": details[lot].item if lot in details else None,
				"qty": previous.qty if previous else None,
				"state": "Moved On" if in_window.moved_on else "In Stock",
				"on_hand_qty": sum(qty for _warehouse, qty in stock.get(lot, ())),
				"moved_to": "\n".join(
					destination(move, parties.get((move.voucher_no, move.voucher_detail_no, lot)), targets)
					for move in in_window.left
				)
				or None,
				"status_before": details[lot].lot_status if lot in details else None,
			},
		)


def destination(move, row, targets) -> str:
	"""Where a movement out of the warehouse took the goods, in words."""
	qty = flt(-move.qty)
	if move.voucher_type in SELLING_DOCTYPES and row and row.party:
		return _("{0} {1} to {2} ({3})").format(_(move.voucher_type), move.voucher_no, row.party, qty)
	if move.voucher_type == "Stock Entry" and targets.get(move.voucher_detail_no):
		return _("{0} {1} to {2} ({3})").format(
			_(move.voucher_type), move.voucher_no, targets[move.voucher_detail_no], qty
		)
	if row and row.purpose:
		return _("{0} {1}: {2} ({3})").format(_(move.voucher_type), move.voucher_no, _(row.purpose), qty)
	if row and row.party:
		return _("{0} {1} to {2} ({3})").format(_(move.voucher_type), move.voucher_no, row.party, qty)
	return _("{0} {1} ({2})").format(_(move.voucher_type), move.voucher_no, qty)


def fill_workstation_lots(doc) -> None:
	"""Every lot of the company made or consumed on the workstations during [from, to), read from
	the lots' production runs (`production_runs.window_runs`), then filled as named lots."""
	from lot_traceability.production_runs import window_runs

	window = window_runs(
		[row.workstation for row in doc.workstations], doc.window_from, doc.window_to, company=doc.company
	)
	kept = {row.batch: row.qty for row in doc.lots}
	doc.lots = []
	for lot in window.lots:
		doc.append("lots", {"batch": lot, "qty": kept.get(lot)})
	fill_named_lots(doc)


def fill_named_lots(doc) -> None:
	seen = set()
	for row in doc.lots:
		if row.batch in seen:
			frappe.throw(
				_("Row {0}: lot {1} is listed twice.").format(row.idx, bold(row.batch)), DeviationError
			)
		seen.add(row.batch)
	stock = q.get_company_stock(seen, doc.company)
	details = lot_queries.get_lots(seen)
	for row in doc.lots:
		if row.batch not in details:
			frappe.throw(
				_("Row {0}: lot {1} does not exist.").format(row.idx, bold(row.batch)), DeviationError
			)
		row.item = details[row.batch].item
		row.on_hand_qty = sum(qty for _warehouse, qty in stock.get(row.batch, ()))
		row.state = "In Stock" if row.on_hand_qty > 0 else "Not in Stock"
		row.status_before = details[row.batch].lot_status


# Submit


def hold(doc) -> None:
	"""Before submit: the lots of the scope still in stock, neither held nor ended, are held in one
	change citing the deviation."""
	fill_lots(doc)
	if not doc.lots:
		frappe.throw(_("{0} concerns no lot: nothing to hold.").format(bold(doc.name)), DeviationError)
	hold_status = get_settings().deviation_hold_status
	if not hold_status:
		frappe.throw(
			_("Set Status of Lots Held by a Deviation in Lot Traceability Settings first."), DeviationError
		)
	default = get_settings().default_receipt_status
	moving = [
		row
		for row in doc.lots
		if core.to_hold(get_lot_status(row.status_before or default), hold_status, flt(row.on_hand_qty) > 0)
	]
	doc.hold_status = hold_status
	doc.status = "Open"
	if not moving:
		return
	change = change_lot_status(
		[row.batch for row in moving],
		hold_status,
		reason=_("{0}: {1} ({2})").format(describe_event(doc), doc.title, doc.name),
		reference_doctype=doc.doctype,
		reference_name=doc.name,
		source="Deviation",
		by_system=True,
	)
	doc.status_change = change.name
	for row in moving:
		row.held = 1


def after_submit(doc) -> None:
	"""On submit: tasks for the people Settings name, an ERPNext Non Conformance where a procedure is
	given, and a note in every lot's timeline."""
	held = [row.batch for row in doc.lots if row.held]
	assign_to_task_roles(
		doc.doctype,
		doc.name,
		_("{0}: {1}. {2} held as {3}; decide what becomes of each lot and close {4}.").format(
			describe_event(doc), doc.title, named(held) or _("No lot"), _(doc.hold_status), doc.name
		),
	)
	if doc.quality_procedure:
		nc = frappe.get_doc(
			{
				"doctype": "Non Conformance",
				"subject": f"{doc.name}: {doc.title}"[:140],
				"procedure": doc.quality_procedure,
				"status": "Open",
				"details": (doc.description or "")
				+ "<p>"
				+ _("Lots: {0}").format(", ".join(row.batch for row in doc.lots))
				+ "</p>",
			}
		)
		nc.flags.ignore_permissions = True
		nc.insert()
		doc.db_set("non_conformance", nc.name)
	for row in doc.lots:
		if row.held:
			what = _("held as {0}").format(_(doc.hold_status))
		elif row.state == "Moved On":
			what = _("moved on: {0}").format((row.moved_to or "").replace("\n", "; "))
		else:
			what = _("left {0}").format(_(row.status_before or ""))
		frappe.get_doc("Batch", row.batch).add_comment(
			"Info",
			_("In deviation {0} ({1}): {2}.").format(doc.name, describe_event(doc), what),
		)


# Close


def close(doc) -> None:
	"""Carry out each lot's disposition — a governed change per disposition (release, restriction,
	rejection) or a document (a write-off, a draft return to the supplier) — and close the deviation."""
	if doc.docstatus != 1 or doc.status != "Open":  # Awaiting Release: closes on the approval
		frappe.throw(
			_("{0} is {1}: only an open deviation can be closed.").format(esc(doc.name), _(doc.status)),
			DeviationError,
		)
	lots = [row.batch for row in doc.lots]
	receipts = return_queries.get_supplier_receipts(
		[row.batch for row in doc.lots if row.disposition == core.Disposition.RETURN_TO_SUPPLIER.value]
	)
	stock = q.get_company_stock(lots, doc.company)
	rows = [
		{
			"lot": row.batch,
			"held": row.held,
			"disposition": row.disposition,
			"from_supplier": row.batch in receipts,
			"restrict_to": (row.restrict_to_type, row.restrict_to) if row.restrict_to else None,
		}
		for row in doc.lots
	]
	problems = core.check_close(rows)
	problems += [
		Problem("no_stock", "disposition", {"lot": row.batch, "disposition": row.disposition})
		for row in doc.lots
		if row.disposition in (core.Disposition.DISPOSE.value, core.Disposition.RETURN_TO_SUPPLIER.value)
		and not stock.get(row.batch)
		and not row.disposition_document
	]
	if problems:
		frappe.throw(
			[close_problem(doc, p) for p in problems],
			DeviationError,
			title=_("{0} cannot close").format(esc(doc.name)),
			as_list=True,
		)
	# closed again after a release was rejected: what was carried out already is not done twice
	done = {row.batch for row in doc.lots if row.disposition_document}
	made = {}
	for (disposition, restriction), group in core.group_dispositions(
		[row for row in rows if row["lot"] not in done]
	).items():
		made.update(carry_out(doc, disposition, restriction, group, stock))
	for row in doc.lots:
		if row.batch in made:
			row.disposition_doctype, row.disposition_document = made[row.batch]
	doc.closed_by = frappe.session.user
	waiting = sign_off_queries.get_unsubmitted_changes(disposition_changes(doc))
	if waiting:  # a release awaits its signed approval: the lots are still held, the tasks stay
		doc.status = AWAITING_RELEASE
		save_closing(doc)
		doc.add_comment(
			"Info",
			_("{0} closes once {1} is approved: its lots stay held and its tasks open until then.").format(
				esc(doc.name), ", ".join(esc(name) for name in sorted(waiting))
			),
		)
		return
	finish_closing(doc)


def disposition_changes(doc) -> set[str]:
	"""The Lot Status Changes that carry out the deviation's dispositions."""
	return {row.disposition_document for row in doc.lots if row.disposition_doctype == "Lot Status Change"}


def save_closing(doc) -> None:
	doc.flags.closing = True
	try:
		doc.save()
	finally:
		doc.flags.closing = False


def finish_closing(doc) -> None:
	"""Every disposition carried out: the deviation closes, its Non Conformance is resolved and its
	tasks are done."""
	doc.status = "Closed"
	doc.closed_on = now_datetime()
	save_closing(doc)
	if doc.non_conformance:
		frappe.db.set_value(
			"Non Conformance",
			doc.non_conformance,
			{"status": "Resolved", "corrective_action": dispositions_summary(doc)},
		)
	from frappe.desk.form.assign_to import close_all_assignments

	close_all_assignments(doc.doctype, doc.name, ignore_permissions=True)


def close_released(change) -> None:
	"""A change approved (submitted): the deviations awaiting it close once none of their
	dispositions awaits approval any more."""
	for name in sign_off_queries.get_deviations_disposed_by(change.name, AWAITING_RELEASE):
		doc = frappe.get_doc("Lot Deviation", name)
		waiting = sign_off_queries.get_unsubmitted_changes(disposition_changes(doc) - {change.name})
		if waiting:
			continue
		doc.flags.ignore_permissions = True  # the approver closes what the deviation's owner decided
		finish_closing(doc)


def reopen_rejected(change) -> None:
	"""A change rejected: the deviations awaiting it are open again, its lots without a disposition
	carried out, to be decided anew."""
	for name in sign_off_queries.get_deviations_disposed_by(change.name, AWAITING_RELEASE):
		doc = frappe.get_doc("Lot Deviation", name)
		for row in doc.lots:
			if row.disposition_doctype == "Lot Status Change" and row.disposition_document == change.name:
				row.disposition_doctype = row.disposition_document = None
		doc.status = "Open"
		doc.closed_by = None
		doc.flags.ignore_permissions = True
		save_closing(doc)
		doc.add_comment(
			"Info",
			_("{0} was rejected: {1} is open again; choose the disposition of its lots anew.").format(
				esc(change.name), esc(doc.name)
			),
		)


def carry_out(doc, disposition, restriction, lots, stock) -> dict[str, tuple[str, str]]:
	settings = get_settings()
	reason = _("{0} {1} closed: {2}").format(
		_("Deviation"), doc.name, doc.closing_note or _(disposition.value)
	)
	if disposition in (core.Disposition.RELEASE, core.Disposition.REJECT, core.Disposition.RESTRICT):
		target = {
			core.Disposition.RELEASE: settings.release_status,
			core.Disposition.REJECT: settings.rejection_status,
			core.Disposition.RESTRICT: restricted_status(),
		}[disposition]
		change = change_lot_status(
			lots,
			target,
			reason=reason,
			reference_doctype=doc.doctype,
			reference_name=doc.name,
			scope=[restriction] if restriction else None,
			concession_reference=doc.name if restriction else None,
		)
		return dict.fromkeys(lots, ("Lot Status Change", change.name))
	details = lot_queries.get_lots(lots)
	items = [
		LotQuantity(lot, details[lot].item, lot, qty, warehouse)
		for lot in lots
		for warehouse, qty in stock.get(lot, ())
	]
	if disposition is core.Disposition.DISPOSE:
		return write_off_lots(
			items, doc, _("Disposal of the lots of deviation {0}: {1}").format(doc.name, doc.title)
		)
	return draft_supplier_returns(
		items, doc, _("Lots of deviation {0} ({1}) to go back to the supplier.").format(doc.name, doc.title)
	)


def restricted_status() -> str:
	for record in lot_queries.get_lot_statuses():
		if record.get("is_restricted"):
			return record.name
	frappe.throw(_("No Lot Status is marked restricted release."), DeviationError)


def close_problem(doc, problem) -> str:
	lot = bold(problem.params["lot"])
	if problem.code == "disposition_missing":
		return _("Lot {0} was held by {1}: choose its disposition.").format(lot, doc.name)
	if problem.code == "no_supplier":
		return _("Lot {0} was not received from a supplier, so it cannot be returned to one.").format(lot)
	if problem.code == "restriction_missing":
		return _("Lot {0} is to be restricted: say to what (Restrict To).").format(lot)
	return _("Lot {0} has no stock left in {1} to {2}.").format(
		lot, doc.company, _(problem.params["disposition"]).lower()
	)


def dispositions_summary(doc) -> str:
	by = defaultdict(list)
	for row in doc.lots:
		if row.disposition:
			by[row.disposition].append(row.batch)
	return "<br>".join(f"{_(disposition)}: {', '.join(lots)}" for disposition, lots in by.items())


# Complaints


def complaint_from_delivery_note(delivery_note: str, row_name: str) -> str:
	"""A draft customer-complaint deviation for a Delivery Note row: customer, lot(s) and quantity
	filled. Returns its name."""
	from lot_traceability.queries.vouchers import get_row_lots

	note = frappe.get_doc("Delivery Note", delivery_note)
	note.check_permission("read")
	row = next((row for row in note.items if row.name == row_name), None)
	if not row:
		frappe.throw(
			_("Delivery Note {0} has no row {1}.").format(esc(delivery_note), esc(row_name)), DeviationError
		)
	lots = get_row_lots("Delivery Note", [row.name]).get(row.name) or ([row.batch_no] if row.batch_no else [])
	if not lots:
		frappe.throw(
			_("Row {0} of {1} ({2}) shipped no lot.").format(row.idx, esc(delivery_note), esc(row.item_code)),
			DeviationError,
		)
	doc = frappe.get_doc(
		{
			"doctype": "Lot Deviation",
			"title": _("Complaint from {0} on {1}").format(note.customer, row.item_code),
			"deviation_type": "Customer Complaint",
			"company": note.company,
			"scope_type": "Named Lots",
			"customer": note.customer,
			"delivery_note": note.name,
			"delivery_note_item": row.name,
			"lots": [
				{"batch": lot, "qty": abs(flt(row.stock_qty)) if len(lots) == 1 else None} for lot in lots
			],
		}
	)
	doc.insert()
	return doc.name
