"""Counting on the Lot Count page: a count's sheet as its counter may read it (blind unless allowed
the book), lots identified from a scan, counts and recounts recorded with their variances, and a
count completed into the draft Stock Reconciliation of its confirmed variances."""

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from lot_traceability import access
from lot_traceability.cycle_counts import COUNTABLE, CountError
from lot_traceability.messages import bold
from lot_traceability.queries import counting as q
from lot_traceability.traceability import counting as core


def readable_count(name: str, ptype: str = "read"):
	"""The Lot Count, refused (naming it) to a user who may not `ptype` it or read its company."""
	if not frappe.db.exists("Lot Count", name):
		frappe.throw(_("Lot Count {0} does not exist.").format(bold(name)), frappe.DoesNotExistError)
	count = frappe.get_doc("Lot Count", name)
	access.check_company_access(count.company)
	if not frappe.has_permission("Lot Count", ptype, count):
		frappe.throw(
			_("You may not {0} Lot Count {1}.").format(_(ptype), bold(name)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	return count


def sees_book(count) -> bool:
	"""Whether this user may see book quantities on the count: not in a blind count while it is
	being counted, and only with the right to read the book fields (level 1)."""
	if count.blind_count and count.status in COUNTABLE:
		return False
	return 1 in count.get_permlevel_access("read")


def count_sheet(name: str) -> dict:
	"""The count as the counter sees it: each row's lot, item, location and state, what is left to
	count and to recount; book quantities only when the count is not blind and the user may read them."""
	count = readable_count(name)
	book = sees_book(count)
	user = frappe.session.user
	rows = []
	for row in count.rows:
		entry = {
			"idx": row.idx,
			"batch": row.batch,
			"item": row.item,
			"warehouse": row.warehouse,
			"expected": row.expected,
			"state": row.state,
			"reasons": row.reasons,
			"counted": bool(row.counted_at),
			"counted_by_me": row.counted_by == user,
		}
		if row.state != core.RowState.RECOUNT.value:
			entry["counted_qty"] = row.counted_qty if row.counted_at else None
			entry["recount_qty"] = row.recount_qty if row.recounted_at else None
		if book:
			entry["book_qty"] = row.book_qty
		rows.append(entry)
	return {
		"name": count.name,
		"plan": count.plan,
		"company": count.company,
		"warehouse": count.warehouse,
		"count_date": count.count_date,
		"status": count.status,
		"blind": bool(count.blind_count),
		"shows_book": book,
		"stock_reconciliation": count.stock_reconciliation,
		"rows": rows,
	}


def open_counts() -> list[dict]:
	"""Counts still to count, of the companies the user may read, newest first."""
	walled = access.wall()
	counts = frappe.get_list(
		"Lot Count",
		filters={"status": ("in", COUNTABLE)},
		fields=["name", "plan", "company", "warehouse", "count_date", "status", "counter"],
		order_by="count_date desc, name desc",
		limit_page_length=50,
	)
	return [c for c in counts if walled.reads_company(c.company)]


def identify(text: str) -> dict:
	"""The lot a scanned label or typed id names (the warehouse page's reading of labels)."""
	from lot_traceability.scanning import candidates_for

	names = candidates_for((text or "").strip())
	if len(names) != 1:
		frappe.throw(
			_("{0} names no single lot: scan the lot's label or type its id.").format(bold(text)),
			CountError,
		)
	return {"batch": names[0], "item": frappe.db.get_value("Batch", names[0], "item")}


def record_count(name: str, batch: str, warehouse: str, qty) -> dict:
	"""A count (or the recount) of a lot at a location. A lot found that is not on the list is added
	as a row of its own. The count of the day is locked while the row is decided."""
	count = readable_count(name, "write")
	qty = flt(qty)
	if qty < 0:
		frappe.throw(_("A counted quantity may not be negative ({0}).").format(bold(qty)), CountError)
	locked(count)
	if count.status not in COUNTABLE:
		frappe.throw(
			_("Lot Count {0} is {1}: nothing more is counted on it.").format(
				bold(name), bold(_(count.status))
			),
			CountError,
		)
	access.check_warehouse_access(warehouse)
	if not frappe.db.exists("Batch", batch):
		frappe.throw(_("Lot {0} does not exist.").format(bold(batch)), frappe.DoesNotExistError)
	access.check_lot_access(batch)
	check_location(count, warehouse)
	row = next((r for r in count.rows if r.batch == batch and r.warehouse == warehouse), None)
	if row is None:
		row = count.append(
			"rows",
			{
				"batch": batch,
				"item": frappe.db.get_value("Batch", batch, "item"),
				"warehouse": warehouse,
				"expected": 0,
				"reasons": _("found during the count"),
			},
		)
	tolerance = core.Tolerance(flt(count.tolerance_percent), flt(count.tolerance_qty))
	user, stamp = frappe.session.user, now_datetime()
	state = core.RowState(row.state or "Pending")
	if state is core.RowState.PENDING:
		book, value = q.get_book(batch, warehouse)
		row.update(
			{
				"book_qty": book,
				"valuation_rate": value / book if book else rate_of(row.item, warehouse, batch),
				"not_in_ledger": 0 if book > 0 else 1,
				"counted_qty": qty,
				"counted_by": user,
				"counted_at": stamp,
			}
		)
		state = core.after_count(book, qty, tolerance)
	else:
		try:
			core.check_recount(state, row.counted_by, user)
		except core.RecountRefused as refused:
			refuse_recount(refused.code, count, row)
		row.update({"recount_qty": qty, "recounted_by": user, "recounted_at": stamp})
		state = core.after_recount(flt(row.book_qty), qty, tolerance)
	row.state = state.value
	final = core.final_qty(row.counted_qty, row.recount_qty if row.recounted_at else None)
	row.variance_qty = final - flt(row.book_qty)
	row.variance_value = row.variance_qty * flt(row.valuation_rate)
	count.flags.ignore_permissions = True  # write was checked; rows' fields are the app's
	count.save()
	note = None
	if count.status == "Completed" and has_variances(count) and not count.stock_reconciliation:
		if frappe.has_permission("Stock Reconciliation", "create"):
			note = try_reconciliation(count)
		else:
			note = _(
				"Lot Count {0} is complete with confirmed variances: a Stock Manager drafts their Stock Reconciliation from it."
			).format(bold(count.name))
	return {
		"note": note,
		"state": row.state,
		"expected": row.expected,
		"status": count.status,
		"stock_reconciliation": count.stock_reconciliation,
		"message": state_message(row),
	}


def locked(count) -> None:
	"""Lock the count and its rows and bring the document to what was last committed."""
	parent, rows = q.lock_count(count.name)
	count.update({key: value for key, value in parent.items() if key not in ("name", "doctype")})
	count.set("rows", [{key: value for key, value in row.items() if key != "doctype"} for row in rows])


def check_location(count, warehouse: str) -> None:
	if warehouse not in q.get_leaf_warehouses(count.company, count.warehouse):
		frappe.throw(
			_("Location {0} is not one of the locations Lot Count {1} covers ({2}).").format(
				bold(warehouse), bold(count.name), bold(count.warehouse or count.company)
			),
			CountError,
		)


def refuse_recount(code: str, count, row) -> None:
	if code == "same_counter":
		frappe.throw(
			_(
				"Lot {0} at {1} on Lot Count {2} (row {3}) must be recounted by another person than {4}, who counted it first."
			).format(bold(row.batch), bold(row.warehouse), bold(count.name), row.idx, bold(row.counted_by)),
			CountError,
			title=_("Recount by Another Person"),
		)
	frappe.throw(
		_("Lot {0} at {1} on Lot Count {2} (row {3}) is {4}: it is not waiting for a recount.").format(
			bold(row.batch), bold(row.warehouse), bold(count.name), row.idx, bold(_(row.state))
		),
		CountError,
	)


def state_message(row) -> str:
	if row.state == core.RowState.MATCHED.value:
		return _("Lot {0} at {1}: counted, it agrees with the book.").format(
			bold(row.batch), bold(row.warehouse)
		)
	if row.state == core.RowState.RECOUNT.value:
		return _("Lot {0} at {1}: the count differs from the book; another person counts it again.").format(
			bold(row.batch), bold(row.warehouse)
		)
	return _("Lot {0} at {1}: the recount confirms a variance; a Stock Manager books it.").format(
		bold(row.batch), bold(row.warehouse)
	)


def rate_of(item: str, warehouse: str, batch: str | None = None) -> float:
	"""The unit value of stock the book does not hold at a location: the lot's own elsewhere, else the
	item's at the location (Bin), else the item's valuation rate."""
	return (
		(q.get_lot_unit_value(batch) if batch else 0.0)
		or flt(frappe.db.get_value("Bin", {"item_code": item, "warehouse": warehouse}, "valuation_rate"))
		or flt(frappe.db.get_value("Item", item, "valuation_rate"))
	)


def has_variances(count) -> bool:
	return any(row.state == core.RowState.VARIANCE.value for row in count.rows)


def complete(name: str) -> dict:
	"""Close a count (rows not counted stay Pending, outside the accuracy) and draft the
	reconciliation of its confirmed variances (a Stock Manager: ERPNext asks the maker of a
	reconciliation for the right to write one)."""
	count = readable_count(name, "write")
	if not frappe.has_permission("Lot Count", "create", count):
		frappe.throw(
			_("Only a Stock Manager closes Lot Count {0}.").format(bold(name)), frappe.PermissionError
		)
	locked(count)
	waiting = [row for row in count.rows if row.state == core.RowState.RECOUNT.value]
	if waiting:
		frappe.throw(
			_("Lot Count {0} waits for the recount of lot {1} at {2} (row {3}).").format(
				bold(name), bold(waiting[0].batch), bold(waiting[0].warehouse), waiting[0].idx
			),
			CountError,
		)
	count.flags.closing = True
	count.flags.ignore_permissions = True
	count.save()
	note = None
	if has_variances(count) and not count.stock_reconciliation:
		note = try_reconciliation(count)
	return {"status": count.status, "stock_reconciliation": count.stock_reconciliation, "note": note}


def try_reconciliation(count) -> str | None:
	"""Draft the reconciliation; where ERPNext or the app refuses it (a held lot that may only be
	written off, a missing account), the count stays recorded and the refusal is told instead."""
	frappe.db.savepoint("lot_count_reconciliation")
	try:
		make_reconciliation(count)
	except (frappe.ValidationError, frappe.PermissionError) as error:
		frappe.db.rollback(save_point="lot_count_reconciliation")
		frappe.clear_last_message()
		return _("The draft Stock Reconciliation of Lot Count {0} could not be made: {1}").format(
			bold(count.name), str(error)
		)
	return None


def make_reconciliation(count) -> str:
	"""A draft Stock Reconciliation of the count's confirmed variances, lot by lot (batch rows),
	setting today's book moved by each variance; the count and the reason are on it. A Stock
	Manager checks and submits it: ERPNext's permissions govern that."""
	variances = [row for row in count.rows if row.state == core.RowState.VARIANCE.value]
	reason = _("Cycle count {0} of {1}: variance confirmed by a recount on {2}.").format(
		count.name,
		count.warehouse or count.company,
		", ".join(f"{row.batch} @ {row.warehouse}" for row in variances),
	)
	recon = frappe.new_doc("Stock Reconciliation")
	recon.update(
		{
			"company": count.company,
			"purpose": "Stock Reconciliation",
			"lot_count": count.name,
			"lot_count_reason": reason,
		}
	)
	for row in variances:
		book_now, value_now = q.get_book(row.batch, row.warehouse)
		qty = core.reconciled_qty(flt(row.book_qty), flt(row.recount_qty), book_now)
		recon.append(
			"items",
			{
				"item_code": row.item,
				"warehouse": row.warehouse,
				"batch_no": row.batch,
				"use_serial_batch_fields": 1,
				"qty": qty,
				"valuation_rate": (value_now / book_now if book_now else flt(row.valuation_rate))
				or rate_of(row.item, row.warehouse, row.batch),
			},
		)
	recon.insert(ignore_permissions=True)  # a draft the app owes; submitting it is ERPNext's to allow
	recon.add_comment("Comment", reason)
	frappe.db.set_value(
		"Lot Count",
		count.name,
		{"stock_reconciliation": recon.name, "reconciliation_reason": reason},
		update_modified=False,
	)
	count.stock_reconciliation, count.reconciliation_reason = recon.name, reason
	return recon.name
