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


def test_level_sizes_at_their_bounds():
	"""Depth + 1 lots is the fewest a plan can have, one a level; the raw share keeps at least one raw
	lot and leaves at least one lot a level; what does not divide evenly goes to the deepest level."""
	assert level_sizes(3, 2) == [1, 1, 1]
	assert level_sizes(10, 3) == [5, 1, 1, 3]
	assert level_sizes(4, 3, raw_share=0.9) == [1, 1, 1, 1]
	assert level_sizes(10, 3, raw_share=0.1) == [1, 3, 3, 3]
	for lots, depth in ((2, 2), (5, 5), (10, 0)):
		with pytest.raises(ValueError, match=r"need at least depth \+ 1 lots and depth >= 1"):
			level_sizes(lots, depth)
	for share in (0, 1):
		with pytest.raises(ValueError, match=f"raw_share must lie between 0 and 1, not {share}"):
			level_sizes(100, 5, raw_share=share)


def test_plan_names_items_and_lots_after_its_prefix():
	"""Ten items a level named `<prefix>-L<level>-<nnn>`, lots keyed `<prefix>-<level>-<nnnnnnn>` in the
	order they are made, raw lots taking the level-0 items in turn, made lots an item of their level."""
	plan = make_plan(40, 2, 0)
	assert len(plan.items) == 3 and all(len(items) == 10 for items in plan.items)
	assert plan.items[0][0] == "SCL-L0-000" and plan.items[2][9] == "SCL-L2-009"
	assert plan.raw[:3] == ["SCL-0-0000000", "SCL-0-0000001", "SCL-0-0000002"]
	assert [plan.lots[key].item for key in plan.raw[8:12]] == [
		"SCL-L0-008",
		"SCL-L0-009",
		"SCL-L0-000",
		"SCL-L0-001",
	]
	assert all(lot.key == key for key, lot in plan.lots.items())
	for lot in plan.lots.values():
		assert lot.item in plan.items[lot.level]
	assert sorted(plan.lots)[-1].startswith("SCL-2-")
	named = make_plan(10, 1, 0, prefix="DEMO", items_per_level=2)
	assert named.items == [["DEMO-L0-000", "DEMO-L0-001"], ["DEMO-L1-000", "DEMO-L1-001"]]
	assert named.raw[0] == "DEMO-0-0000000"


def test_the_default_seed_is_one():
	"""A plan made without a seed is the plan of seed 1."""
	default, first = make_plan(300, 3, 50), make_plan(300, 3, 50, seed=1)
	assert default.productions == first.productions and default.deliveries == first.deliveries


def shapes(plan) -> set[tuple[str, int, int]]:
	return {(p.kind, len(p.inputs), len(p.outputs)) for p in plan.productions}


def test_each_kind_of_production_has_its_shape():
	"""A merge blends 2 or 3 lots (at most `fan_in`) into one, a transform turns one lot into one,
	a split repacks one lot into 2 or 3 (one only when a single unit came in)."""
	plan = make_plan(2000, 5, 0, seed=3)
	assert shapes(plan) == {
		("merge", 2, 1),
		("merge", 3, 1),
		("transform", 1, 1),
		("split", 1, 2),
		("split", 1, 3),
		("split", 1, 1),
	}
	for production in plan.productions:
		if production.kind == "split" and len(production.outputs) == 1:
			assert sum(qty for _, qty in production.inputs) == 1
	pairs = make_plan(2000, 5, 0, seed=3, fan_in=2)
	assert {shape for shape in shapes(pairs) if shape[0] == "merge"} == {("merge", 2, 1)}


def test_the_last_lot_of_a_level_is_merged_or_transformed_and_two_left_may_be_split():
	"""A level's last lot to make is never a split; with two still to make, one split can make both."""
	last = {p.kind for seed in range(30) for p in make_plan(2, 1, 0, seed=seed).productions}
	assert last == {"merge", "transform"}
	two_left = [make_plan(4, 1, 0, seed=seed).productions for seed in range(30)]
	assert any(len(productions) == 1 and productions[0].kind == "split" for productions in two_left)
	for productions in two_left:
		assert sum(len(p.outputs) for p in productions) == 2


def test_productions_draw_the_lots_below_in_turn():
	"""Without mixing, productions take the lots of the level below one after another, from the first,
	starting over after the last."""
	plan = make_plan(40, 1, 0)
	drawn = [key for production in plan.productions for key, _ in production.inputs]
	assert len(plan.raw) == 20 and len(drawn) == 24
	assert drawn == plan.raw + plan.raw[:4]


def test_deliveries_have_one_to_three_rows_of_up_to_five_lots_of_one_or_two_units():
	"""A delivery has 1 to 3 rows, a row 1 to `max_lots_per_row` lots (5 unless told), each lot
	delivering 1 or 2 units."""
	plan = make_plan(2000, 5, 400, seed=3)
	rows = [row for delivery in plan.deliveries for row in delivery.rows]
	assert {len(delivery.rows) for delivery in plan.deliveries} == {1, 2, 3}
	assert {len(row.lots) for row in rows} == {1, 2, 3, 4, 5}
	assert {qty for row in rows for _, qty in row.lots} == {1.0, 2.0}
	narrow = make_plan(2000, 5, 100, seed=3, max_lots_per_row=2)
	assert {len(row.lots) for delivery in narrow.deliveries for row in delivery.rows} == {1, 2}


