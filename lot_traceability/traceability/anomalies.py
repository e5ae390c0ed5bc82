"""Statistical anomalies: figures far from what the same thing usually does.

The exception rules (`exceptions.py`) judge a lot against fixed tolerances. These detectors judge a
figure against its own history instead — a run's yield against the item's other runs, a week's
adjustments against the pair's usual weekly rate, a movement's size against the item's usual sizes,
a receipt's dates against the supplier's earlier lots of the item — so an item that always loses
8 % is not flagged for losing 8 %, and one that never loses anything is flagged for losing 4 %.

Robust statistics. A history is summarised by its median and its MAD (median absolute deviation
from the median) scaled by 1.4826, which equals the standard deviation for normal data but is not
moved by the very outliers being looked for: one run at 50 % among runs at 100 % leaves the median
at 100 % and the spread small. A figure's robust z is (value − median) / spread; it is flagged when
|z| reaches the kind's threshold (in MADs), low and high both. Strength is how far past the
threshold it is (|z| / threshold, so ≥ 1 when flagged), comparable across kinds for ranking.

Spread floor. The MAD is 0 when most of the history is equal (every run yields exactly 1.0, every
lot keeps 365 days): a z would then be infinite for any difference, however small. The spread is
floored at `floor_fraction` (1 %) of the median's size and at an absolute floor (1e-9 by default),
so a value equal to the median scores 0 and a clearly different one scores high but finite. Kinds
whose unit makes a relative floor meaningless set their own absolute floor: 1 day for dates (the
data's resolution), 0.25 for log quantities (against a constant history a quantity must be about
e^(5 × 0.25) ≈ 3.5 times larger or smaller to be flagged).

History. Each point is judged against comparable points other than itself: yields and quantities
against all the item's other runs or movements (leave-one-out: a point never vouches for itself),
receipt dates against the supplier's receipts of the item on earlier days (what was known when it
arrived). Fewer than `min_history` comparable points: no judgement. Leave-one-out baselines are
exact, not approximated, and cost O(n log n) per item, not O(n² log n): removing one point moves the
median by at most one rank, so the leave-one-out median takes at most three values, and for each the
absolute deviations are sorted once and the point's own deviation removed by rank.

Kinds.
- Yield: made / consumed of a production run (runs that consumed nothing are skipped).
- Unusual quantity: a movement's absolute quantity, judged on log(quantity): sizes are multiplicative
  (a 10× movement is as odd for an item moved by the pallet as for one moved by the gram) and their
  spread is skewed; `expected` is then e^(median log quantity) and `spread` the spread of the logs.
- Supplier dates: a receipt's shelf life (expiry − made) and age at receipt (received − made), in
  days (params `figure`: shelf_life_days or age_at_receipt_days). Impossible dates are flagged
  whatever the history (params `reason`: expiry_not_after_made, made_after_received; strength 2, or
  the figure's z strength when higher); impossible figures are no one's history. One anomaly per
  receipt: the impossibility if any, else the stronger of the two figures.
- Adjustment burst: counts, not measurements, so Poisson, not z. A (warehouse, item) pair's
  adjustments are counted per 7-day week over the `weeks` weeks ending the day before `today`; a
  week with k adjustments (at least `min_adjustments`) is a burst when P(X ≥ k) < `adjustment_p` for
  X ~ Poisson(λ), λ the mean of the other weeks, floored at 1 / weeks (a pair never adjusted before
  is still judged). Strength is log10(p) / log10(adjustment_p). The other weeks are its history.

Anomalies are ranked strongest first; ties by kind, reference, lots.
"""

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

MAD_SCALE = 1.4826  # MAD × this estimates the standard deviation of normal data
MEAN_AD_SCALE = 1.2533  # √(π/2): the mean absolute deviation of normal data × this is its standard deviation
MIN_SPREAD = 1e-9
DAYS_FLOOR = 1.0  # spread floor of date figures, in days
LOG_QUANTITY_FLOOR = 0.25  # spread floor of log quantities
IMPOSSIBLE_STRENGTH = 2.0


class AnomalyKind(str, Enum):
	YIELD = "yield_anomaly"  # a production run's yield against the item's other runs
	ADJUSTMENT_BURST = "adjustment_burst"  # adjustments in one week at a warehouse for an item
	UNUSUAL_QUANTITY = "unusual_quantity"  # a movement quantity far outside the item's usual sizes
	SUPPLIER_DATES = "supplier_dates"  # a receipt's made/expiry dates against the supplier's past lots
	RUN_DURATION = "run_duration"  # a production run's minutes per unit against the workstation's usual (`traceability.runs`)
	COUNT_VARIANCE = (
		"count_variance"  # a cycle count's variance a recount confirmed (`traceability.counting`)
	)


