"""Statistical anomalies' model (pure): the kinds, thresholds, a history's robust baseline (median and
scaled MAD, exact leave-one-out), a figure's robust z, an anomaly and their ranking (the method: the
package's docstring)."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
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
