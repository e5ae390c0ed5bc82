import math
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.forecast import (
	NO_DEMAND,
	DemandRate,
	LotForecast,
	Site,
	StockLot,
	Suggestion,
	cumulative_demand,
	demand_rate,
	forecast_leftover,
	rebalance,
	weekly_series,
)

TODAY = date(2026, 6, 1)


def day(offset):
	return TODAY + timedelta(days=offset)


def lot(name, qty, deadline_in, value=0.0):
	return StockLot(name, day(deadline_in), qty, value)


def leftovers(lots, per_week, orders=()):
	return {name: f.leftover for name, f in forecast_leftover(lots, per_week, orders, TODAY).items()}


# weekly_series


def test_weekly_series_buckets_end_the_day_before_end():
	end = TODAY
	moves = [
		(end, 1000),  # end itself: outside
		(end - timedelta(days=1), 1),  # last bucket
		(end - timedelta(days=7), 2),  # last bucket, its first day
		(end - timedelta(days=8), 4),  # the bucket before
		(end - timedelta(days=21), 8),  # first bucket, its first day
		(end - timedelta(days=22), 1000),  # before the first bucket: outside
	]
	assert weekly_series(moves, end, 3) == [8, 4, 3]


def test_weekly_series_sums_and_nets_movements_of_a_week():
	moves = [(day(-1), 5), (day(-2), 7), (day(-3), -2)]
	assert weekly_series(moves, TODAY, 1) == [10]


def test_weekly_series_without_weeks_is_empty():
	assert weekly_series([(day(-1), 5)], TODAY, 0) == []


def test_weekly_series_refuses_negative_weeks():
	with pytest.raises(ValueError, match="weeks"):
		weekly_series([], TODAY, -1)


# demand_rate (TSB)


def test_no_history_is_no_demand():
	assert demand_rate([]) == NO_DEMAND
	assert demand_rate([0, 0, 0]) == DemandRate(0.0, 0.0, 0.0, 3, 0)
	assert demand_rate([0, -4, 0]).per_week == 0


def test_negative_weeks_count_as_no_demand():
	assert demand_rate([5, -3, 5]) == demand_rate([5, 0, 5])


def test_constant_demand_gives_that_rate():
	rate = demand_rate([12.0] * 20)
	assert rate.per_week == pytest.approx(12.0)
	assert (rate.probability, rate.size, rate.weeks, rate.nonzero_weeks) == (1.0, 12.0, 20, 20)
	assert rate.method == "TSB"


def test_constant_demand_converges_from_a_different_start():
	# a first week of 30, then 10 a week; and ten weeks without demand before a steady 10
	assert demand_rate([30.0] + [10.0] * 60).per_week == pytest.approx(10.0, rel=1e-3)
	assert demand_rate([0.0] * 10 + [10.0] * 60).per_week == pytest.approx(10.0, rel=1e-3)


def test_stopped_demand_gives_a_lower_rate():
	steady = demand_rate([10.0] * 20)
	stopped = demand_rate([10.0] * 20 + [0.0] * 20)
	assert stopped.per_week < steady.per_week / 5
	assert stopped.size == steady.size  # the size is not touched in weeks without demand


@given(
	st.lists(st.just(0.0) | st.floats(min_value=0.01, max_value=1000), min_size=1, max_size=30).filter(any),
	st.integers(min_value=1, max_value=30),
)
def test_every_week_without_demand_lowers_the_rate(series, zeros):
	assert demand_rate(series + [0.0] * zeros).per_week < demand_rate(series).per_week


def test_intermittent_demand_gives_about_its_average():
	# 8 every 4th week: about 2 a week, whichever week the history ends in
	rates = [demand_rate(([0.0] * phase + [8.0, 0.0, 0.0, 0.0] * 13)[:52]).per_week for phase in range(4)]
	assert all(1.6 < rate < 2.4 for rate in rates)
	assert sum(rates) / 4 == pytest.approx(2.0, rel=0.02)


