import math
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.anomalies import (
	AdjustmentRow,
	Anomaly,
	AnomalyKind,
	Baseline,
	Movement,
	ProductionRun,
	Receipt,
	Thresholds,
	adjustment_bursts,
	baseline,
	leave_one_out,
	poisson_log_tail,
	quantity_anomalies,
	rank,
	robust_z,
	supplier_date_anomalies,
	yield_anomalies,
)

D = date(2026, 1, 5)

# references written here, from the definitions


def ref_median(values):
	ordered = sorted(values)
	n = len(ordered)
	return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def ref_baseline(values, floor_fraction=0.01, floor=1e-9):
	"""(median, spread): 1.4826 × the median of |x − median| (if that is 0: 1.2533 × their mean),
	floored."""
	median = ref_median(values)
	deviations = [abs(v - median) for v in values]
	mad = ref_median(deviations)
	scaled = 1.4826 * mad if mad > 0 else 1.2533 * sum(deviations) / len(deviations)
	return median, max(scaled, floor_fraction * abs(median), floor)


def ref_z(value, others, floor_fraction=0.01, floor=1e-9):
	median, spread = ref_baseline(others, floor_fraction, floor)
	return (value - median) / spread


def ref_poisson_tail(k, rate):
	"""P(X ≥ k) = 1 − Σ_{i<k} e^−λ λ^i / i!, summed in 60-digit decimals (no cancellation)."""
	with localcontext() as ctx:
		ctx.prec = 60
		lam = Decimal(rate)
		term, lower = (-lam).exp(), Decimal(0)
		for i in range(k):
			lower += term
			term = term * lam / (i + 1)
		return float(1 - lower)


def above(x):
	return math.nextafter(x, math.inf)


# baseline and z


def test_baseline_figures():
	assert baseline([]) is None
	assert baseline([3, 1, 2, 100, 4]) == Baseline(3, 1.4826, 5)  # deviations 0 1 1 2 97
	assert baseline([1, 2, 3, 10]) == Baseline(2.5, 1.4826 * 1.0, 4)  # deviations 0.5 0.5 1.5 7.5
	assert baseline([7]) == Baseline(7, 0.07, 1)


def test_spread_floor_when_most_of_the_history_is_equal():
	base = baseline([1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
	assert (base.median, base.spread) == (1.0, 0.01)  # MAD 0, no tail: 1 % of the median
	assert robust_z(1.0, base) == 0.0
	assert robust_z(1.05, base) == pytest.approx(5.0)
	# MAD 0 with a tail: the mean absolute deviation (0.2 / 6) × 1.2533 widens it
	base = baseline([1.0, 1.0, 1.0, 1.0, 1.0, 1.2])
	assert base.spread == pytest.approx(1.2533 * 0.2 / 6)
	assert baseline([0.0, 0.0, 0.0]).spread == 1e-9  # nothing to take a share of: the absolute floor
	assert baseline([0.0, 0.0, 0.0], floor=0.25).spread == 0.25
	assert baseline([200.0] * 4, floor_fraction=0.0, floor=1.0).spread == 1.0
	assert robust_z(1e6, baseline([0.0, 0.0])) == pytest.approx(1e15)  # high, but finite


def test_robust_z():
	assert robust_z(10, Baseline(4, 2, 9)) == 3.0
	assert robust_z(1, Baseline(4, 2, 9)) == -1.5


values_st = st.lists(
	st.one_of(st.sampled_from([0.0, 1.0, 1.0, 2.5, -3.0]), st.floats(-1e6, 1e6, allow_nan=False)),
	max_size=40,
)


@given(values_st)
def test_baseline_matches_the_brute_force_reference(values):
	base = baseline(values)
	if not values:
		assert base is None
	else:
		median, spread = ref_baseline(values)
		assert (base.median, base.n) == (median, len(values))
		assert base.spread == pytest.approx(spread, rel=1e-9, abs=1e-12)


@given(values_st, st.sampled_from([0.0, 0.01, 0.1]), st.sampled_from([1e-9, 0.25, 1.0]))
def test_leave_one_out_is_the_baseline_of_the_others_exactly(values, floor_fraction, floor):
	bases = leave_one_out(values, floor_fraction, floor)
	assert len(bases) == len(values)
	for i, base in enumerate(bases):
		others = values[:i] + values[i + 1 :]
		if not others:
			assert base is None
		else:
			median, spread = ref_baseline(others, floor_fraction, floor)
			assert (base.median, base.n) == (median, len(others))
			assert base.spread == pytest.approx(spread, rel=1e-9, abs=1e-12)


def test_leave_one_out_of_a_large_value_keeps_the_small_spread_of_the_others():
	"""Leaving out 32768 leaves 0, 0 and 0.001: their mean absolute deviation from 0 is 0.001 / 3,
	exactly, not what is left of 32768.001 − 32768 in floating point."""
	bases = leave_one_out([0.0, 0.0, 32768.0, 0.001], floor_fraction=0.0, floor=1e-9)
	assert (bases[2].median, bases[2].n) == (0.0, 3)
	assert bases[2].spread == pytest.approx(1.2533 * 0.001 / 3, rel=1e-12)


@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=30))
def test_the_median_itself_scores_zero(values):
	base = baseline(values)
	assert robust_z(base.median, base) == 0.0


# thresholds


@pytest.mark.parametrize(
	("fields", "message"),
	[
		({"yield_mads": 0}, "yield_mads must be a positive"),
		({"quantity_mads": -1}, "quantity_mads must be a positive"),
		({"dates_mads": math.inf}, "dates_mads must be a positive"),
		({"adjustment_p": 0}, "adjustment_p must be a probability"),
		({"adjustment_p": 1}, "adjustment_p must be a probability"),
		({"min_adjustments": 0}, "min_adjustments must be at least 1"),
		({"min_history": 0}, "min_history must be at least 1"),
	],
)
def test_thresholds_are_validated(fields, message):
	with pytest.raises(ValueError, match=message):
		Thresholds(**fields)


# yield

NOISY = [0.98, 0.99, 1.0, 1.01, 1.02, 0.995, 1.005, 0.985, 1.015, 1.0]


