"""Promisable stock: how much of an item's stock on hand may be promised to an order, and why the rest
may not.

Every unit of stock on hand (a lot's positive quantity in a warehouse) falls in exactly one class,
decided in this order — the first that applies wins:

1. **in quarantine** — the warehouse is a quarantine warehouse: whatever the lot's status, its stock
   there never ships (`traceability.quarantine`);
2. **held** — the lot's status does not allow a shipment (quarantined, rejected, recalled, expired
   by status, a disabled lot), or its release scope has lapsed on the date;
3. **expired** — the lot has expired on the date (the day after its expiry date onwards);
4. **short** — the lot misses a minimum remaining shelf life that applies on the date (the item's
   Lot Rule, the customer's own requirement) or is older than the last lot the customer received
   where the customer asks never to get an older one;
5. **reserved** — reserved for other orders (Stock Reservation Entries): of a lot, its reserved
   quantity in that warehouse; then the warehouse's reservations that name no lot, taken from the
   lots left in FEFO order;
6. **restricted** — a restricted lot (released for named uses only): promisable only where its
   release scope permits a shipment to the customer on the date (a customer is named and in scope,
   company and warehouse within the scope), and no more than is left of its cap;
7. **usable** — everything else: promisable.

**Promisable** = usable + the restricted quantity in scope for the customer (within its cap). It is
never negative, and never more than what is on hand. Reservations on stock that is held, in
quarantine, expired or short are not subtracted again: that stock is not promisable anyway.

The date is the day the goods would leave (the order's delivery date): expiry and remaining shelf
life are judged on it, not today.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from lot_traceability.traceability.allocation import (
	EPSILON,
	EXPIRED,
	FEFO,
	OLDER_THAN_LAST,
	QUARANTINE,
	SCOPE,
	SHORT_SHELF_LIFE,
	STATUS,
	Candidate,
	Request,
	Requirement,
	Skip,
	check_candidate,
	policy_key,
)
from lot_traceability.traceability.restrictions import LAPSED, Use
from lot_traceability.traceability.statuses import Movement

# The classes, in the order a unit is classified.
IN_QUARANTINE, HELD, EXPIRED_AT_DATE, SHORT, RESERVED, RESTRICTED, USABLE = (
	"in_quarantine",
	"held",
	"expired",
	"short",
	"reserved",
	"restricted",
	"usable",
)
CLASSES = (IN_QUARANTINE, HELD, EXPIRED_AT_DATE, SHORT, RESERVED, RESTRICTED, USABLE)

# The allocation's reasons a lot is passed over, as classes (a scope refusal is decided apart).
CLASS_OF_REASON = {
	QUARANTINE: IN_QUARANTINE,
	STATUS: HELD,
	EXPIRED: EXPIRED_AT_DATE,
	SHORT_SHELF_LIFE: SHORT,
	OLDER_THAN_LAST: SHORT,
}


@dataclass(frozen=True)
class Share:
	"""Part of one lot's stock in one warehouse in one class; `promisable` is how much of it may be
	promised (all of a usable share, the in-scope part of a restricted one, none of the others)."""

	lot: str
	warehouse: str
	qty: float
	klass: str
	promisable: float = 0.0
	skip: Skip | None = None  # why the lot may not ship, as the allocation words it


@dataclass
class Promise:
	"""Stock on hand split into classes, with the lots behind each figure."""

	shares: list[Share] = field(default_factory=list)
	unbacked_reserved: float = 0.0  # reservations no promisable stock is left to cover

	def total(self, klass: str | None = None, warehouse: str | None = None) -> float:
		return sum(
			share.qty
			for share in self.shares
			if (klass is None or share.klass == klass) and (warehouse is None or share.warehouse == warehouse)
		)

	def promisable_in(self, warehouse: str | None = None) -> float:
		return sum(s.promisable for s in self.shares if warehouse is None or s.warehouse == warehouse)

	@property
	def promisable(self) -> float:
		return self.promisable_in()

	@property
	def on_hand(self) -> float:
		return self.total()

	def totals(self, warehouse: str | None = None) -> dict[str, float]:
		"""Every class's quantity (zero included), with `promisable` and `on_hand`."""
		found = {klass: self.total(klass, warehouse) for klass in CLASSES}
		found["promisable"] = self.promisable_in(warehouse)
		found["on_hand"] = self.total(None, warehouse)
		return found

	def warehouses(self) -> list[str]:
		return sorted({share.warehouse for share in self.shares})

	def of_class(self, klass: str) -> list[Share]:
		return [share for share in self.shares if share.klass == klass]


