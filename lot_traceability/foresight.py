"""Foresight: lots that will expire before they sell, suppliers whose lots fail, movements that do
not fit. Computed daily on the long queue (and on request) from the whole history, stored for the
reports (Expiry Risk, Supplier Risk, Lot Exceptions), never acting alone: a forecast suggests a
transfer that a person makes, a supplier's score recommends the hold that Settings govern, an
anomaly asks for a second look.

The rules and models are in the pure core (`traceability.forecast`, `traceability.supplier_scores`,
`traceability.anomalies`); here their inputs are read and their results stored."""

import json
from collections import defaultdict
from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, format_date, format_datetime, getdate, now_datetime, nowdate

from lot_traceability import access
from lot_traceability.config import get_lot_rules, get_lot_status, get_settings
from lot_traceability.messages import bold
from lot_traceability.queries import foresight as queries
from lot_traceability.traceability import anomalies as anomaly_core
from lot_traceability.traceability import forecast as forecast_core
from lot_traceability.traceability import supplier_scores as score_core
from lot_traceability.traceability.shelf_life import last_day_meeting
from lot_traceability.traceability.statuses import Movement

JOB_ID = "lot_traceability_foresight"
ANOMALY_WEEKS = 52  # the history anomalies are judged against
SUPPLIER_YEARS = 5  # lots received longer ago than this weigh next to nothing in a score


def compute_all(today=None, publish=None) -> dict:
	"""Every forecast, score and anomaly, stored; returns how many of each. `publish(done, total,
	step)` hears of each step (the job's progress)."""
	today = getdate(today or nowdate())
	first_seen = queries.get_first_movements()  # the forecast and the anomalies both need it
	steps = (
		(_("Expiry forecast"), "expiry_forecasts", lambda: compute_expiry_forecasts(today, first_seen)),
		(_("Supplier risk"), "supplier_scores", lambda: compute_supplier_scores(today)),
		(_("Anomalies"), "anomalies", lambda: compute_anomalies(today, first_seen)),
	)
	counts = {}
	for done, (label, name, step) in enumerate(steps):
		if publish:
			publish(done, len(steps), label)
		counts[name] = step()
	frappe.db.set_single_value("Lot Traceability Settings", "foresight_computed_on", now_datetime())
	if publish:
		publish(len(steps), len(steps), _("Done"))
	return counts


def computed_note() -> str:
	"""When foresight was last computed, or that it never was, and how to compute it: said by every
	report that reads the stored forecast, scores or anomalies."""
	# read as stored: a Single's empty datetime is cast to the year 1
	computed_on = frappe.db.get_value(
		"Singles",
		{"doctype": "Lot Traceability Settings", "field": "foresight_computed_on"},
		"value",
		order_by=None,
	)
	if not computed_on:
		return _(
			"Foresight (forecasts, supplier scores, anomalies) has not been computed yet: it runs daily, or now with Compute Foresight."
		)
	return _("Foresight last computed on {0}; it runs daily, or now with Compute Foresight.").format(
		format_datetime(computed_on)
	)


# expiry forecast and rebalancing


