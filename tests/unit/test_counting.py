from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability import counting as c
from lot_traceability.traceability.counting import Candidate, RowState, Tolerance, Weights

ONLY = {name: 0.0 for name in c.FACTORS}


def only(**weights) -> Weights:
	return Weights(**{**ONLY, **weights})


def test_abc_classes_by_share_of_value():
	# 50 + 30 = 80 of 100: the third starts at 80 % → B; the fourth starts at 95 % → C
	assert c.abc_classes({"x": 50, "y": 30, "z": 15, "w": 5}) == {"x": "A", "y": "A", "z": "B", "w": "C"}
	assert c.abc_classes({"x": 0, "y": 0}) == {"x": "C", "y": "C"}


def test_each_factor_orders_the_list_alone():
	low = Candidate("L1", "W", item="i", value=10, movements=1, adjustments=0, anomalies=0)
	high = Candidate("L2", "W", item="i", value=100, movements=5, adjustments=3, anomalies=2)
	for factor in ("value", "movements", "adjustments", "anomalies"):
		assert [s.candidate.lot for s in c.rank([low, high], only(**{factor: 1}))] == ["L2", "L1"]
	held = Candidate("L3", "W", held=True)
	assert c.rank([low, held], only(held=1))[0].candidate.lot == "L3"
	near = Candidate("L4", "W", near_expiry=True)
	assert c.rank([low, near], only(near_expiry=1))[0].candidate.lot == "L4"


def test_days_since_counted_capped_at_the_horizon_never_counted_is_full():
	fresh = Candidate("A", "W", days_since_counted=9)
	old = Candidate("B", "W", days_since_counted=400)
	never = Candidate("C", "W", days_since_counted=None)
	scored = {s.candidate.lot: s.score for s in c.rank([fresh, old, never], only(days_since_counted=2), 90)}
	assert scored == {"A": pytest.approx(0.2), "B": 2.0, "C": 2.0}


def test_ties_go_to_lot_then_location_and_the_day_list_is_the_top():
	same = [Candidate("L2", "W1"), Candidate("L1", "W2"), Candidate("L1", "W1")]
	ranked = c.rank(same, Weights())
	assert [(s.candidate.lot, s.candidate.location) for s in ranked] == [
		("L1", "W1"),
		("L1", "W2"),
		("L2", "W1"),
	]
	assert [s.candidate for s in c.day_list(same, Weights(), 2)] == [same[2], same[1]]
	assert c.day_list(same, Weights(), 0) == []


def test_a_written_out_ranking():
	# weights: value 3, movements 2, held 1, days since counted 2 (horizon 100), others 0
	w = only(value=3, movements=2, held=1, days_since_counted=2)
	rows = [
		Candidate("A", "W", item="a", value=1000, movements=0, days_since_counted=10),  # 3 + 0 + 0 + .2 = 3.2
		Candidate("B", "W", item="b", value=500, movements=4, days_since_counted=50),  # 1.5 + 2 + 0 + 1 = 4.5
		Candidate("C", "W", item="c", value=0, movements=2, held=True),  # 0 + 1 + 1 + 2 = 4.0
		Candidate("D", "W", item="d", value=250, movements=1, days_since_counted=100),  # .75 + .5 + 2 = 3.25
	]
	ranked = c.rank(rows, w, horizon_days=100)
	assert [s.candidate.lot for s in ranked] == ["B", "C", "D", "A"]
	assert [round(s.score, 4) for s in ranked] == [4.5, 4.0, 3.25, 3.2]
	assert ranked[0].reasons == ["movements", "value", "days_since_counted"]


def test_negative_weight_refused():
	with pytest.raises(ValueError):
		Weights(value=-1)


def test_tolerance_boundary_both_sides():
	t = Tolerance(percent=2, qty=0)
	assert c.agrees(100, 102, t) and c.agrees(100, 98, t)
	assert not c.agrees(100, 102.01, t) and not c.agrees(100, 97.99, t)
	assert c.agrees(10, 10.5, Tolerance(percent=2, qty=0.5))  # the absolute floor wins on small stock
	assert not c.agrees(0, 1, Tolerance(percent=50))  # found where the book has none


def test_count_then_recount_by_another():
	t = Tolerance(percent=1)
	assert c.after_count(50, 50.2, t) is RowState.MATCHED
	assert c.after_count(50, 45, t) is RowState.RECOUNT
	assert c.after_recount(50, 50, t) is RowState.MATCHED
	assert c.after_recount(50, 45, t) is RowState.VARIANCE
	with pytest.raises(c.RecountRefused) as refused:
		c.check_recount(RowState.RECOUNT, "anna@example.com", "ANNA@example.com")
	assert refused.value.code == "same_counter"
	with pytest.raises(c.RecountRefused) as refused:
		c.check_recount(RowState.MATCHED, "anna@example.com", "bob@example.com")
	assert refused.value.code == "not_waiting"
	c.check_recount(RowState.RECOUNT, "anna@example.com", "bob@example.com")


