"""Cycle counts as process control: the daily Lot Count of each Lot Count Plan (the riskiest lot ×
location pairs, ranked by `traceability.counting`) and lot-level inventory accuracy; counting itself
is `count_sheets`."""

from collections import Counter

import frappe
from frappe import _
from frappe.utils import add_days, cint, date_diff, flt, getdate, nowdate

from lot_traceability.config import get_lot_status
from lot_traceability.queries import counting as q
from lot_traceability.queries.lots import get_lots
from lot_traceability.traceability import counting as core

HISTORY_DAYS = 365  # movements older than this do not weigh on a lot never counted
REASON_LABELS = {
	"value": "stock value",
	"movements": "movements since last count",
	"adjustments": "adjustments since last count",
	"anomalies": "anomalies and exceptions",
	"held": "held lot",
	"near_expiry": "near expiry",
	"days_since_counted": "days since last counted",
	"abc": "ABC class",
}
COUNTABLE = ("Open", "Counting", "Recount")


class CountError(frappe.ValidationError):
	pass


# the day's list


def plan_weights(plan) -> core.Weights:
	return core.Weights(**{name: flt(plan.get(f"weight_{name}")) for name in core.FACTORS})


def candidates(plan, on_date) -> list[core.Candidate]:
	"""Every lot × location with stock the plan covers, with its risk factors on `on_date`."""
	on_date = getdate(on_date)
	warehouses = q.get_leaf_warehouses(plan.company, plan.warehouse)
	stock = q.get_stock(warehouses)
	if not stock:
		return []
	last = q.get_last_counted(warehouses)
	movements, adjustments = Counter(), Counter()
	for move in q.get_moves(warehouses, add_days(on_date, -HISTORY_DAYS)):
		key = (move.batch, move.warehouse)
		counted = last.get(key)
		if counted and getdate(move.posting_date) <= getdate(counted):
			continue
		movements[key] += 1
		adjustments[key] += cint(move.is_adjustment)
	lots = get_lots({row.batch for row in stock})
	findings = lot_findings(sorted(lots), plan.company)
	near = add_days(on_date, cint(plan.near_expiry_days))
	found = []
	for row in stock:
		key = (row.batch, row.warehouse)
		lot = lots.get(row.batch) or {}
		expiry = lot.get("expiry_date")
		counted = last.get(key)
		found.append(
			core.Candidate(
				lot=row.batch,
				location=row.warehouse,
				item=row.item,
				qty=flt(row.qty),
				value=flt(row.stock_value),
				movements=movements[key],
				adjustments=adjustments[key],
				anomalies=findings[row.batch],
				held=is_held(lot.get("lot_status")),
				near_expiry=bool(expiry) and getdate(expiry) <= near,
				days_since_counted=date_diff(on_date, counted) if counted else None,
			)
		)
	return found


def is_held(status: str | None) -> bool:
	if not status:
		return False
	try:
		return get_lot_status(status).is_hold
	except frappe.DoesNotExistError:
		return False


def lot_findings(lots: list[str], company: str) -> Counter:
	"""How many anomalies and exceptions each lot has (Lot Exceptions' findings, the stored anomalies
	among them)."""
	from lot_traceability.findings import find_exceptions, get_thresholds

	if not lots:
		return Counter()
	return Counter(finding.lot for finding in find_exceptions(set(lots), company, get_thresholds()))


def ranked(plan, on_date) -> list[core.Scored]:
	return core.rank(candidates(plan, on_date), plan_weights(plan), cint(plan.horizon_days) or 90)


def reasons_text(scored: core.Scored) -> str:
	return ", ".join(_(REASON_LABELS[name]) for name in scored.reasons[:3])


def make_count(plan_name: str, on_date=None) -> str | None:
	"""The plan's Lot Count of the day (made once: an existing one is returned), with the plan's
	`counts_per_day` riskiest lot × location rows, assigned to the plan's counter."""
	on_date = getdate(on_date or nowdate())
	existing = q.get_open_count(plan_name, on_date)
	if existing:
		return existing
	plan = frappe.get_doc("Lot Count Plan", plan_name)
	chosen = ranked(plan, on_date)[: max(cint(plan.counts_per_day), 0)]
	if not chosen:
		return None
	count = frappe.new_doc("Lot Count")
	count.update({"plan": plan.name, "count_date": on_date, "counter": plan.counter})
	for scored in chosen:
		count.append(
			"rows",
			{
				"batch": scored.candidate.lot,
				"item": scored.candidate.item,
				"warehouse": scored.candidate.location,
				"expected": 1,
				"risk_score": round(scored.score, 3),
				"reasons": reasons_text(scored),
			},
		)
	count.insert(ignore_permissions=True)  # the scheduler makes it; who reads it is the doctype's
	if plan.counter:
		from frappe.desk.form.assign_to import add as assign

		assign(
			{
				"assign_to": [plan.counter],
				"doctype": "Lot Count",
				"name": count.name,
				"description": _("Count the lots of {0} on {1}.").format(
					count.warehouse or count.company, frappe.format(on_date, {"fieldtype": "Date"})
				),
				"date": on_date,
			},
			ignore_permissions=True,
		)
	return count.name


def make_daily_counts(on_date=None) -> list[str]:
	"""Every enabled plan's count of the day (the scheduler's daily job)."""
	made = []
	for plan in frappe.get_all("Lot Count Plan", filters={"enabled": 1}, pluck="name", order_by="name"):
		name = make_count(plan, on_date)
		if name:
			made.append(name)
	return made


# KPIs


def results(from_date, to_date, company=None, warehouses=None) -> list[core.CountResult]:
	return [
		core.CountResult(
			location=row.warehouse,
			on=getdate(row.count_date),
			lot=row.batch,
			book=flt(row.book_qty),
			final=flt(core.final_qty(row.counted_qty, row.recount_qty if row.recounted_at else None)),
			state=core.RowState(row.state),
			rate=flt(row.valuation_rate),
		)
		for row in q.get_count_results(from_date, to_date, company, warehouses)
	]


def accuracy(from_date, to_date, company=None) -> list[core.Accuracy]:
	"""Lot-level inventory accuracy by location and month."""
	return core.accuracy(results(from_date, to_date, company))


def summary(from_date, to_date, company=None) -> dict:
	"""Accuracy, coverage and variance value over the period (all locations)."""
	found = results(from_date, to_date, company)
	rows = core.accuracy(found)
	counted, within = sum(a.counted for a in rows), sum(a.within for a in rows)
	covered, stocked = core.coverage({(r.lot, r.location) for r in found}, q.get_stocked_pairs(company))
	return {
		"counted": counted,
		"within": within,
		"accuracy": 100.0 * within / counted if counted else None,
		"covered": covered,
		"stocked": stocked,
		"coverage": 100.0 * covered / stocked if stocked else None,
		"variance_value": sum(a.variance_value for a in rows),
	}