def demand_rates(today, weeks: int, first_seen) -> dict[tuple[str, str], forecast_core.DemandRate]:
	"""The learned weekly demand of each item at each warehouse with any in the history: over the
	last `weeks` weeks, or the weeks since the item first moved there if fewer (weeks before it was
	there are not weeks without demand)."""
	since = add_days(today, -7 * weeks)
	daily = defaultdict(list)
	for row in queries.get_daily_demand(since, today):
		daily[(row.item_code, row.warehouse)].append((getdate(row.posting_date), flt(row.qty)))
	rates = {}
	for key, moves in daily.items():
		first = getdate(first_seen.get(key) or since)
		span = max(1, min(weeks, -(-(today - first).days // 7)))
		rates[key] = forecast_core.demand_rate(forecast_core.weekly_series(moves, today, span))
	return rates


def open_orders(today) -> dict[tuple[str, str], list[tuple]]:
	"""Open Sales Order lines and Work Order materials, (due, quantity) by item and warehouse."""
	orders = defaultdict(list)
	for row in queries.get_open_sales_orders() + queries.get_open_work_orders():
		if flt(row.qty) > 0:
			orders[(row.item_code, row.warehouse)].append((getdate(row.due or today), flt(row.qty)))
	return orders


def sellable(status_name: str | None) -> bool:
	"""A lot forecast to sell is one its status lets ship or go to production."""
	if not status_name:
		return True
	status = get_lot_status(status_name)
	return status.allows(Movement.SHIPMENT) or status.allows(Movement.ISSUE)


def deadline_of(row, rule, today):
	"""The last day the lot can be sold: its expiry, or the day before it falls below the minimum
	remaining shelf life its rule asks for at shipment (a percentage with no manufacturing date
	cannot be met: the lot cannot be sold)."""
	expiry = getdate(row.expiry_date)
	minimum = rule.minimum_remaining if rule else None
	made = getdate(row.manufacturing_date) if row.manufacturing_date else None
	last = last_day_meeting(expiry, minimum, made)
	return last if last is not None else today - timedelta(days=1)


def compute_expiry_forecasts(today, first_seen=None) -> int:
	"""`first_seen`: when each item first moved at each warehouse (read when not given)."""
	settings = get_settings()
	weeks = cint(settings.forecast_history_weeks) or 26
	lead_days = cint(settings.rebalance_lead_days)
	if first_seen is None:
		first_seen = queries.get_first_movements()
	rates = demand_rates(today, weeks, first_seen)
	orders = open_orders(today)
	rows = [row for row in queries.get_lots_on_hand() if sellable(row.lot_status)]
	rules = get_lot_rules({(row.item, row.company) for row in rows})
	groups = defaultdict(list)
	for row in rows:
		row.deadline = deadline_of(row, rules.get((row.item, row.company)), today)
		groups[(row.item, row.warehouse)].append(row)
	sites = sites_by_item(groups, rates, orders)
	whole = queries.get_whole_unit_items({item for item, _warehouse in groups})
	stamp = now_datetime()
	stored = []
	for (item, warehouse), lots in groups.items():
		rate = rates.get((item, warehouse), forecast_core.NO_DEMAND)
		key_orders = orders.get((item, warehouse), [])
		stock = [stock_lot(row) for row in lots]
		forecasts = forecast_core.forecast_leftover(stock, rate.per_week, key_orders, today)
		for row, lot in zip(lots, stock, strict=True):
			result = forecasts[lot.lot]
			suggestions = []
			if result.leftover > 0:
				candidates = [site for site in sites.get(item, ()) if site.warehouse != warehouse]
				suggestions = forecast_core.rebalance(
					lot, result.leftover, candidates, today, lead_days, whole_units=item in whole
				)
			best = suggestions[0] if suggestions else None
			stored.append(
				(
					row.batch,
					item,
					warehouse,
					row.company,
					row.expiry_date,
					lot.deadline,
					flt(row.qty),
					flt(row.stock_value),
					rate.per_week,
					rate.weeks,
					rate.nonzero_weeks,
					sum(qty for due, qty in key_orders if due <= lot.deadline),
					result.leftover,
					result.leftover_value,
					best.warehouse if best else None,
					best.company if best else None,
					best.qty if best else 0,
					best.value_saved if best else 0,
					json.dumps([suggestion_dict(s) for s in suggestions]) if suggestions else None,
					stamp,
				)
			)
	return queries.replace_rows(
		"Lot Expiry Forecast",
		list(queries.FORECAST_FIELDS),
		stored,
	)


def stock_lot(row) -> forecast_core.StockLot:
	return forecast_core.StockLot(row.batch, row.deadline, flt(row.qty), flt(row.stock_value))


def suggestion_dict(suggestion: forecast_core.Suggestion) -> dict:
	return {
		"warehouse": suggestion.warehouse,
		"company": suggestion.company,
		"qty": suggestion.qty,
		"qty_saved": suggestion.qty_saved,
		"value_saved": suggestion.value_saved,
		"per_week": suggestion.per_week,
	}


def sites_by_item(groups, rates, orders) -> dict[str, list[forecast_core.Site]]:
	"""For each item with stock at risk somewhere, every warehouse of ours with demand for it: its
	rate, open orders and the item's lots already there."""
	companies = {row.name: row.company for row in queries.get_demand_warehouses()}
	items = {item for item, _warehouse in groups}
	pairs = {key for key in rates if key[0] in items and rates[key].per_week > 0}
	pairs |= {key for key in orders if key[0] in items}
	sites = defaultdict(list)
	for item, warehouse in sorted(pairs):
		if warehouse not in companies:
			continue
		sites[item].append(
			forecast_core.Site(
				warehouse=warehouse,
				company=companies[warehouse],
				per_week=rates.get((item, warehouse), forecast_core.NO_DEMAND).per_week,
				orders=tuple(orders.get((item, warehouse), ())),
				lots=tuple(stock_lot(row) for row in groups.get((item, warehouse), ())),
			)
		)
	return sites


# supplier risk learned from outcomes


def score_params() -> score_core.Params:
	settings = get_settings()
	return score_core.Params(
		half_life_days=flt(settings.supplier_risk_half_life_days) or 365.0,
		prior_strength=flt(settings.supplier_risk_prior_lots),
	)


def supplier_outcomes(supplier_lots: set[str]) -> dict[str, list[score_core.Event]]:
	"""What happened to each supplier lot: rejections, returns to the supplier and recalls of it, and
	deviations and complaints on it or on any lot made from it."""
	events = defaultdict(list)

	def add(lot, kind, on_date, doctype, name):
		if lot in supplier_lots and on_date:
			events[lot].append(score_core.Event(kind, getdate(on_date), doctype, name))

	for row in queries.get_rejections(get_settings().rejection_status):
		add(row.lot, score_core.Outcome.REJECTION, row.on_date, row.reference_doctype, row.reference_name)
	for row in queries.get_supplier_returns():
		add(row.lot, score_core.Outcome.RETURN, row.on_date, row.reference_doctype, row.reference_name)
	for row in queries.get_recall_sources():
		add(row.lot, score_core.Outcome.RECALL, row.on_date, "Lot Recall", row.reference_name)
	deviations = queries.get_deviation_lots()
	ancestors = queries.get_ancestor_lots({row.lot for row in deviations})
	for row in deviations:
		kind = (
			score_core.Outcome.COMPLAINT
			if row.deviation_type == "Customer Complaint"
			else score_core.Outcome.DEVIATION
		)
		for lot in {row.lot, *ancestors.get(row.lot, ())}:
			add(lot, kind, row.on_date, "Lot Deviation", row.reference_name)
	return events


def compute_supplier_scores(today) -> int:
	since = add_days(today, -366 * SUPPLIER_YEARS)
	rows = [row for row in queries.get_supplier_lots() if getdate(row.received) >= getdate(since)]
	events = supplier_outcomes({row.lot for row in rows})
	lots = [
		score_core.SupplierLot(
			row.supplier,
			row.item_group or "",
			row.lot,
			getdate(row.received),
			tuple(sorted(events.get(row.lot, ()), key=lambda e: (e.on, e.kind.value, e.reference_name))),
		)
		for row in rows
	]
	stamp = now_datetime()
	stored = [
		(
			score.supplier,
			score.item_group,
			score.score,
			score.lots,
			score.failed_lots,
			score.weighted_lots,
			score.weighted_failures,
			100 * score.raw_rate if score.raw_rate is not None else 0,
			100 * score.prior_rate,
			json.dumps([evidence_dict(e) for e in score.evidence], default=str),
			stamp,
		)
		for score in score_core.score_suppliers(lots, today, score_params())
	]
	return queries.replace_rows(
		"Supplier Risk Score",
		[
			"supplier",
			"item_group",
			"score",
			"lots",
			"failed_lots",
			"weighted_lots",
			"weighted_failures",
			"raw_rate",
			"prior_rate",
			"evidence",
			"computed_on",
		],
		stored,
	)


def evidence_dict(evidence: score_core.Evidence) -> dict:
	return {
		"lot": evidence.lot,
		"kind": evidence.kind.value,
		"on": evidence.on.isoformat(),
		"reference_doctype": evidence.reference_doctype,
		"reference_name": evidence.reference_name,
		"weight": round(evidence.weight, 4),
	}


OUTCOME_LABELS = {
	score_core.Outcome.REJECTION.value: _("rejected"),
	score_core.Outcome.DEVIATION.value: _("deviation"),
	score_core.Outcome.COMPLAINT.value: _("customer complaint"),
	score_core.Outcome.RETURN.value: _("returned to the supplier"),
	score_core.Outcome.RECALL.value: _("recalled"),
}


def supplier_scores(supplier: str) -> list[dict]:
	"""The stored scores of a supplier by item group, each with its evidence in words."""
	scores = queries.get_supplier_scores(supplier)
	for row in scores:
		evidence = json.loads(row.evidence or "[]")
		for entry in evidence:
			entry["label"] = OUTCOME_LABELS.get(entry["kind"], entry["kind"])
		row.evidence = evidence
		row.explanation = _(
			"{0} of {1} lots with outcomes (own rate {2} %, recency-weighted), shrunk towards the average of {3} %"
		).format(row.failed_lots, row.lots, round(flt(row.raw_rate), 1), round(flt(row.prior_rate), 1))
	return scores


# statistical anomalies


def anomaly_thresholds() -> anomaly_core.Thresholds:
	settings = get_settings()
	defaults = anomaly_core.Thresholds()
	return anomaly_core.Thresholds(
		yield_mads=flt(settings.anomaly_yield_mads) or defaults.yield_mads,
		quantity_mads=flt(settings.anomaly_quantity_mads) or defaults.quantity_mads,
		dates_mads=flt(settings.anomaly_dates_mads) or defaults.dates_mads,
		adjustment_p=flt(settings.anomaly_adjustment_p) or defaults.adjustment_p,
		min_adjustments=cint(settings.anomaly_min_adjustments) or defaults.min_adjustments,
		min_history=cint(settings.anomaly_min_history) or defaults.min_history,
	)


def find_anomalies(today, thresholds, first_seen=None) -> tuple[list[anomaly_core.Anomaly], dict[str, str]]:
	"""Every anomaly of the history, strongest first, and the company of each reference.
	`first_seen`: when each item first moved at each warehouse (read when not given)."""
	if first_seen is None:
		first_seen = queries.get_first_movements()
	since = add_days(today, -7 * ANOMALY_WEEKS)
	companies = {}
	runs = queries.get_production_runs(since)
	lots_of_runs = queries.get_lots_of_vouchers("Stock Entry", [run.name for run in runs])
	production = []
	for run in runs:
		companies[run.name] = run.company
		if run.item:
			production.append(
				anomaly_core.ProductionRun(
					run.name,
					run.item,
					getdate(run.posting_date),
					flt(run.consumed),
					flt(run.made),
					tuple(lots_of_runs.get(run.name, ())),
					run.warehouse or "",
				)
			)
	adjustments = []
	for row in queries.get_adjustment_rows(since):
		companies[row.voucher_no] = row.company
		adjustments.append(
			anomaly_core.AdjustmentRow(
				row.voucher_type,
				row.voucher_no,
				row.item_code,
				row.warehouse,
				getdate(row.posting_date),
				row.batch_no,
			)
		)
	moves = []
	for row in queries.get_movements(since):
		companies[row.voucher_no] = row.company
		moves.append(
			anomaly_core.Movement(
				row.voucher_type,
				row.voucher_no,
				row.item_code,
				row.warehouse,
				row.batch_no,
				getdate(row.posting_date),
				abs(flt(row.qty)),
				movement_kind(row),
			)
		)
	supplier_receipts = queries.get_supplier_receipts(add_days(today, -366 * SUPPLIER_YEARS))
	for row in supplier_receipts:
		companies[row.reference_name or row.lot] = row.company
	receipts = [
		anomaly_core.Receipt(
			row.reference_doctype or "Batch",
			row.reference_name or row.lot,
			row.supplier,
			row.item,
			row.lot,
			getdate(row.received),
			getdate(row.manufacturing_date) if row.manufacturing_date else None,
			getdate(row.expiry_date) if row.expiry_date else None,
		)
		for row in supplier_receipts
	]
	found = (
		anomaly_core.yield_anomalies(production, thresholds)
		+ anomaly_core.adjustment_bursts(
			adjustments,
			today,
			ANOMALY_WEEKS,
			thresholds,
			{(warehouse, item): getdate(first) for (item, warehouse), first in first_seen.items()},
		)
		+ anomaly_core.quantity_anomalies(moves, thresholds)
		+ anomaly_core.supplier_date_anomalies(receipts, thresholds)
		+ run_duration_anomalies(since, thresholds, companies)
		+ count_variance_anomalies(since, companies)
	)
	return anomaly_core.rank(found), companies


def run_duration_anomalies(since, thresholds, companies) -> list[anomaly_core.Anomaly]:
	"""Production runs far slower or faster per unit than their workstation's usual."""
	from lot_traceability.production_runs import timed_runs
	from lot_traceability.traceability.runs import duration_anomalies

	runs, run_companies = timed_runs(since)
	companies.update(run_companies)
	return duration_anomalies(runs, thresholds)


def count_variance_anomalies(since, companies) -> list[anomaly_core.Anomaly]:
	"""Variances of cycle counts a recount confirmed (`cycle_counts`)."""
	from lot_traceability.queries.counting import get_confirmed_variances

	rows = get_confirmed_variances(since)
	companies.update({row.lot_count: row.company for row in rows})
	return anomaly_core.count_variance_anomalies(
		anomaly_core.CountVariance(
			row.batch,
			row.item,
			row.warehouse,
			getdate(row.count_date),
			flt(row.book_qty),
			flt(row.recount_qty),
			row.lot_count,
		)
		for row in rows
	)


def movement_kind(row) -> str:
	"""What sort of movement a lot ledger row is, for the sizes it usually comes in: its document
	type, Stock Entry purpose and direction."""
	return f"{row.voucher_type}:{row.purpose or ''}:{'in' if flt(row.qty) > 0 else 'out'}"


def compute_anomalies(today, first_seen=None) -> int:
	anomalies, companies = find_anomalies(today, anomaly_thresholds(), first_seen)
	stamp = now_datetime()
	stored = []
	for index, anomaly in enumerate(anomalies):
		key = f"{anomaly.kind.value}:{anomaly.reference_name}:{index}"
		params = dict(anomaly.params)
		description = describe(anomaly)
		for lot in anomaly.lots or ("",):
			stored.append(
				(
					key,
					anomaly.kind.value,
					lot or None,
					anomaly.item or None,
					anomaly.warehouse or None,
					companies.get(anomaly.reference_name),
					anomaly.reference_doctype or None,
					anomaly.reference_name or None,
					anomaly.on,
					round(anomaly.strength, 4),
					anomaly.value,
					anomaly.expected,
					anomaly.spread,
					anomaly.compared_with,
					description,
					json.dumps(params, default=str),
					stamp,
				)
			)
	return queries.replace_rows(
		"Lot Anomaly",
		list(queries.ANOMALY_FIELDS),
		stored,
	)


def _n(value, digits: int = 2) -> str:
	return frappe.format(round(flt(value), digits), {"fieldtype": "Float"})


def describe(anomaly: anomaly_core.Anomaly) -> str:
	"""What was flagged, which history it was compared with and by how much it differs."""
	kind, p = anomaly.kind, anomaly.params
	if kind is anomaly_core.AnomalyKind.YIELD:
		return _(
			"{0} yielded {1} of {2} per unit consumed; its other {3} runs yield {4} (robust spread {5}): {6} robust deviations away."
		).format(
			anomaly.reference_name,
			_n(anomaly.value, 3),
			anomaly.item,
			anomaly.compared_with,
			_n(anomaly.expected, 3),
			_n(anomaly.spread, 3),
			_n(abs(flt(p.get("z"))), 1),
		)
	if kind is anomaly_core.AnomalyKind.ADJUSTMENT_BURST:
		return _(
			"{0} adjustments of {1} at {2} in the week from {3}; usually {4} a week over the other {5} weeks (chance {6})."
		).format(
			int(anomaly.value),
			anomaly.item,
			anomaly.warehouse,
			format_date(anomaly.on) if anomaly.on else "",
			_n(anomaly.expected, 2),
			anomaly.compared_with,
			f"{flt(p.get('p')):.2g}",
		)
	if kind is anomaly_core.AnomalyKind.UNUSUAL_QUANTITY:
		voucher_type, purpose, direction = (p.get("movement") or "::").split(":")
		movement = _("{0} {1}").format(_(purpose or voucher_type), _("in") if direction == "in" else _("out"))
		return _(
			"{0} moved {1} of {2}; it usually moves {3} (median of {4} {5} movements): {6} robust deviations away on a log scale."
		).format(
			anomaly.reference_name,
			_n(anomaly.value),
			anomaly.item,
			_n(anomaly.expected),
			anomaly.compared_with,
			movement.strip(),
			_n(abs(flt(p.get("z"))), 1),
		)
	if kind is anomaly_core.AnomalyKind.COUNT_VARIANCE:
		return _(
			"Cycle count {0} found {1} of lot {2} at {3} where the book held {4}; a second person's recount confirmed it."
		).format(
			anomaly.reference_name,
			_n(anomaly.value),
			", ".join(anomaly.lots),
			anomaly.warehouse,
			_n(anomaly.expected),
		)
	if kind is anomaly_core.AnomalyKind.RUN_DURATION:
		return _(
			"Job Card {0} on {1} (for {2}) took {3} minutes per unit of {4}; the workstation's other {5} runs take {6}: {7} robust deviations away on a log scale."
		).format(
			anomaly.reference_name,
			p.get("workstation") or "",
			p.get("stock_entry") or "",
			_n(anomaly.value),
			anomaly.item,
			anomaly.compared_with,
			_n(anomaly.expected),
			_n(abs(flt(p.get("z"))), 1),
		)
	if p.get("reason"):
		return _("{0} from {1}: its dates cannot both be right ({2}).").format(
			anomaly.reference_name, p.get("supplier") or "", _(DATE_REASONS.get(p["reason"], p["reason"]))
		)
	return _(
		"{0} from {1}: {2} of {3} days; the supplier's {4} earlier lots of {5} had {6}: {7} robust deviations away."
	).format(
		anomaly.reference_name,
		p.get("supplier") or "",
		_(DATE_FIGURES.get(p.get("figure"), p.get("figure") or "")),
		_n(anomaly.value, 0),
		anomaly.compared_with,
		anomaly.item,
		_n(anomaly.expected, 0),
		_n(abs(flt(p.get("z"))), 1),
	)


DATE_FIGURES = {"shelf_life_days": "a shelf life", "age_at_receipt_days": "an age at receipt"}
DATE_REASONS = {
	"expiry_not_after_made": "it expires on or before the day it was made",
	"made_after_received": "it was made after the day it was received",
}


# the job


def enqueue_compute() -> str:
	"""Compute now on the long queue (once at a time: a second request joins the first)."""
	frappe.enqueue(
		"lot_traceability.foresight.compute_with_progress",
		queue="long",
		timeout=7200,
		job_id=JOB_ID,
		deduplicate=True,
	)
	return JOB_ID


def compute_with_progress():
	def publish(done, total, step):
		frappe.publish_progress(
			100 * done / total if total else 100,
			title=_("Foresight"),
			description=_("{0} ({1} of {2})").format(step, done, total),
		)

	return compute_all(publish=publish)


# acting on a suggestion: a draft a person checks and submits


def make_rebalance_transfer(batch: str, from_warehouse: str, to_warehouse: str, qty) -> dict:
	"""A draft move of `qty` of the lot from one warehouse to another: a Material Transfer within a
	company, or ERPNext's inter-company transfer between two of ours (a Delivery Note to the internal
	customer that represents the receiving company; its instructions name the warehouse the Purchase
	Receipt made from it is to receive into). Nothing is submitted."""
	qty = flt(qty)
	if not batch or not frappe.db.exists("Batch", batch):
		frappe.throw(_("Lot {0} does not exist.").format(bold(batch or "")), frappe.DoesNotExistError)
	for warehouse in (from_warehouse, to_warehouse):
		if not warehouse or not frappe.db.exists("Warehouse", warehouse):
			frappe.throw(
				_("Warehouse {0} does not exist.").format(bold(warehouse or "")),
				frappe.DoesNotExistError,
			)
	if from_warehouse == to_warehouse:
		frappe.throw(_("Lot {0} is already in {1}.").format(bold(batch), bold(to_warehouse)))
	walled = access.wall()
	access.check_lot_access(batch, walled)
	for warehouse in (from_warehouse, to_warehouse):
		access.check_warehouse_access(warehouse, walled)
	on_hand = flt(frappe.db.get_value("Lot Balance", {"batch": batch, "warehouse": from_warehouse}, "qty"))
	if qty <= 0 or qty > on_hand + 1e-9:
		frappe.throw(
			_("Lot {0} has {1} in {2}: a move of {3} is not possible.").format(
				bold(batch), on_hand, bold(from_warehouse), qty
			)
		)
	item = frappe.db.get_value("Batch", batch, "item")
	source_company = frappe.get_cached_value("Warehouse", from_warehouse, "company")
	target_company = frappe.get_cached_value("Warehouse", to_warehouse, "company")
	remark = _("Lot {0} moved to {1}, where it is forecast to sell before {2}").format(
		batch, to_warehouse, format_date(forecast_deadline(batch, from_warehouse))
	)
	if source_company == target_company:
		frappe.has_permission("Stock Entry", "create", throw=True)
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Transfer",
				"purpose": "Material Transfer",
				"company": source_company,
				"remarks": remark,
				"items": [
					{
						"item_code": item,
						"qty": qty,
						"s_warehouse": from_warehouse,
						"t_warehouse": to_warehouse,
						"batch_no": batch,
						"use_serial_batch_fields": 1,
					}
				],
			}
		).insert()
		return {"doctype": entry.doctype, "name": entry.name}
	customer = queries.get_internal_customer(source_company, target_company)
	if not customer:
		frappe.throw(
			_(
				"{0} has no internal customer that represents {1}: set one up (Customer → Is Internal Customer, Represents Company, Allowed To Transact With) to move lot {2} between the two companies."
			).format(bold(source_company), bold(target_company), bold(batch))
		)
	frappe.has_permission("Delivery Note", "create", throw=True)
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": source_company,
			"customer": customer,
			"items": [
				{
					"item_code": item,
					"qty": qty,
					"warehouse": from_warehouse,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	note.set_missing_values()
	# ERPNext receives an inter-company delivery on the Purchase Receipt made from it: the receiving
	# warehouse is chosen there
	note.instructions = _(
		"{0}; to be received into {1} on the inter-company Purchase Receipt made from it"
	).format(remark, to_warehouse)
	note.insert()
	return {"doctype": note.doctype, "name": note.name}


def forecast_deadline(batch: str, warehouse: str):
	deadline = frappe.db.get_value(
		"Lot Expiry Forecast", {"batch": batch, "warehouse": warehouse}, "deadline"
	)
	return deadline or frappe.db.get_value("Batch", batch, "expiry_date")
