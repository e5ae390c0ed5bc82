from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.genealogy import (
	BACKWARD,
	FORWARD,
	Edge,
	Trace,
	attribute,
	closure,
	gather_backward,
	spread_forward,
	tree,
)


def edge_map(edges):
	by_parent, by_child = defaultdict(list), defaultdict(list)
	for edge in edges:
		by_parent[edge.parent].append(edge)
		by_child[edge.child].append(edge)
	calls = []

	def forward(lots):
		calls.append(list(lots))
		return [e for lot in lots for e in by_parent.get(lot, ())]

	def backward(lots):
		calls.append(list(lots))
		return [e for lot in lots for e in by_child.get(lot, ())]

	return forward, backward, calls


def test_merge_gives_every_input_whole_to_the_output():
	edges = attribute([("A", 30), ("B", 70)], [("X", 100)], "SE-1")
	assert {(e.parent, e.child, e.qty) for e in edges} == {("A", "X", 30), ("B", "X", 70)}
	assert {e.voucher for e in edges} == {"SE-1"}


def test_split_shares_the_input_by_output_quantity():
	edges = attribute([("A", 90)], [("X", 60), ("Y", 30)])
	assert {(e.child, e.qty) for e in edges} == {("X", 60), ("Y", 30)}


def test_many_to_many_is_proportional():
	edges = attribute([("A", 10), ("B", 30)], [("X", 25), ("Y", 75)])
	got = {(e.parent, e.child): e.qty for e in edges}
	assert got == pytest.approx({("A", "X"): 2.5, ("A", "Y"): 7.5, ("B", "X"): 7.5, ("B", "Y"): 22.5})


def test_repeated_rows_add_up_and_rework_in_place_gets_no_self_edge():
	edges = attribute([("A", 10), ("A", 5), ("B", 0)], [("A", 12), ("X", 3)])
	assert {(e.parent, e.child): e.qty for e in edges} == pytest.approx({("A", "X"): 3.0})
	assert attribute([], [("X", 1)]) == []
	assert attribute([("A", 1)], []) == []


@given(
	st.lists(st.tuples(st.sampled_from("ABCDE"), st.floats(0.001, 1000)), min_size=1, max_size=6),
	st.lists(st.tuples(st.sampled_from("VWXYZ"), st.floats(0.001, 1000)), min_size=1, max_size=6),
)
def test_attribution_conserves_every_input(inputs, outputs):
	edges = attribute(inputs, outputs)
	consumed = defaultdict(float)
	for lot, qty in inputs:
		consumed[lot] += qty
	given_out = defaultdict(float)
	for edge in edges:
		given_out[edge.parent] += edge.qty
	assert given_out == pytest.approx(dict(consumed))


DIAMOND = [Edge("A", "B", 50), Edge("A", "C", 50), Edge("B", "D", 50), Edge("C", "D", 50), Edge("D", "E", 40)]


def test_diamond_closure_visits_each_lot_once_at_its_shortest_depth():
	forward, backward, calls = edge_map(DIAMOND)
	trace = closure(["A"], forward, FORWARD)
	assert trace.depth == {"A": 0, "B": 1, "C": 1, "D": 2, "E": 3}
	assert len(calls) == 4  # one read per level (the last finds nothing)
	back = closure(["E"], backward, BACKWARD)
	assert back.depth == {"E": 0, "D": 1, "B": 2, "C": 2, "A": 3}


def test_cycle_in_bad_data_ends_the_walk():
	cycle = [Edge("A", "B", 1), Edge("B", "C", 1), Edge("C", "A", 1)]
	forward, _, _ = edge_map(cycle)
	assert closure(["A"], forward).depth == {"A": 0, "B": 1, "C": 2}
	totals = {"A": 1, "B": 1, "C": 1}
	assert spread_forward("A", 1, cycle, totals) == pytest.approx({"A": 1, "B": 1, "C": 1})


def test_depth_limit_stops_and_says_so():
	forward, _, _ = edge_map(DIAMOND)
	trace = closure(["A"], forward, max_depth=2)
	assert trace.depth == {"A": 0, "B": 1, "C": 1, "D": 2}
	assert trace.truncated
	assert not closure(["A"], forward, max_depth=10).truncated


def test_bad_direction_is_refused():
	with pytest.raises(ValueError, match="direction must be 'forward' or 'backward', not 'sideways'"):
		closure(["A"], lambda lots: [], direction="sideways")


def test_how_much_of_a_raw_lot_ended_up_in_each_descendant():
	# A (100) is split into B (60) and C (40); B is merged with X (60) into D (120); D -> E (all of it)
	edges = [
		Edge("A", "B", 60),
		Edge("A", "C", 40),
		Edge("B", "D", 60),
		Edge("X", "D", 60),
		Edge("D", "E", 120),
	]
	totals = {"A": 100, "B": 60, "C": 40, "X": 60, "D": 120, "E": 120}
	content = spread_forward("A", 100, edges, totals)
	assert content == pytest.approx({"A": 100, "B": 60, "C": 40, "D": 60, "E": 60})
	back = gather_backward("E", 120, edges, totals)
	assert back == pytest.approx({"E": 120, "D": 120, "B": 60, "X": 60, "A": 60})


