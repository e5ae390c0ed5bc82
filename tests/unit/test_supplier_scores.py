from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.supplier_scores import (
	DEFAULT_WEIGHTS,
	Event,
	Evidence,
	Outcome,
	Params,
	SupplierLot,
	lot_failure,
	recency_weight,
	score_suppliers,
)

TODAY = date(2026, 3, 1)


def lots(supplier, n, failed=(), group="Raw", received=TODAY, kind=Outcome.REJECTION, on=None):
	"""`n` lots of `supplier`, those numbered in `failed` with one `kind` event."""
	return [
		SupplierLot(
			supplier,
			group,
			f"{supplier}-{i}",
			received,
			(Event(kind, on or received, "Quality Inspection", f"QI-{supplier}-{i}"),) if i in failed else (),
		)
		for i in range(n)
	]


def by_supplier(scores):
	return {(s.supplier, s.item_group): s for s in scores}


# recency and lot failure


def test_recency_weight_halves_every_half_life():
	assert recency_weight(TODAY, TODAY, 365) == 1.0
	assert recency_weight(TODAY - timedelta(days=365), TODAY, 365) == 0.5
	assert recency_weight(TODAY - timedelta(days=730), TODAY, 365) == 0.25
	assert recency_weight(TODAY - timedelta(days=30), TODAY, 30) == 0.5
	assert recency_weight(TODAY + timedelta(days=10), TODAY, 365) == 1.0  # received later: full weight


def test_a_lot_fails_once_by_its_worst_outcome():
	def lot(*kinds):
		return SupplierLot("S", "G", "L", TODAY, tuple(Event(k, TODAY) for k in kinds))

	assert lot_failure(lot(), DEFAULT_WEIGHTS) == 0.0
	assert lot_failure(lot(Outcome.COMPLAINT, Outcome.COMPLAINT, Outcome.COMPLAINT), DEFAULT_WEIGHTS) == 0.75
	assert lot_failure(lot(Outcome.RETURN, Outcome.COMPLAINT), DEFAULT_WEIGHTS) == 0.75
	assert lot_failure(lot(Outcome.DEVIATION, Outcome.RECALL), DEFAULT_WEIGHTS) == 1.0
	assert lot_failure(lot(Outcome.RETURN), {Outcome.RETURN: 0.2}) == 0.2
	assert lot_failure(lot("return"), {"return": 0.3}) == 0.3


# the must-have comparisons, with their figures


def test_three_rejected_of_ten_scores_worse_than_none_of_ten():
	scores = by_supplier(score_suppliers(lots("A", 10, failed={1, 4, 7}) + lots("B", 10), TODAY))
	a, b = scores[("A", "Raw")], scores[("B", "Raw")]
	# prior: 3 failures in 20 lots = 0.15; A: (3 + 5 × 0.15) / (10 + 5); B: (0 + 0.75) / 15
	assert a.prior_rate == b.prior_rate == pytest.approx(0.15)
	assert a.score == 25.0
	assert b.score == 5.0
	assert (a.lots, a.failed_lots, a.weighted_lots, a.weighted_failures) == (10, 3, 10.0, 3.0)
	assert a.raw_rate == pytest.approx(0.3)
	assert (b.failed_lots, b.raw_rate) == (0, 0.0)
	assert [(e.lot, e.kind, e.reference_name, e.weight) for e in a.evidence] == [
		("A-1", Outcome.REJECTION, "QI-A-1", 1.0),
		("A-4", Outcome.REJECTION, "QI-A-4", 1.0),
		("A-7", Outcome.REJECTION, "QI-A-7", 1.0),
	]
	assert b.evidence == ()
	assert [s.supplier for s in score_suppliers(lots("B", 10) + lots("A", 10, failed={1, 4, 7}), TODAY)] == [
		"A",
		"B",
	]


