"""Where a reservation goes when one of its lots may no longer serve the order."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.allocation import (
	EXPIRED,
	SHORT_SHELF_LIFE,
	STATUS,
	Candidate,
	Request,
	Requirement,
)
from lot_traceability.traceability.reservations import Reserved, choose, move, refusals
from lot_traceability.traceability.shelf_life import MinimumRemaining, RemainingUnit
from lot_traceability.traceability.statuses import DEFAULT_STATUSES, Movement

S = {status.name: status for status in DEFAULT_STATUSES}
TODAY = date(2026, 6, 1)
DELIVERY = TODAY + timedelta(days=20)


def lot(name, qty, expires_in=365, status="Approved"):
	return Candidate(
		lot=name,
		warehouse="W1",
		qty=qty,
		status=S[status],
		expiry_date=TODAY + timedelta(days=expires_in),
		manufacturing_date=TODAY - timedelta(days=30),
	)


def request(qty=0.0, days=None):
	minimums = (MinimumRemaining(days, RemainingUnit.DAYS),) if days else ()
	return Request(qty=qty, on_date=DELIVERY, movement=Movement.ALLOCATION, requirement=Requirement(minimums))


def test_a_held_lot_short_dated_lot_and_a_lot_expired_on_the_delivery_date_are_refused():
	found = refusals(
		[
			lot("A", 10),
			lot("H", 10, status="Quarantined"),
			lot("E", 10, expires_in=19),  # fine today, expired on the delivery date
			lot("S", 10, expires_in=40),  # 20 days left on delivery, 30 wanted
			lot("T", 10, expires_in=50),  # 30 days left: exactly enough
		],
		request(days=30),
	)
	assert [(skip.candidate.lot, skip.reason) for skip in found] == [
		("H", STATUS),
		("E", EXPIRED),
		("S", SHORT_SHELF_LIFE),
	]


def test_a_new_reservation_takes_the_earliest_expiring_eligible_lots():
	allocation = choose(
		[lot("LATE", 50, 300), lot("HELD", 50, 10, "Quarantined"), lot("SOON", 30, 100)], request(40)
	)
	assert [(candidate.lot, qty) for candidate, qty in allocation.picks] == [("SOON", 30), ("LATE", 10)]


def test_a_held_lot_moves_to_the_next_eligible_lot_in_fefo_order():
	plan = move(
		[Reserved("A", 10)],
		[lot("A", 10, 100, "Quarantined"), lot("C", 20, 300), lot("B", 20, 200)],
		request(),
	)
	assert [skip.candidate.lot for skip in plan.leaving] == ["A"]
	assert plan.moves == [("A", "B", 10)]
	assert plan.entries == [Reserved("B", 10)]
	assert not plan.dropped and not plan.cancelled


def test_a_lot_that_may_still_serve_stays_and_nothing_moves():
	reserved = [Reserved("A", 10), Reserved("B", 5)]
	plan = move(reserved, [lot("A", 10), lot("B", 5), lot("C", 50)], request())
	assert not plan.changed and plan.entries == reserved and not plan.moves


def test_what_was_delivered_stays_on_the_lot_and_only_the_rest_moves():
	plan = move(
		[Reserved("A", 10, delivered=4)], [lot("A", 6, status="Quarantined"), lot("B", 20)], request()
	)
	assert plan.moves == [("A", "B", 6)]
	assert plan.entries == [Reserved("A", 4, 4), Reserved("B", 6)]


def test_a_lot_the_reservation_keeps_gives_only_what_it_has_free_beyond_it():
	# B has 12 free of other reservations; 8 of them are this reservation's already
	plan = move(
		[Reserved("A", 10), Reserved("B", 8)],
		[lot("A", 10, 50, "Quarantined"), lot("B", 12, 100), lot("C", 30, 200)],
		request(),
	)
	assert plan.moves == [("A", "B", 4), ("A", "C", 6)]
	assert plan.entries == [Reserved("B", 12), Reserved("C", 6)]


def test_no_eligible_lot_left_cancels_and_too_little_drops_the_rest():
	plan = move([Reserved("A", 10)], [lot("A", 10, status="Quarantined"), lot("S", 50, 25)], request(days=30))
	assert plan.cancelled and plan.dropped == [("A", 10)] and plan.entries == []
	plan = move([Reserved("A", 10)], [lot("A", 10, status="Quarantined"), lot("B", 3)], request())
	assert not plan.cancelled and plan.dropped == [("A", 7)] and plan.entries == [Reserved("B", 3)]


def test_a_partly_delivered_reservation_with_nothing_left_to_move_to_is_not_cancelled():
	plan = move([Reserved("A", 10, delivered=10)], [lot("A", 5, status="Quarantined")], request())
	assert not plan.changed and plan.entries == [Reserved("A", 10, 10)]
	plan = move([Reserved("A", 10, delivered=2)], [lot("A", 5, status="Quarantined")], request())
	assert not plan.cancelled and plan.entries == [Reserved("A", 2, 2)] and plan.dropped == [("A", 8)]


@settings(max_examples=200, deadline=None)
@given(
	reserved=st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=4),
	held=st.lists(st.booleans(), min_size=4, max_size=4),
	others=st.lists(
		st.tuples(st.integers(min_value=0, max_value=30), st.integers(min_value=1, max_value=400)),
		max_size=5,
	),
)
def test_a_move_keeps_the_quantity_where_it_can_and_never_reserves_more_than_a_lot_has_free(
	reserved, held, others
):
	own = [Reserved(f"R{i}", qty) for i, qty in enumerate(reserved)]
	candidates = [
		lot(entry.lot, entry.qty, status="Quarantined" if held[i] else "Approved")
		for i, entry in enumerate(own)
	]
	candidates += [lot(f"O{i}", qty, expires) for i, (qty, expires) in enumerate(others)]
	plan = move(own, candidates, request())
	free = {candidate.lot: candidate.qty for candidate in candidates}
	# reference: a lot serves when it is not held and has not expired by the delivery date
	eligible = {c.lot for c in candidates if c.status.name == "Approved" and c.expiry_date >= DELIVERY}
	# the open quantity is kept, less what no eligible lot had room for
	room = sum(free[name] for name in eligible)
	assert abs(plan.open_qty - min(sum(reserved), room)) < 1e-6
	assert abs(plan.open_qty + sum(qty for _lot, qty in plan.dropped) - sum(reserved)) < 1e-6
	for entry in plan.entries:
		assert entry.lot in eligible
		assert entry.qty <= free[entry.lot] + 1e-6
	assert len({entry.lot for entry in plan.entries}) == len(plan.entries)
