"""Lots on stock vouchers checked against the allocation rules: which lots a movement may pick, the
lots ERPNext picked automatically picked again by the app's rules at submit, a shortage explained
lot by lot, and manual choices that break a shelf-life requirement (refused, or recorded as an
override by those allowed)."""

import frappe
from frappe import _
from frappe.utils import flt, format_date, getdate, nowdate

from lot_traceability import locks, restrictions
from lot_traceability.allocation import (
	EXPLAINED,
	HELD,
	LOTS,
	PLAIN,
	candidates,
	policy_for,
	requirement_for,
	skip_reason,
)
from lot_traceability.config import get_lot_rule, get_lot_status, get_settings
from lot_traceability.messages import Refusal, bold, document_label, esc, movement_label, quantity
from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.queries import warehouses as warehouse_queries
from lot_traceability.traceability import allocation as core
from lot_traceability.traceability.movements import Lot, may_pick
from lot_traceability.traceability.quarantine import may_pick_from
from lot_traceability.traceability.shelf_life import is_expired
from lot_traceability.traceability.statuses import Movement


def pickable(batches, movement: Movement | None, on_date, reading=PLAIN, customer=None, company=None) -> list:
	"""An automatic pick's lots (rows with batch_no, warehouse and qty, in the picker's order) without
	the lots it may not offer (`traceability.movements.may_pick`), order kept. Under HELD and LOTS the
	lots are read as last committed; under HELD each lot's quantity is also at most what it holds as
	last committed (another user may have taken it since this transaction began). A restricted lot is
	offered only where its release scope permits the pick (the customer known), and no more of it
	than is left of its cap."""
	names = {row.get("batch_no") for row in batches if row.get("batch_no")}
	if not names:
		return list(batches)
	lots = lot_queries.get_lots(names, for_update=reading in (HELD, LOTS))
	default_status = get_settings().default_receipt_status
	left = None
	if reading == HELD:
		left = locks.kept_balances({(row.batch_no, row.warehouse) for row in batches if row.get("batch_no")})
	on_date = getdate(on_date)
	limits = restrictions.pick_limits(
		[r for r in lots.values() if get_lot_status(r.lot_status or default_status).is_restricted],
		movement,
		on_date,
		customer,
		company,
		for_update=reading in (HELD, LOTS),
	)
	found = []
	for row in batches:
		record = lots.get(row.get("batch_no"))
		if not record:
			continue
		lot = Lot(
			record.name,
			record.item,
			get_lot_status(record.lot_status or default_status),
			getdate(record.expiry_date) if record.expiry_date else None,
		)
		if not may_pick(lot, movement, on_date):
			continue
		if not may_pick_from(movement, warehouse_queries.is_quarantine_warehouse(row.get("warehouse"))):
			continue
		qty = flt(row.get("qty"))
		if record.name in limits:
			qty = min(qty, limits[record.name])
			limits[record.name] -= qty
		if left is not None:
			key = (row.batch_no, row.warehouse)
			if left[key] < qty:
				left[key] = max(left[key], locks.ledger_balance(*key))
			qty = min(qty, left[key])
			left[key] -= qty
		if qty > 0:
			found.append(frappe._dict(row, qty=qty))
	return found


