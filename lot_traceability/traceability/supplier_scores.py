"""Supplier risk learned from outcomes: how often a supplier's lots of an item group went wrong.

Outcomes. A lot received from a supplier can later be rejected at inspection, have a deviation
recorded on it (or on a lot made from it), draw a customer complaint, be returned to the supplier or
be the source of a recall. Each outcome has a weight in [0, 1] (a rejection or a recall is a full
failure, a complaint three quarters, a return or a deviation half). A lot fails once, by its worst
outcome: three complaints about one lot are one bad lot, not three; a lot's failure is the weight of
its heaviest outcome. An outcome of weight 0 does not count (nor is it listed as evidence). Outcomes
dated after the scoring day are ignored, so a score can be recomputed as it stood on any day.

Recency. A lot counts by its age (by received date): its weight halves every half-life (365 days by
default). A supplier that had a bad year three years ago and has delivered cleanly since should not
carry that year at full weight, and its recent lots say more about the next one than its old ones.
Both the lot and its failure are weighted, so an old failure among old lots weighs less than a
recent one among recent lots. A lot received after the scoring day counts at full weight.

Shrinkage. A raw failure rate says too much about suppliers with few lots: two clean lots would make
a supplier perfect (0 %) and one bad lot out of one would make it certainly bad (100 %). Each
supplier is therefore shrunk towards the average of all suppliers' lots (empirical Bayes, a
beta-binomial prior): the average counts as `prior_strength` (5) lots, so

	score = 100 × (weighted failures + m × prior) / (weighted lots + m),   m = prior_strength

A supplier with few lots scores close to the average; the more lots it has, the more its own
record speaks. The average (`prior_rate`) is the pooled weighted failure rate of all suppliers' lots
of all item groups (0 without any lots that weigh anything). Scores are per (supplier, item group): a
supplier may be good at packaging and poor at raw meat. The average is one for all groups, so that
scores compare across groups: shrunk towards its own group's average, a supplier with one clean lot
in a group where others failed would score worse than one with a deviation in a quieter group.

Properties: adding a failure never lowers a supplier's score (its own failures and the average both
grow); a supplier without failures never scores worse than one with failures on lots received on the
same days, whatever their item groups; the
score does not depend on the order lots or events come in. Scores are listed highest first, then by
supplier and item group; each score's evidence lists its counted outcomes, weightiest first, then
most recent, then by lot.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from types import MappingProxyType


class Outcome(str, Enum):
	REJECTION = "rejection"  # inspection rejected the lot / lot moved into the rejected status
	DEVIATION = "deviation"  # a deviation recorded on the lot or on a lot made from it
	COMPLAINT = "complaint"  # a customer complaint traced back to the lot
	RETURN = "return"  # returned to the supplier
	RECALL = "recall"  # a recall whose source was the lot


DEFAULT_WEIGHTS: Mapping[Outcome, float] = MappingProxyType(
	{
		Outcome.REJECTION: 1.0,
		Outcome.RECALL: 1.0,
		Outcome.COMPLAINT: 0.75,
		Outcome.RETURN: 0.5,
		Outcome.DEVIATION: 0.5,
	}
)


@dataclass(frozen=True)
class Event:
	kind: Outcome
	on: date
	reference_doctype: str = ""
	reference_name: str = ""

	def __post_init__(self):
		object.__setattr__(self, "kind", Outcome(self.kind))


@dataclass(frozen=True)
class SupplierLot:
	supplier: str
	item_group: str
	lot: str
	received: date
	events: tuple[Event, ...] = ()

	def __post_init__(self):
		object.__setattr__(self, "events", tuple(self.events))


def _weights(weights: Mapping) -> Mapping[Outcome, float]:
	"""The outcome weights, validated; outcomes not given keep their default weight."""
	merged = dict(DEFAULT_WEIGHTS)
	for kind, weight in weights.items():
		try:
			outcome = Outcome(kind)
		except ValueError:
			raise ValueError(f"unknown outcome in weights: {kind!r}") from None
		try:
			value = float(weight)
		except (TypeError, ValueError):
			value = math.nan
		if not 0 <= value <= 1:
			raise ValueError(f"the weight of {outcome.value} must be between 0 and 1, not {weight!r}")
		merged[outcome] = value
	return MappingProxyType(merged)


@dataclass(frozen=True)
class Params:
	half_life_days: float = 365.0  # a lot's weight halves every half-life of age (by received date)
	prior_strength: float = 5.0  # the average counts as this many (weighted) lots
	weights: Mapping[Outcome, float] = field(default_factory=lambda: DEFAULT_WEIGHTS, hash=False)

	def __post_init__(self):
		if not self.half_life_days > 0 or math.isinf(self.half_life_days):
			raise ValueError(f"the half-life must be a positive number of days, not {self.half_life_days!r}")
		if not self.prior_strength >= 0 or math.isinf(self.prior_strength):
			raise ValueError(f"the prior strength cannot be negative, not {self.prior_strength!r}")
		object.__setattr__(self, "weights", _weights(self.weights))


@dataclass(frozen=True)
class Evidence:
	lot: str
	kind: Outcome
	on: date
	reference_doctype: str
	reference_name: str
	weight: float  # the outcome's weight times the lot's recency weight


@dataclass(frozen=True)
class SupplierScore:
	supplier: str
	item_group: str
	score: float  # 0-100, three decimals: 100 * shrunk failure rate
	lots: int
	failed_lots: int  # lots with at least one counted outcome (weight > 0)
	weighted_lots: float
	weighted_failures: float
	raw_rate: float | None  # weighted_failures / weighted_lots (None without lots)
	prior_rate: float  # the average it is shrunk towards
	evidence: tuple[Evidence, ...]  # most weighty first, then most recent, then lot name


def recency_weight(received: date, today: date, half_life_days: float) -> float:
	"""1 for a lot received today (or later), halving every `half_life_days` of age."""
	age = max(0, (today - received).days)
	return 0.5 ** (age / half_life_days)


def _weight(kind: Outcome, weights: Mapping) -> float:
	return float(weights.get(kind, DEFAULT_WEIGHTS[Outcome(kind)]))


def lot_failure(lot: SupplierLot, weights: Mapping[Outcome, float] = DEFAULT_WEIGHTS) -> float:
	"""How badly the lot failed, in [0, 1]: the weight of its worst outcome (0 without outcomes).
	A lot fails once, however many events it has. Every event given counts (filter by date first)."""
	return max((_weight(event.kind, weights) for event in lot.events), default=0.0)


@dataclass
class _Tally:
	lots: int = 0
	failed_lots: int = 0
	weighted_lots: float = 0.0
	weighted_failures: float = 0.0
	evidence: list[Evidence] = field(default_factory=list)


def _evidence_key(evidence: Evidence):
	return (
		-evidence.weight,
		-evidence.on.toordinal(),
		evidence.lot,
		evidence.kind.value,
		evidence.reference_doctype,
		evidence.reference_name,
	)


def _tally(lots: Iterable[SupplierLot], today: date, params: Params) -> dict[tuple[str, str], _Tally]:
	tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
	for lot in lots:
		recency = recency_weight(lot.received, today, params.half_life_days)
		events = tuple(e for e in lot.events if e.on <= today and _weight(e.kind, params.weights) > 0)
		failure = lot_failure(
			SupplierLot(lot.supplier, lot.item_group, lot.lot, lot.received, events), params.weights
		)
		tally = tallies[(lot.supplier, lot.item_group)]
		tally.lots += 1
		tally.failed_lots += failure > 0
		tally.weighted_lots += recency
		tally.weighted_failures += recency * failure
		tally.evidence.extend(
			Evidence(
				lot.lot,
				e.kind,
				e.on,
				e.reference_doctype,
				e.reference_name,
				_weight(e.kind, params.weights) * recency,
			)
			for e in events
		)
	return tallies


def _prior_rate(tallies: Mapping[tuple[str, str], _Tally]) -> float:
	"""The pooled weighted failure rate of all lots of all item groups (0 where no lot weighs)."""
	total_lots = math.fsum(tally.weighted_lots for tally in tallies.values())
	total_failures = math.fsum(tally.weighted_failures for tally in tallies.values())
	return total_failures / total_lots if total_lots > 0 else 0.0


# three decimals: on a site whose lots rarely fail the average is a fraction of a percent, and one
# decimal would tie a supplier with one clean lot with one with ten
SCORE_DECIMALS = 3


def _shrunk(tally: _Tally, prior: float, strength: float) -> float:
	denominator = tally.weighted_lots + strength
	if denominator <= 0:
		return prior
	return (tally.weighted_failures + strength * prior) / denominator


def score_suppliers(
	lots: Iterable[SupplierLot], today: date, params: Params = Params()
) -> list[SupplierScore]:
	"""One score per (supplier, item group) with lots, riskiest first (then by supplier, item group)."""
	tallies = _tally(lots, today, params)
	prior = _prior_rate(tallies)
	scores = []
	for (supplier, group), tally in tallies.items():
		scores.append(
			SupplierScore(
				supplier=supplier,
				item_group=group,
				score=round(100 * _shrunk(tally, prior, params.prior_strength), SCORE_DECIMALS),
				lots=tally.lots,
				failed_lots=tally.failed_lots,
				weighted_lots=tally.weighted_lots,
				weighted_failures=tally.weighted_failures,
				raw_rate=tally.weighted_failures / tally.weighted_lots if tally.weighted_lots > 0 else None,
				prior_rate=prior,
				evidence=tuple(sorted(tally.evidence, key=_evidence_key)),
			)
		)
	return sorted(scores, key=lambda s: (-s.score, s.supplier, s.item_group))