KIND_ORDER = {kind: index for index, kind in enumerate(AnomalyKind)}


@dataclass(frozen=True)
class Thresholds:
	yield_mads: float = 3.5
	quantity_mads: float = 5.0  # on log(quantity)
	dates_mads: float = 3.5
	adjustment_p: float = 0.001  # Poisson tail probability below which a week is a burst
	min_adjustments: int = 3  # a week needs at least this many to be a burst
	min_history: int = 5  # fewer comparable points than this: no judgement
	duration_mads: float = 3.5  # on log(minutes per unit) of a production run

	def __post_init__(self):
		for name in ("yield_mads", "quantity_mads", "dates_mads", "duration_mads"):
			value = getattr(self, name)
			if not 0 < value < math.inf:
				raise ValueError(f"{name} must be a positive number of MADs, not {value!r}")
		if not 0 < self.adjustment_p < 1:
			raise ValueError(f"adjustment_p must be a probability between 0 and 1, not {self.adjustment_p!r}")
		if self.min_adjustments < 1:
			raise ValueError(f"min_adjustments must be at least 1, not {self.min_adjustments!r}")
		if self.min_history < 1:
			raise ValueError(f"min_history must be at least 1, not {self.min_history!r}")


@dataclass(frozen=True)
class Baseline:
	median: float
	spread: float  # robust spread: 1.4826 * MAD, floored
	n: int


def _median_of_sorted(values: Sequence[float]) -> float:
	n = len(values)
	middle = n // 2
	return values[middle] if n % 2 else (values[middle - 1] + values[middle]) / 2


def _spread(median: float, mad: float, mean_ad: float, floor_fraction: float, floor: float) -> float:
	"""1.4826 × MAD; when more than half the history is equal (MAD 0), 1.2533 × the mean absolute
	deviation from the median instead (Iglewicz and Hoaglin's fallback: a tail of different values
	still widens the spread); then floored."""
	scaled = MAD_SCALE * mad if mad > 0 else MEAN_AD_SCALE * mean_ad
	return max(scaled, floor_fraction * abs(median), floor)


def baseline(
	values: Sequence[float], floor_fraction: float = 0.01, floor: float = MIN_SPREAD
) -> Baseline | None:
	"""Median and floored robust spread of `values`; None when there are none."""
	ordered = sorted(values)
	if not ordered:
		return None
	median = _median_of_sorted(ordered)
	deviations = sorted(abs(value - median) for value in ordered)
	mad = _median_of_sorted(deviations)
	mean_ad = math.fsum(deviations) / len(deviations)
	return Baseline(median, _spread(median, mad, mean_ad, floor_fraction, floor), len(ordered))


def _median_without(ordered: Sequence[float], index: int) -> float:
	"""The median of sorted `ordered` without its element at `index` (at least two elements)."""
	n = len(ordered) - 1

	def at(rank: int) -> float:
		return ordered[rank] if rank < index else ordered[rank + 1]

	middle = n // 2
	return at(middle) if n % 2 else (at(middle - 1) + at(middle)) / 2


def leave_one_out(
	values: Sequence[float], floor_fraction: float = 0.01, floor: float = MIN_SPREAD
) -> list[Baseline | None]:
	"""For each value, the baseline of all the other values (None when there are no others); exact,
	O(n log n). The same as `baseline` of the list without that value."""
	n = len(values)
	if n < 2:
		return [None] * n
	order = sorted(range(n), key=values.__getitem__)
	ordered = [values[i] for i in order]
	rank = [0] * n
	for position, i in enumerate(order):
		rank[i] = position
	by_median: dict[float, list[int]] = defaultdict(list)
	for i in range(n):
		by_median[_median_without(ordered, rank[i])].append(i)
	result: list[Baseline | None] = [None] * n
	for median, members in by_median.items():
		deviations = [abs(value - median) for value in ordered]
		total = math.fsum(deviations)
		residual = math.fsum([*deviations, -total])  # what rounding the sum left out, exactly
		deviation_order = sorted(range(n), key=deviations.__getitem__)
		sorted_deviations = [deviations[p] for p in deviation_order]
		deviation_rank = [0] * n
		for position, p in enumerate(deviation_order):
			deviation_rank[p] = position
		for i in members:
			mad = _median_without(sorted_deviations, deviation_rank[rank[i]])
			# the others' sum without the cancellation of a large deviation taken from a rounded total
			mean_ad = max(0.0, math.fsum((total, residual, -deviations[rank[i]]))) / (n - 1)
			result[i] = Baseline(median, _spread(median, mad, mean_ad, floor_fraction, floor), n - 1)
	return result


