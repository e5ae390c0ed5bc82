"""Expiry forecast and rebalancing: how much of each lot will still be unsold on its deadline, and
where else it would sell in time.

Demand rate. An item's demand at a warehouse is learned from its weekly outward quantities with
Teunter–Syntetos–Babai (TSB, 2011). Lots of a perishable item sell intermittently (many weeks
without a sale) and items go out of use: TSB smooths the size of a week's demand only in weeks
with demand (alpha) and the probability that a week has demand every week (beta), and forecasts
probability × size per week. Like Croston it is unbiased on intermittent demand (a plain moving
average or exponential smoothing of the zero-filled series swings after every sale); unlike
Croston, which only updates when demand occurs and so keeps forecasting the last rate forever,
its probability decays in every week without demand, so a forecast fades when demand stops
(obsolescence) or thins out. Initialisation: on the first week with demand, size = that week's
quantity and probability = the share of weeks with demand in the whole series; the recursion then
runs over the weeks after it. The weeks before the first demand count only through that share,
never again through the decay, so leading zeros are not counted twice. The window is trusted as
history: for an item only recently stocked at a warehouse the caller passes the weeks since then,
else the weeks before it existed there read as weeks without demand. The method is about twenty
lines; a forecasting library (statsforecast, which has TSB; statsmodels, which has not) would
bring numpy, pandas or numba into every worker for that, and this core stays plain Python.

Deadline. The last day a lot can still be sold: its expiry, or earlier the last day on which it
still has the customers' minimum remaining shelf life. The caller computes it (see shelf_life).

FEFO leftover. The lots of one item at one warehouse are sold earliest deadline first (ties by lot
name). With D(t) the demand expected from today through day t, lot i takes min(qty_i,
max(0, D(deadline_i) − what earlier lots took)) and the rest of it is left over: demand an earlier
lot could not serve falls to the next one while it is still sellable. This equals selling each
day's demand from the earliest-deadline lot not past its deadline. A lot whose deadline is today
sells one day of demand; one past its deadline sells nothing.

Open orders. Orders already received are the early sight of the same demand the rate forecasts,
so the two are not added: D(t) is the larger of the open orders due by t (overdue orders count as
due today) and rate / 7 × selling days (today through t).

Rebalancing. What a lot's own warehouse will not sell may sell elsewhere. At a candidate warehouse
the moved quantity arrives after the lead time, modelled as its deadline shortened by it (the same
number of selling days), and competes FEFO with the lots already there. Moving stock in can push
the candidate's own later lots past their deadline, so the saving is what the moved quantity sells
minus the increase of the candidate's own leftover. Candidates are taken greedily, largest saving
first (ties by warehouse name), each at most once, until nothing is left or no candidate saves
anything.

Quantities and values are rounded to 6 decimals on output, so float noise never shows as a
leftover or a suggestion.
"""

import bisect
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

DECIMALS = 6


@dataclass(frozen=True)
class DemandRate:
	per_week: float  # expected quantity per week (TSB: probability * size)
	probability: float  # smoothed chance that a week has demand
	size: float  # smoothed quantity of a week with demand
	weeks: int  # weeks of history used
	nonzero_weeks: int  # weeks in it with demand
	method: str = "TSB"


NO_DEMAND = DemandRate(0.0, 0.0, 0.0, 0, 0)


