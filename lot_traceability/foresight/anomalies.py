"""Movements that do not fit: run durations, quantities, adjustments, count variances and dates
judged against the site's own history, stored as Lot Anomalies for Lot Exceptions; an anomaly asks
for a second look, it holds nothing (rules: `traceability.anomalies`)."""

import json

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, format_date, getdate, now_datetime

from lot_traceability.config import get_settings
from lot_traceability.foresight.supplier_scores import SUPPLIER_YEARS
from lot_traceability.queries import anomalies as anomaly_queries
from lot_traceability.queries import foresight as queries
from lot_traceability.traceability import anomalies as anomaly_core

ANOMALY_WEEKS = 52  # the history anomalies are judged against


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
	runs = anomaly_queries.get_production_runs(since)
	lots_of_runs = anomaly_queries.get_lots_of_vouchers("Stock Entry", [run.name for run in runs])
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
	for row in anomaly_queries.get_adjustment_rows(since):
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
	for row in anomaly_queries.get_movements(since):
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
	supplier_receipts = anomaly_queries.get_supplier_receipts(add_days(today, -366 * SUPPLIER_YEARS))
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
		list(anomaly_queries.ANOMALY_FIELDS),
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