def robust_z(value: float, base: Baseline) -> float:
	return (value - base.median) / base.spread


@dataclass(frozen=True)
class Anomaly:
	kind: AnomalyKind
	lots: tuple[str, ...]
	reference_doctype: str
	reference_name: str
	item: str
	warehouse: str
	value: float  # the figure judged (yield, count in the week, quantity, shelf-life days…)
	expected: float  # the history's median (or Poisson rate for bursts)
	spread: float  # the robust spread (or 0 for bursts)
	compared_with: int  # how many history points
	strength: float  # how far past the threshold; >= 1 when flagged
	on: date | None = None
	params: Mapping = field(default_factory=dict, compare=False, hash=False)


def _finite(value: float) -> bool:
	try:
		return math.isfinite(float(value))
	except (TypeError, ValueError):
		return False


# Yield


@dataclass(frozen=True)
class ProductionRun:
	reference: str  # Stock Entry name
	item: str  # the finished item
	on: date
	consumed: float  # total quantity consumed
	made: float  # quantity of the finished item made
	lots: tuple[str, ...]  # the finished lots (and consumed lots) to flag
	warehouse: str = ""


def yield_anomalies(runs: Iterable[ProductionRun], thresholds: Thresholds = Thresholds()) -> list[Anomaly]:
	"""Runs whose yield (made / consumed) is |z| ≥ `yield_mads` from the item's other runs."""
	by_item: dict[str, list[tuple[ProductionRun, float]]] = defaultdict(list)
	for run in runs:
		if _finite(run.consumed) and _finite(run.made) and run.consumed > 0:
			by_item[run.item].append((run, run.made / run.consumed))
	found = []
	for item_runs in by_item.values():
		bases = leave_one_out([value for _run, value in item_runs])
		for (run, value), base in zip(item_runs, bases, strict=True):
			if base is None or base.n < thresholds.min_history:
				continue
			z = robust_z(value, base)
			if abs(z) < thresholds.yield_mads:
				continue
			found.append(
				Anomaly(
					kind=AnomalyKind.YIELD,
					lots=tuple(run.lots),
					reference_doctype="Stock Entry",
					reference_name=run.reference,
					item=run.item,
					warehouse=run.warehouse,
					value=value,
					expected=base.median,
					spread=base.spread,
					compared_with=base.n,
					strength=abs(z) / thresholds.yield_mads,
					on=run.on,
					params={
						"z": z,
						"direction": "low" if z < 0 else "high",
						"consumed": run.consumed,
						"made": run.made,
					},
				)
			)
	return rank(found)


# Adjustment bursts


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


# Unusual quantities


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


def log_outliers(groups, min_history: int, mads: float):
	"""Of each group of (subject, log value) pairs, the subjects whose value is |z| ≥ `mads` robust
	deviations from the rest of its group (exact leave-one-out, the log-quantity floor on the spread),
	judged only where the rest counts at least `min_history`: (subject, value, base, z)."""
	for members in groups:
		bases = leave_one_out([value for _subject, value in members], 0.0, LOG_QUANTITY_FLOOR)
		for (subject, value), base in zip(members, bases, strict=True):
			if base is None or base.n < min_history:
				continue
			z = robust_z(value, base)
			if abs(z) >= mads:
				yield subject, value, base, z


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


# Supplier dates


@dataclass(frozen=True)
class Receipt:
	reference_doctype: str
	reference_name: str
	supplier: str
	item: str
	lot: str
	received: date
	made: date | None
	expiry: date | None
	warehouse: str = ""


SHELF_LIFE, AGE = "shelf_life_days", "age_at_receipt_days"
EXPIRY_NOT_AFTER_MADE, MADE_AFTER_RECEIVED = "expiry_not_after_made", "made_after_received"


def _figures(receipt: Receipt) -> dict[str, float]:
	"""The receipt's possible date figures (impossible ones are left out of any history)."""
	figures = {}
	if receipt.made and receipt.expiry and receipt.expiry > receipt.made:
		figures[SHELF_LIFE] = float((receipt.expiry - receipt.made).days)
	if receipt.made and receipt.made <= receipt.received:
		figures[AGE] = float((receipt.received - receipt.made).days)
	return figures


