"""Lot allocation: which lots an order line takes, and why every other lot was passed over.

Eligibility. A candidate lot (stock of one lot in one warehouse) may be taken when
- its status allows the movement (shipment, allocation, issue or transfer);
- it is not expired on the *posting* (delivery) date, for the movements expiry gates;
- it still has every minimum remaining shelf life that applies on that date (the item's Lot Rule and
  the customer's own requirement, days or % of the lot's total shelf life);
- it was not made before the last lot this customer received of the item, where the customer asks
  never to be shipped an older lot;
- a restricted lot's release scope permits the use (customer, production, place), and no more is
  taken of it than is left of its cap (`traceability.restrictions`);
- its stock is not in a quarantine warehouse (`traceability.quarantine`): whatever its status.

Order. FEFO: earliest expiry first (lots without expiry last), then earliest receipt/manufacture;
FIFO: earliest receipt (else manufacture) first. Across warehouses alike: a Pick List over several
warehouses takes the earliest lot wherever it is. Lots that tie on the policy's key are taken so
the line needs as few lots as possible: the smallest lot that covers what is still wanted, else the
largest.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import groupby

from lot_traceability.traceability.movements import EXPIRY_GATED
from lot_traceability.traceability.restrictions import CAP, CAP_CHECKED, Scope, Use, check_use
from lot_traceability.traceability.shelf_life import (
	MinimumRemaining,
	is_expired,
	meets_minimum_remaining,
	remaining_days,
)
from lot_traceability.traceability.statuses import LotStatus, Movement

FEFO, FIFO = "FEFO", "FIFO"
EPSILON = 1e-9

# Why a lot was passed over (the app words them).
STATUS, EXPIRED, SHORT_SHELF_LIFE, OLDER_THAN_LAST, SCOPE = (
	"status",
	"expired",
	"short_shelf_life",
	"older_than_last",
	"scope",
)
QUARANTINE = "quarantine"  # its stock is in a quarantine warehouse: never taken from there


@dataclass(frozen=True)
class Candidate:
	"""Stock of one lot in one warehouse."""

	lot: str
	warehouse: str
	qty: float
	status: LotStatus
	expiry_date: date | None = None
	manufacturing_date: date | None = None
	received_date: date | None = None
	scope: Scope | None = None  # a restricted lot's release scope in effect
	in_quarantine: bool = False  # the warehouse is a quarantine warehouse

	@property
	def made_on(self) -> date | None:
		return self.manufacturing_date or self.received_date


@dataclass(frozen=True)
class Requirement:
	"""What this shipment asks of a lot besides its status: minimum remaining shelf lives that apply
	(rule and customer) and the manufacture date of the last lot the customer received, where the
	customer must never get an older one."""

	minimums: tuple[MinimumRemaining, ...] = ()
	not_older_than: date | None = None


@dataclass(frozen=True)
class Request:
	qty: float
	on_date: date
	movement: Movement = Movement.SHIPMENT
	policy: str = FEFO
	requirement: Requirement = field(default_factory=Requirement)
	use: Use | None = None  # who it is for and what it makes (restricted lots' scopes judge it)


@dataclass(frozen=True)
class Skip:
	candidate: Candidate
	reason: str
	required: float | None = None  # the minimum (days or %) that was not met
	remaining_days: int | None = None
	scope_problem: str | None = None  # what a release scope did not permit (a `restrictions` code)


@dataclass
class Allocation:
	picks: list[tuple[Candidate, float]] = field(default_factory=list)
	skipped: list[Skip] = field(default_factory=list)
	shortfall: float = 0.0

	@property
	def qty(self) -> float:
		return sum(qty for _candidate, qty in self.picks)


def check_candidate(candidate: Candidate, request: Request) -> Skip | None:
	"""None when the lot may be taken for the request, else why not."""
	if candidate.in_quarantine:
		return Skip(candidate, QUARANTINE)
	if not candidate.status.allows(request.movement):
		return Skip(candidate, STATUS)
	expiry = candidate.expiry_date
	if request.movement in EXPIRY_GATED and is_expired(expiry, request.on_date):
		return Skip(candidate, EXPIRED, remaining_days=remaining_days(expiry, request.on_date))
	for minimum in request.requirement.minimums:
		if not meets_minimum_remaining(expiry, request.on_date, minimum, candidate.manufacturing_date):
			return Skip(
				candidate,
				SHORT_SHELF_LIFE,
				required=minimum.value,
				remaining_days=remaining_days(expiry, request.on_date) if expiry else None,
			)
	floor = request.requirement.not_older_than
	if floor and candidate.made_on and candidate.made_on < floor:
		return Skip(candidate, OLDER_THAN_LAST)
	if candidate.scope is not None:
		problem = scope_refusal(candidate, request)
		if problem:
			return Skip(candidate, SCOPE, scope_problem=problem)
	return None


def scope_use(candidate: Candidate, request: Request) -> Use:
	context = request.use or Use(request.movement, 0.0, request.on_date)
	return replace(
		context, movement=request.movement, qty=0.0, on_date=request.on_date, warehouse=candidate.warehouse
	)


def scope_refusal(candidate: Candidate, request: Request) -> str | None:
	"""What the candidate's release scope does not permit of this request, if anything (nothing left
	of its cap counts)."""
	problem = check_use(candidate.scope, scope_use(candidate, request))
	if problem:
		return problem.code
	if request.movement in CAP_CHECKED and candidate.scope.cap is not None:
		if candidate.scope.remaining <= EPSILON:
			return CAP
	return None


def takeable(candidate: Candidate, request: Request) -> Candidate:
	"""The candidate as far as it may be taken: no more of a restricted lot than its cap has left."""
	scope = candidate.scope
	if scope is None or scope.cap is None or request.movement not in CAP_CHECKED:
		return candidate
	return replace(candidate, qty=min(candidate.qty, scope.remaining))


def policy_key(candidate: Candidate, policy: str) -> tuple:
	"""The order lots are taken in (lower first); equal keys are a tie."""
	if policy == FIFO:
		return (candidate.received_date or candidate.manufacturing_date or date.max,)
	return (candidate.expiry_date or date.max, candidate.made_on or date.max)


def allocate(candidates: Iterable[Candidate], request: Request) -> Allocation:
	"""Take lots for the request in policy order; report every lot passed over and why."""
	if request.policy not in (FEFO, FIFO):
		raise ValueError(f"policy must be {FEFO} or {FIFO}, not {request.policy!r}")
	result = Allocation()
	eligible = []
	for candidate in candidates:
		if candidate.qty <= EPSILON:
			continue
		skip = check_candidate(candidate, request)
		if skip:
			result.skipped.append(skip)
		else:
			eligible.append(takeable(candidate, request))
	wanted = max(0.0, float(request.qty))
	ordered = sorted(eligible, key=lambda c: (policy_key(c, request.policy), c.warehouse, c.lot))
	for _key, tied in groupby(ordered, key=lambda c: policy_key(c, request.policy)):
		group = list(tied)
		while group and wanted > EPSILON:
			chosen = _fewest_lots_choice(group, wanted)
			group.remove(chosen)
			take = min(chosen.qty, wanted)
			result.picks.append((chosen, take))
			wanted -= take
		if wanted <= EPSILON:
			break
	result.shortfall = wanted if wanted > EPSILON else 0.0
	return result


def _fewest_lots_choice(group: Sequence[Candidate], wanted: float) -> Candidate:
	covering = [c for c in group if c.qty >= wanted - EPSILON]
	if covering:
		return min(covering, key=lambda c: (c.qty, c.warehouse, c.lot))
	return min(group, key=lambda c: (-c.qty, c.warehouse, c.lot))
