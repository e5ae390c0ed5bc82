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


def test_a_lot_that_moved_at_the_very_moment_the_window_began_was_in_it():
	"""A movement posted exactly when the window opened counts as inside it: stock that arrived then
	was there, and stock that left then was there when it began."""
	moves = [WindowMove("ARRIVED", START, 4), WindowMove("LEFT", START, -6, "Stock Entry", "SE-9")]
	found = window_lots({"ARRIVED": 4, "LEFT": 0}, moves, START, END)
	assert set(found) == {"ARRIVED", "LEFT"}
	assert (found["ARRIVED"].lot, found["ARRIVED"].at_start, found["ARRIVED"].came_in) == ("ARRIVED", 0, 4)
	assert (found["LEFT"].lot, found["LEFT"].at_start, found["LEFT"].now) == ("LEFT", 6, 0)
	assert [m.voucher_no for m in found["LEFT"].left] == ["SE-9"]


def test_part_units_that_came_in_put_a_lot_in_the_window_and_did_not_leave_it():
	"""Stock kept in fractions (kilograms, litres) counts as it is: half a unit received during the
	window is stock that came in, not a movement out."""
	moves = [WindowMove("L", at(10), 0.5, "Purchase Receipt", "PR-1"), WindowMove("L", at(11), 0.0)]
	found = window_lots({"L": 0.5}, moves, START, END)
	assert set(found) == {"L"}
	assert (found["L"].at_start, found["L"].came_in, found["L"].now) == (0, 0.5, 0.5)
	assert found["L"].left == []


def test_a_rounding_residue_of_stock_does_not_put_a_lot_in_the_window():
	"""A balance of a billionth of a unit, at the start or coming in, is rounding, not stock; twice
	that is stock."""
	residue, stock = 1e-9, 2e-9
	assert window_lots({"L": residue}, [], START, END) == {}
	assert set(window_lots({"L": stock}, [], START, END)) == {"L"}
	assert window_lots({"L": residue}, [WindowMove("L", at(10), residue)], START, END) == {}
	assert set(window_lots({"L": stock}, [WindowMove("L", at(10), stock)], START, END)) == {"L"}


def test_each_refusal_to_close_points_at_the_field_to_fill_and_names_the_lot():
	rows = [
		{"lot": "A", "held": 1, "disposition": None},
		{"lot": "C", "held": 1, "disposition": "Return to Supplier", "from_supplier": False},
		{"lot": "D", "held": 1, "disposition": "Restrict", "restrict_to": ()},
	]
	assert [(p.code, p.field, p.params) for p in check_close(rows)] == [
		("disposition_missing", "disposition", {"lot": "A"}),
		("no_supplier", "disposition", {"lot": "C"}),
		("restriction_missing", "restrict_to", {"lot": "D"}),
	]


def test_a_restriction_left_on_a_lot_not_restricted_does_not_split_its_group():
	"""Only a restricted lot is grouped by what it is restricted to; a released or rejected lot with a
	leftover restriction goes with the others released or rejected."""
	rows = [
		{"lot": "A", "disposition": "Release"},
		{"lot": "B", "disposition": "Release", "restrict_to": ("Customer", "X")},
		{"lot": "C", "disposition": "Reject", "restrict_to": ("Customer", "Y")},
	]
	assert group_dispositions(rows) == {
		(Disposition.RELEASE, ()): ["A", "B"],
		(Disposition.REJECT, ()): ["C"],
	}