def test_partial_consumption_carries_only_the_consumed_share():
	# A (100) of which 20 went into B (made 20); B (20) of which 10 went into C
	edges = [Edge("A", "B", 20), Edge("B", "C", 10)]
	assert spread_forward("A", 100, edges, {"A": 100, "B": 20, "C": 10}) == pytest.approx(
		{"A": 100, "B": 20, "C": 10}
	)
	assert spread_forward("A", 5, edges, {"A": 100, "B": 20, "C": 10}) == pytest.approx(
		{"A": 5, "B": 1, "C": 0.5}
	)


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_forward_and_backward_agree_on_random_dags(data):
	n = data.draw(st.integers(3, 9))
	lots = [f"L{i}" for i in range(n)]
	edges = []
	for child in range(1, n):
		parents = data.draw(st.sets(st.integers(0, child - 1), min_size=1, max_size=3))
		for parent in parents:
			edges.append(Edge(lots[parent], lots[child], data.draw(st.floats(1, 50))))
	outgoing = defaultdict(float)
	incoming = defaultdict(float)
	for edge in edges:
		outgoing[edge.parent] += edge.qty
		incoming[edge.child] += edge.qty
	totals = {lot: max(outgoing[lot], incoming[lot], 1.0) + 1 for lot in lots}
	source, target = lots[0], lots[-1]
	forward = spread_forward(source, totals[source], edges, totals)
	backward = gather_backward(target, totals[target], edges, totals)
	assert forward.get(target, 0.0) == pytest.approx(backward.get(source, 0.0), rel=1e-9, abs=1e-9)


def test_tree_shows_each_lot_once_under_its_first_parent():
	forward, backward, _ = edge_map(DIAMOND)
	nodes = tree(closure(["A"], forward))
	assert [(n.lot, n.parent, n.depth) for n in nodes] == [
		("A", None, 0),
		("B", "A", 1),
		("D", "B", 2),
		("E", "D", 3),
		("C", "A", 1),
	]
	back = tree(closure(["E"], backward, BACKWARD))
	assert [(n.lot, n.depth) for n in back] == [("E", 0), ("D", 1), ("B", 2), ("A", 3), ("C", 2)]
	assert back[1].link_qty == 40


def test_rows_without_a_lot_or_a_positive_quantity_are_left_out() -> None:
	"""An entry row with no lot, or a zero, negative or missing quantity, gives no edge."""
	edges = attribute([("", 5), ("A", 10), ("B", None), ("C", -3), ("D", 0)], [("X", 10), ("", 4)], "SE-9")
	assert [(e.parent, e.child, e.qty, e.voucher) for e in edges] == [("A", "X", 10.0, "SE-9")]


def test_a_lot_that_went_nowhere_keeps_its_own_quantity_only() -> None:
	"""A lot never consumed (forward) or never made from anything (backward) holds just itself."""
	assert spread_forward("A", 7, [], {"A": 7}) == {"A": 7.0}
	assert gather_backward("A", 7, [], {}) == {"A": 7.0}
	assert spread_forward("A", 7, [Edge("B", "C", 1)], {"A": 7}) == {"A": 7.0}


def test_a_lot_with_no_known_quantity_passes_nothing_on() -> None:
	"""A lot whose total quantity is unknown or zero carries no share of the source further along."""
	edges = [Edge("A", "B", 10), Edge("B", "C", 5)]
	assert spread_forward("A", 100, edges, {"A": 100, "C": 5}) == {"A": 100.0, "B": 10.0, "C": 0.0}
	assert spread_forward("A", 100, edges, {"A": 100, "B": 0, "C": 5}) == {"A": 100.0, "B": 10.0, "C": 0.0}
	assert gather_backward("C", 5, edges, {"C": 5}) == {"C": 5.0, "B": 5.0, "A": 0.0}
	assert gather_backward("C", 5, edges, {"B": 0, "C": 5}) == {"C": 5.0, "B": 5.0, "A": 0.0}


def test_tree_shows_a_lot_fed_by_two_entries_once_with_the_first_entrys_link() -> None:
	"""A lot reached by two vouchers appears once (first link's quantity and voucher) and its
	siblings still follow; a root has no link quantity and no voucher."""
	edges = [
		Edge("A", "B", 10, "SE-1"),
		Edge("A", "B", 5, "SE-2"),
		Edge("A", "C", 3, "SE-3"),
		Edge("C", "D", 2, "SE-4"),
	]
	forward, _, _ = edge_map(edges)
	nodes = tree(closure(["A"], forward))
	assert [(n.lot, n.parent, n.depth, n.link_qty, n.voucher) for n in nodes] == [
		("A", None, 0, 0.0, None),
		("B", "A", 1, 10, "SE-1"),
		("C", "A", 1, 3, "SE-3"),
		("D", "C", 2, 2, "SE-4"),
	]


def test_tree_ignores_a_link_from_a_lot_outside_the_trace() -> None:
	"""A link whose near end was never reached hangs nothing in the tree."""
	trace = Trace(
		FORWARD, ["A"], depth={"A": 0, "B": 1}, edges=[Edge("A", "B", 1, "SE-1"), Edge("Q", "B", 2, "SE-2")]
	)
	assert [(n.lot, n.parent, n.link_qty, n.voucher) for n in tree(trace)] == [
		("A", None, 0.0, None),
		("B", "A", 1, "SE-1"),
	]