def test_tsb_by_hand():
	# first demand in week 1: size 10, probability 2/4 (two weeks with demand out of four)
	# week 2 (0): probability 0.5 * 0.9 = 0.45; week 3 (20): size 10 + 0.2 * 10 = 12,
	# probability 0.45 + 0.1 * 0.55 = 0.505
	rate = demand_rate([0, 10, 0, 20])
	assert rate.size == pytest.approx(12.0)
	assert rate.probability == pytest.approx(0.505)
	assert rate.per_week == pytest.approx(6.06)
	assert (rate.weeks, rate.nonzero_weeks) == (4, 2)


@pytest.mark.parametrize("name", ["alpha", "beta"])
@pytest.mark.parametrize("value", [0, -0.1, 1.0001])
def test_smoothing_outside_zero_one_is_refused(name, value):
	with pytest.raises(ValueError, match=name):
		demand_rate([1, 2], **{name: value})


def test_a_refused_smoothing_is_named_with_its_value() -> None:
	"""The refusal says which smoothing constant is wrong and what it was given."""
	with pytest.raises(ValueError) as alpha:
		demand_rate([1, 2], alpha=0)
	assert str(alpha.value) == "alpha must be in (0, 1]: 0"
	with pytest.raises(ValueError) as beta:
		demand_rate([1, 2], beta=1.5)
	assert str(beta.value) == "beta must be in (0, 1]: 1.5"


def test_a_week_of_less_than_one_unit_is_a_week_with_demand() -> None:
	"""A week selling half a unit updates the size and keeps the probability up, like any sale."""
	# first week: size 2, probability 2/2; second week (0.5): size 2 + 0.2 * (0.5 - 2) = 1.7,
	# probability 1 + 0.1 * (1 - 1) = 1
	rate = demand_rate([2, 0.5])
	assert rate.size == pytest.approx(1.7)
	assert rate.probability == 1.0
	assert rate.per_week == pytest.approx(1.7)
	assert (rate.weeks, rate.nonzero_weeks) == (2, 2)


@pytest.mark.parametrize("name", ["alpha", "beta"])
def test_smoothing_of_one_is_allowed(name):
	assert demand_rate([1, 2], **{name: 1}).per_week > 0


def test_non_finite_weeks_are_refused():
	with pytest.raises(ValueError, match="finite"):
		demand_rate([1, float("nan")])


# cumulative_demand


def test_demand_is_counted_over_selling_days_inclusive():
	assert cumulative_demand(7, [], TODAY, day(0)) == pytest.approx(1)
	assert cumulative_demand(7, [], TODAY, day(9)) == pytest.approx(10)
	assert cumulative_demand(7, [], TODAY, day(-1)) == 0


def test_order_due_on_the_day_counts_and_the_day_after_does_not():
	assert cumulative_demand(0, [(day(5), 4)], TODAY, day(5)) == 4
	assert cumulative_demand(0, [(day(6), 4)], TODAY, day(5)) == 0


def test_overdue_orders_count_as_due_today():
	assert cumulative_demand(0, [(day(-30), 4)], TODAY, day(0)) == 4
	assert cumulative_demand(0, [(day(-30), 4)], TODAY, day(-1)) == 0


def test_orders_and_rate_are_not_added():
	# 7 a week = 1 a day over 10 days; orders of 6 and 8 due by then
	assert cumulative_demand(7, [(day(2), 6)], TODAY, day(9)) == pytest.approx(10)
	assert cumulative_demand(7, [(day(2), 6), (day(9), 8)], TODAY, day(9)) == 14


def test_negative_demand_is_refused():
	with pytest.raises(ValueError, match="per week"):
		cumulative_demand(-1, [], TODAY, day(3))
	with pytest.raises(ValueError, match="order"):
		cumulative_demand(1, [(day(1), -2)], TODAY, day(3))


# forecast_leftover