def run(name, yield_, item="FG", consumed=100.0, lots=None):
	return ProductionRun(name, item, D, consumed, yield_ * consumed, lots or (f"{name}-lot",), "Stores")


def noisy_runs(item="FG"):
	return [run(f"SE-{i}", y, item) for i, y in enumerate(NOISY)]


def test_a_run_at_half_yield_among_runs_at_one_is_flagged():
	found = yield_anomalies([*noisy_runs(), run("SE-LOW", 0.5, lots=("FG-LOW", "RM-1"))])
	assert [a.reference_name for a in found] == ["SE-LOW"]
	low = found[0]
	assert (low.kind, low.reference_doctype, low.lots, low.item, low.warehouse, low.on) == (
		AnomalyKind.YIELD,
		"Stock Entry",
		("FG-LOW", "RM-1"),
		"FG",
		"Stores",
		D,
	)
	# the others: median 1.0; deviations 0.02 0.01 0 0.01 0.02 0.005 0.005 0.015 0.015 0 → MAD 0.01
	assert (low.value, low.expected, low.compared_with) == (0.5, 1.0, 10)
	assert low.spread == pytest.approx(0.014826)
	assert low.params["z"] == pytest.approx(-0.5 / 0.014826)
	assert low.strength == pytest.approx(0.5 / 0.014826 / 3.5)
	assert low.params["direction"] == "low"


def test_the_worst_run_ranks_first_and_normal_runs_are_not_flagged():
	runs = [*noisy_runs(), run("SE-90", 0.9), run("SE-LOW", 0.5)]
	found = yield_anomalies(runs)
	assert [a.reference_name for a in found] == ["SE-LOW", "SE-90"]
	assert found[0].strength > found[1].strength > 1
	assert rank([found[1], found[0]]) == found


def test_a_high_yield_is_flagged_too():
	found = yield_anomalies([*noisy_runs(), run("SE-HIGH", 1.3)])
	assert [(a.reference_name, a.params["direction"]) for a in found] == [("SE-HIGH", "high")]


def test_uniform_history_uses_the_floor():
	runs = [run(f"SE-{i}", 1.0) for i in range(6)]
	found = yield_anomalies([*runs, run("SE-X", 1.05)])
	assert [(a.reference_name, a.spread) for a in found] == [("SE-X", 0.01)]
	assert found[0].params["z"] == pytest.approx(5.0)
	assert yield_anomalies([*runs, run("SE-X", 1.03)]) == []  # z = 3, under 3.5


def test_yield_threshold_boundary():
	runs = [*noisy_runs(), run("SE-X", 0.94)]
	z = ref_z(0.94, NOISY)
	assert abs(z) == pytest.approx(0.06 / 0.014826)

	def flagged(mads):
		return [a.reference_name for a in yield_anomalies(runs, Thresholds(yield_mads=mads))]

	assert "SE-X" in flagged(abs(z))  # exactly at the threshold
	assert yield_anomalies(runs, Thresholds(yield_mads=abs(z)))[0].strength == 1.0
	assert "SE-X" not in flagged(above(abs(z)))


def test_yield_needs_min_history_other_runs():
	five = [run(f"SE-{i}", y) for i, y in enumerate([0.99, 1.0, 1.0, 1.01, 1.0])]
	found = yield_anomalies([*five, run("SE-LOW", 0.5)])  # five others: exactly min_history
	assert [(a.reference_name, a.compared_with) for a in found] == [("SE-LOW", 5)]
	assert yield_anomalies([*five[:4], run("SE-LOW", 0.5)]) == []  # four: one short
	assert yield_anomalies([*five[:4], run("SE-LOW", 0.5)], Thresholds(min_history=4)) != []


def test_runs_that_consumed_nothing_are_skipped_and_items_are_apart():
	runs = [*noisy_runs()[:5], run("SE-0", 1.0, consumed=0.0), run("SE-LOW", 0.5)]
	found = yield_anomalies(runs)
	assert [(a.reference_name, a.compared_with) for a in found] == [("SE-LOW", 5)]
	other_item = [
		*noisy_runs()[:4],
		run("SE-LOW", 0.5, item="OTHER"),
		*[run(f"O-{i}", 0.5, "OTHER") for i in range(5)],
	]
	assert yield_anomalies(other_item) == []


@given(st.lists(st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.97, 1.0, 1.0, 1.0, 1.02, 1.1, 2.0]), max_size=20))
def test_yield_flags_exactly_the_runs_past_the_threshold(yields):
	runs = [run(f"SE-{i:02}", y) for i, y in enumerate(yields)]
	expected = {
		f"SE-{i:02}"
		for i, y in enumerate(yields)
		if len(yields) - 1 >= 5 and abs(ref_z(y, yields[:i] + yields[i + 1 :])) >= 3.5
	}
	assert {a.reference_name for a in yield_anomalies(runs)} == expected


# adjustment bursts

TODAY = date(2026, 3, 2)
FIRST_DAY = TODAY - timedelta(days=7 * 52)


def adjustment(day, name, lot="", item="ITEM", warehouse="Stores"):
	return AdjustmentRow("Stock Reconciliation", name, item, warehouse, day, lot)


def burst(day, n, prefix="SR-B", **kw):
	return [adjustment(day + timedelta(days=i % 7), f"{prefix}-{i}", f"LOT-{i % 3}", **kw) for i in range(n)]


def test_a_week_of_six_in_a_year_of_none_or_one_is_a_burst():
	usual = [
		adjustment(FIRST_DAY + timedelta(days=7 * week + 2), f"SR-{week:02}") for week in range(0, 51, 2)
	]
	assert len(usual) == 26
	last_week = TODAY - timedelta(days=7)
	found = adjustment_bursts([*usual, *burst(last_week, 6)], TODAY)
	assert len(found) == 1
	week = found[0]
	rate = 26 / 51
	p = ref_poisson_tail(6, rate)
	assert p < 0.001
	assert (week.kind, week.value, week.on, week.compared_with, week.spread) == (
		AnomalyKind.ADJUSTMENT_BURST,
		6.0,
		last_week,
		51,
		0.0,
	)
	assert week.expected == pytest.approx(rate)
	assert week.params["p"] == pytest.approx(p, rel=1e-9)
	assert week.strength == pytest.approx(math.log10(p) / math.log10(0.001))
	assert (week.reference_doctype, week.reference_name) == ("Stock Reconciliation", "SR-B-0")
	assert week.lots == ("LOT-0", "LOT-1", "LOT-2")
	assert (week.item, week.warehouse) == ("ITEM", "Stores")
	assert (week.params["week_start"], week.params["week_end"]) == (last_week, TODAY - timedelta(days=1))
	assert len(week.params["references"]) == 6