def repick_automatic_lots(doc) -> None:
	"""Before a selling voucher posts, its locks held: a lot that an automatic pick put on a row when
	the document was saved stays only while it can still cover the row as last committed (its status
	allows the shipment, it has not expired on the posting date, its kept balance covers every row
	that takes it, and a restricted lot's scope permits the shipment with enough left of its cap).
	Otherwise the row's lot is cleared and picked again at submit, under the locks,
	from the lots that may move: an automatic pick never fails because another user took its lot."""
	if doc.get("is_return"):
		return
	rows = [
		row
		for row in doc.get("items") or []
		if row.get("batch_no")
		and row.get("batch_no") == row.get("lot_picked_automatically")
		and not row.get("serial_and_batch_bundle")
	]
	if not rows:
		return
	wanted = {}
	for row in doc.get("items") or []:
		if row.get("batch_no") and not row.get("serial_and_batch_bundle"):
			key = (row.batch_no, row.warehouse)
			wanted[key] = wanted.get(key, 0.0) + flt(row.get("stock_qty") or row.get("qty"))
	held = locks.kept_balances([(row.batch_no, row.warehouse) for row in rows])
	lots = lot_queries.get_lots({row.batch_no for row in rows}, for_update=True)
	on_date = getdate(doc.get("posting_date") or nowdate())
	default_status = get_settings().default_receipt_status
	# a restricted lot stays only where its scope permits the shipment and its cap covers the rows
	limits = restrictions.pick_limits(
		[r for r in lots.values() if get_lot_status(r.lot_status or default_status).is_restricted],
		Movement.SHIPMENT,
		on_date,
		doc.get("customer"),
		doc.get("company"),
		for_update=True,
	)
	wanted_of_lot = {}
	for (batch, _warehouse), qty in wanted.items():
		wanted_of_lot[batch] = wanted_of_lot.get(batch, 0.0) + qty
	for row in rows:
		record = lots.get(row.batch_no)
		key = (row.batch_no, row.warehouse)
		still = bool(record) and may_pick(
			Lot(
				record.name,
				record.item,
				get_lot_status(record.lot_status or default_status),
				getdate(record.expiry_date) if record.expiry_date else None,
			),
			Movement.SHIPMENT,
			on_date,
		)
		if still and row.batch_no in limits:
			still = limits[row.batch_no] + 1e-6 >= wanted_of_lot[row.batch_no]
		if still and held[key] + 1e-6 < wanted[key]:
			still = locks.ledger_balance(*key) + 1e-6 >= wanted[key]
		if not still:
			row.batch_no = None
			row.lot_picked_automatically = None


class LotShortageError(Refusal, frappe.ValidationError):
	pass


MAX_EXPLAINED = 8


def explain_shortage(
	item_code: str,
	warehouse: str,
	qty: float,
	picked: float,
	on_date,
	movement: Movement,
	company: str | None,
	customer: str | None,
	where: str,
) -> None:
	"""An automatic pick found less than the row needs because lots there may not make the movement:
	say so, before ERPNext's generic "Serial No / Batch No are mandatory" — which lots are in the
	warehouse and why they may not, and where lots that may are. A plain shortage of the item (every
	lot there may move, there is just not enough) is left to ERPNext's own message."""
	on_date = getdate(on_date)
	uom = frappe.get_cached_value("Item", item_code, "stock_uom") or ""
	rule = get_lot_rule(item_code, company)
	request = core.Request(
		qty=flt(qty),
		on_date=on_date,
		movement=movement,
		policy=policy_for(item_code, company, rule),
		requirement=requirement_for(item_code, customer, company, rule)
		if rule and movement in (Movement.SHIPMENT, Movement.ALLOCATION)
		else core.Requirement(),
	)
	here = candidates(item_code, [warehouse], request.policy, EXPLAINED, 0)
	reasons, passed_over = [], False
	for candidate in here:
		skip = core.check_candidate(candidate, request)
		if skip:
			why = skip_reason(skip, on_date, movement)
		elif is_expired(candidate.expiry_date, on_date):
			why = _("expired on {0}").format(format_date(candidate.expiry_date))
		else:
			why = _("may be taken")
		passed_over = passed_over or why != _("may be taken")
		if len(reasons) < MAX_EXPLAINED:
			reasons.append(
				_("{0} ({1}): {2}").format(bold(candidate.lot), quantity(candidate.qty, uom), esc(why))
			)
	if not passed_over:
		return  # a plain shortage of the item: ERPNext says so in its own words
	elsewhere = {}
	for candidate in candidates(
		item_code, balance_queries.get_warehouses_with_stock(item_code), request.policy
	):
		if candidate.warehouse == warehouse or core.check_candidate(candidate, request):
			continue
		if company and frappe.get_cached_value("Warehouse", candidate.warehouse, "company") != company:
			continue
		elsewhere[candidate.warehouse] = elsewhere.get(candidate.warehouse, 0.0) + candidate.qty
	lines = [
		_("{0}: {1} of {2} are needed from {3}, and only {4} of lots there may {5} on {6}.").format(
			where,
			quantity(qty, uom),
			bold(item_code),
			bold(warehouse),
			quantity(picked, uom),
			movement_label(movement),
			format_date(on_date),
		)
	]
	lines += reasons
	if elsewhere:
		lines.append(
			_("Lots that may {0} are in: {1}.").format(
				movement_label(movement),
				", ".join(f"{bold(name)} ({flt(left)} {uom})" for name, left in sorted(elsewhere.items())),
			)
		)
	lines.append(_("View → Lot Allocation on the document explains each lot."))
	frappe.throw(lines, LotShortageError, title=_("No Lot May Be Taken"), as_list=True)