def test_one_clean_lot_scores_between_zero_and_the_prior_closer_to_the_prior_than_ten_clean_lots():
	scores = by_supplier(
		score_suppliers(lots("A", 10, failed={0, 1, 2}) + lots("One", 1) + lots("Ten", 10), TODAY)
	)
	prior = 3 / 21
	one, ten = scores[("One", "Raw")], scores[("Ten", "Raw")]
	assert one.prior_rate == pytest.approx(prior)
	assert one.score == 11.905  # 100 × 5 × prior / 6
	assert ten.score == 4.762  # 100 × 5 × prior / 15
	assert scores[("A", "Raw")].score == 24.762  # 100 × (3 + 5 × prior) / 15
	assert 0 < one.score < 100 * prior
	assert abs(100 * prior - one.score) < abs(100 * prior - ten.score)
	assert one.raw_rate == ten.raw_rate == 0.0


def test_without_shrinkage_the_score_is_the_raw_rate():
	scores = by_supplier(
		score_suppliers(lots("A", 4, failed={0}) + lots("B", 1), TODAY, Params(prior_strength=0))
	)
	assert scores[("A", "Raw")].score == 25.0
	assert scores[("B", "Raw")].score == 0.0


def test_older_failures_weigh_less_than_recent_ones():
	year_ago = TODAY - timedelta(days=365)

	def supplier(name, failed_received):
		return [
			SupplierLot(
				name,
				"Raw",
				f"{name}-old",
				year_ago,
				(Event("complaint", TODAY),) if failed_received == "old" else (),
			),
			SupplierLot(
				name,
				"Raw",
				f"{name}-new",
				TODAY,
				(Event("complaint", TODAY),) if failed_received == "new" else (),
			),
			*lots(name, 3),
		]

	scores = by_supplier(score_suppliers(supplier("Old", "old") + supplier("New", "new"), TODAY))
	old, new = scores[("Old", "Raw")], scores[("New", "Raw")]
	assert old.weighted_lots == new.weighted_lots == 4.5
	assert old.weighted_failures == 0.375  # 0.75 × 0.5
	assert new.weighted_failures == 0.75
	assert [e.weight for e in old.evidence] == [0.375]
	assert [e.weight for e in new.evidence] == [0.75]
	# prior: 1.125 / 9 = 0.125
	assert old.score == round(100 * (0.375 + 5 * 0.125) / 9.5, 3) == 10.526
	assert new.score == round(100 * (0.75 + 5 * 0.125) / 9.5, 3) == 14.474


# dates


def test_an_event_on_today_counts_and_one_after_today_does_not():
	def score(on):
		return by_supplier(score_suppliers(lots("A", 2, failed={0}, on=on) + lots("B", 2), TODAY))[
			("A", "Raw")
		]

	on_today = score(TODAY)
	assert (on_today.failed_lots, on_today.weighted_failures, len(on_today.evidence)) == (1, 1.0, 1)
	tomorrow = score(TODAY + timedelta(days=1))
	assert (tomorrow.failed_lots, tomorrow.weighted_failures, tomorrow.evidence) == (0, 0.0, ())
	assert tomorrow.score == 0.0


def test_a_score_as_it_stood_on_an_earlier_day():
	history = lots("A", 4, failed={0}, on=date(2026, 2, 1))
	assert score_suppliers(history, date(2026, 1, 31))[0].failed_lots == 0
	assert score_suppliers(history, date(2026, 2, 1))[0].failed_lots == 1


# the prior


def test_the_prior_is_the_pooled_rate_of_all_item_groups():
	scores = by_supplier(
		score_suppliers(
			lots("A", 4, failed={0, 1}, group="Meat")
			+ lots("B", 4, group="Meat")
			+ lots("C", 12, group="Box"),
			TODAY,
		)
	)
	assert {s.prior_rate for s in scores.values()} == {0.1}
	assert scores[("B", "Meat")].score == round(100 * 5 * 0.1 / 9, 3) == 5.556
	assert scores[("C", "Box")].score == round(100 * 5 * 0.1 / 17, 3) == 2.941