def test_a_week_of_two_is_never_a_burst():
	# a pair never adjusted before: λ = 1/52, P(X ≥ 2) ≈ 1.8e-4, but two is below min_adjustments
	assert ref_poisson_tail(2, 1 / 52) < 0.001
	assert adjustment_bursts(burst(FIRST_DAY, 2), TODAY) == []
	assert adjustment_bursts(burst(FIRST_DAY, 2), TODAY, thresholds=Thresholds(adjustment_p=0.999)) == []


def test_min_adjustments_boundary():
	found = adjustment_bursts(burst(FIRST_DAY, 3), TODAY)  # exactly min_adjustments
	assert [(a.value, a.on) for a in found] == [(3.0, FIRST_DAY)]
	assert found[0].expected == 1 / 52  # never adjusted before: the floor
	assert found[0].params["p"] == pytest.approx(ref_poisson_tail(3, 1 / 52), rel=1e-9)
	assert adjustment_bursts(burst(FIRST_DAY, 3), TODAY, thresholds=Thresholds(min_adjustments=4)) == []


def test_p_threshold_boundary():
	rows = burst(FIRST_DAY, 3)
	p = ref_poisson_tail(3, 1 / 52)
	reported = adjustment_bursts(rows, TODAY)[0].params["p"]
	assert adjustment_bursts(rows, TODAY, thresholds=Thresholds(adjustment_p=p * (1 + 1e-9))) != []
	assert adjustment_bursts(rows, TODAY, thresholds=Thresholds(adjustment_p=p * (1 - 1e-9))) == []
	assert adjustment_bursts(rows, TODAY, thresholds=Thresholds(adjustment_p=reported)) == []  # p < p: no
	assert (
		adjustment_bursts(rows, TODAY, thresholds=Thresholds(adjustment_p=above(reported)))[0].strength >= 1
	)


def test_the_window_ends_the_day_before_today():
	yesterday = TODAY - timedelta(days=1)
	assert [a.on for a in adjustment_bursts([adjustment(yesterday, f"SR-{i}") for i in range(3)], TODAY)] == [
		TODAY - timedelta(days=7)
	]
	assert adjustment_bursts([adjustment(TODAY, f"SR-{i}") for i in range(3)], TODAY) == []
	first = [adjustment(FIRST_DAY, f"SR-{i}") for i in range(3)]
	assert [a.on for a in adjustment_bursts(first, TODAY)] == [FIRST_DAY]
	before = [adjustment(FIRST_DAY - timedelta(days=1), f"SR-{i}") for i in range(3)]
	assert adjustment_bursts(before, TODAY) == []


def test_weeks_need_min_history_other_weeks():
	assert len(adjustment_bursts(burst(TODAY - timedelta(days=7), 5), TODAY, weeks=6)) == 1  # five others
	assert adjustment_bursts(burst(TODAY - timedelta(days=7), 5), TODAY, weeks=5) == []  # four
	with pytest.raises(ValueError, match="weeks must be at least 1"):
		adjustment_bursts([], TODAY, weeks=0)


def test_a_pair_adjusted_every_week_is_not_bursting_at_its_usual_rate():
	rows = [
		adjustment(FIRST_DAY + timedelta(days=7 * w + d), f"SR-{w}-{d}") for w in range(52) for d in range(3)
	]
	assert adjustment_bursts(rows, TODAY) == []
	# ten in a week at a usual three: P(X ≥ 10; 3) ≈ 0.0011, not below 0.001; twelve is
	assert ref_poisson_tail(10, 3.0) > 0.001 > ref_poisson_tail(12, 3.0)
	ten = rows + burst(FIRST_DAY + timedelta(days=7 * 30), 7)
	assert adjustment_bursts(ten, TODAY) == []
	twelve = rows + burst(FIRST_DAY + timedelta(days=7 * 30), 9)
	found = adjustment_bursts(twelve, TODAY)
	assert [(a.value, a.on) for a in found] == [(12.0, FIRST_DAY + timedelta(days=7 * 30))]
	assert found[0].expected == pytest.approx(3.0)
	assert found[0].params["p"] == pytest.approx(ref_poisson_tail(12, 3.0), rel=1e-9)


def test_pairs_are_counted_apart():
	rows = burst(FIRST_DAY, 2, warehouse="A", prefix="A") + burst(FIRST_DAY, 2, warehouse="B", prefix="B")
	assert adjustment_bursts(rows, TODAY) == []


@pytest.mark.parametrize("rate", [0.001, 0.02, 0.5, 1.0, 3.0, 10.0, 25.0])
@pytest.mark.parametrize("k", [0, 1, 2, 3, 5, 8, 13, 21, 40])
def test_poisson_tail_against_explicit_summation(k, rate):
	reference = ref_poisson_tail(k, rate)
	if reference > 0:
		assert math.exp(poisson_log_tail(k, rate)) == pytest.approx(reference, rel=1e-9)


@pytest.mark.parametrize(
	("k", "rate", "reference"),
	[
		# ln P(X >= k), summed with 60-digit decimals
		(1000, 1000.0, -0.68477186329031014615),
		(700, 750.0, -0.03201063815526248218),
		(2000, 2100.0, -0.01374145043444612239),
	],
)
def test_poisson_tail_of_a_large_rate_does_not_underflow(k, rate, reference):
	"""An item and warehouse adjusted hundreds of times a week: e^-rate is below the smallest float,
	yet the tail at or below the rate is about a half, not certain."""
	assert poisson_log_tail(k, rate) == pytest.approx(reference, rel=1e-9)