class LotRequirementError(Refusal, frappe.ValidationError):
	pass


def requirement_violations(doc) -> list[tuple]:
	"""(row, lot, reason) for every lot chosen on a selling voucher's rows that misses the shelf-life
	or never-older requirement of its customer or of the item's Lot Rule, at the posting date."""
	if doc.get("is_return"):
		return []
	rows = [row for row in doc.get("items") or [] if row.get("item_code")]
	bundles = voucher_queries.get_bundle_batches(
		[row.serial_and_batch_bundle for row in rows if row.get("serial_and_batch_bundle")]
	)
	lots_of_row = {
		row.name: bundles.get(row.get("serial_and_batch_bundle"))
		or ([row.batch_no] if row.get("batch_no") else [])
		for row in rows
	}
	details = lot_queries.get_lots({lot for lots in lots_of_row.values() for lot in lots})
	on_date = getdate(doc.get("posting_date") or nowdate())
	found, requirements = [], {}
	for row in rows:
		if not lots_of_row.get(row.name):
			continue
		if row.item_code not in requirements:
			rule = get_lot_rule(row.item_code, doc.company)
			requirements[row.item_code] = rule and requirement_for(
				row.item_code, doc.get("customer"), doc.company, rule
			)
		requirement = requirements[row.item_code]  # None: no rule governs the item
		if not requirement or (not requirement.minimums and not requirement.not_older_than):
			continue
		for lot in lots_of_row[row.name]:
			record = details.get(lot)
			if not record:
				continue
			candidate = core.Candidate(
				lot=lot,
				warehouse=row.get("warehouse"),
				qty=flt(row.get("stock_qty") or row.get("qty")),
				status=get_lot_status(record.lot_status or get_settings().default_receipt_status),
				expiry_date=getdate(record.expiry_date) if record.expiry_date else None,
				manufacturing_date=getdate(record.manufacturing_date)
				if record.get("manufacturing_date")
				else None,
				received_date=getdate(record.received_date) if record.get("received_date") else None,
			)
			request = core.Request(qty=candidate.qty, on_date=on_date, requirement=requirement)
			skip = core.check_candidate(candidate, request)
			if skip and skip.reason in (core.SHORT_SHELF_LIFE, core.OLDER_THAN_LAST):
				found.append((row, skip))
	return found


def may_override() -> bool:
	role = get_settings().shelf_life_override_role
	return bool(role and role in frappe.get_roles())


def check_requirements(doc) -> None:
	"""Refuse lots chosen against the customer's or the rule's requirements, naming lot, status and
	document; a user with the override role is warned instead (and the override is recorded on
	submit)."""
	found = requirement_violations(doc)
	if not found:
		return
	on_date = getdate(doc.get("posting_date") or nowdate())
	messages = [violation_message(doc, row, skip, on_date) for row, skip in found]
	if may_override():
		frappe.msgprint(
			messages,
			title=_("Shelf-Life Requirement Overridden"),
			indicator="orange",
			as_list=len(messages) > 1,
		)
		return
	frappe.throw(
		messages if len(messages) > 1 else messages[0],
		LotRequirementError,
		title=_("Lot Does Not Meet the Requirement"),
		as_list=len(messages) > 1,
	)


def record_overrides(doc) -> None:
	"""On submit: an override of a requirement is recorded on the voucher and on the lot."""
	on_date = getdate(doc.get("posting_date") or nowdate())
	for row, skip in requirement_violations(doc):
		text = _("Shipped by override of {0}: {1}").format(
			frappe.session.user, violation_message(doc, row, skip, on_date)
		)
		doc.add_comment("Info", text)
		frappe.get_doc("Batch", skip.candidate.lot).add_comment("Info", text)


def violation_message(doc, row, skip, on_date) -> str:
	where = _("{0}, row {1}").format(document_label(doc.doctype, doc.name, saved=not doc.is_new()), row.idx)
	return _("Lot {0} of item {1} ({2}): {3} — {4}.").format(
		bold(skip.candidate.lot),
		bold(row.item_code),
		_(skip.candidate.status.name),
		skip_reason(skip, on_date),
		where,
	)