def test_where_lots_rarely_fail_one_clean_lot_still_ranks_above_ten():
	"""A pooled rate of 0.16 %: at one decimal both would read 0.1 and rank by name."""
	history = lots("Failing", 1, failed={0}) + lots("Many", 612) + lots("Ten", 10) + lots("One", 1)
	scores = score_suppliers(history, TODAY)
	by_name = {s.supplier: s for s in scores}
	assert round(by_name["One"].prior_rate, 4) == 0.0016
	assert by_name["One"].score == round(100 * 5 * (1 / 624) / 6, 3) == 0.134
	assert by_name["Ten"].score == round(100 * 5 * (1 / 624) / 15, 3) == 0.053
	assert [s.supplier for s in scores][-3:] == ["One", "Ten", "Many"]


def test_one_clean_lot_in_a_failing_group_scores_better_than_a_deviation_in_a_quiet_group():
	"""The demo's case: a sugar supplier's one clean lot among ingredients whose other suppliers
	failed must not look riskier than a cheese supplier's lot with a deviation."""
	history = (
		lots("Sugar", 1, group="Ingredients")
		+ lots("Mill", 2, failed={0, 1}, group="Ingredients")
		+ lots("Olive", 1, failed={0}, group="Cheese", kind=Outcome.DEVIATION)
		+ lots("Cellar", 6, group="Cheese")
	)
	scores = by_supplier(score_suppliers(history, TODAY))
	assert scores[("Sugar", "Ingredients")].score < scores[("Olive", "Cheese")].score


def test_a_group_whose_lots_weigh_nothing_is_shrunk_to_the_pooled_rate_of_all_groups():
	params = Params(half_life_days=0.001)  # ten days old: 0.5 ** 10,000, nothing
	old = lots("Old", 3, group="Box", received=TODAY - timedelta(days=10))
	scores = by_supplier(score_suppliers(lots("A", 2, failed={0}) + old, TODAY, params))
	box = scores[("Old", "Box")]
	assert (box.lots, box.weighted_lots, box.raw_rate) == (3, 0.0, None)
	assert box.prior_rate == 0.5
	assert box.score == 50.0


def test_no_lots_no_scores():
	assert score_suppliers([], TODAY) == []


# weights and parameters


def test_partial_weights_keep_the_other_defaults_and_accept_outcome_names():
	params = Params(weights={"return": 0.2})
	assert params.weights[Outcome.RETURN] == 0.2
	assert params.weights[Outcome.COMPLAINT] == 0.75
	scores = score_suppliers(lots("A", 1, failed={0}, kind=Outcome.RETURN), TODAY, params)
	assert scores[0].weighted_failures == 0.2


def test_an_outcome_weighted_zero_does_not_count_and_is_no_evidence():
	params = Params(weights={Outcome.DEVIATION: 0})
	score = score_suppliers(lots("A", 2, failed={0}, kind=Outcome.DEVIATION), TODAY, params)[0]
	assert (score.failed_lots, score.weighted_failures, score.evidence, score.score) == (0, 0.0, (), 0.0)


@pytest.mark.parametrize(
	("params", "message"),
	[
		({"half_life_days": 0}, "half-life must be a positive"),
		({"half_life_days": -3}, "half-life must be a positive"),
		({"prior_strength": -0.5}, "prior strength cannot be negative"),
		({"weights": {Outcome.RECALL: 1.01}}, "weight of recall must be between 0 and 1"),
		({"weights": {Outcome.RETURN: -0.01}}, "weight of return must be between 0 and 1"),
		({"weights": {"praise": 0.5}}, "unknown outcome"),
		({"weights": {Outcome.COMPLAINT: "high"}}, "weight of complaint must be between 0 and 1, not 'high'"),
		({"weights": {"deviation": None}}, "weight of deviation must be between 0 and 1, not None"),
	],
)
def test_params_are_validated(params, message):
	with pytest.raises(ValueError, match=message):
		Params(**params)


def test_params_edges_are_accepted():
	Params(half_life_days=0.0001, prior_strength=0, weights={Outcome.RECALL: 0, Outcome.RETURN: 1})


# order


