"""Lot allocation on real stock: candidates from the kept lot balances, the rules that apply to the
item and the customer, and the explanation of every choice (rules: `traceability.allocation`)."""

from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import flt, format_date, getdate, nowdate

from lot_traceability import restrictions
from lot_traceability.config import get_lot_rule, get_lot_status, get_settings
from lot_traceability.messages import movement_label
from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries import locks as lock_queries
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import warehouses as warehouse_queries
from lot_traceability.traceability import allocation as core
from lot_traceability.traceability.movements import EXPIRY_GATED
from lot_traceability.traceability.shelf_life import MinimumRemaining, RemainingUnit
from lot_traceability.traceability.statuses import Movement

NO_RULE = object()  # the rule was not looked up yet


def requirement_for(
	item_code: str, customer: str | None, company: str | None, rule=NO_RULE
) -> core.Requirement:
	"""Every minimum remaining shelf life that applies (the item's rule, the customer's own) and,
	where the customer asks for it, the newest lot it already received. `rule`: the item's Lot Rule
	when the caller has it already."""
	minimums = []
	rule = get_lot_rule(item_code, company) if rule is NO_RULE else rule
	if rule and rule.minimum_remaining:
		minimums.append(rule.minimum_remaining)
	not_older_than = None
	if customer:
		values = frappe.get_cached_value(
			"Customer",
			customer,
			["min_remaining_shelf_life", "min_remaining_shelf_life_unit", "no_older_lot_than_last"],
			as_dict=True,
		)
		if values and flt(values.min_remaining_shelf_life):
			minimums.append(
				MinimumRemaining(
					flt(values.min_remaining_shelf_life),
					RemainingUnit(values.min_remaining_shelf_life_unit or "Days"),
				)
			)
		if values and values.no_older_lot_than_last:
			not_older_than = balance_queries.get_newest_lot_shipped(customer, item_code)
	return core.Requirement(tuple(minimums), getdate(not_older_than) if not_older_than else None)


def policy_for(item_code: str, company: str | None, rule=NO_RULE) -> str:
	rule = get_lot_rule(item_code, company) if rule is NO_RULE else rule
	policy = (rule and rule.allocation_policy) or get_settings().default_allocation_policy or core.FEFO
	return getattr(policy, "value", policy)


FIRST_PAGE = 100


EXPLAINED = 200  # lots passed over that an explanation lists at most


# How an allocation reads its candidates (see `locks.py`):
PLAIN = None  # the transaction's snapshot: forms, explanations (nothing is decided)


HELD = "held"  # locking reads of rows the caller already holds (a voucher's submit, after its gate)


LOTS = "lots"  # lock the candidate lots first, in name order, then read their status as last
# committed (a Pick List: it moves no stock, so it takes no Bin or Lot Balance lock)


def candidates(
	item_code: str, warehouses, policy: str = core.FEFO, limit=None, offset=0, eligible=None, reading=PLAIN
) -> list[core.Candidate]:
	default_status = get_settings().default_receipt_status
	statuses = {}
	found = []
	rows = balance_queries.get_lot_candidates(
		item_code, warehouses, policy, limit, offset, eligible, for_update=reading == HELD
	)
	if reading == LOTS:
		fresh = lot_queries.get_lots([row.batch for row in rows], for_update=True)
		for row in rows:
			if row.batch in fresh:
				row.update({field: fresh[row.batch].get(field) for field in ("lot_status", "expiry_date")})
	for row in rows:
		name = row.lot_status or default_status
		if name not in statuses:
			statuses[name] = get_lot_status(name)
	scopes = restrictions.scopes_of(
		[row.batch for row in rows if statuses[row.lot_status or default_status].is_restricted],
		for_update=reading in (HELD, LOTS),
	)
	for row in rows:
		found.append(
			core.Candidate(
				lot=row.batch,
				warehouse=row.warehouse,
				qty=flt(row.qty),
				status=statuses[row.lot_status or default_status],
				expiry_date=row.expiry_date,
				manufacturing_date=row.manufacturing_date,
				received_date=row.received_date,
				scope=scopes.get(row.batch),
				in_quarantine=warehouse_queries.is_quarantine_warehouse(row.warehouse),
			)
		)
	return found


def eligibility(request: core.Request) -> dict:
	"""The request's eligibility rules as database filters (the core checks every lot again)."""
	allowed = [
		record.name
		for record in frappe.get_all("Lot Status", fields=["name", f"allow_{request.movement.value}"])
		if record.get(f"allow_{request.movement.value}")
	]
	days = [m.value for m in request.requirement.minimums if m.unit == RemainingUnit.DAYS]
	percents = [m.value for m in request.requirement.minimums if m.unit == RemainingUnit.PERCENT]
	return {
		"statuses": allowed or [""],
		"default_allowed": get_settings().default_receipt_status in allowed,
		"on_date": request.on_date,
		"check_expiry": request.movement in EXPIRY_GATED,
		"min_days": max(days) if days else None,
		"min_percent": max(percents) if percents else None,
		"not_older_than": request.requirement.not_older_than,
	}


def request_for(
	item_code: str,
	qty: float,
	posting_date=None,
	customer=None,
	company=None,
	movement=Movement.SHIPMENT,
	rule=NO_RULE,
) -> core.Request:
	"""What a line asks of the core: its quantity and date, the item's policy and the shelf life the
	item's rule and the customer require (shipments and allocations only). `rule`: the item's Lot
	Rule in the company when the caller has it already."""
	rule = get_lot_rule(item_code, company) if rule is NO_RULE else rule
	return core.Request(
		qty=flt(qty),
		on_date=getdate(posting_date or nowdate()),
		movement=movement,
		policy=policy_for(item_code, company, rule),
		requirement=requirement_for(item_code, customer, company, rule)
		if movement in (Movement.SHIPMENT, Movement.ALLOCATION)
		else core.Requirement(),
	)


