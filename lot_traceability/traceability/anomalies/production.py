"""Yield anomalies (pure): a production run's yield (made / consumed) against the item's other runs."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lot_traceability.traceability.anomalies.model import (
	Anomaly,
	AnomalyKind,
	Thresholds,
	_finite,
	leave_one_out,
	rank,
	robust_z,
)


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