def test_a_lot_sells_until_its_deadline():
	f = forecast_leftover([lot("A", 100, 41, value=250)], 7, [], TODAY)["A"]
	# 42 selling days at 1 a day
	assert f == LotForecast("A", 100, 42, 58, 145)


def test_demand_equal_to_stock_leaves_nothing_and_one_less_leaves_one():
	assert leftovers([lot("A", 10, 9)], 7) == {"A": 0}
	assert leftovers([lot("A", 10, 8)], 7) == {"A": 1}
	assert leftovers([lot("A", 10, 30)], 0, [(day(3), 10)]) == {"A": 0}
	assert leftovers([lot("A", 10, 30)], 0, [(day(3), 9)]) == {"A": 1}


def test_a_lot_due_today_sells_one_day_and_yesterdays_nothing():
	assert leftovers([lot("A", 10, 0)], 7) == {"A": 9}
	assert leftovers([lot("A", 10, -1)], 7) == {"A": 10}
	# not even overdue orders
	assert leftovers([lot("A", 10, -1)], 7, [(day(-5), 10)]) == {"A": 10}


def test_order_due_on_the_deadline_counts_and_the_day_after_does_not():
	assert leftovers([lot("A", 10, 5)], 0, [(day(5), 4)]) == {"A": 6}
	assert leftovers([lot("A", 10, 5)], 0, [(day(6), 4)]) == {"A": 10}


def test_earliest_deadline_sells_first():
	# 1 a day for 20 days: A (deadline in 4 days: 5 days) takes 5, B takes the next 15 of its 20
	assert leftovers([lot("B", 20, 19), lot("A", 10, 4)], 7) == {"A": 5, "B": 5}


def test_equal_deadlines_are_ordered_by_lot_name():
	assert leftovers([lot("B", 10, 9), lot("A", 10, 9)], 7) == {"A": 0, "B": 10}
	assert list(forecast_leftover([lot("B", 10, 9), lot("A", 10, 9)], 7, [], TODAY)) == ["A", "B"]


def test_demand_an_expired_lot_missed_falls_to_the_next():
	# A expired yesterday: B sells the 10 days of demand through its deadline
	assert leftovers([lot("A", 50, -1), lot("B", 10, 9)], 7) == {"A": 50, "B": 0}


def test_demand_before_a_later_lot_is_served_by_it_once_the_earlier_runs_out():
	# A (3) runs out on day 3; B sells the rest of 10 days' demand = 7
	assert leftovers([lot("A", 3, 9), lot("B", 10, 9)], 7) == {"A": 0, "B": 3}


def test_leftover_value_is_prorated_and_zero_for_an_empty_lot():
	assert forecast_leftover([lot("A", 0, 3, value=0)], 7, [], TODAY)["A"] == LotForecast("A", 0, 0, 0, 0)
	assert forecast_leftover([lot("A", 4, 0, value=10)], 7, [], TODAY)["A"].leftover_value == 7.5


def test_a_sold_out_lot_of_negative_value_shows_a_plain_zero_leftover_value() -> None:
	"""A lot that sells out shows its leftover value as 0.0, never as -0.0, even when its stock
	value is negative."""
	f = forecast_leftover([lot("A", 10, 9, value=-20)], 7, [], TODAY)["A"]
	assert (f.taken, f.leftover, f.leftover_value) == (10, 0, 0)
	assert math.copysign(1.0, f.leftover_value) == 1.0
	assert str(f.leftover_value) == "0.0"


def test_quantities_are_rounded():
	f = forecast_leftover([lot("A", 100, 42)], 10, [], TODAY)["A"]
	assert (f.taken, f.leftover) == (61.428571, 38.571429)


def test_invalid_lots_are_refused():
	with pytest.raises(ValueError, match="negative"):
		lot("A", -1, 3)
	with pytest.raises(ValueError, match="twice"):
		forecast_leftover([lot("A", 1, 3), lot("A", 2, 4)], 7, [], TODAY)
	with pytest.raises(ValueError, match="per week"):
		forecast_leftover([lot("A", 1, 3)], -7, [], TODAY)