def test_scores_sort_by_score_then_supplier_then_item_group():
	history = (
		lots("B", 2)
		+ lots("A", 2, group="Z")
		+ lots("A", 2)
		+ lots("D", 1, {0}, group="Z")
		+ lots("C", 1, {0})
		+ lots("E", 2, group="Z")
	)
	scores = score_suppliers(history, TODAY)
	assert [(s.supplier, s.item_group, s.score) for s in scores] == [
		("C", "Raw", 33.333),  # both groups: 1 failure in 5 lots; (1 + 5 × 0.2) / 6
		("D", "Z", 33.333),
		("A", "Raw", 14.286),  # 5 × 0.2 / 7
		("A", "Z", 14.286),
		("B", "Raw", 14.286),
		("E", "Z", 14.286),
	]


def test_evidence_weightiest_first_then_most_recent_then_lot():
	received = TODAY - timedelta(days=365)
	history = [
		SupplierLot("S", "G", "L-b", TODAY, (Event("return", date(2026, 2, 1)),)),
		SupplierLot(
			"S", "G", "L-a", TODAY, (Event("return", date(2026, 2, 1)), Event("recall", date(2026, 1, 1)))
		),
		SupplierLot("S", "G", "L-c", TODAY, (Event("return", date(2026, 2, 20)),)),
		SupplierLot("S", "G", "L-old", received, (Event("recall", date(2026, 2, 25)),)),
	]
	evidence = score_suppliers(history, TODAY)[0].evidence
	assert [(e.lot, e.kind.value, e.weight) for e in evidence] == [
		("L-a", "recall", 1.0),
		("L-old", "recall", 0.5),  # a recall on a year-old lot: 1.0 × 0.5, dated 25 February
		("L-c", "return", 0.5),
		("L-a", "return", 0.5),
		("L-b", "return", 0.5),
	]
	assert evidence[0] == Evidence("L-a", Outcome.RECALL, date(2026, 1, 1), "", "", 1.0)


# properties, against a reference written here

KINDS = list(Outcome)
REFERENCE_WEIGHTS = {"rejection": 1.0, "recall": 1.0, "complaint": 0.75, "return": 0.5, "deviation": 0.5}

events_st = st.lists(
	st.tuples(st.sampled_from(KINDS), st.integers(-400, 30)).map(
		lambda t: Event(t[0], TODAY + timedelta(days=t[1]))
	),
	max_size=3,
)
lot_st = st.builds(
	lambda supplier, group, age, events: (supplier, group, age, tuple(events)),
	st.sampled_from(["S1", "S2", "S3"]),
	st.sampled_from(["G1", "G2"]),
	st.integers(-5, 2000),
	events_st,
)


def build(raw):
	return [
		SupplierLot(supplier, group, f"L{i}", TODAY - timedelta(days=age), events)
		for i, (supplier, group, age, events) in enumerate(raw)
	]


def reference_scores(history, today, half_life=365.0, strength=5.0):
	"""Straight from the definition: per pair Σ 2^(-age/h), Σ 2^(-age/h) × worst counted outcome."""
	pairs = {}
	for lot in history:
		age = max(0, (today - lot.received).days)
		w = 2 ** (-age / half_life)
		worst = 0.0
		for event in lot.events:
			if event.on <= today and REFERENCE_WEIGHTS[event.kind.value] > worst:
				worst = REFERENCE_WEIGHTS[event.kind.value]
		n, f = pairs.get((lot.supplier, lot.item_group), (0.0, 0.0))
		pairs[(lot.supplier, lot.item_group)] = (n + w, f + w * worst)
	result = {}
	for (supplier, group), (n, f) in pairs.items():
		all_n = sum(v[0] for v in pairs.values())
		all_f = sum(v[1] for v in pairs.values())
		prior = all_f / all_n if all_n > 0 else 0.0
		result[(supplier, group)] = (n, f, 100 * (f + strength * prior) / (n + strength))
	return result


@given(st.lists(lot_st, min_size=1, max_size=25))
def test_scores_match_the_definition(raw):
	history = build(raw)
	expected = reference_scores(history, TODAY)
	scores = by_supplier(score_suppliers(history, TODAY))
	assert scores.keys() == expected.keys()
	for pair, (n, f, score) in expected.items():
		assert scores[pair].weighted_lots == pytest.approx(n)
		assert scores[pair].weighted_failures == pytest.approx(f, abs=1e-12)
		assert abs(scores[pair].score - score) <= 0.05 + 1e-9
		assert scores[pair].lots == sum(1 for lot in history if (lot.supplier, lot.item_group) == pair)