def test_poisson_tail_far_out_stays_finite():
	# far past what a float holds: the first term and its (tiny) geometric tail, in logs
	first = -0.02 + 500 * math.log(0.02) - math.lgamma(501)
	tail = 0.02 / 501 + 0.02**2 / (501 * 502) + 0.02**3 / (501 * 502 * 503)
	assert poisson_log_tail(500, 0.02) == pytest.approx(first + math.log1p(tail), rel=1e-12)
	assert math.isfinite(poisson_log_tail(500, 0.02))


@given(st.lists(st.integers(0, 6), min_size=10, max_size=10))
def test_bursts_are_exactly_the_weeks_past_the_threshold(counts):
	today = date(2026, 1, 1)
	first_day = today - timedelta(days=70)
	rows = [
		adjustment(first_day + timedelta(days=7 * week + i % 7), f"SR-{week}-{i}")
		for week, count in enumerate(counts)
		for i in range(count)
	]
	expected = set()
	for week, count in enumerate(counts):
		rate = max((sum(counts) - count) / 9, 1 / 10)
		if count >= 3 and ref_poisson_tail(count, rate) < 0.001:
			expected.add(first_day + timedelta(days=7 * week))
	assert {a.on for a in adjustment_bursts(rows, today, weeks=10)} == expected


# unusual quantities

USUAL = [8, 9, 10, 11, 12, 10, 9, 11, 10, 12, 8, 10]


def move(name, qty, item="ITEM", lot=None):
	return Movement("Stock Entry", name, item, "Stores", f"{name}-lot" if lot is None else lot, D, float(qty))


def usual_moves(item="ITEM"):
	return [move(f"SE-{i}", q, item) for i, q in enumerate(USUAL)]


def test_a_movement_of_a_thousand_among_tens_is_flagged_and_twelve_is_not():
	found = quantity_anomalies([*usual_moves(), move("DN-BIG", 1000), move("DN-12", 12)])
	assert [a.reference_name for a in found] == ["DN-BIG"]
	big = found[0]
	assert (big.kind, big.value, big.compared_with, big.lots) == (
		AnomalyKind.UNUSUAL_QUANTITY,
		1000.0,
		13,
		("DN-BIG-lot",),
	)
	assert big.expected == pytest.approx(10.0)
	assert big.spread == 0.25  # the logs' MAD (≈ 0.1) is under the floor
	assert big.params["z"] == pytest.approx(math.log(100) / 0.25)
	assert big.strength == pytest.approx(math.log(100) / 0.25 / 5)


def test_a_tiny_movement_is_flagged_too():
	found = quantity_anomalies([*usual_moves(), move("SE-TINY", 0.05)])
	assert [(a.reference_name, a.params["direction"]) for a in found] == [("SE-TINY", "low")]


def test_quantity_floor_against_a_constant_history():
	ones = [move(f"SE-{i}", 1) for i in range(6)]
	assert quantity_anomalies([*ones, move("SE-3", 3)]) == []  # ln 3 / 0.25 ≈ 4.4
	found = quantity_anomalies([*ones, move("SE-4", 4)])  # ln 4 / 0.25 ≈ 5.5
	assert [a.reference_name for a in found] == ["SE-4"]
	assert found[0].params["z"] == pytest.approx(math.log(4) / 0.25)


def test_quantity_threshold_boundary():
	history = [1, 2, 4, 8, 16, 32, 64]
	moves = [move(f"SE-{q}", q) for q in history] + [move("SE-X", 10**7)]
	z = ref_z(math.log(10**7), [math.log(q) for q in history], 0.0, 0.25)
	assert z == pytest.approx(
		(math.log(10**7) - math.log(8)) / (1.4826 * 2 * math.log(2))
	)  # MAD: 2 doublings

	def flagged(mads):
		return [a.reference_name for a in quantity_anomalies(moves, Thresholds(quantity_mads=mads))]

	assert "SE-X" in flagged(z)
	assert "SE-X" not in flagged(above(z))


def test_quantity_needs_min_history_other_movements():
	assert len(quantity_anomalies([*usual_moves()[:5], move("BIG", 1000)])) == 1
	assert quantity_anomalies([*usual_moves()[:4], move("BIG", 1000)]) == []


def test_zero_is_skipped_negative_is_taken_as_its_size_and_items_are_apart():
	moves = [*usual_moves()[:5], move("ZERO", 0), move("NEG", -1000, lot="")]
	found = quantity_anomalies(moves)
	assert [(a.reference_name, a.value, a.compared_with, a.lots) for a in found] == [("NEG", 1000.0, 5, ())]
	assert quantity_anomalies([*usual_moves("A")[:4], move("BIG", 1000, "B"), *usual_moves("B")[:3]]) == []


def test_many_movements_are_judged_exactly():
	# 20,001 movements of one item: exact leave-one-out, and the one odd movement found
	moves = [move(f"SE-{i}", 5 + i % 11) for i in range(20000)] + [move("ODD", 5000)]
	found = quantity_anomalies(moves)
	assert [a.reference_name for a in found] == ["ODD"]
	assert found[0].compared_with == 20000


@given(st.lists(st.sampled_from([0.5, 1, 1, 2, 3, 10, 10, 10, 12, 50, 1000]), max_size=15))
def test_quantity_flags_exactly_the_movements_past_the_threshold(quantities):
	moves = [move(f"SE-{i:02}", q) for i, q in enumerate(quantities)]
	logs = [math.log(q) for q in quantities]
	expected = {
		f"SE-{i:02}"
		for i, value in enumerate(logs)
		if len(logs) - 1 >= 5 and abs(ref_z(value, logs[:i] + logs[i + 1 :], 0.0, 0.25)) >= 5
	}
	assert {a.reference_name for a in quantity_anomalies(moves)} == expected


# supplier dates


def receipt(name, received, shelf_life=365, age=2, supplier="Acme", item="ITEM", made=None, expiry=None):
	made = made or received - timedelta(days=age)
	expiry = expiry or (made + timedelta(days=shelf_life) if shelf_life is not None else None)
	return Receipt("Purchase Receipt", name, supplier, item, f"{name}-lot", received, made, expiry, "Stores")


def past(n, shelf_life=365, start=D, **kw):
	return [receipt(f"PR-{i:02}", start + timedelta(days=7 * i), shelf_life, **kw) for i in range(n)]