# forecast_leftover against a day-by-day simulation


def simulate(lots, daily, days):
	"""Each day, sell that day's demand from the lot with the earliest deadline (then name) that is not
	past its deadline and has stock left."""
	stock = {each.lot: each.qty for each in lots}
	for d in range(days):
		today = day(d)
		want = daily(d)
		for each in sorted(lots, key=lambda each: (each.deadline, each.lot)):
			if each.deadline < today or want <= 0:
				continue
			sold = min(stock[each.lot], want)
			stock[each.lot] -= sold
			want -= sold
	return stock


lots_strategy = st.lists(
	st.tuples(st.integers(min_value=-5, max_value=60), st.integers(min_value=0, max_value=200)),
	max_size=6,
).map(lambda specs: [lot(f"L{i % 3}{i}", qty, deadline) for i, (deadline, qty) in enumerate(specs)])


@given(lots_strategy, st.floats(min_value=0, max_value=100))
def test_forecast_equals_the_day_by_day_simulation_for_a_rate(lots, per_week):
	expected = simulate(lots, lambda d: per_week / 7, 61)
	for name, left in leftovers(lots, per_week).items():
		assert left == pytest.approx(expected[name], abs=2e-6)


@given(
	lots_strategy,
	st.lists(st.tuples(st.integers(min_value=-10, max_value=70), st.integers(min_value=0, max_value=80))),
)
def test_forecast_equals_the_day_by_day_simulation_for_orders(lots, orders):
	due = [(day(max(0, offset)), qty) for offset, qty in orders]
	expected = simulate(lots, lambda d: sum(qty for when, qty in due if when == day(d)), 61)
	assert leftovers(lots, 0, [(day(offset), qty) for offset, qty in orders]) == pytest.approx(expected)


orders_strategy = st.lists(
	st.tuples(st.integers(min_value=-10, max_value=70), st.floats(min_value=0, max_value=80)), max_size=5
).map(lambda specs: [(day(offset), qty) for offset, qty in specs])


@given(lots_strategy, st.floats(min_value=0, max_value=100), orders_strategy)
def test_leftover_is_never_negative_nor_more_than_the_lot(lots, per_week, orders):
	for f in forecast_leftover(lots, per_week, orders, TODAY).values():
		assert 0 <= f.leftover <= f.qty
		assert 0 <= f.taken <= f.qty
		assert f.taken + f.leftover == pytest.approx(f.qty, abs=2e-6)


@given(
	lots_strategy,
	st.floats(min_value=0, max_value=100),
	st.floats(min_value=0, max_value=100),
	orders_strategy,
	orders_strategy,
)
def test_more_demand_never_increases_the_leftover(lots, per_week, more, orders, more_orders):
	before = sum(leftovers(lots, per_week, orders).values())
	after = sum(leftovers(lots, per_week + more, orders + more_orders).values())
	assert after <= before + 1e-6 * len(lots)


@given(lots_strategy, st.floats(min_value=0, max_value=100), orders_strategy)
def test_lots_never_take_more_than_the_demand_through_the_last_deadline(lots, per_week, orders):
	last = max((each.deadline for each in lots), default=TODAY)
	days = max(0, (last - TODAY).days + 1)
	ordered = sum(qty for due, qty in orders if due <= last) if last >= TODAY else 0
	demand = max(ordered, per_week / 7 * days)
	taken = sum(f.taken for f in forecast_leftover(lots, per_week, orders, TODAY).values())
	assert taken <= demand + 1e-6 * len(lots)


# rebalance


