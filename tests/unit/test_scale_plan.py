from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.scale import RAW_QTY, level_sizes, make_plan


def consumed(plan):
	used = defaultdict(float)
	for production in plan.productions:
		for key, qty in production.inputs:
			used[key] += qty
	for delivery in plan.deliveries:
		for row in delivery.rows:
			for key, qty in row.lots:
				used[key] += qty
	return used


@given(
	lots=st.integers(12, 400),
	depth=st.integers(1, 6),
	deliveries=st.integers(0, 60),
	seed=st.integers(0, 10_000),
	shape=st.sampled_from(
		[
			{},
			{"mixing": True, "raw_share": 0.2, "take_per_input": 30, "fan_in": 6, "raw_qty": 3000},
			{"mixing": True, "raw_share": 0.3, "take_per_input": 5, "fan_in": 2, "raw_qty": 100},
		]
	),
)
@settings(max_examples=200, deadline=None)
def test_plan_makes_the_lots_asked_and_never_overdraws(lots, depth, deliveries, seed, shape):
	plan = make_plan(lots, depth, deliveries, customers=7, seed=seed, **shape)
	assert len(plan.lots) == lots
	assert max(lot.level for lot in plan.lots.values()) == depth
	for key, qty in consumed(plan).items():
		assert qty <= plan.lots[key].qty + 1e-9, key
	for production in plan.productions:
		levels = {plan.lots[key].level for key, _ in production.inputs}
		out_levels = {plan.lots[key].level for key, _ in production.outputs}
		assert len(out_levels) == 1 and max(levels) < min(out_levels)
		assert sum(q for _, q in production.inputs) == pytest.approx(sum(q for _, q in production.outputs))
	assert all(lot.qty == int(lot.qty) and lot.qty >= 1 for lot in plan.lots.values())
	for delivery in plan.deliveries:
		assert 0 <= delivery.customer < 7
		for row in delivery.rows:
			assert {plan.lots[key].item for key, _ in row.lots} == {row.item}


def test_plan_has_merges_splits_and_returns():
	plan = make_plan(2000, 5, 500, seed=3)
	kinds = {production.kind for production in plan.productions}
	assert kinds == {"merge", "split", "transform"}
	assert any(delivery.returned for delivery in plan.deliveries)
	assert all(plan.lots[key].qty == RAW_QTY for key in plan.raw)


def test_plan_is_deterministic_for_a_seed():
	a, b = make_plan(300, 5, 50, seed=9), make_plan(300, 5, 50, seed=9)
	assert a.productions == b.productions and a.deliveries == b.deliveries
	assert make_plan(300, 5, 50, seed=10).productions != a.productions


def forward_reach(plan, lot):
	children = defaultdict(set)
	for production in plan.productions:
		for parent, _ in production.inputs:
			children[parent].update(child for child, _ in production.outputs)
	seen, frontier = {lot}, [lot]
	while frontier:
		frontier = [child for parent in frontier for child in children[parent] if child not in seen]
		seen.update(frontier)
	return len(seen) - 1


def test_mixing_makes_wide_traces_from_few_raw_lots():
	shape = {"raw_share": 0.05, "take_per_input": 50, "fan_in": 6, "raw_qty": 5000}
	mixed = make_plan(4000, 5, 0, seed=4, mixing=True, **shape)
	default = make_plan(4000, 5, 0, seed=4)
	assert len(mixed.raw) == 200
	assert all(mixed.lots[key].qty == 5000 for key in mixed.raw)
	assert max(len(p.inputs) for p in mixed.productions) == 6
	median = lambda plan: sorted(forward_reach(plan, key) for key in plan.raw[:41])[20]  # noqa: E731
	assert median(mixed) > 100
	assert median(mixed) > 5 * median(default)


def test_level_sizes():
	assert level_sizes(100, 5) == [50, 10, 10, 10, 10, 10]
	assert level_sizes(1000, 4, raw_share=0.1) == [100, 225, 225, 225, 225]
	with pytest.raises(ValueError):
		level_sizes(100, 5, raw_share=1.5)
	assert sum(level_sizes(1001, 3)) == 1001
	with pytest.raises(ValueError):
		level_sizes(3, 5)


def test_entry_rows_count_every_lot_movement():
	plan = make_plan(200, 3, 40, seed=5)
	movements = (
		sum(1 for _ in plan.raw)
		+ sum(len(c[1]) for c in consumed_rows(plan))
		+ sum(1 for d in plan.deliveries if d.returned)
	)
	assert plan.entry_rows == movements


def consumed_rows(plan):
	for production in plan.productions:
		yield "production", production.inputs + production.outputs
	for delivery in plan.deliveries:
		for row in delivery.rows:
			yield "delivery", row.lots


def test_large_plans_take_every_input_from_the_level_below():
	plan = make_plan(5000, 5, 100, seed=2)
	for production in plan.productions:
		out_level = plan.lots[production.outputs[0][0]].level
		assert {plan.lots[key].level for key, _ in production.inputs} == {out_level - 1}


def test_small_deep_plan_that_used_up_a_level_still_completes():
	plan = make_plan(27, 6, 0, customers=7, seed=6)
	assert len(plan.lots) == 27
