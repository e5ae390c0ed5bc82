"""Deviations: which lots a warehouse held during a window, which of them a deviation holds, and what
closing it needs."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.deviations import (
	Disposition,
	WindowMove,
	check_close,
	group_dispositions,
	to_hold,
	window_lots,
)
from lot_traceability.traceability.statuses import DEFAULT_STATUSES

STATUSES = {status.name: status for status in DEFAULT_STATUSES}
START, END = datetime(2026, 11, 20, 8), datetime(2026, 11, 20, 18)


def at(hour, day=20):
	return datetime(2026, 11, day, hour)


def test_lots_there_at_the_start_or_arriving_during_the_window_are_in_it():
	current = {"BEFORE": 5, "DURING": 4, "AFTER": 3, "LATER": 2}
	moves = [
		WindowMove("DURING", at(12), 4),
		WindowMove("AFTER", at(19), 3),  # same day, after it closed
		WindowMove("LATER", at(9, day=22), 2),
	]
	found = window_lots(current, moves, START, END)
	assert set(found) == {"BEFORE", "DURING"}
	assert (found["BEFORE"].at_start, found["BEFORE"].came_in) == (5, 0)
	assert (found["DURING"].at_start, found["DURING"].came_in) == (0, 4)
	assert not found["BEFORE"].moved_on


def test_lots_that_left_during_or_after_the_window_have_moved_on_those_gone_before_are_out():
	current = {"MOVED": 0, "PART": 2}
	moves = [
		WindowMove("MOVED", at(10), -6, "Stock Entry", "SE-1"),
		WindowMove("PART", at(9, day=21), -1, "Delivery Note", "DN-1"),
		WindowMove("IN_AND_OUT", at(13), 2),
		WindowMove("IN_AND_OUT", at(15), -2, "Delivery Note", "DN-2"),
	]
	found = window_lots(current, moves, START, END)
	# GONE (left the day before, no balance today, no movement since) is not even known
	assert set(found) == {"MOVED", "PART", "IN_AND_OUT"}
	assert found["MOVED"].moved_on and found["MOVED"].at_start == 6
	assert [m.voucher_no for m in found["MOVED"].left] == ["SE-1"]
	assert not found["PART"].moved_on and found["PART"].at_start == 3
	assert found["IN_AND_OUT"].moved_on and found["IN_AND_OUT"].came_in == 2


def test_a_lot_that_came_after_the_window_and_left_again_is_not_in_it():
	found = window_lots({}, [WindowMove("X", at(19), 3), WindowMove("X", at(20), -3)], START, END)
	assert found == {}


def test_movements_before_the_start_are_ignored_if_given():
	found = window_lots({"X": 0}, [WindowMove("X", at(7), -3)], START, END)
	assert found == {}


@given(
	st.lists(
		st.tuples(st.integers(min_value=-48, max_value=96), st.integers(min_value=-5, max_value=5)),
		max_size=12,
	),
	st.integers(min_value=0, max_value=10),
)
def test_membership_agrees_with_replaying_the_ledger(deltas, opening):
	"""Replaying the warehouse's ledger forwards from an opening balance agrees with reading it
	backwards from today's balance."""
	base = START - timedelta(hours=48)
	moves, balance = [], opening
	for hours, qty in sorted(deltas):
		if balance + qty < 0:
			qty = -balance
		balance += qty
		if qty:
			moves.append(WindowMove("L", base + timedelta(hours=hours + 48), qty))
	before_start = opening + sum(m.qty for m in moves if m.posted_at < START)
	came_in = any(m.qty > 0 and START <= m.posted_at <= END for m in moves)
	expected = before_start > 0 or came_in
	found = window_lots({"L": balance}, [m for m in moves if m.posted_at >= START], START, END)
	assert ("L" in found) == expected
	if expected:
		assert found["L"].moved_on == (balance == 0)


def test_only_lots_with_stock_neither_held_nor_ended_are_held():
	assert to_hold(STATUSES["Approved"], "Quarantined", True)
	assert to_hold(STATUSES["Restricted"], "Quarantined", True)
	assert to_hold(STATUSES["Pending Inspection"], "Quarantined", True)
	assert not to_hold(STATUSES["Approved"], "Quarantined", False)
	for name in ("Quarantined", "Rejected", "Recalled", "Disposed", "Expired"):
		assert not to_hold(STATUSES[name], "Quarantined", True), name


def test_closing_needs_a_disposition_for_each_held_lot_and_what_it_depends_on():
	rows = [
		{"lot": "A", "held": 1, "disposition": None},
		{"lot": "B", "held": 0, "disposition": None},
		{"lot": "C", "held": 1, "disposition": "Return to Supplier", "from_supplier": False},
		{"lot": "D", "held": 1, "disposition": "Restrict", "restrict_to": None},
		{"lot": "E", "held": 1, "disposition": "Restrict", "restrict_to": ("Customer", "X")},
		{"lot": "F", "held": 1, "disposition": "Return to Supplier", "from_supplier": True},
	]
	assert [(p.code, p.params["lot"]) for p in check_close(rows)] == [
		("disposition_missing", "A"),
		("no_supplier", "C"),
		("restriction_missing", "D"),
	]


def test_dispositions_are_grouped_into_one_change_or_document_each():
	rows = [
		{"lot": "A", "disposition": "Release"},
		{"lot": "B", "disposition": "Restrict", "restrict_to": ("Customer", "X")},
		{"lot": "C", "disposition": "Release"},
		{"lot": "D", "disposition": "Restrict", "restrict_to": ("Customer", "Y")},
		{"lot": "E", "disposition": None},
		{"lot": "F", "disposition": "Restrict", "restrict_to": ("Customer", "X")},
	]
	assert group_dispositions(rows) == {
		(Disposition.RELEASE, ()): ["A", "C"],
		(Disposition.RESTRICT, ("Customer", "X")): ["B", "F"],
		(Disposition.RESTRICT, ("Customer", "Y")): ["D"],
	}