def allocate_lots(
	item_code: str,
	warehouses,
	qty: float,
	posting_date=None,
	customer: str | None = None,
	company: str | None = None,
	movement: Movement = Movement.SHIPMENT,
	explain: bool = False,
	reading=PLAIN,
	held_back: dict | None = None,
	rule=NO_RULE,
) -> core.Allocation:
	"""The lots a line of `qty` takes from these warehouses. Eligible lots are read in the policy's
	order, a page at a time, until the line is covered and its last tie group is complete. With
	`explain`, the lots ranking before the last one taken (up to EXPLAINED) that were passed over are
	listed with their reasons. `reading`: PLAIN, HELD or LOTS (above). `held_back`: (lot, warehouse)
	→ quantity the line may not take (reserved for other orders, `reservations.held_back`). `rule`:
	the item's Lot Rule in the company when the caller has it already."""
	if isinstance(warehouses, str):
		warehouses = [warehouses]
	warehouses = [w for w in warehouses if w]
	request = request_for(item_code, qty, posting_date, customer, company, movement, rule)
	eligible = eligibility(request)
	# stock in a quarantine warehouse is never taken (an explanation lists it as passed over)
	usable = [w for w in warehouses if not warehouse_queries.is_quarantine_warehouse(w)]
	if reading == LOTS:
		# status is judged on the fresh read below, not filtered on the snapshot
		lock_queries.lock_lots(lock_queries.lot_names_in_stock(item_code, usable))
		eligible = None
	read, limit = [], FIRST_PAGE
	while True:
		page = candidates(item_code, usable, request.policy, limit, len(read), eligible, reading)
		if held_back:
			page = [replace(c, qty=max(0.0, c.qty - held_back.get((c.lot, c.warehouse), 0.0))) for c in page]
		read += page
		if request.use is None and any(candidate.scope is not None for candidate in page):
			# a restricted lot is among them: its scope judges whom the line is for
			request = replace(
				request, use=restrictions.allocation_use(customer, company, movement, request.on_date)
			)
		allocation = core.allocate(read, request)
		if len(page) < limit:
			break  # every eligible lot read
		if not allocation.shortfall and allocation.picks:
			last_taken = core.policy_key(allocation.picks[-1][0], request.policy)
			if core.policy_key(read[-1], request.policy) > last_taken:
				break  # covered, and no lot still unread can tie with the last one taken
		limit *= 4
	if explain:
		allocation.skipped = passed_over(item_code, warehouses, request, allocation)
	return allocation


def passed_over(item_code, warehouses, request, allocation) -> list[core.Skip]:
	"""Lots that rank before the last lot taken (all, when the line is short) and were passed over."""
	last_taken = (
		core.policy_key(allocation.picks[-1][0], request.policy)
		if allocation.picks and not allocation.shortfall
		else None
	)
	skipped = []
	for candidate in candidates(item_code, warehouses, request.policy, EXPLAINED, 0):
		if last_taken is not None and core.policy_key(candidate, request.policy) > last_taken:
			break
		skip = core.check_candidate(candidate, request)
		if skip:
			skipped.append(skip)
	return skipped


def skip_reason(skip: core.Skip, on_date, movement: Movement = Movement.SHIPMENT) -> str:
	"""A passed-over lot's reason in words."""
	lot = skip.candidate
	if skip.reason == core.STATUS:
		return _("{0}: may not {1}").format(_(lot.status.name), movement_label(movement))
	if skip.reason == core.EXPIRED:
		return _("expired on {0}").format(format_date(lot.expiry_date))
	if skip.reason == core.SHORT_SHELF_LIFE:
		if skip.remaining_days is None:
			return _("shelf life unknown, at least {0} required").format(flt(skip.required))
		return _("{0} days of shelf life left on {1}, below the required minimum ({2})").format(
			skip.remaining_days, format_date(on_date), flt(skip.required)
		)
	if skip.reason == core.OLDER_THAN_LAST:
		return _("made on {0}, before the newest lot this customer already received").format(
			format_date(lot.made_on)
		)
	if skip.reason == core.SCOPE:
		return restrictions.allocation_refusal(skip)
	if skip.reason == core.QUARANTINE:
		return _("in quarantine warehouse {0}: held there until released").format(lot.warehouse)
	return skip.reason


def explain(allocation: core.Allocation, on_date, movement: Movement = Movement.SHIPMENT) -> list[dict]:
	"""One row per lot considered: taken (with quantity and rank) or passed over (with the reason)."""
	rows = [
		{
			"batch_no": candidate.lot,
			"warehouse": candidate.warehouse,
			"available": candidate.qty,
			"qty": qty,
			"expiry_date": candidate.expiry_date,
			"lot_status": candidate.status.name,
			"chosen": 1,
			"reason": _("taken #{0}").format(rank),
		}
		for rank, (candidate, qty) in enumerate(allocation.picks, start=1)
	]
	rows += [
		{
			"batch_no": skip.candidate.lot,
			"warehouse": skip.candidate.warehouse,
			"available": skip.candidate.qty,
			"qty": 0,
			"expiry_date": skip.candidate.expiry_date,
			"lot_status": skip.candidate.status.name,
			"chosen": 0,
			"reason": skip_reason(skip, on_date, movement),
		}
		for skip in allocation.skipped
	]
	return rows