def _impossibilities(receipt: Receipt) -> list[tuple[str, str, float]]:
	"""(reason, figure, value) of each impossible date pair."""
	found = []
	if receipt.made and receipt.expiry and receipt.expiry <= receipt.made:
		found.append((EXPIRY_NOT_AFTER_MADE, SHELF_LIFE, float((receipt.expiry - receipt.made).days)))
	if receipt.made and receipt.made > receipt.received:
		found.append((MADE_AFTER_RECEIVED, AGE, float((receipt.received - receipt.made).days)))
	return found


def _date_anomaly(
	receipt: Receipt, history: Mapping[str, list[float]], thresholds: Thresholds
) -> Anomaly | None:
	"""The receipt's strongest reason, or None: an impossibility if any (strength 2, or its figure's z
	strength when higher), else the figure furthest past the threshold."""
	impossible = _impossibilities(receipt)
	values = {**_figures(receipt), **{figure: value for _reason, figure, value in impossible}}
	judged: dict[str, tuple[Baseline | None, float | None]] = {}
	for figure, value in values.items():
		base = baseline(history[figure], 0.01, DAYS_FLOOR)
		judged[figure] = (base, robust_z(value, base) if base and base.n >= thresholds.min_history else None)
	candidates = []  # (strength, reason, figure)
	for reason, figure, _value in impossible:
		z = judged[figure][1]
		candidates.append((max(IMPOSSIBLE_STRENGTH, abs(z or 0.0) / thresholds.dates_mads), reason, figure))
	if not candidates:
		candidates = [
			(abs(z) / thresholds.dates_mads, None, figure)
			for figure, (_base, z) in judged.items()
			if z is not None and abs(z) >= thresholds.dates_mads
		]
	if not candidates:
		return None
	strength, reason, figure = max(candidates, key=lambda c: (c[0], c[1] or "", c[2]))
	base, z = judged[figure]
	return Anomaly(
		kind=AnomalyKind.SUPPLIER_DATES,
		lots=(receipt.lot,) if receipt.lot else (),
		reference_doctype=receipt.reference_doctype,
		reference_name=receipt.reference_name,
		item=receipt.item,
		warehouse=receipt.warehouse,
		value=values[figure],
		expected=base.median if base else 0.0,
		spread=base.spread if base else 0.0,
		compared_with=base.n if base else 0,
		strength=strength,
		on=receipt.received,
		params={
			**({"reason": reason} if reason else {}),
			"figure": figure,
			"z": z,  # None when the figure was not judged (too little history)
			"supplier": receipt.supplier,
			"made": receipt.made,
			"expiry": receipt.expiry,
			"received": receipt.received,
		},
	)


def supplier_date_anomalies(
	receipts: Iterable[Receipt], thresholds: Thresholds = Thresholds()
) -> list[Anomaly]:
	"""Receipts whose shelf life or age at receipt is |z| ≥ `dates_mads` from the supplier's receipts
	of the item on earlier days, or whose dates are impossible (whatever the history)."""
	by_pair: dict[tuple[str, str], list[Receipt]] = defaultdict(list)
	for receipt in receipts:
		by_pair[(receipt.supplier, receipt.item)].append(receipt)
	found = []
	for pair_receipts in by_pair.values():
		pair_receipts.sort(key=lambda r: (r.received, r.reference_name, r.lot))
		history: dict[str, list[float]] = {SHELF_LIFE: [], AGE: []}  # kept sorted
		day_index = 0
		while day_index < len(pair_receipts):
			day = pair_receipts[day_index].received
			same_day = []
			while day_index < len(pair_receipts) and pair_receipts[day_index].received == day:
				same_day.append(pair_receipts[day_index])
				day_index += 1
			for receipt in same_day:
				anomaly = _date_anomaly(receipt, history, thresholds)
				if anomaly:
					found.append(anomaly)
			for receipt in same_day:
				for figure, value in _figures(receipt).items():
					bisect.insort(history[figure], value)
	return rank(found)


def _rank_key(anomaly: Anomaly):
	return (
		-anomaly.strength,
		KIND_ORDER[AnomalyKind(anomaly.kind)],
		anomaly.reference_doctype,
		anomaly.reference_name,
		anomaly.lots,
		anomaly.item,
		anomaly.warehouse,
		anomaly.on or date.min,
	)


def rank(anomalies: Iterable[Anomaly]) -> list[Anomaly]:
	"""Strongest first; ties by kind, reference, lots."""
	return sorted(anomalies, key=_rank_key)


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