def test_a_thirty_day_lot_after_eight_year_long_lots_is_flagged():
	odd = receipt("PR-ODD", D + timedelta(days=100), shelf_life=30)
	found = supplier_date_anomalies([*past(8), odd])
	assert [a.reference_name for a in found] == ["PR-ODD"]
	a = found[0]
	assert (a.kind, a.lots, a.on, a.warehouse) == (
		AnomalyKind.SUPPLIER_DATES,
		("PR-ODD-lot",),
		odd.received,
		"Stores",
	)
	assert (a.value, a.expected, a.spread, a.compared_with) == (30.0, 365.0, 3.65, 8)  # MAD 0: 1 % of 365
	assert a.params["figure"] == "shelf_life_days"
	assert "reason" not in a.params  # reasons are for impossible dates
	assert a.params["z"] == pytest.approx(-335 / 3.65)
	assert a.strength == pytest.approx(335 / 3.65 / 3.5)


def test_an_old_lot_at_receipt_is_flagged():
	late = receipt("PR-LATE", D + timedelta(days=100), age=60)
	found = supplier_date_anomalies([*past(8), late])
	assert [(a.reference_name, a.params["figure"], a.value, a.expected, a.spread) for a in found] == [
		("PR-LATE", "age_at_receipt_days", 60.0, 2.0, 1.0)  # ages all 2: the one-day floor
	]


def test_expiry_on_or_before_made_is_flagged_without_history():
	before = receipt("PR-1", D, made=D - timedelta(days=2), expiry=D - timedelta(days=7))
	found = supplier_date_anomalies([before])
	assert len(found) == 1
	a = found[0]
	assert (a.params["reason"], a.params["figure"], a.value, a.strength) == (
		"expiry_not_after_made",
		"shelf_life_days",
		-5.0,
		2.0,
	)
	assert (a.expected, a.spread, a.compared_with, a.params["z"]) == (0.0, 0.0, 0, None)
	same_day = receipt("PR-2", D, made=D - timedelta(days=2), expiry=D - timedelta(days=2))
	assert [a.params["reason"] for a in supplier_date_anomalies([same_day])] == ["expiry_not_after_made"]
	assert supplier_date_anomalies([receipt("PR-3", D, shelf_life=1)]) == []


def test_made_after_received_is_flagged_without_history():
	found = supplier_date_anomalies([receipt("PR-1", D, made=D + timedelta(days=1))])
	assert [(a.params["reason"], a.value, a.strength) for a in found] == [("made_after_received", -1.0, 2.0)]
	assert supplier_date_anomalies([receipt("PR-2", D, age=0)]) == []


def test_an_impossibility_is_the_reason_even_when_its_z_is_stronger():
	wrong = receipt(
		"PR-X", D + timedelta(days=100), made=D + timedelta(days=98), expiry=D + timedelta(days=93)
	)
	found = supplier_date_anomalies([*past(8), wrong])
	a = found[0]
	assert (a.params["reason"], a.value, a.expected, a.compared_with) == (
		"expiry_not_after_made",
		-5.0,
		365.0,
		8,
	)
	assert a.strength == pytest.approx(370 / 3.65 / 3.5)


def test_an_impossibility_with_too_little_history_is_not_judged_by_z():
	wrong = receipt(
		"PR-X", D + timedelta(days=100), made=D + timedelta(days=98), expiry=D + timedelta(days=93)
	)
	a = supplier_date_anomalies([*past(2), wrong])[0]
	assert (a.params["reason"], a.params["z"], a.strength) == ("expiry_not_after_made", None, 2.0)
	assert (a.expected, a.spread, a.compared_with) == (365.0, 3.65, 2)  # the history there is, for the record


def test_both_impossibilities_make_one_anomaly():
	both = receipt("PR-X", D, made=D + timedelta(days=3), expiry=D + timedelta(days=1))
	found = supplier_date_anomalies([both])
	assert [(a.params["reason"], a.strength) for a in found] == [("made_after_received", 2.0)]


def test_dates_need_min_history_earlier_receipts():
	odd = receipt("PR-ODD", D + timedelta(days=100), shelf_life=30)
	assert [a.compared_with for a in supplier_date_anomalies([*past(5), odd])] == [5]
	assert supplier_date_anomalies([*past(4), odd]) == []


def test_only_earlier_days_are_history():
	same_day = [receipt(f"PR-{i}", D, 365) for i in range(6)]
	assert supplier_date_anomalies([*same_day, receipt("PR-ODD", D, 30)]) == []
	found = supplier_date_anomalies([*same_day, receipt("PR-ODD", D + timedelta(days=1), 30)])
	assert [(a.reference_name, a.compared_with) for a in found] == [("PR-ODD", 6)]
	# a later odd lot is no history for the earlier ones, and the input order does not matter
	later = receipt("PR-EARLY-ODD", D - timedelta(days=1), 30)
	assert supplier_date_anomalies([*same_day, later]) == []


def test_history_is_per_supplier_and_item_and_leaves_out_impossible_dates():
	odd = receipt("PR-ODD", D + timedelta(days=100), shelf_life=30)
	assert supplier_date_anomalies([*past(8, supplier="Other"), odd]) == []
	assert supplier_date_anomalies([*past(8, item="OTHER"), odd]) == []
	broken = [
		receipt(
			f"PR-B{i}", D + timedelta(days=i), made=D + timedelta(days=i), expiry=D + timedelta(days=i - 1)
		)
		for i in range(3)
	]
	found = supplier_date_anomalies([*past(4), *broken, odd])
	assert [
		a.reference_name for a in found if a.reference_name == "PR-ODD"
	] == []  # 4 good, 3 broken: too few


def test_receipts_without_dates_are_not_judged():
	undated = Receipt("Purchase Receipt", "PR-N", "Acme", "ITEM", "L", D + timedelta(days=100), None, None)
	assert supplier_date_anomalies([*past(8), undated]) == []
	no_expiry = receipt("PR-NE", D + timedelta(days=100), shelf_life=None)
	assert supplier_date_anomalies([*past(8), no_expiry]) == []


