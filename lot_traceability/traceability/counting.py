"""Cycle counts as process control: which lot × location to count today, whether a count agrees with
the book, what a recount decides, and the lot-level inventory accuracy (docs/spec.md, *Cycle counts*).

Risk ranking. Each candidate (a lot with stock at a location) gets a score, the sum over the plan's
factors of weight × factor, every factor in [0, 1]:

- value, movements, adjustments, anomalies: the candidate's figure divided by the largest figure
  among the candidates (0 when every candidate has 0);
- held, near expiry: 1 when the lot is held (a status that allows no outward use) / expires within the
  plan's days, else 0;
- days since counted: the days since the lot was last counted at the location, divided by the plan's
  horizon and capped at 1; never counted is 1;
- ABC class: A 1, B 0.5, C 0, the class of the item by its share of the candidates' value (the items
  making the first 80 % of the value are A, up to 95 % B, the rest C).

The day's list is the `per_day` highest scores; ties go to the lot, then the location, by name.

Counts. A count agrees with the book when |counted − book| ≤ max(tolerance % × book, tolerance qty).
A count that does not agree asks for a recount by another person; the recount decides: agreeing, the
book was right; not agreeing, the variance (recount − book) is confirmed.

Accuracy is the share of final lot × location counts that agree with the book, by location and month.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

FACTORS = (
	"value",
	"movements",
	"adjustments",
	"anomalies",
	"held",
	"near_expiry",
	"days_since_counted",
	"abc",
)
ABC_POINTS = {"A": 1.0, "B": 0.5, "C": 0.0}
A_SHARE, B_SHARE = 0.8, 0.95


@dataclass(frozen=True)
class Weights:
	value: float = 3.0
	movements: float = 2.0
	adjustments: float = 2.0
	anomalies: float = 3.0
	held: float = 1.0
	near_expiry: float = 1.0
	days_since_counted: float = 2.0
	abc: float = 1.0

	def __post_init__(self):
		for name in FACTORS:
			if getattr(self, name) < 0:
				raise ValueError(f"weight {name} may not be negative")


@dataclass(frozen=True)
class Candidate:
	lot: str
	location: str
	item: str = ""
	qty: float = 0.0
	value: float = 0.0
	movements: int = 0  # stock movements of the lot at the location since it was last counted there
	adjustments: int = 0  # of which reconciliations and other adjustments
	anomalies: int = 0  # anomalies and exceptions on the lot
	held: bool = False
	near_expiry: bool = False
	days_since_counted: int | None = None  # None: never counted at this location


@dataclass(frozen=True)
class Scored:
	candidate: Candidate
	score: float
	factors: dict = field(default_factory=dict)  # factor → weight × factor (the score's parts)
	abc: str = "C"

	@property
	def reasons(self) -> list[str]:
		"""The factors that add to the score, largest first."""
		parts = [(part, name) for name, part in self.factors.items() if part > 0]
		return [name for part, name in sorted(parts, key=lambda p: (-p[0], FACTORS.index(p[1])))]


def abc_classes(values: dict[str, float]) -> dict[str, str]:
	"""A/B/C of each key by its share of the total value: largest first, a key is A while the value
	before it is under 80 % of the total, B under 95 %, else C. With no value at all, every key is C."""
	total = sum(max(v, 0.0) for v in values.values())
	classes = {}
	before = 0.0
	for key, value in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
		if total <= 0:
			classes[key] = "C"
			continue
		share = before / total
		classes[key] = "A" if share < A_SHARE else "B" if share < B_SHARE else "C"
		before += max(value, 0.0)
	return classes


def _scale(value: float, largest: float) -> float:
	return min(max(value, 0.0) / largest, 1.0) if largest > 0 else 0.0


def score(
	candidate: Candidate,
	weights: Weights,
	largest: dict[str, float],
	abc: str = "C",
	horizon_days: int = 90,
) -> Scored:
	"""A candidate's risk score against the largest figures of its set."""
	days = candidate.days_since_counted
	factors = {
		"value": _scale(candidate.value, largest.get("value", 0.0)),
		"movements": _scale(candidate.movements, largest.get("movements", 0.0)),
		"adjustments": _scale(candidate.adjustments, largest.get("adjustments", 0.0)),
		"anomalies": _scale(candidate.anomalies, largest.get("anomalies", 0.0)),
		"held": 1.0 if candidate.held else 0.0,
		"near_expiry": 1.0 if candidate.near_expiry else 0.0,
		"days_since_counted": 1.0 if days is None else _scale(days, max(horizon_days, 1)),
		"abc": ABC_POINTS.get(abc, 0.0),
	}
	parts = {name: getattr(weights, name) * factor for name, factor in factors.items()}
	return Scored(candidate, sum(parts.values()), parts, abc)


