"""Stock anomalies (pure): bursts of adjustments of a warehouse and item (Poisson), movements of unusual
size (log quantity against the item's usual sizes), count variances confirmed by a recount."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from lot_traceability.traceability.anomalies.model import (
	Anomaly,
	AnomalyKind,
	Thresholds,
	_finite,
	log_outliers,
	rank,
)


@dataclass(frozen=True)
class AdjustmentRow:
	reference_doctype: str
	reference_name: str
	item: str
	warehouse: str
	on: date
	lot: str = ""


def poisson_log_tail(k: int, rate: float) -> float:
	"""ln P(X ≥ k) for X ~ Poisson(rate), accurate far into the tail (no 1 − small subtraction)."""
	if k <= 0:
		return 0.0
	if rate <= 0:
		return -math.inf
	if k <= rate:
		# the tail is large: one minus the lower sum is accurate. Each term from its logarithm:
		# e^-rate alone underflows to 0 for rates past ~745 (then every term would be 0).
		log_rate = math.log(rate)
		lower = math.fsum(math.exp(-rate + i * log_rate - math.lgamma(i + 1)) for i in range(k))
		return math.log(max(1.0 - lower, 0.0)) if lower < 1 else -math.inf
	# terms from k on fall at least geometrically: sum their ratios to the k-th term
	log_first = -rate + k * math.log(rate) - math.lgamma(k + 1)
	total, ratio, i = 1.0, 1.0, k
	while True:
		i += 1
		ratio *= rate / i
		total += ratio
		if ratio < total * 1e-17:
			break
	return log_first + math.log(total)


def _week_anomaly(
	week_rows: list[AdjustmentRow],
	start: date,
	count: int,
	rate: float,
	log_p: float,
	weeks: int,
	threshold: float,
) -> Anomaly:
	first = week_rows[0]
	references = list(dict.fromkeys((row.reference_doctype, row.reference_name) for row in week_rows))
	return Anomaly(
		kind=AnomalyKind.ADJUSTMENT_BURST,
		lots=tuple(sorted({row.lot for row in week_rows if row.lot})),
		reference_doctype=first.reference_doctype,
		reference_name=first.reference_name,
		item=first.item,
		warehouse=first.warehouse,
		value=float(count),
		expected=rate,
		spread=0.0,
		compared_with=weeks - 1,
		strength=max(1.0, log_p / math.log(threshold)),  # max: p < threshold, whatever the last bit of a log
		on=start,
		params={
			"p": math.exp(log_p),
			"log10_p": log_p / math.log(10),
			"week_start": start,
			"week_end": start + timedelta(days=6),
			"references": references,
		},
	)


def adjustment_bursts(
	rows: Iterable[AdjustmentRow],
	today: date,
	weeks: int = 52,
	thresholds: Thresholds = Thresholds(),
	first_seen: Mapping[tuple[str, str], date] | None = None,
) -> list[Anomaly]:
	"""Weeks in which a (warehouse, item) pair was adjusted far more often than its usual weekly rate.
	The window is `weeks` 7-day weeks, the last ending the day before `today`; rows outside it are
	ignored. A week is judged against the pair's other weeks of the window (they must be at least
	`min_history`) — only those from the week the pair was first seen (`first_seen[(warehouse,
	item)]`, its first movement of any kind; else the window's start): before it the pair had no
	history, and its first busy week is not a burst against weeks it did not exist."""
	if weeks < 1:
		raise ValueError(f"weeks must be at least 1, not {weeks!r}")
	first_seen = first_seen or {}
	first_day = today - timedelta(days=7 * weeks)
	by_pair: dict[tuple[str, str], list[list[AdjustmentRow]]] = {}
	for row in rows:
		if not first_day <= row.on < today:
			continue
		buckets = by_pair.setdefault((row.warehouse, row.item), [[] for _ in range(weeks)])
		buckets[(row.on - first_day).days // 7].append(row)
	found = []
	for pair, buckets in by_pair.items():
		first_row_week = min(week for week, bucket in enumerate(buckets) if bucket)
		seen = first_seen.get(pair)
		start = max(0, (seen - first_day).days // 7) if seen else 0
		start = min(start, first_row_week)
		span = weeks - start  # the pair's weeks in the window
		if span - 1 < thresholds.min_history:
			continue
		total = sum(len(bucket) for bucket in buckets)
		for week in range(start, weeks):
			bucket = buckets[week]
			count = len(bucket)
			if count < thresholds.min_adjustments:
				continue
			rate = max((total - count) / (span - 1), 1 / span)
			log_p = poisson_log_tail(count, rate)
			if not math.exp(log_p) < thresholds.adjustment_p:
				continue
			bucket.sort(key=lambda row: (row.on, row.reference_doctype, row.reference_name, row.lot))
			week_start = first_day + timedelta(days=7 * week)
			found.append(_week_anomaly(bucket, week_start, count, rate, log_p, span, thresholds.adjustment_p))
	return rank(found)


@dataclass(frozen=True)
class Movement:
	reference_doctype: str
	reference_name: str
	item: str
	warehouse: str
	lot: str
	on: date
	qty: float  # absolute quantity
	kind: str = ""  # what sort of movement (e.g. a delivery out, a production receipt in)


def quantity_anomalies(moves: Iterable[Movement], thresholds: Thresholds = Thresholds()) -> list[Anomaly]:
	"""Movements whose log quantity is |z| ≥ `quantity_mads` from the item's other movements of the
	same kind (exact leave-one-out; zero quantities are skipped). Kinds are judged apart: a production
	receipt of a whole batch and the deliveries that sell it by the case are different sizes by design."""
	by_item: dict[tuple[str, str], list[tuple[Movement, float]]] = defaultdict(list)
	for move in moves:
		if _finite(move.qty) and move.qty != 0:
			by_item[(move.item, move.kind)].append((move, math.log(abs(move.qty))))
	found = []
	for move, log_qty, base, z in log_outliers(
		by_item.values(), thresholds.min_history, thresholds.quantity_mads
	):
		found.append(
			Anomaly(
				kind=AnomalyKind.UNUSUAL_QUANTITY,
				lots=(move.lot,) if move.lot else (),
				reference_doctype=move.reference_doctype,
				reference_name=move.reference_name,
				item=move.item,
				warehouse=move.warehouse,
				value=abs(move.qty),
				expected=math.exp(base.median),
				spread=base.spread,
				compared_with=base.n,
				strength=abs(z) / thresholds.quantity_mads,
				on=move.on,
				params={
					"z": z,
					"direction": "low" if z < 0 else "high",
					"scale": "log",
					"log_qty": log_qty,
					"log_median": base.median,
					"movement": move.kind,
				},
			)
		)
	return rank(found)


@dataclass(frozen=True)
class CountVariance:
	lot: str
	item: str
	warehouse: str
	on: date
	book: float
	counted: float  # the recount that confirmed the variance
	lot_count: str


def count_variance_anomalies(variances: Iterable[CountVariance]) -> list[Anomaly]:
	"""Every variance a recount confirmed is an anomaly of its lot at the location: the value is the
	count, expected the book, strength 1 + the variance's share of the book (capped at 10)."""
	return rank(
		Anomaly(
			kind=AnomalyKind.COUNT_VARIANCE,
			lots=(v.lot,),
			reference_doctype="Lot Count",
			reference_name=v.lot_count,
			item=v.item,
			warehouse=v.warehouse,
			value=v.counted,
			expected=v.book,
			spread=0.0,
			compared_with=1,
			strength=min(1.0 + abs(v.counted - v.book) / max(abs(v.book), 1.0), 10.0),
			on=v.on,
			params={"variance": v.counted - v.book},
		)
		for v in variances
		if v.counted != v.book
	)
