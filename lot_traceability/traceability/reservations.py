"""Stock Reservation Entries that respect lots: which lots a reservation may hold, and where a
reservation goes when one of its lots may no longer serve the order.

A reservation is an allocation for a Sales Order line, judged as at the line's delivery date with the
order's customer (`traceability.allocation.check_candidate`, movement ALLOCATION): the lot's status
allows allocation, it is not expired on the delivery date, it meets every minimum remaining shelf
life that applies (the item's Lot Rule, the customer's own), a restricted lot's release scope
permits the customer, and its stock is not in a quarantine warehouse.

Moving. When a lot of a reservation may no longer serve it (put on hold, expired, out of its scope),
what is still reserved of that lot and not delivered goes to other eligible lots of the same item
in the same warehouse, in the allocation's order (FEFO or FIFO), no more of each than it has free
(its stock less what other reservations hold of it). What was delivered of the lot stays recorded
on it. Where no lot, or not enough, is left, the rest is dropped; a reservation with nothing left
is cancelled.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from lot_traceability.traceability.allocation import (
	EPSILON,
	Allocation,
	Candidate,
	Request,
	Skip,
	allocate,
	check_candidate,
)


@dataclass(frozen=True)
class Reserved:
	"""One lot of a reservation: how much of it is reserved and how much of that was delivered."""

	lot: str
	qty: float
	delivered: float = 0.0

	@property
	def open(self) -> float:
		return max(0.0, self.qty - self.delivered)


@dataclass
class Plan:
	"""What becomes of a reservation: its lots afterwards, the moves and what could not be moved."""

	entries: list[Reserved] = field(default_factory=list)  # the reservation's lots afterwards
	moves: list[tuple[str, str, float]] = field(default_factory=list)  # (from lot, to lot, qty)
	dropped: list[tuple[str, float]] = field(default_factory=list)  # (lot, qty no lot could take)
	leaving: list[Skip] = field(default_factory=list)  # the lots that may no longer serve it

	@property
	def changed(self) -> bool:
		return bool(self.leaving)

	@property
	def open_qty(self) -> float:
		return sum(entry.open for entry in self.entries)

	@property
	def reserved_qty(self) -> float:
		return sum(entry.qty for entry in self.entries)

	@property
	def cancelled(self) -> bool:
		"""Nothing is left reserved and nothing was delivered: the reservation is cancelled."""
		return self.changed and self.reserved_qty <= EPSILON


def refusals(candidates: Iterable[Candidate], request: Request) -> list[Skip]:
	"""Why each lot a reservation names may not serve it (none: all may)."""
	return [skip for candidate in candidates if (skip := check_candidate(candidate, request))]


def choose(candidates: Iterable[Candidate], request: Request) -> Allocation:
	"""The lots a new reservation of `request.qty` takes: the allocation's, from the candidates'
	free quantities (their stock less what other reservations hold)."""
	return allocate(candidates, request)


def move(
	reserved: Sequence[Reserved],
	candidates: Sequence[Candidate],
	request: Request,
) -> Plan:
	"""Where a reservation goes now. `reserved`: its lots; `candidates`: every lot of the item in its
	warehouse, its own lots included, as they are now, `qty` being what each has free of other
	reservations. A lot that may no longer serve the reservation keeps only what was delivered of
	it; the rest goes to the eligible lots in the allocation's order (a lot the reservation already
	holds takes more only from what it has free beyond that). A lot not among the candidates (no
	stock there any more) is left as it is: only a lot's status, expiry or scope moves a reservation."""
	plan = Plan()
	by_lot = {candidate.lot: candidate for candidate in candidates}
	staying: dict[str, Reserved] = {}
	wanted: list[tuple[str, float]] = []
	for entry in reserved:
		candidate = by_lot.get(entry.lot)
		skip = check_candidate(candidate, request) if candidate else None
		if skip is None or entry.open <= EPSILON:
			staying[entry.lot] = entry  # it may still serve the order, or was delivered in full
			continue
		plan.leaving.append(skip)
		if entry.delivered > EPSILON:
			staying[entry.lot] = Reserved(entry.lot, entry.delivered, entry.delivered)
		wanted.append((entry.lot, entry.open))
	if not wanted:
		plan.entries = list(reserved)
		return plan
	leaving = {lot for lot, _qty in wanted}
	free = []
	for candidate in candidates:
		if candidate.lot in leaving:
			continue
		held = staying.get(candidate.lot)
		# a lot the reservation keeps holds its open quantity already: only the rest is free
		qty = candidate.qty - (held.open if held else 0.0)
		if qty > EPSILON:
			free.append(replace(candidate, qty=qty))
	total = sum(qty for _lot, qty in wanted)
	allocation = allocate(free, replace(request, qty=total))
	taken = [(candidate.lot, qty) for candidate, qty in allocation.picks]
	for lot, qty in wanted:
		while qty > EPSILON and taken:
			to_lot, available = taken[0]
			part = min(qty, available)
			plan.moves.append((lot, to_lot, part))
			qty -= part
			if available - part <= EPSILON:
				taken.pop(0)
			else:
				taken[0] = (to_lot, available - part)
		if qty > EPSILON:
			plan.dropped.append((lot, qty))
	added: dict[str, float] = {}
	for _from_lot, to_lot, qty in plan.moves:
		added[to_lot] = added.get(to_lot, 0.0) + qty
	order = [entry.lot for entry in reserved if entry.lot in staying]
	order += [lot for lot in added if lot not in staying]
	for lot in order:
		entry = staying.get(lot) or Reserved(lot, 0.0)
		plan.entries.append(replace(entry, qty=entry.qty + added.get(lot, 0.0)))
	return plan