def test_deliveries_go_to_a_hundred_customers_in_turn():
	"""Delivery n goes to customer n modulo the number of customers, 100 unless told."""
	plan = make_plan(600, 3, 150, seed=1)
	assert [delivery.customer for delivery in plan.deliveries] == list(range(100)) + list(range(50))


def test_every_fiftieth_delivery_with_a_single_lot_first_row_gets_one_unit_back():
	"""Deliveries 0, 50, 100… return one unit when their first row holds one lot, the others none."""
	plan = make_plan(600, 3, 301, customers=1000, seed=1)
	by_number = {delivery.customer: delivery for delivery in plan.deliveries}
	assert {number: len(by_number[number].rows[0].lots) for number in range(0, 301, 50)} == {
		0: 2,
		50: 1,
		100: 3,
		150: 1,
		200: 4,
		250: 3,
		300: 3,
	}
	assert {number: delivery.returned for number, delivery in by_number.items() if delivery.returned} == {
		50: 1.0,
		150: 1.0,
	}
	never = make_plan(600, 3, 301, customers=1000, seed=1, return_every=0)
	assert not any(delivery.returned for delivery in never.deliveries)


def test_a_plan_without_stock_for_its_next_lot_is_refused():
	"""When no lower level has a unit left to make the next lot from, the plan is refused."""
	with pytest.raises(ValueError, match="no stock left below level 1"):
		make_plan(4, 1, 0, raw_share=0.25, raw_qty=1)


def flows(plan) -> list[tuple[list[tuple[str, float]], list[tuple[str, float]]]]:
	return [(list(p.inputs), list(p.outputs)) for p in plan.productions]


def test_a_small_history_takes_half_a_lot_and_a_last_unit_whole_and_falls_back_when_used_up():
	"""One raw lot of 5 feeding 2, 2 and 4 lots: a production takes half of a lot holding 2 or more
	and a lot's last unit whole, draws the lots below in turn past those used up, and once a level is
	used up draws on the highest lower level with stock."""
	plan = make_plan(9, 3, 0, raw_qty=5, raw_share=0.2, items_per_level=1, seed=0)
	raw, a, b, c, d = "SCL-0-0000000", "SCL-1-0000001", "SCL-1-0000002", "SCL-2-0000003", "SCL-2-0000004"
	assert flows(plan) == [
		([(raw, 2.0)], [(a, 2.0)]),
		([(raw, 1.0)], [(b, 1.0)]),
		([(a, 1.0)], [(c, 1.0)]),
		([(b, 1.0), (a, 1.0)], [(d, 2.0)]),
		([(c, 1.0), (d, 1.0)], [("SCL-3-0000005", 2.0)]),
		([(d, 1.0)], [("SCL-3-0000006", 1.0)]),
		([(raw, 1.0)], [("SCL-3-0000007", 1.0)]),
		([(raw, 1.0)], [("SCL-3-0000008", 1.0)]),
	]


def test_a_used_up_level_falls_back_to_the_highest_level_then_the_first_lot():
	"""Four raw lots of one unit feeding 1, 1 and 3 lots: single units go whole; when the level
	below is used up the next lot comes from the highest lower level with stock, among equals the
	first made."""
	plan = make_plan(9, 3, 0, raw_qty=1, raw_share=0.5, items_per_level=1, seed=2)
	first, second, third = "SCL-0-0000000", "SCL-0-0000001", "SCL-0-0000002"
	blend, half = "SCL-1-0000004", "SCL-2-0000005"
	assert flows(plan) == [
		([(first, 1.0), (second, 1.0)], [(blend, 2.0)]),
		([(blend, 1.0)], [(half, 1.0)]),
		([(half, 1.0)], [("SCL-3-0000006", 1.0)]),
		([(blend, 1.0)], [("SCL-3-0000007", 1.0)]),
		([(third, 1.0)], [("SCL-3-0000008", 1.0)]),
	]


def test_a_lot_with_a_single_unit_takes_its_turn():
	"""Lots holding one unit are drawn in their turn, the first one first."""
	plan = make_plan(4, 1, 0, raw_qty=1, take_per_input=1, items_per_level=1, seed=0)
	assert flows(plan) == [
		([("SCL-0-0000000", 1.0)], [("SCL-1-0000002", 1.0)]),
		([("SCL-0-0000001", 1.0)], [("SCL-1-0000003", 1.0)]),
	]


def test_a_lot_of_two_units_gives_one():
	"""A lot of two units gives half, one unit, to the production it feeds."""
	plan = make_plan(2, 1, 0, raw_qty=2, items_per_level=1)
	assert flows(plan) == [([("SCL-0-0000000", 1.0)], [("SCL-1-0000001", 1.0)])]


def test_a_mixing_blend_that_draws_a_lot_twice_draws_on_for_its_other_inputs():
	"""A mixing blend that draws a lot it already holds skips that draw and goes on drawing, so the
	last blend of this plan still holds two lots."""
	plan = make_plan(6, 1, 0, mixing=True, items_per_level=1, seed=2)
	first, second, third = "SCL-0-0000000", "SCL-0-0000001", "SCL-0-0000002"
	assert flows(plan) == [
		([(second, 200.0), (first, 200.0)], [("SCL-1-0000003", 400.0)]),
		([(third, 200.0)], [("SCL-1-0000004", 200.0)]),
		([(third, 200.0), (second, 200.0)], [("SCL-1-0000005", 400.0)]),
	]