def test_example_steady_demand_elsewhere():
	# 10 a week at A for twelve weeks, learned from the movements; nothing at B
	moves = [(day(-7 * week - 3), 10) for week in range(12)]
	rate_a = demand_rate(weekly_series(moves, TODAY, 12))
	rate_b = demand_rate(weekly_series([], TODAY, 12))
	assert rate_a.per_week == 10
	assert rate_b.per_week == 0

	at_b = lot("L1", 100, 42, value=250)
	leftover = forecast_leftover([at_b], rate_b.per_week, [], TODAY)["L1"].leftover
	assert leftover == 100

	# today through the deadline: 43 days at 10/7 a day = 430/7 = 61.4285714...
	suggestions = rebalance(at_b, leftover, [Site("A", "C1", rate_a.per_week)], TODAY)
	assert suggestions == [Suggestion("A", "C1", 61.428571, 61.428571, 153.571429, 10)]


def test_rebalance_caps_the_moved_quantity_at_the_leftover():
	suggestions = rebalance(lot("L1", 100, 42), 30, [Site("A", "C1", 10)], TODAY)
	assert [(s.qty, s.qty_saved) for s in suggestions] == [(30, 30)]


def test_moving_in_can_push_the_targets_own_lots_past_their_deadline():
	# at A 1 a day; its own lot of 15 (deadline in 19 days: 20 days) alone sells out.
	# the moved lot (10 days) sells 10, leaving its own lot only 10 of 20 days: 5 left over
	site = Site("A", "C1", 7, lots=(lot("OWN", 15, 19),))
	assert rebalance(lot("L1", 50, 9, value=100), 10, [site], TODAY) == [Suggestion("A", "C1", 10, 5, 10, 7)]


def test_no_suggestion_when_the_target_would_only_swap_lots():
	# own lot of 20 over 20 days sells out alone; moving 10 in only displaces 10 of it
	site = Site("A", "C1", 7, lots=(lot("OWN", 20, 19),))
	assert rebalance(lot("L1", 50, 9), 10, [site], TODAY) == []


def test_lead_time_shortens_the_selling_days():
	site = Site("A", "C1", 7)
	assert rebalance(lot("L1", 50, 9), 50, [site], TODAY, lead_days=3)[0].qty == 7
	# arriving on its deadline: one day; a day later: nothing
	assert rebalance(lot("L1", 50, 9), 50, [site], TODAY, lead_days=9)[0].qty == 1
	assert rebalance(lot("L1", 50, 9), 50, [site], TODAY, lead_days=10) == []


def test_an_expired_lot_is_not_suggested_anywhere():
	assert rebalance(lot("L1", 50, -1), 50, [Site("A", "C1", 70)], TODAY) == []


def test_greedy_takes_the_largest_saving_first_and_each_candidate_once():
	# 1 a day at A, 2 a day at B over 10 days: B takes 20 of 25, A the remaining 5
	sites = [Site("A", "C1", 7), Site("B", "C2", 14)]
	suggestions = rebalance(lot("L1", 25, 9, value=50), 25, sites, TODAY)
	assert suggestions == [Suggestion("B", "C2", 20, 20, 40, 14), Suggestion("A", "C1", 5, 5, 10, 7)]


def test_equal_savings_are_ordered_by_warehouse_name():
	sites = [Site("B", "C1", 7), Site("A", "C1", 7)]
	assert [s.warehouse for s in rebalance(lot("L1", 15, 9), 15, sites, TODAY)] == ["A", "B"]
	assert [s.qty for s in rebalance(lot("L1", 15, 9), 15, sites, TODAY)] == [10, 5]


def test_a_candidate_without_demand_or_with_open_orders_only():
	assert rebalance(lot("L1", 15, 9), 15, [Site("A", "C1", 0)], TODAY) == []
	sites = [Site("A", "C1", 0, orders=((day(4), 6), (day(10), 100)))]
	assert [s.qty for s in rebalance(lot("L1", 15, 9), 15, sites, TODAY)] == [6]


def test_the_same_lot_already_at_the_target():
	# 6 of L1 are already at A, which sells 1 a day over 10 days: 4 more of L1 would sell there
	site = Site("A", "C1", 7, lots=(lot("L1", 6, 9),))
	assert rebalance(lot("L1", 20, 9), 20, [site], TODAY) == [Suggestion("A", "C1", 4, 4, 0, 7)]