def test_reconciled_qty_keeps_what_moved_since():
	# counted 45 against a book of 50; 10 shipped since: the book is 40, the reconciliation sets 35
	assert c.final_qty(45, None) == 45 and c.final_qty(45, 44) == 44
	assert c.reconciled_qty(50, 45, 40) == 35
	assert c.reconciled_qty(5, 0, 2) == 0  # never below nothing


def test_accuracy_by_location_and_month():
	results = [
		c.CountResult("W1", date(2026, 3, 2), "L1", 10, 10, RowState.MATCHED, 2),
		c.CountResult("W1", date(2026, 3, 9), "L2", 10, 7, RowState.VARIANCE, 2),
		c.CountResult("W1", date(2026, 3, 9), "L3", 10, 0, RowState.RECOUNT, 2),  # not final
		c.CountResult("W1", date(2026, 4, 1), "L1", 10, 10, RowState.MATCHED, 2),
		c.CountResult("W2", date(2026, 3, 1), "L4", 4, 5, RowState.VARIANCE, 3),
	]
	got = {(a.location, a.month): (a.counted, a.within, a.pct, a.variance_value) for a in c.accuracy(results)}
	assert got == {
		("W1", "2026-03"): (2, 1, 50.0, 6.0),
		("W1", "2026-04"): (1, 1, 100.0, 0.0),
		("W2", "2026-03"): (1, 0, 0.0, 3.0),
	}
	assert c.coverage([("L1", "W1"), ("L9", "W1")], [("L1", "W1"), ("L2", "W1")]) == (1, 2)


# property: the ranking against a reference written here


def reference_score(cand: Candidate, pool: list[Candidate], w: Weights, horizon: int) -> float:
	def scaled(name):
		top = max(getattr(x, name) for x in pool)
		return getattr(cand, name) / top if top > 0 else 0.0

	values = {}
	for x in pool:
		values[x.item] = values.get(x.item, 0) + x.value
	total = sum(values.values())
	order = sorted(values, key=lambda k: (-values[k], k))
	before = sum(values[k] for k in order[: order.index(cand.item)])
	abc = 0.0 if total == 0 else 1.0 if before / total < 0.8 else 0.5 if before / total < 0.95 else 0.0
	days = 1.0 if cand.days_since_counted is None else min(cand.days_since_counted / horizon, 1.0)
	return (
		w.value * scaled("value")
		+ w.movements * scaled("movements")
		+ w.adjustments * scaled("adjustments")
		+ w.anomalies * scaled("anomalies")
		+ w.held * cand.held
		+ w.near_expiry * cand.near_expiry
		+ w.days_since_counted * days
		+ w.abc * abc
	)


candidates = st.lists(
	st.builds(
		Candidate,
		lot=st.sampled_from(["L1", "L2", "L3", "L4", "L5", "L6"]),
		location=st.sampled_from(["W1", "W2"]),
		item=st.sampled_from(["a", "b", "c"]),
		value=st.integers(0, 1000).map(float),
		movements=st.integers(0, 20),
		adjustments=st.integers(0, 5),
		anomalies=st.integers(0, 3),
		held=st.booleans(),
		near_expiry=st.booleans(),
		days_since_counted=st.none() | st.integers(0, 400),
	),
	min_size=1,
	max_size=12,
	unique_by=lambda x: (x.lot, x.location),
)
weights = st.builds(Weights, **{name: st.integers(0, 5).map(float) for name in c.FACTORS})


@settings(max_examples=200, deadline=None)
@given(candidates, weights, st.integers(1, 200), st.integers(0, 15))
def test_ranking_matches_the_reference(pool, w, horizon, per_day):
	expected = sorted(
		pool, key=lambda x: (-round(reference_score(x, pool, w, horizon), 9), x.lot, x.location)
	)
	ranked = c.rank(pool, w, horizon)
	assert [s.candidate for s in ranked] == expected
	for s in ranked:
		assert s.score == pytest.approx(reference_score(s.candidate, pool, w, horizon))
	chosen = c.day_list(pool, w, per_day, horizon)
	assert chosen == ranked[:per_day]
	left = ranked[per_day:]
	if chosen and left:
		assert min(s.score for s in chosen) >= max(s.score for s in left) - 1e-9
