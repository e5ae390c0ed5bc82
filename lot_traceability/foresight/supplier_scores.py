"""Supplier risk learned from outcomes: each supplier and item group's lots that failed (rejected,
in a deviation, returned, recalled), scored and stored for Supplier Lot Risk; the score recommends
the hold that Settings govern (rules: `traceability.supplier_scores`)."""

import json
from collections import defaultdict

from frappe import _
from frappe.utils import add_days, flt, getdate, now_datetime

from lot_traceability.config import get_settings
from lot_traceability.queries import foresight as queries
from lot_traceability.queries import supplier_scores as score_queries
from lot_traceability.traceability import supplier_scores as score_core

SUPPLIER_YEARS = 5  # lots received longer ago than this weigh next to nothing in a score


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

	for row in score_queries.get_rejections(get_settings().rejection_status):
		add(row.lot, score_core.Outcome.REJECTION, row.on_date, row.reference_doctype, row.reference_name)
	for row in score_queries.get_supplier_returns():
		add(row.lot, score_core.Outcome.RETURN, row.on_date, row.reference_doctype, row.reference_name)
	for row in score_queries.get_recall_sources():
		add(row.lot, score_core.Outcome.RECALL, row.on_date, "Lot Recall", row.reference_name)
	deviations = score_queries.get_deviation_lots()
	ancestors = score_queries.get_ancestor_lots({row.lot for row in deviations})
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
	rows = [row for row in score_queries.get_supplier_lots() if getdate(row.received) >= getdate(since)]
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
	scores = score_queries.get_supplier_scores(supplier)
	for row in scores:
		evidence = json.loads(row.evidence or "[]")
		for entry in evidence:
			entry["label"] = OUTCOME_LABELS.get(entry["kind"], entry["kind"])
		row.evidence = evidence
		row.explanation = _(
			"{0} of {1} lots with outcomes (own rate {2} %, recency-weighted), shrunk towards the average of {3} %"
		).format(row.failed_lots, row.lots, round(flt(row.raw_rate), 1), round(flt(row.prior_rate), 1))
	return scores
