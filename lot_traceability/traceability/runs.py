"""Production runs: which workstation made or consumed a lot, when, and by whom.

A Manufacture Stock Entry (or a Repack of a Work Order) gives every lot it made (role *Made*) and
every lot it consumed (role *Consumed*, including the lots the Work Order's Material Consumption
entries consumed) one run per submitted Job Card of the Work Order: from the earliest `from_time` to
the latest `to_time` of the card's time logs, with the employees of those logs (and of the card).
A card without a usable time log, or a Work Order without Job Cards, gives the lot one run at the
entry's posting time, on no workstation (or the card's workstation), that begins and ends there.

Window rule. A window is half-open, [start, end). A run is in it when it overlaps it:
`run.from_time < end and run.to_time > start`. A run that ends exactly when the window begins, or
begins exactly when it ends, is not in it. An instant run (from_time == to_time) is in it when
`start <= from_time < end`. A run whose end is before its start (bad data) is read as an instant at
its start.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lot_traceability.traceability.anomalies import (
	Anomaly,
	AnomalyKind,
	Thresholds,
	log_outliers,
	rank,
)
from lot_traceability.traceability.problems import Problem

MADE = "Made"
CONSUMED = "Consumed"
MAX_WINDOW = timedelta(days=31)


@dataclass(frozen=True)
class TimeLog:
	from_time: datetime | None
	to_time: datetime | None
	employee: str | None = None
	completed_qty: float = 0.0


@dataclass(frozen=True)
class JobCard:
	name: str
	workstation: str | None
	operation: str | None
	time_logs: tuple[TimeLog, ...] = ()
	employees: tuple[str, ...] = ()  # the card's own employee table


@dataclass(frozen=True)
class Run:
	lot: str
	role: str
	qty: float
	from_time: datetime
	to_time: datetime
	workstation: str | None = None
	operation: str | None = None
	job_card: str | None = None
	employees: tuple[str, ...] = ()


def span(card: JobCard) -> tuple[datetime, datetime] | None:
	"""(earliest from_time, latest to_time) of the card's time logs; None when no log has both."""
	logs = [log for log in card.time_logs if log.from_time and log.to_time]
	if not logs:
		return None
	return min(log.from_time for log in logs), max(log.to_time for log in logs)


def card_employees(card: JobCard) -> tuple[str, ...]:
	"""The employees of the card's time logs, then those of its own table, each once, in order."""
	return tuple(dict.fromkeys(e for e in [*(log.employee for log in card.time_logs), *card.employees] if e))


def runs_for(
	made: Iterable[tuple[str, float]],
	consumed: Iterable[tuple[str, float]],
	cards: Iterable[JobCard],
	posted_at: datetime,
) -> list[Run]:
	"""The runs of one entry: each lot made and consumed (lot, qty; a lot listed twice counts once
	with the sum) times each Job Card, or one instant run at `posted_at` without cards."""
	cards = list(cards)
	runs = []
	for role, lots in ((MADE, made), (CONSUMED, consumed)):
		totals: dict[str, float] = {}
		for lot, qty in lots:
			totals[lot] = totals.get(lot, 0.0) + qty
		for lot, qty in totals.items():
			if not cards:
				runs.append(Run(lot, role, qty, posted_at, posted_at))
			for card in cards:
				times = span(card) or (posted_at, posted_at)
				runs.append(
					Run(
						lot,
						role,
						qty,
						times[0],
						times[1],
						workstation=card.workstation,
						operation=card.operation,
						job_card=card.name,
						employees=card_employees(card),
					)
				)
	return runs


def overlaps(from_time: datetime, to_time: datetime, start: datetime, end: datetime) -> bool:
	"""Whether a run overlaps the window [start, end) (the module's window rule)."""
	if to_time <= from_time:
		return start <= from_time < end
	return from_time < end and to_time > start


def in_window(runs: Iterable[Run], workstations: Iterable[str], start: datetime, end: datetime) -> list[Run]:
	"""The runs on these workstations that overlap [start, end)."""
	stations = set(workstations)
	return [
		run
		for run in runs
		if run.workstation in stations and overlaps(run.from_time, run.to_time, start, end)
	]


def window_problems(workstations, start: datetime | None, end: datetime | None) -> list[Problem]:
	"""Why a workstation window cannot be scoped: no workstation, a missing bound, an end before
	(or at) its start, or more than 31 days."""
	problems = []
	if not [w for w in workstations or () if w]:
		problems.append(Problem("no_workstation", "workstation", {}))
	if start is None or end is None:
		problems.append(Problem("no_bounds", "from_datetime", {}))
		return problems
	if end <= start:
		problems.append(Problem("ends_before_start", "to_datetime", {"start": start, "end": end}))
	elif end - start > MAX_WINDOW:
		problems.append(
			Problem("window_too_long", "to_datetime", {"days": MAX_WINDOW.days, "length": end - start})
		)
	return problems


