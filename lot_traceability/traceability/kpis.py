"""Traceability KPIs, computed from plain facts the app reads (the definitions are in docs/spec.md).

- Receiving completeness: the share of receiving rows of lot-controlled items that captured the
  supplier's lot number and whose lot has an expiry date.
- Quarantine cycle time: for each hold (a status change into a holding status) that a release (a
  change into the release status) ends, the days between them.
- FEFO adherence: the share of shipments of a lot for which no other lot of the item, in the same
  warehouse, with stock on the shipping date, allowed to ship and not expired then, would expire
  earlier.
- Time to scope, expiration loss and write-offs by reason are sums and averages of recorded figures.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Ratio:
	part: int
	whole: int

	@property
	def pct(self) -> float | None:
		return 100.0 * self.part / self.whole if self.whole else None


def receiving_completeness(rows: Iterable[tuple[str | None, date | None]]) -> Ratio:
	"""`rows`: (supplier lot no, lot expiry) of each receiving row of a lot-controlled item."""
	rows = list(rows)
	return Ratio(sum(1 for lot_no, expiry in rows if (lot_no or "").strip() and expiry), len(rows))


@dataclass(frozen=True)
class StatusEvent:
	lot: str
	at: datetime
	to_status: str
	is_hold: bool
	is_release: bool


@dataclass(frozen=True)
class Cycle:
	lot: str
	held_at: datetime
	released_at: datetime

	@property
	def days(self) -> float:
		return (self.released_at - self.held_at).total_seconds() / 86400


def quarantine_cycles(events: Iterable[StatusEvent]) -> list[Cycle]:
	"""Hold → release cycles per lot: a hold starts at the first change into a holding status (while
	not already held) and ends at the next change into the release status."""
	by_lot: dict[str, list[StatusEvent]] = defaultdict(list)
	for event in events:
		by_lot[event.lot].append(event)
	cycles = []
	for lot, lot_events in sorted(by_lot.items()):
		held_at = None
		for event in sorted(lot_events, key=lambda e: e.at):
			if event.is_hold and held_at is None:
				held_at = event.at
			elif event.is_release and held_at is not None:
				cycles.append(Cycle(lot, held_at, event.at))
				held_at = None
	return cycles


def mean(values: Iterable[float]) -> float | None:
	values = list(values)
	return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Shipment:
	lot: str
	item: str
	warehouse: str
	posting_date: date
	expiry: date | None


@dataclass(frozen=True)
class LotFacts:
	"""A lot's expiry, whether its status allows shipment, and its dated movements in a warehouse."""

	lot: str
	item: str
	warehouse: str
	expiry: date | None
	may_ship: bool
	moves: tuple[tuple[date, float], ...]  # (posting date, signed quantity)

	def balance_on(self, day: date) -> float:
		return sum(qty for posted, qty in self.moves if posted <= day)


def fefo_adherence(shipments: Iterable[Shipment], lots: Iterable[LotFacts]) -> tuple[Ratio, list]:
	"""Shipments that took the earliest-expiring lot that could ship (FEFO), of all shipments; and the
	departures as (shipment, earlier lot). A shipment of a lot without expiry adheres only if no lot
	with an expiry could ship."""
	pool: dict[tuple[str, str], list[LotFacts]] = defaultdict(list)
	for facts in lots:
		pool[(facts.item, facts.warehouse)].append(facts)
	shipments = list(shipments)
	departures = []
	for shipment in shipments:
		shipped_expiry = shipment.expiry or date.max
		for other in pool.get((shipment.item, shipment.warehouse), ()):
			if other.lot == shipment.lot or not other.may_ship or other.expiry is None:
				continue
			if other.expiry >= shipped_expiry or other.expiry < shipment.posting_date:
				continue
			# stock at the end of the shipping day
			if other.balance_on(shipment.posting_date) > 0:
				departures.append((shipment, other.lot))
				break
	return Ratio(len(shipments) - len(departures), len(shipments)), departures


def by_month(values: Iterable[tuple[date, float]]) -> dict[str, float]:
	"""Sums per calendar month (YYYY-MM), in month order."""
	months: dict[str, float] = defaultdict(float)
	for day, value in values:
		months[f"{day.year:04d}-{day.month:02d}"] += value
	return dict(sorted(months.items()))


def project_expiry(
	lots: Iterable[tuple[str, date, float]], demand: Iterable[tuple[date, float]]
) -> dict[str, float]:
	"""How much of each lot open demand will take before the lot expires.

	`lots`: (lot, expiry, quantity on hand) of one item in one warehouse; `demand`: (due date,
	quantity) of its open orders. Demand takes lots FEFO — the earliest-expiring lot first, for orders
	due on or before that lot's expiry, earliest due first. What a lot keeps is projected to expire."""
	open_demand = sorted(([due, qty] for due, qty in demand if qty > 0), key=lambda d: d[0])
	covered = {}
	for lot, expiry, qty in sorted(lots, key=lambda lot: (lot[1], lot[0])):
		left = qty
		for order in open_demand:
			if left <= 0:
				break
			if order[1] <= 0 or order[0] > expiry:
				continue
			take = min(left, order[1])
			order[1] -= take
			left -= take
		covered[lot] = qty - left
	return covered