def test_dates_threshold_boundary():
	history = [receipt(f"PR-{i}", D + timedelta(days=i), s) for i, s in enumerate([300, 310, 320, 330, 340])]
	odd = receipt("PR-X", D + timedelta(days=10), 400)
	z = ref_z(80.0 + 320, [300.0, 310.0, 320.0, 330.0, 340.0], 0.01, 1.0)
	assert z == pytest.approx(80 / 14.826)

	def flagged(mads):
		return [
			a.reference_name for a in supplier_date_anomalies([*history, odd], Thresholds(dates_mads=mads))
		]

	assert flagged(z) == ["PR-X"]
	assert flagged(above(z)) == []


# rank


def anomaly(kind, strength, name="X", lots=()):
	return Anomaly(kind, lots, "Stock Entry", name, "ITEM", "Stores", 0.0, 0.0, 0.0, 5, strength)


def test_rank_strongest_first_then_kind_reference_lots():
	items = [
		anomaly(AnomalyKind.SUPPLIER_DATES, 2.0),
		anomaly(AnomalyKind.YIELD, 1.5, "B"),
		anomaly(AnomalyKind.YIELD, 1.5, "A", ("L2",)),
		anomaly(AnomalyKind.YIELD, 1.5, "A", ("L1",)),
		anomaly(AnomalyKind.ADJUSTMENT_BURST, 1.5, "A"),
		anomaly(AnomalyKind.UNUSUAL_QUANTITY, 9.0),
	]
	assert [(a.kind.value, a.reference_name, a.lots) for a in rank(items)] == [
		("unusual_quantity", "X", ()),
		("supplier_dates", "X", ()),
		("yield_anomaly", "A", ("L1",)),
		("yield_anomaly", "A", ("L2",)),
		("yield_anomaly", "B", ()),
		("adjustment_burst", "A", ()),
	]
	assert rank([]) == []


def test_a_new_pairs_first_busy_week_is_not_a_burst_against_weeks_it_did_not_exist():
	"""Seen for the first time three weeks ago: too little history to judge its busy week."""
	week = TODAY - timedelta(days=7)
	rows = burst(week, 6)
	assert adjustment_bursts(rows, TODAY, 52, Thresholds())  # no first_seen: the whole year counts
	seen = {("Stores", "ITEM"): TODAY - timedelta(days=21)}
	assert adjustment_bursts(rows, TODAY, 52, Thresholds(), first_seen=seen) == []


def test_the_history_starts_the_week_the_pair_was_first_seen_on_both_sides_of_min_history():
	thresholds = Thresholds(min_history=5)
	week = TODAY - timedelta(days=7)
	rows = burst(week, 6)
	# six weeks seen (five others besides the burst's): judged, and the rate is over those five
	seen = {("Stores", "ITEM"): TODAY - timedelta(days=42)}
	(found,) = adjustment_bursts(rows, TODAY, 52, thresholds, first_seen=seen)
	assert found.compared_with == 5
	assert found.expected == pytest.approx(1 / 6)  # no other adjustment: the floor, 1 / weeks seen
	# five weeks seen (four others): not judged
	seen = {("Stores", "ITEM"): TODAY - timedelta(days=35)}
	assert adjustment_bursts(rows, TODAY, 52, thresholds, first_seen=seen) == []


def test_a_pair_first_seen_after_its_first_adjustment_starts_at_that_adjustment():
	early = [adjustment(TODAY - timedelta(days=7 * 20), "SR-EARLY")]
	rows = early + burst(TODAY - timedelta(days=7), 6)
	seen = {("Stores", "ITEM"): TODAY - timedelta(days=3)}  # a stale first_seen cannot hide history
	(found,) = adjustment_bursts(rows, TODAY, 52, Thresholds(), first_seen=seen)
	assert (
		found.compared_with == 19
	)  # its 20 weeks (the one 20 weeks back .. last week), the burst's left out


def test_quantities_are_judged_against_movements_of_the_same_kind_only():
	"""A batch of 1,000 received among deliveries of ten is no anomaly when receipts are their own kind."""
	deliveries = [
		Movement("Delivery Note", f"DN-{i}", "ITEM", "Stores", f"L{i}", D, 10.0, "Delivery Note:out")
		for i in range(8)
	]
	receipts = [
		Movement("Stock Entry", f"SE-{i}", "ITEM", "Stores", f"R{i}", D, 1000.0, "Stock Entry:Manufacture:in")
		for i in range(6)
	]
	assert quantity_anomalies(deliveries + receipts) == []
	untold = [
		Movement(m.reference_doctype, m.reference_name, m.item, m.warehouse, m.lot, m.on, m.qty)
		for m in deliveries + receipts[:1]
	]
	flagged = quantity_anomalies(untold)  # one receipt among the deliveries, kinds not told
	assert [a.reference_name for a in flagged] == ["SE-0"]
	odd = Movement("Delivery Note", "DN-BIG", "ITEM", "Stores", "LB", D, 1000.0, "Delivery Note:out")
	(found,) = quantity_anomalies(deliveries + receipts + [odd])
	assert (found.reference_name, found.params["movement"]) == ("DN-BIG", "Delivery Note:out")


def anomaly_whole(a):
	"""An anomaly whole, its figures included (they are left out of its equality)."""
	return (
		a.kind,
		a.lots,
		a.reference_doctype,
		a.reference_name,
		a.item,
		a.warehouse,
		a.on,
		round(a.value, 6),
		round(a.expected, 6),
		a.compared_with,
		{k: (round(v, 6) if isinstance(v, float) else v) for k, v in a.params.items()},
	)


def test_a_quantity_anomaly_whole_after_usual_movements():
	usual = [
		Movement("Delivery Note", f"DN-{i}", "ITEM", "Stores", f"L{i}", D, 10.0, "Delivery Note::out")
		for i in range(6)
	]
	small = Movement(
		"Delivery Note", "DN-S", "ITEM", "Stores", "LS", D + timedelta(days=1), 1.0, "Delivery Note::out"
	)
	(found,) = quantity_anomalies([*usual, small])  # the odd one comes last: every movement is looked at
	z = (math.log(1.0) - math.log(10.0)) / 0.25
	assert anomaly_whole(found) == (
		AnomalyKind.UNUSUAL_QUANTITY,
		("LS",),
		"Delivery Note",
		"DN-S",
		"ITEM",
		"Stores",
		D + timedelta(days=1),
		1.0,
		10.0,
		6,
		{
			"z": round(z, 6),
			"direction": "low",
			"scale": "log",
			"log_qty": 0.0,
			"log_median": round(math.log(10.0), 6),
			"movement": "Delivery Note::out",
		},
	)