def key(run: Run, voucher: str) -> tuple:
	"""What a stored run and an expected run must agree on."""
	return (
		voucher,
		run.lot,
		run.role,
		run.job_card or "",
		run.workstation or "",
		run.from_time.replace(microsecond=0),
		run.to_time.replace(microsecond=0),
		round(run.qty, 6),
	)


@dataclass(frozen=True)
class InputYield:
	item: str
	standard_qty: float  # what the BOM takes of the item for the quantity made
	actual_qty: float  # what was consumed of it for the quantity made

	@property
	def variance(self) -> float | None:
		"""Actual against standard, as a fraction (0.05: 5 % more consumed than the BOM says)."""
		return None if not self.standard_qty else self.actual_qty / self.standard_qty - 1


@dataclass(frozen=True)
class Yield:
	made_qty: float
	expected_qty: float | None  # what the inputs consumed should have made, by the BOM
	inputs: tuple[InputYield, ...]

	@property
	def ratio(self) -> float | None:
		"""Made against expected (1.0: exactly as the BOM says; 0.9: 10 % lost)."""
		return None if not self.expected_qty else self.made_qty / self.expected_qty


def bom_yield(
	made_qty: float, consumed: dict[str, float], bom_quantity: float, bom_items: dict[str, float]
) -> Yield:
	"""The yield of one production against its BOM. `consumed` is each input item's quantity consumed
	for what was made, `bom_items` each item's quantity for `bom_quantity` of output (stock units).
	Expected output is read on the total of the BOM's inputs (a mass balance): the BOM inputs
	consumed, times `bom_quantity` over the BOM's input total. Items consumed that the BOM does not
	list count in no expected figure but are listed with a standard of 0."""
	per_unit = {item: qty / bom_quantity for item, qty in bom_items.items()} if bom_quantity else {}
	inputs = tuple(
		InputYield(item, per_unit.get(item, 0.0) * made_qty, consumed.get(item, 0.0))
		for item in [*bom_items, *sorted(set(consumed) - set(bom_items))]
	)
	bom_total = sum(bom_items.values())
	in_bom = sum(qty for item, qty in consumed.items() if item in bom_items)
	expected = in_bom * bom_quantity / bom_total if bom_total and bom_quantity and in_bom else None
	return Yield(made_qty, expected, inputs)


# Run anomalies


@dataclass(frozen=True)
class TimedRun:
	"""A Job Card's run of one production entry: how long it took for how much it made."""

	job_card: str
	stock_entry: str
	workstation: str
	item: str  # the item made
	on: date
	minutes: float
	qty: float  # quantity made by the entry
	lots: tuple[str, ...] = ()  # the lots made (flagged)


DEFAULT_THRESHOLDS = Thresholds()


def duration_anomalies(
	runs: Iterable[TimedRun], thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[Anomaly]:
	"""Runs whose minutes per unit made are |z| ≥ `duration_mads` from the workstation's other runs,
	judged on log(minutes per unit) as `anomalies.quantity_anomalies` judges sizes (durations are
	multiplicative: twice as slow is as odd on a fast line as on a slow one), exact leave-one-out,
	history per workstation. Instant runs and runs that made nothing are skipped."""
	by_station: dict[str, list[tuple[TimedRun, float]]] = defaultdict(list)
	for run in runs:
		if run.workstation and run.minutes > 0 and run.qty > 0 and math.isfinite(run.minutes / run.qty):
			by_station[run.workstation].append((run, math.log(run.minutes / run.qty)))
	found = []
	for run, _value, base, z in log_outliers(
		by_station.values(), thresholds.min_history, thresholds.duration_mads
	):
		found.append(
			Anomaly(
				kind=AnomalyKind.RUN_DURATION,
				lots=run.lots,
				reference_doctype="Job Card",
				reference_name=run.job_card,
				item=run.item,
				warehouse="",
				value=run.minutes / run.qty,
				expected=math.exp(base.median),
				spread=base.spread,
				compared_with=base.n,
				strength=abs(z) / thresholds.duration_mads,
				on=run.on,
				params={
					"z": z,
					"direction": "low" if z < 0 else "high",
					"scale": "log",
					"workstation": run.workstation,
					"stock_entry": run.stock_entry,
					"minutes": run.minutes,
					"qty": run.qty,
				},
			)
		)
	return rank(found)