def test_invalid_rebalance_inputs_are_refused():
	with pytest.raises(ValueError, match="negative"):
		rebalance(lot("L1", 10, 9), -1, [], TODAY)
	with pytest.raises(ValueError, match="exceeds"):
		rebalance(lot("L1", 10, 9), 11, [], TODAY)
	with pytest.raises(ValueError, match="lead days"):
		rebalance(lot("L1", 10, 9), 5, [], TODAY, lead_days=-1)
	with pytest.raises(ValueError, match="twice"):
		rebalance(lot("L1", 10, 9), 5, [Site("A", "C1", 1), Site("A", "C2", 2)], TODAY)
	with pytest.raises(ValueError, match="per week"):
		Site("A", "C1", -1)
	with pytest.raises(ValueError, match="order"):
		Site("A", "C1", 1, orders=((day(1), -3),))


site_strategy = st.builds(
	lambda i, per_week, orders, own: Site(f"W{i}", "C1", per_week, tuple(orders), tuple(own)),
	st.integers(min_value=0, max_value=9),
	st.floats(min_value=0, max_value=100) | st.just(0.0),
	orders_strategy | st.just([]),
	lots_strategy,
)


@settings(max_examples=200)
@given(
	st.integers(min_value=-3, max_value=60),
	st.floats(min_value=0, max_value=500),
	st.floats(min_value=0, max_value=1),
	st.lists(site_strategy, max_size=5, unique_by=lambda s: s.warehouse),
	st.integers(min_value=0, max_value=10),
)
def test_rebalance_properties(deadline_in, qty, share, sites, lead_days):
	moved = lot("M", qty, deadline_in, value=3 * qty)
	leftover = qty * share
	suggestions = rebalance(moved, leftover, sites, TODAY, lead_days)
	assert sum(s.qty for s in suggestions) <= leftover + 1e-9
	assert len({s.warehouse for s in suggestions}) == len(suggestions)
	idle = {s.warehouse for s in sites if s.per_week == 0 and not s.orders}
	for s in suggestions:
		assert s.qty_saved > 0
		assert s.qty_saved <= s.qty
		assert s.warehouse not in idle
	# a smaller remainder never saves more anywhere, so greedy savings come out largest first
	savings = [s.qty_saved for s in suggestions]
	assert all(later <= earlier + 1e-6 for earlier, later in pairwise(savings))


@given(st.floats(min_value=0, max_value=500), st.floats(min_value=0, max_value=100), st.integers(0, 40))
def test_a_single_empty_target_sells_what_its_demand_allows(qty, per_week, deadline_in):
	# no own lots, no orders: it sells min(qty, rate over the selling days), computed by hand
	suggestions = rebalance(lot("M", qty, deadline_in), qty, [Site("A", "C1", per_week)], TODAY)
	expected = min(qty, per_week / 7 * (deadline_in + 1))
	assert sum(s.qty for s in suggestions) == pytest.approx(expected, abs=1e-6)


def test_whole_units_move_the_whole_units_it_would_sell():
	at_b = lot("L1", 100, 42, value=250)  # 2.5 a unit
	# it would sell 61.43: 61 whole units move, and they all sell
	suggestions = rebalance(at_b, 100, [Site("A", "C1", 10)], TODAY, whole_units=True)
	assert suggestions == [Suggestion("A", "C1", 61, 61, 152.5, 10)]
	# a candidate that would sell less than one unit is not suggested
	assert rebalance(at_b, 100, [Site("A", "C1", 0.1)], TODAY, whole_units=True) == []
	assert rebalance(at_b, 100, [Site("A", "C1", 0.1)], TODAY)[0].qty == pytest.approx(43 * 0.1 / 7, abs=1e-6)


def test_whole_units_leave_a_whole_suggestion_unchanged():
	assert rebalance(lot("L1", 100, 42), 30, [Site("A", "C1", 10)], TODAY, whole_units=True)[0].qty == 30