def classify(candidate: Candidate, request: Request) -> tuple[str | None, Skip | None]:
	"""The class the whole of a lot's stock in a warehouse falls in before reservations and scope
	(None: it may be reserved, restricted or usable), with the allocation's reason."""
	skip = check_candidate(candidate, request)
	if skip is not None and skip.reason in (QUARANTINE, STATUS):
		return CLASS_OF_REASON[skip.reason], skip
	if candidate.scope is not None and candidate.scope.lapsed(request.on_date):
		return HELD, Skip(candidate, SCOPE, scope_problem=LAPSED)  # treated as held
	if skip is None:
		return None, None
	if skip.reason in CLASS_OF_REASON:
		return CLASS_OF_REASON[skip.reason], skip
	return None, skip  # a scope that does not permit this customer: restricted, not promisable


def promise(
	stock: Iterable[Candidate],
	on_date: date,
	requirement: Requirement | None = None,
	use: Use | None = None,
	reserved: Mapping[tuple[str, str], float] | None = None,
	reserved_unassigned: Mapping[str, float] | None = None,
) -> Promise:
	"""Split the stock (lots in warehouses; non-positive quantities are not stock) into classes.

	`requirement`: minimum remaining shelf lives and never-older floor that apply (the item's rule and
	the customer's). `use`: whom a restricted lot's scope judges (customer, groups, company); None: no
	customer, so no restricted lot is promisable. `reserved`: (lot, warehouse) → quantity reserved for
	other orders; `reserved_unassigned`: warehouse → quantity reserved there naming no lot."""
	request = Request(
		qty=0.0,
		on_date=on_date,
		movement=Movement.SHIPMENT,
		requirement=requirement or Requirement(),
		use=use or Use(Movement.SHIPMENT, 0.0, on_date),
	)
	reserved = reserved or {}
	result = Promise()
	open_rows = []  # (candidate, skip, qty left) that may still be reserved, restricted or usable
	for candidate in stock:
		if candidate.qty <= EPSILON:
			continue
		klass, skip = classify(candidate, request)
		if klass is not None:
			result.shares.append(Share(candidate.lot, candidate.warehouse, candidate.qty, klass, skip=skip))
			continue
		left = candidate.qty
		held_back = min(left, max(0.0, float(reserved.get((candidate.lot, candidate.warehouse), 0.0))))
		if held_back > EPSILON:
			result.shares.append(Share(candidate.lot, candidate.warehouse, held_back, RESERVED))
			left -= held_back
		if left > EPSILON:
			open_rows.append([candidate, skip, left])
	result.unbacked_reserved = _reserve_unassigned(open_rows, reserved_unassigned or {}, result)
	cap_left = {}  # what is left of each restricted lot's cap, shared across its warehouses
	for candidate, skip, left in sorted(open_rows, key=lambda row: (row[0].lot, row[0].warehouse)):
		if left <= EPSILON:
			continue
		if candidate.scope is None:
			result.shares.append(Share(candidate.lot, candidate.warehouse, left, USABLE, left))
			continue
		promisable = 0.0
		if skip is None:  # the scope permits this customer
			remaining = cap_left.get(candidate.lot, candidate.scope.remaining)
			promisable = left if remaining is None else min(left, remaining)
			if remaining is not None:
				cap_left[candidate.lot] = remaining - promisable
		result.shares.append(
			Share(candidate.lot, candidate.warehouse, left, RESTRICTED, max(0.0, promisable), skip)
		)
	return result


def _reserve_unassigned(open_rows: list, unassigned: Mapping[str, float], result: Promise) -> float:
	"""Take each warehouse's reservations that name no lot from what is left there, in FEFO order
	(as a delivery would pick): usable lots, then restricted lots in scope. Returns what no such
	stock was left to cover."""
	unbacked = 0.0
	by_warehouse = defaultdict(list)
	for row in open_rows:
		candidate, skip, _left = row
		if candidate.scope is None or skip is None:
			by_warehouse[candidate.warehouse].append(row)
	for warehouse, wanted in sorted(unassigned.items()):
		wanted = max(0.0, float(wanted))
		rows = sorted(
			by_warehouse.get(warehouse, []),
			key=lambda row: (row[0].scope is not None, policy_key(row[0], FEFO), row[0].lot),
		)
		for row in rows:
			if wanted <= EPSILON:
				break
			take = min(row[2], wanted)
			result.shares.append(Share(row[0].lot, warehouse, take, RESERVED))
			row[2] -= take
			wanted -= take
		unbacked += wanted if wanted > EPSILON else 0.0
	return unbacked