def weekly_series(movements: Iterable[tuple[date, float]], end: date, weeks: int) -> list[float]:
	"""Quantities (positive = demand) summed into `weeks` consecutive 7-day buckets, oldest first, the
	last one ending the day before `end`: bucket k covers [end − 7·(weeks − k), end − 7·(weeks − k − 1)).
	Movements outside are ignored."""
	if weeks < 0:
		raise ValueError(f"weeks cannot be negative: {weeks}")
	series = [0.0] * weeks
	for day, qty in movements:
		days_before = (end - day).days
		if 1 <= days_before <= 7 * weeks:
			series[weeks - 1 - (days_before - 1) // 7] += qty
	return series


def demand_rate(weekly: Sequence[float], alpha: float = 0.2, beta: float = 0.1) -> DemandRate:
	"""TSB: size smoothed in weeks with demand (alpha), probability every week (beta), forecast =
	probability × size. Empty or all-zero series → no demand; negative quantities count as 0."""
	_check_smoothing("alpha", alpha)
	_check_smoothing("beta", beta)
	series = [_demand(qty) for qty in weekly]
	nonzero = [week for week, qty in enumerate(series) if qty > 0]
	if not nonzero:
		return DemandRate(0.0, 0.0, 0.0, len(series), 0)
	first = nonzero[0]
	size = series[first]
	probability = len(nonzero) / len(series)
	for qty in series[first + 1 :]:
		if qty > 0:
			size += alpha * (qty - size)
			probability += beta * (1 - probability)
		else:
			probability *= 1 - beta
	return DemandRate(probability * size, probability, size, len(series), len(nonzero))


def _check_smoothing(name: str, value: float) -> None:
	if not 0 < value <= 1:
		raise ValueError(f"{name} must be in (0, 1]: {value}")


def _demand(qty: float) -> float:
	qty = float(qty)
	if not math.isfinite(qty):
		raise ValueError(f"weekly quantity must be a finite number: {qty}")
	return max(0.0, qty)


@dataclass(frozen=True)
class StockLot:
	lot: str
	deadline: date  # last day the lot can still be sold
	qty: float
	value: float = 0.0  # stock value of qty (unit value = value / qty)

	def __post_init__(self):
		if self.qty < 0:
			raise ValueError(f"quantity of lot {self.lot} cannot be negative: {self.qty}")


@dataclass(frozen=True)
class LotForecast:
	lot: str
	qty: float
	taken: float  # forecast to be sold/consumed by its deadline
	leftover: float  # qty - taken, >= 0
	leftover_value: float  # value * leftover / qty (0 when qty == 0)


def cumulative_demand(
	per_week: float, orders: Iterable[tuple[date, float]], today: date, until: date
) -> float:
	"""Demand expected from `today` through `until` inclusive: the larger of the open orders due on or
	before `until` (overdue orders count as due today) and per_week / 7 × selling days (0 if until is
	before today). Orders and rate are two sights of the same demand and are not added."""
	_check_rate(per_week)
	orders = _check_orders(orders)
	if until < today:
		return 0.0
	ordered = sum(qty for due, qty in orders if due <= until)
	return max(ordered, per_week / 7 * ((until - today).days + 1))


def _check_rate(per_week: float) -> None:
	if per_week < 0:
		raise ValueError(f"demand per week cannot be negative: {per_week}")


def _check_orders(orders: Iterable[tuple[date, float]]) -> tuple[tuple[date, float], ...]:
	orders = tuple(orders)
	for due, qty in orders:
		if qty < 0:
			raise ValueError(f"open order quantity cannot be negative: {qty} due {due}")
	return orders


def _curve(per_week: float, orders: Iterable[tuple[date, float]], today: date) -> Callable[[date], float]:
	"""`cumulative_demand` as a function of the day, the orders summed once (a warehouse's thousands of
	lots each ask it)."""
	_check_rate(per_week)
	orders = sorted(_check_orders(orders), key=lambda order: order[0])
	dues = [due for due, _qty in orders]
	totals = list(accumulate(qty for _due, qty in orders))

	def demand(until: date) -> float:
		if until < today:
			return 0.0
		due_by = bisect.bisect_right(dues, until)
		return max(totals[due_by - 1] if due_by else 0.0, per_week / 7 * ((until - today).days + 1))

	return demand


def _fefo_order(lots: Sequence[StockLot]) -> list[int]:
	"""Indexes of `lots` in FEFO order; lots with the same deadline and name keep their order."""
	return sorted(range(len(lots)), key=lambda i: (lots[i].deadline, lots[i].lot, i))


def _fefo_taken(lots: Sequence[StockLot], demand: Callable[[date], float], today: date) -> list[float]:
	"""What each lot takes (unrounded, in the order given)."""
	taken = [0.0] * len(lots)
	before = 0.0
	for i in _fefo_order(lots):
		lot = lots[i]
		if lot.deadline < today:
			continue
		taken[i] = min(lot.qty, max(0.0, demand(lot.deadline) - before))
		before += taken[i]
	return taken


def forecast_leftover(
	lots: Sequence[StockLot], per_week: float, orders: Iterable[tuple[date, float]], today: date
) -> dict[str, LotForecast]:
	"""Lots of one item at one warehouse, by lot name in FEFO order: what each sells by its deadline
	and what is left over then."""
	twice = sorted(name for name, count in Counter(lot.lot for lot in lots).items() if count > 1)
	if twice:
		raise ValueError(f"a lot is listed twice: {twice}")
	taken = _fefo_taken(lots, _curve(per_week, orders, today), today)
	return {lots[i].lot: _lot_forecast(lots[i], taken[i]) for i in _fefo_order(lots)}


def _lot_forecast(lot: StockLot, took: float) -> LotForecast:
	taken = _clamp(took, lot.qty)
	leftover = _clamp(lot.qty - took, lot.qty)
	value = _round(lot.value * leftover / lot.qty) if lot.qty else 0.0
	return LotForecast(lot.lot, lot.qty, taken, leftover, value)


def _round(x: float) -> float:
	return round(x, DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _clamp(x: float, most: float) -> float:
	return min(most, max(0.0, _round(x)))


@dataclass(frozen=True)
class Site:
	warehouse: str
	company: str
	per_week: float
	orders: tuple[tuple[date, float], ...] = ()
	lots: tuple[StockLot, ...] = ()  # the item's lots already there

	def __post_init__(self):
		_check_rate(self.per_week)
		object.__setattr__(self, "orders", _check_orders(self.orders))
		object.__setattr__(self, "lots", tuple(self.lots))


@dataclass(frozen=True)
class Suggestion:
	warehouse: str
	company: str
	qty: float  # quantity to move there
	qty_saved: float  # reduction of the total forecast leftover (moved lot + the target's own lots)
	value_saved: float  # qty_saved * unit value of the moved lot
	per_week: float  # the target's demand rate used


def rebalance(
	lot: StockLot,
	leftover: float,
	candidates: Sequence[Site],
	today: date,
	lead_days: int = 0,
	whole_units: bool = False,
) -> list[Suggestion]:
	"""Where to move the `leftover` part of `lot` (what its own warehouse will not sell), best first.
	Each suggestion's qty is what the candidate would sell of it; candidates saving nothing are left
	out. With `whole_units` (a unit that must be a whole number) a suggestion moves the whole units
	it would sell, and its saving is that of moving them."""
	if leftover < 0:
		raise ValueError(f"leftover of lot {lot.lot} cannot be negative: {leftover}")
	if leftover > lot.qty + 10**-DECIMALS:
		raise ValueError(f"leftover of lot {lot.lot} ({leftover}) exceeds its quantity ({lot.qty})")
	if lead_days < 0:
		raise ValueError(f"lead days cannot be negative: {lead_days}")
	twice = sorted(w for w, count in Counter(site.warehouse for site in candidates).items() if count > 1)
	if twice:
		raise ValueError(f"a candidate warehouse is listed twice: {twice}")
	unit_value = lot.value / lot.qty if lot.qty else 0.0
	arrives = lot.deadline - timedelta(days=lead_days)
	left = min(leftover, lot.qty)
	unused = sorted(candidates, key=lambda site: site.warehouse)
	suggestions = []
	while left > 0 and unused:
		# max() keeps the first of equal savings: the smallest warehouse name. Savings are compared
		# rounded, so float noise does not decide a tie.
		moved = StockLot(lot.lot, arrives, left)
		site, (qty, saved) = max(
			((site, _move(moved, site, today)) for site in unused), key=lambda option: _round(option[1][1])
		)
		if _round(saved) <= 0:
			break
		if whole_units and qty != math.floor(qty):
			qty, saved = _move(StockLot(lot.lot, arrives, float(math.floor(qty))), site, today)
			if _round(saved) <= 0 or qty <= 0:
				unused.remove(site)
				continue
		value = _round(saved * unit_value)
		saved = min(qty, _clamp(saved, moved.qty))
		suggestions.append(Suggestion(site.warehouse, site.company, qty, saved, value, site.per_week))
		left = max(0.0, left - qty)
		unused.remove(site)
	return suggestions


def _move(moved: StockLot, site: Site, today: date) -> tuple[float, float]:
	"""(what `site` sells of `moved`, rounded; the reduction of the total leftover there). The moved
	lot goes after a lot of the same deadline and name already there."""
	demand = _curve(site.per_week, site.orders, today)
	own = _fefo_taken(site.lots, demand, today)
	with_moved = _fefo_taken((*site.lots, moved), demand, today)
	qty = _clamp(with_moved[-1], moved.qty)
	return qty, sum(with_moved) - sum(own)  # = what it sells − increase of the site's own leftover