def test_a_leftover_may_exceed_the_lot_by_rounding_only() -> None:
	"""A leftover at most a millionth above the lot's quantity is accepted; beyond that it is refused."""
	for leftover in (10.0000008, 10.000001):
		assert rebalance(lot("L1", 10, 9), leftover, [], TODAY) == []
	with pytest.raises(ValueError, match=r"leftover of lot L1 \(10.0000011\) exceeds its quantity \(10\)"):
		rebalance(lot("L1", 10, 9), 10.0000011, [], TODAY)


def test_whole_units_suggest_a_single_unit_or_a_small_saving() -> None:
	"""With whole units, a candidate that sells one whole unit, or whose whole units save less than
	one unit, is still suggested."""
	at_b = lot("L1", 100, 9, value=200)  # 2 a unit
	one_and_a_half = Site("A", "C1", 0, orders=((day(3), 1.5),))
	assert rebalance(at_b, 100, [one_and_a_half], TODAY, whole_units=True) == [
		Suggestion("A", "C1", 1, 1, 2.0, 0)
	]
	# B sells 2.5 of it by day 9, but its own lot (12, deadline in 19 days, 12.5 wanted by then)
	# then sells only 10 of its 12: 2 whole units save 0.5
	own = Site("B", "C2", 0, orders=((day(2), 2.5), (day(15), 10)), lots=(lot("OWN", 12, 19),))
	assert rebalance(at_b, 100, [own], TODAY, whole_units=True) == [Suggestion("B", "C2", 2, 0.5, 1.0, 0)]


def test_whole_units_pass_over_a_candidate_selling_under_one_unit_and_try_the_next() -> None:
	"""The best candidate selling less than one whole unit is dropped and the next one is tried."""
	at_b = lot("L1", 100, 9, value=200)
	under_one = Site("A", "C1", 0, orders=((day(3), 0.9),))  # saves 0.9, but not one whole unit
	own = Site("B", "C2", 0, orders=((day(2), 2.5), (day(15), 10)), lots=(lot("OWN", 12, 19),))  # saves 0.5
	assert rebalance(at_b, 100, [under_one, own], TODAY, whole_units=True) == [
		Suggestion("B", "C2", 2, 0.5, 1.0, 0)
	]


def test_whole_units_moved_beside_a_target_lot_of_the_same_deadline() -> None:
	"""The whole units moved keep the lot's name, so they sell in FEFO order (deadline, then lot name)
	beside the target's own lot of the same deadline."""
	# 10.5 wanted by day 9: the moved L1 sells before OWN (3); 10 whole units leave OWN 0.5
	site = Site("A", "C1", 0, orders=((day(5), 10.5),), lots=(lot("OWN", 3, 9),))
	assert rebalance(lot("L1", 100, 9, value=200), 100, [site], TODAY, whole_units=True) == [
		Suggestion("A", "C1", 10, 7.5, 15.0, 0)
	]


def test_a_site_keeps_its_orders_and_lots_given_as_any_iterable() -> None:
	"""A site's open orders and lots, passed as lists or one-shot iterators, are kept as tuples and
	still count."""
	site = Site("A", "C1", 7, orders=[(day(4), 6)], lots=[lot("OWN", 1, 9)])
	assert (site.orders, site.lots) == (((day(4), 6),), (lot("OWN", 1, 9),))
	once = Site("A", "C1", 0, orders=iter([(day(4), 6)]), lots=iter([lot("OWN", 1, 9)]))
	assert (once.orders, once.lots) == (((day(4), 6),), (lot("OWN", 1, 9),))
	# 6 ordered by day 4: the moved L1 sells all 6 before OWN (same deadline), so OWN's 1 is left: 5 saved
	assert [(s.qty, s.qty_saved) for s in rebalance(lot("L1", 15, 9), 15, [once], TODAY)] == [(6, 5)]