def test_a_yield_anomaly_whole_after_usual_runs():
	runs = [
		ProductionRun(f"SE-{i}", "CAKE", D + timedelta(days=i), 10.0, 10.0, (f"C{i}",), "FG")
		for i in range(6)
	]
	high = ProductionRun("SE-H", "CAKE", D + timedelta(days=9), 10.0, 12.0, ("CH",), "FG")
	(found,) = yield_anomalies([*runs, high])
	assert anomaly_whole(found) == (
		AnomalyKind.YIELD,
		("CH",),
		"Stock Entry",
		"SE-H",
		"CAKE",
		"FG",
		D + timedelta(days=9),
		1.2,
		1.0,
		6,
		{"z": 20.0, "direction": "high", "consumed": 10.0, "made": 12.0},
	)
	# a run that consumed less than one unit is still a run
	tiny = [ProductionRun(f"T-{i}", "DROP", D, 0.5, 0.5, (), "") for i in range(6)]
	assert [
		a.reference_name for a in yield_anomalies([*tiny, ProductionRun("T-X", "DROP", D, 0.5, 0.25, (), "")])
	] == ["T-X"]


def test_a_supplier_dates_anomaly_whole():
	past = [
		Receipt(
			"Purchase Receipt",
			f"PR-{i}",
			"Acme",
			"MILK",
			f"M{i}",
			D + timedelta(days=i),
			D,
			D + timedelta(days=365),
			"Stores",
		)
		for i in range(6)
	]
	odd = Receipt(
		"Purchase Receipt",
		"PR-X",
		"Acme",
		"MILK",
		"MX",
		D + timedelta(days=20),
		D + timedelta(days=20),
		D + timedelta(days=50),
		"Stores",
	)
	(found,) = supplier_date_anomalies([*past, odd])
	whole = anomaly_whole(found)
	assert whole[:7] == (
		AnomalyKind.SUPPLIER_DATES,
		("MX",),
		"Purchase Receipt",
		"PR-X",
		"MILK",
		"Stores",
		D + timedelta(days=20),
	)
	assert (whole[7], whole[8], whole[9]) == (30.0, 365.0, 6)
	params = whole[10]
	assert (params["supplier"], params["figure"], params["made"], params["expiry"], params["received"]) == (
		"Acme",
		"shelf_life_days",
		D + timedelta(days=20),
		D + timedelta(days=50),
		D + timedelta(days=20),
	)


# thresholds, in detail


def test_thresholds_down_to_their_least_allowed_values_are_accepted():
	"""A fraction of a MAD is a positive number of MADs; one adjustment and one point of history are enough."""
	thresholds = Thresholds(
		yield_mads=0.5, quantity_mads=1.0, dates_mads=0.25, min_adjustments=1, min_history=1
	)
	assert (thresholds.yield_mads, thresholds.quantity_mads, thresholds.dates_mads) == (0.5, 1.0, 0.25)
	assert (thresholds.min_adjustments, thresholds.min_history) == (1, 1)


# missing figures


def test_runs_and_movements_with_missing_figures_are_not_judged():
	"""A run without a consumed or made quantity, a movement without one: skipped, the rest judged."""
	runs = [*noisy_runs(), run("SE-LOW", 0.5)]
	blank = [
		ProductionRun("SE-N1", "FG", D, None, 50.0, ("N1",)),
		ProductionRun("SE-N2", "FG", D, "", 50.0, ("N2",)),
		ProductionRun("SE-N3", "FG", D, 100.0, None, ("N3",)),
	]
	assert [a.reference_name for a in yield_anomalies([*blank, *runs])] == ["SE-LOW"]
	moves = [
		Movement("Stock Entry", "SE-N", "ITEM", "Stores", "L", D, None),
		*usual_moves(),
		move("DN-BIG", 1000),
	]
	assert [a.reference_name for a in quantity_anomalies(moves)] == ["DN-BIG"]


# direction


def test_a_quantity_far_above_the_usual_sizes_is_high():
	found = quantity_anomalies([*usual_moves(), move("DN-BIG", 1000)])
	assert [(a.reference_name, a.params["direction"]) for a in found] == [("DN-BIG", "high")]


def test_direction_follows_the_sign_under_a_threshold_below_one_mad():
	"""Half a MAD above the median is high, half below is low."""
	# yields: median 1.0, spread 0.014826; 1.0074 is z ≈ 0.5, 0.9926 z ≈ -0.5
	runs = [*noisy_runs(), run("SE-UP", 1.0074), run("SE-DOWN", 0.9926)]
	found = {
		a.reference_name: a.params["direction"] for a in yield_anomalies(runs, Thresholds(yield_mads=0.45))
	}
	assert (found["SE-UP"], found["SE-DOWN"]) == ("high", "low")
	# log quantities of ten among eights to twelves: spread 0.25; e^(0.2) × 10 is z ≈ 0.8
	moves = [*usual_moves(), move("SE-UP", 10 * math.exp(0.2))]
	found = {a.reference_name: a for a in quantity_anomalies(moves, Thresholds(quantity_mads=0.5))}
	assert found["SE-UP"].params["z"] == pytest.approx(0.8)
	assert found["SE-UP"].params["direction"] == "high"


# adjustment bursts, in detail


def test_a_burst_reports_its_probability_in_decimal_logs():
	"""log10_p is log10 of the reported p."""
	found = adjustment_bursts(burst(FIRST_DAY, 3), TODAY)
	p = ref_poisson_tail(3, 1 / 52)
	assert found[0].params["log10_p"] == pytest.approx(math.log10(p), rel=1e-9)