@given(st.lists(lot_st, min_size=1, max_size=25), st.data())
def test_adding_a_failure_never_lowers_the_suppliers_score(raw, data):
	history = build(raw)
	index = data.draw(st.integers(0, len(history) - 1))
	kind = data.draw(st.sampled_from(KINDS))
	on = TODAY - timedelta(days=data.draw(st.integers(0, 400)))
	target = history[index]
	worse = [*history]
	worse[index] = SupplierLot(
		target.supplier, target.item_group, target.lot, target.received, (*target.events, Event(kind, on))
	)
	pair = (target.supplier, target.item_group)
	before = by_supplier(score_suppliers(history, TODAY))[pair]
	after = by_supplier(score_suppliers(worse, TODAY))[pair]
	assert after.score >= before.score
	assert after.weighted_failures >= before.weighted_failures


@given(
	st.lists(st.integers(0, 1500), min_size=1, max_size=12),
	st.data(),
	st.lists(lot_st, max_size=10),
)
def test_a_supplier_without_failures_never_scores_worse_than_one_with_some(ages, data, others):
	failures = data.draw(
		st.lists(st.tuples(st.integers(0, len(ages) - 1), st.sampled_from(KINDS)), min_size=1)
	)
	failed_events = {}
	for index, kind in failures:
		failed_events.setdefault(index, []).append(Event(kind, TODAY))
	clean = [SupplierLot("Clean", "G1", f"C{i}", TODAY - timedelta(days=a)) for i, a in enumerate(ages)]
	failing = [
		SupplierLot("Failing", "G1", f"F{i}", TODAY - timedelta(days=a), tuple(failed_events.get(i, ())))
		for i, a in enumerate(ages)
	]
	scores = by_supplier(score_suppliers(clean + failing + build(others), TODAY))
	assert scores[("Clean", "G1")].score <= scores[("Failing", "G1")].score
	assert scores[("Clean", "G1")].weighted_failures == 0 < scores[("Failing", "G1")].weighted_failures


@given(
	st.integers(0, 1500),
	st.sampled_from(["G1", "G2"]),
	st.sampled_from(["G1", "G2"]),
	st.lists(lot_st, max_size=15),
)
def test_one_clean_lot_never_scores_worse_than_an_otherwise_equal_one_with_a_deviation(
	age, clean_group, deviated_group, others
):
	"""Whatever the other suppliers' lots and whichever item groups the two lots are in."""
	received = TODAY - timedelta(days=age)
	clean = SupplierLot("Clean", clean_group, "C0", received)
	deviated = SupplierLot(
		"Deviated",
		deviated_group,
		"D0",
		received,
		(Event(Outcome.DEVIATION, TODAY, "Lot Deviation", "DEV-1"),),
	)
	scores = by_supplier(score_suppliers([clean, deviated, *build(others)], TODAY))
	assert scores[("Clean", clean_group)].score <= scores[("Deviated", deviated_group)].score


@given(st.lists(lot_st, min_size=1, max_size=25), st.data())
def test_adding_a_failed_lot_to_another_supplier_never_lowers_a_suppliers_score(raw, data):
	"""A full failure anywhere raises the average every supplier is shrunk towards."""
	history = build(raw)
	target = data.draw(st.sampled_from(history))
	pair = (target.supplier, target.item_group)
	kind = data.draw(st.sampled_from([Outcome.REJECTION, Outcome.RECALL]))
	failed = SupplierLot("Other", data.draw(st.sampled_from(["G1", "G2"])), "X", TODAY, (Event(kind, TODAY),))
	before = by_supplier(score_suppliers(history, TODAY))[pair]
	after = by_supplier(score_suppliers([*history, failed], TODAY))[pair]
	assert after.score >= before.score