def rank(candidates: Iterable[Candidate], weights: Weights, horizon_days: int = 90) -> list[Scored]:
	"""Every candidate scored, highest first (ties: lot, then location)."""
	candidates = list(candidates)
	largest = {
		name: max((float(getattr(c, name)) for c in candidates), default=0.0)
		for name in ("value", "movements", "adjustments", "anomalies")
	}
	item_values: dict[str, float] = defaultdict(float)
	for c in candidates:
		item_values[c.item] += max(c.value, 0.0)
	classes = abc_classes(dict(item_values))
	scored = [score(c, weights, largest, classes.get(c.item, "C"), horizon_days) for c in candidates]
	return sorted(scored, key=lambda s: (-round(s.score, 9), s.candidate.lot, s.candidate.location))


def day_list(
	candidates: Iterable[Candidate], weights: Weights, per_day: int, horizon_days: int = 90
) -> list[Scored]:
	"""The day's counts: the `per_day` riskiest candidates."""
	return rank(candidates, weights, horizon_days)[: max(per_day, 0)]


# counting


class RowState(str, Enum):
	PENDING = "Pending"
	MATCHED = "Matched"  # the (re)count agrees with the book
	RECOUNT = "Recount"  # the first count does not agree: another person counts again
	VARIANCE = "Variance"  # the recount does not agree either: the variance is confirmed


@dataclass(frozen=True)
class Tolerance:
	percent: float = 0.0
	qty: float = 0.0

	def allowed(self, book: float) -> float:
		return max(abs(book) * self.percent / 100.0, self.qty)


def agrees(book: float, counted: float, tolerance: Tolerance) -> bool:
	return abs(counted - book) <= tolerance.allowed(book) + 1e-9


def after_count(book: float, counted: float, tolerance: Tolerance) -> RowState:
	"""The first count: agreeing, done; else a recount is asked for."""
	return RowState.MATCHED if agrees(book, counted, tolerance) else RowState.RECOUNT


def after_recount(book: float, recounted: float, tolerance: Tolerance) -> RowState:
	"""The recount decides: agreeing, the book was right; else the variance is confirmed."""
	return RowState.MATCHED if agrees(book, recounted, tolerance) else RowState.VARIANCE


class RecountRefused(Exception):
	"""Why a recount may not be recorded: the code is put in words by the service."""

	def __init__(self, code: str):
		super().__init__(code)
		self.code = code


def check_recount(state: RowState, first_counter: str, recounter: str) -> None:
	"""A recount is taken only for a row waiting for one, and only from another person."""
	if state is not RowState.RECOUNT:
		raise RecountRefused("not_waiting")
	if (first_counter or "").lower() == (recounter or "").lower():
		raise RecountRefused("same_counter")


def final_qty(counted: float | None, recounted: float | None) -> float | None:
	"""The quantity a row ends with: the recount when there is one, else the count."""
	return recounted if recounted is not None else counted


def reconciled_qty(book_at_count: float, final: float, book_now: float) -> float:
	"""The quantity a reconciliation sets now: today's book moved by the confirmed variance (what
	moved since the count is kept)."""
	return max(book_now + (final - book_at_count), 0.0)


# accuracy


@dataclass(frozen=True)
class CountResult:
	location: str
	on: date
	lot: str
	book: float
	final: float
	state: RowState
	rate: float = 0.0  # value of one unit


@dataclass(frozen=True)
class Accuracy:
	location: str
	month: str  # YYYY-MM
	counted: int
	within: int
	variance_value: float  # Σ |final − book| × rate of the counts that did not agree

	@property
	def pct(self) -> float | None:
		return 100.0 * self.within / self.counted if self.counted else None


def accuracy(results: Iterable[CountResult]) -> list[Accuracy]:
	"""Lot-level inventory accuracy by location and month: final counts (matched or confirmed
	variance; pending and recount rows are not final) that agree, over all final counts."""
	groups: dict[tuple[str, str], list[CountResult]] = defaultdict(list)
	for result in results:
		if result.state in (RowState.MATCHED, RowState.VARIANCE):
			groups[(result.location, result.on.strftime("%Y-%m"))].append(result)
	return [
		Accuracy(
			location,
			month,
			len(rows),
			sum(1 for r in rows if r.state is RowState.MATCHED),
			sum(abs(r.final - r.book) * r.rate for r in rows if r.state is RowState.VARIANCE),
		)
		for (location, month), rows in sorted(groups.items())
	]


def coverage(counted: Iterable[tuple[str, str]], on_hand: Sequence[tuple[str, str]]) -> tuple[int, int]:
	"""(lot × location pairs with stock counted in the period, pairs with stock)."""
	stocked = set(on_hand)
	return len(stocked & set(counted)), len(stocked)