def test_a_window_of_one_week_is_allowed_and_judges_nothing():
	"""One week has no other weeks to be its history."""
	assert adjustment_bursts(burst(TODAY - timedelta(days=7), 6), TODAY, weeks=1) == []
	assert (
		adjustment_bursts(
			burst(TODAY - timedelta(days=7), 6), TODAY, weeks=1, thresholds=Thresholds(min_history=1)
		)
		== []
	)
	# two weeks, one of them history
	(found,) = adjustment_bursts(
		burst(TODAY - timedelta(days=7), 6), TODAY, weeks=2, thresholds=Thresholds(min_history=1)
	)
	assert (found.value, found.compared_with, found.expected) == (6.0, 1, 0.5)


def test_rows_outside_the_window_do_not_hide_the_rows_after_them():
	"""An adjustment from before the window listed first; the burst after it is still found."""
	old = adjustment(FIRST_DAY - timedelta(days=30), "SR-OLD")
	found = adjustment_bursts([old, *burst(TODAY - timedelta(days=7), 6)], TODAY)
	assert [(a.value, a.on) for a in found] == [(6.0, TODAY - timedelta(days=7))]


def test_a_pair_too_new_to_judge_does_not_stop_the_others_being_judged():
	"""The first pair was first seen three weeks ago; the second's burst is still found."""
	week = TODAY - timedelta(days=7)
	rows = burst(week, 6, warehouse="New", prefix="N") + burst(week, 6, warehouse="Old", prefix="O")
	seen = {("New", "ITEM"): TODAY - timedelta(days=21)}
	found = adjustment_bursts(rows, TODAY, 52, Thresholds(), first_seen=seen)
	assert [(a.warehouse, a.value) for a in found] == [("Old", 6.0)]


def test_a_pair_first_seen_before_the_window_is_judged_against_the_whole_window():
	"""First seen long ago, or on the window's first day: all 51 other weeks are its history."""
	week = TODAY - timedelta(days=7)
	for seen_on in (FIRST_DAY - timedelta(days=400), FIRST_DAY):
		seen = {("Stores", "ITEM"): seen_on}
		(found,) = adjustment_bursts(burst(week, 6), TODAY, 52, Thresholds(), first_seen=seen)
		assert found.compared_with == 51
		assert found.expected == pytest.approx(1 / 52)


# poisson tail, in detail


def test_poisson_tail_edges():
	"""At least nothing is certain; at least one of a rate of nothing never happens."""
	assert poisson_log_tail(0, 0.0) == 0.0
	assert poisson_log_tail(0, 2.0) == 0.0
	assert poisson_log_tail(1, 0.0) == -math.inf
	assert poisson_log_tail(3, 0.0) == -math.inf


# supplier dates, in detail


def test_a_receipt_without_a_lot_names_no_lot():
	"""Its impossible dates are still flagged."""
	found = supplier_date_anomalies(
		[
			Receipt(
				"Purchase Receipt",
				"PR-1",
				"Acme",
				"ITEM",
				"",
				D,
				D + timedelta(days=1),
				D + timedelta(days=9),
			)
		]
	)
	assert [(a.reference_name, a.lots, a.params["reason"]) for a in found] == [
		("PR-1", (), "made_after_received")
	]


def test_an_impossibility_with_too_little_history_stays_at_strength_two_under_any_threshold():
	"""Its z is unknown: a threshold of a quarter MAD does not make it stronger."""
	wrong = receipt("PR-X", D, made=D - timedelta(days=2), expiry=D - timedelta(days=7))
	(found,) = supplier_date_anomalies([wrong], Thresholds(dates_mads=0.25))
	assert (found.params["reason"], found.params["z"], found.strength) == ("expiry_not_after_made", None, 2.0)


def test_the_stronger_impossibility_is_the_reason():
	"""Made after received and expiring before made: the expiry, far off the history, is the stronger."""
	both = receipt(
		"PR-X", D + timedelta(days=100), made=D + timedelta(days=101), expiry=D + timedelta(days=95)
	)
	(found,) = supplier_date_anomalies([*past(8), both])
	assert (found.params["reason"], found.params["figure"], found.value) == (
		"expiry_not_after_made",
		"shelf_life_days",
		-6.0,
	)
	assert found.strength == pytest.approx(371 / 3.65 / 3.5)


def test_the_figure_furthest_past_the_threshold_is_the_one_reported():
	"""A lot both short-lived and old at receipt: age (58 days off a one-day spread) beats shelf life."""
	odd = receipt("PR-ODD", D + timedelta(days=100), shelf_life=300, age=60)
	(found,) = supplier_date_anomalies([*past(8), odd])
	assert (found.params["figure"], found.value, found.expected) == ("age_at_receipt_days", 60.0, 2.0)
	assert found.strength == pytest.approx(58 / 3.5)


def test_lots_that_expire_the_day_they_are_made_are_no_shelf_life_history():
	"""Five such lots, then a year-long one: too little history to judge it."""
	zero = [
		receipt(f"PR-Z{i}", D + timedelta(days=i), made=D + timedelta(days=i), expiry=D + timedelta(days=i))
		for i in range(5)
	]
	year = receipt("PR-Y", D + timedelta(days=10), shelf_life=365, age=0)
	found = supplier_date_anomalies([*zero, year])
	assert [a.reference_name for a in found] == [f"PR-Z{i}" for i in range(5)]


def test_lots_made_the_day_they_arrive_are_history_of_age_nought():
	"""Five fresh lots, then one sixty days old: flagged against ages of 0."""
	fresh = [receipt(f"PR-F{i}", D + timedelta(days=i), shelf_life=None, age=0) for i in range(5)]
	late = receipt("PR-LATE", D + timedelta(days=10), shelf_life=None, age=60)
	(found,) = supplier_date_anomalies([*fresh, late])
	assert (
		found.reference_name,
		found.params["figure"],
		found.value,
		found.expected,
		found.compared_with,
	) == (
		"PR-LATE",
		"age_at_receipt_days",
		60.0,
		0.0,
		5,
	)


# rank, in detail


def test_anomalies_equal_in_all_else_rank_by_date():
	"""The earlier first, whatever order they came in."""
	later = replace(anomaly(AnomalyKind.YIELD, 1.5), on=D + timedelta(days=1))
	earlier = replace(anomaly(AnomalyKind.YIELD, 1.5), on=D)
	assert [a.on for a in rank([later, earlier])] == [D, D + timedelta(days=1)]
