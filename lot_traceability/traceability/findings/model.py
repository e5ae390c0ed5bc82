"""Lot exceptions' model (pure): the kinds of finding, their default weights, a finding and its
reasons, and a lot's score (its most severe finding plus a tenth of every other one, capped at 100;
see the package's docstring)."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Kind(str, Enum):
	SHIPPED_BEFORE_RELEASE = "shipped_before_release"
	HELD_LOT_OVERRIDE = "held_lot_override"
	BACK_DATED = "back_dated"
	MASS_BALANCE = "mass_balance"
	NO_INPUTS = "no_inputs"
	BOM_YIELD = "bom_yield"
	SUPPLIER_LOT_REUSE = "supplier_lot_reuse"
	NEAR_EXPIRY_ORDERS = "near_expiry_orders"
	REPEATED_ADJUSTMENTS = "repeated_adjustments"
	OUTSIDE_SCOPE = "outside_scope"
	MISSING_DOCUMENTS = "missing_documents"
	# statistical anomalies (`traceability.anomalies`), stored by the daily job
	YIELD_ANOMALY = "yield_anomaly"
	ADJUSTMENT_BURST = "adjustment_burst"
	UNUSUAL_QUANTITY = "unusual_quantity"
	SUPPLIER_DATES = "supplier_dates"
	RUN_DURATION = "run_duration"
	# a receipt unlike its supplier's announcement (`traceability.announcements`)
	ANNOUNCEMENT_MISMATCH = "announcement_mismatch"
	COUNT_VARIANCE = "count_variance"
	# cycle counts (`traceability.counting`)
	COUNT_NOT_IN_LEDGER = "count_not_in_ledger"


KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}


DEFAULT_WEIGHTS: dict[Kind, float] = {
	Kind.SHIPPED_BEFORE_RELEASE: 90,
	Kind.HELD_LOT_OVERRIDE: 80,
	Kind.BACK_DATED: 70,
	Kind.MASS_BALANCE: 60,
	Kind.NO_INPUTS: 60,
	Kind.BOM_YIELD: 50,
	Kind.SUPPLIER_LOT_REUSE: 40,
	Kind.NEAR_EXPIRY_ORDERS: 35,
	Kind.REPEATED_ADJUSTMENTS: 30,
	Kind.OUTSIDE_SCOPE: 80,
	Kind.MISSING_DOCUMENTS: 45,
	Kind.YIELD_ANOMALY: 50,
	Kind.ADJUSTMENT_BURST: 40,
	Kind.UNUSUAL_QUANTITY: 35,
	Kind.SUPPLIER_DATES: 40,
	Kind.RUN_DURATION: 35,
	Kind.ANNOUNCEMENT_MISMATCH: 45,
	Kind.COUNT_VARIANCE: 40,
	Kind.COUNT_NOT_IN_LEDGER: 60,
}


ANOMALY_KINDS = frozenset(
	{
		Kind.YIELD_ANOMALY,
		Kind.ADJUSTMENT_BURST,
		Kind.UNUSUAL_QUANTITY,
		Kind.SUPPLIER_DATES,
		Kind.RUN_DURATION,
		Kind.COUNT_VARIANCE,
	}
)


MAX_ANOMALY_FACTOR = 1.5  # an anomaly far past its threshold weighs up to this much more than its kind


MAX_SCORE = 100.0


OTHERS_SHARE = 0.1  # each finding after the most severe one adds this share of its severity


@dataclass(frozen=True)
class Thresholds:
	mass_balance_tolerance: float = 5.0  # % of the quantity consumed
	bom_yield_tolerance: float = 10.0  # % of the quantity the BOM asks for
	max_adjustments: int = 2  # more adjustments of one lot than this within the window …
	adjustment_window_days: int = 90  # … is an exception
	near_expiry_days: int = 30


@dataclass(frozen=True)
class Finding:
	lot: str
	kind: Kind
	reference_doctype: str | None = None
	reference_name: str | None = None
	params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
	weight: float | None = None  # overrides the kind's severity


@dataclass(frozen=True)
class Reason:
	finding: Finding
	severity: float


@dataclass(frozen=True)
class LotScore:
	lot: str
	score: float
	reasons: tuple[Reason, ...]

	@property
	def kinds(self) -> list[Kind]:
		return list(dict.fromkeys(reason.finding.kind for reason in self.reasons))


def _clamp(value: float) -> float:
	return max(0.0, min(MAX_SCORE, float(value)))


def severity(finding: Finding, weights: Mapping[Kind, float] | None = None) -> float:
	if finding.weight is not None:
		return _clamp(finding.weight)
	weights = weights or {}
	return _clamp(weights.get(finding.kind, DEFAULT_WEIGHTS[Kind(finding.kind)]))


def combine(severities: Iterable[float]) -> float:
	"""The most severe plus a tenth of the others, capped at 100, to one decimal."""
	ordered = sorted((_clamp(s) for s in severities), reverse=True)
	if not ordered:
		return 0.0
	total = ordered[0] + OTHERS_SHARE * math.fsum(ordered[1:])
	return round(min(MAX_SCORE, total), 1)


def _reason_key(reason: Reason):
	finding = reason.finding
	return (
		-reason.severity,
		KIND_ORDER[Kind(finding.kind)],
		finding.reference_doctype or "",
		finding.reference_name or "",
		repr(sorted(finding.params.items(), key=lambda item: item[0])),
		finding.weight is not None,
		finding.weight or 0.0,
	)


def score_lot(lot: str, findings: Iterable[Finding], weights: Mapping[Kind, float] | None = None) -> LotScore:
	reasons = sorted((Reason(f, severity(f, weights)) for f in findings if f.lot == lot), key=_reason_key)
	return LotScore(lot, combine(reason.severity for reason in reasons), tuple(reasons))


def rank_lots(findings: Iterable[Finding], weights: Mapping[Kind, float] | None = None) -> list[LotScore]:
	"""One score per lot, highest first (then more findings first, then by lot)."""
	by_lot: dict[str, list[Finding]] = defaultdict(list)
	for finding in findings:
		by_lot[finding.lot].append(finding)
	scores = [score_lot(lot, lot_findings, weights) for lot, lot_findings in by_lot.items()]
	return sorted(scores, key=lambda s: (-s.score, -len(s.reasons), s.lot))


def anomaly_finding(
	lot: str,
	kind: str,
	strength: float,
	reference_doctype: str | None,
	reference_name: str | None,
	params: Mapping[str, Any],
	weights: Mapping[Kind, float] | None = None,
) -> Finding:
	"""A stored anomaly as a finding of its lot: its kind's severity scaled by how far past its
	threshold it is (`strength`, 1 at the threshold), up to MAX_ANOMALY_FACTOR times."""
	kind = Kind(kind)
	if kind not in ANOMALY_KINDS:
		raise ValueError(f"not an anomaly kind: {kind.value}")
	base = (weights or {}).get(kind, DEFAULT_WEIGHTS[kind])
	factor = min(MAX_ANOMALY_FACTOR, max(1.0, float(strength)))
	return Finding(lot, kind, reference_doctype, reference_name, dict(params), weight=_clamp(base * factor))