@given(st.integers(0, 3000), st.integers(1, 3000), st.integers(0, 10))
def test_an_older_failure_weighs_less_than_a_recent_one(recent_age, extra_age, clean_lots):
	old_age = recent_age + extra_age

	def supplier(name, failed_age):
		return [
			SupplierLot(
				name,
				"G1",
				f"{name}-{age}",
				TODAY - timedelta(days=age),
				(Event(Outcome.RECALL, TODAY),) if age == failed_age else (),
			)
			for age in (recent_age, old_age)
		] + lots(name, clean_lots, group="G1")

	scores = by_supplier(score_suppliers(supplier("Old", old_age) + supplier("Recent", recent_age), TODAY))
	old, recent = scores[("Old", "G1")], scores[("Recent", "G1")]
	assert old.weighted_failures == pytest.approx(2 ** (-old_age / 365))
	assert recent.weighted_failures == pytest.approx(2 ** (-recent_age / 365))
	assert old.weighted_failures < recent.weighted_failures
	assert old.score <= recent.score


@given(st.lists(lot_st, min_size=1, max_size=20), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_order(raw, rnd):
	history = build(raw)
	shuffled = [*history]
	rnd.shuffle(shuffled)
	assert [(s.supplier, s.item_group, s.score, s.evidence) for s in score_suppliers(history, TODAY)] == [
		(s.supplier, s.item_group, s.score, s.evidence) for s in score_suppliers(shuffled, TODAY)
	]


def test_a_lots_events_given_as_a_list_are_kept_as_a_tuple():
	"""A lot is a value: built from a list of events it equals, and hashes like, the same lot built
	from a tuple."""
	event = Event(Outcome.COMPLAINT, TODAY, "Customer Complaint", "CC-1")
	from_list = SupplierLot("S", "G", "L", TODAY, [event])
	assert from_list.events == (event,)
	assert from_list == SupplierLot("S", "G", "L", TODAY, (event,))
	assert len({from_list, SupplierLot("S", "G", "L", TODAY, (event,))}) == 1


def test_outcomes_missing_from_the_weights_given_keep_their_default_weight():
	def lot(*kinds):
		return SupplierLot("S", "G", "L", TODAY, tuple(Event(k, TODAY) for k in kinds))

	only_complaints = {Outcome.COMPLAINT: 0.2}
	assert lot_failure(lot(Outcome.RECALL, Outcome.COMPLAINT), only_complaints) == 1.0
	assert lot_failure(lot(Outcome.DEVIATION), only_complaints) == 0.5
	assert lot_failure(lot(Outcome.COMPLAINT), only_complaints) == 0.2


THREE_YEARS_AGO = TODAY - timedelta(days=1096)  # with a one-day half-life: 0.5 ** 1096, nothing


def test_one_recent_lot_gives_the_average_for_groups_whose_lots_weigh_nothing():
	params = Params(half_life_days=1.0)
	old = lots("Old", 2, group="Box", received=THREE_YEARS_AGO)
	box = by_supplier(score_suppliers(lots("A", 1, failed={0}) + old, TODAY, params))[("Old", "Box")]
	assert (box.lots, box.weighted_lots, box.prior_rate, box.score) == (2, 0.0, 1.0, 100.0)


def test_when_no_lot_weighs_anything_the_average_is_zero():
	params = Params(half_life_days=1.0)
	old = score_suppliers(lots("Old", 3, failed={0}, group="Box", received=THREE_YEARS_AGO), TODAY, params)
	assert [(s.lots, s.failed_lots, s.weighted_lots, s.raw_rate, s.prior_rate, s.score) for s in old] == [
		(3, 1, 0.0, None, 0.0, 0.0)
	]


def test_without_shrinkage_a_supplier_whose_lots_weigh_nothing_scores_the_average():
	params = Params(half_life_days=1.0, prior_strength=0)
	old = lots("Old", 3, group="Box", received=THREE_YEARS_AGO)
	box = by_supplier(score_suppliers(lots("A", 2, failed={0}) + old, TODAY, params))[("Old", "Box")]
	assert (box.weighted_lots, box.prior_rate, box.score) == (0.0, 0.5, 50.0)
