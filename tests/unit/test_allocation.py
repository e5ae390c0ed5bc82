from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.allocation import (
	EXPIRED,
	FEFO,
	FIFO,
	OLDER_THAN_LAST,
	SHORT_SHELF_LIFE,
	STATUS,
	Candidate,
	Request,
	Requirement,
	allocate,
	check_candidate,
)
from lot_traceability.traceability.allocation import (
	SCOPE as STATUS_SCOPE,
)
from lot_traceability.traceability.shelf_life import MinimumRemaining, RemainingUnit
from lot_traceability.traceability.statuses import DEFAULT_STATUSES, LotStatus, Movement

S = {status.name: status for status in DEFAULT_STATUSES}
TODAY = date(2026, 6, 1)


def lot(name, qty, expires_in=None, status="Approved", warehouse="W1", made_days_ago=100, received=None):
	return Candidate(
		lot=name,
		warehouse=warehouse,
		qty=qty,
		status=S[status],
		expiry_date=TODAY + timedelta(days=expires_in) if expires_in is not None else None,
		manufacturing_date=TODAY - timedelta(days=made_days_ago),
		received_date=received,
	)


def days(n):
	return MinimumRemaining(n, RemainingUnit.DAYS)


def test_fefo_skips_quarantined_and_too_short_lots_and_takes_the_earliest_that_qualifies():
	candidates = [
		lot("Q-EARLY", 50, expires_in=20, status="Quarantined"),
		lot("SHORT", 50, expires_in=60),
		lot("GOOD", 30, expires_in=120),
		lot("LATER", 100, expires_in=200),
	]
	result = allocate(candidates, Request(40, TODAY, requirement=Requirement((days(90),))))
	assert [(c.lot, q) for c, q in result.picks] == [("GOOD", 30), ("LATER", 10)]
	assert {(s.candidate.lot, s.reason) for s in result.skipped} == {
		("Q-EARLY", STATUS),
		("SHORT", SHORT_SHELF_LIFE),
	}
	short = next(s for s in result.skipped if s.reason == SHORT_SHELF_LIFE)
	assert (short.required, short.remaining_days) == (90, 60)
	assert result.shortfall == 0


def test_expiry_is_judged_at_the_posting_date_not_today():
	candidates = [lot("A", 10, expires_in=5), lot("B", 10, expires_in=30)]
	later = Request(5, TODAY + timedelta(days=10))
	result = allocate(candidates, later)
	assert [c.lot for c, _ in result.picks] == ["B"]
	assert [(s.candidate.lot, s.reason, s.remaining_days) for s in result.skipped] == [("A", EXPIRED, -5)]
	assert [c.lot for c, _ in allocate(candidates, Request(5, TODAY)).picks] == ["A"]


def test_percent_minimum_uses_the_lots_total_shelf_life():
	# made 100 days ago, expires in 100: 50 % left
	candidate = lot("HALF", 10, expires_in=100, made_days_ago=100)
	assert (
		check_candidate(
			candidate,
			Request(1, TODAY, requirement=Requirement((MinimumRemaining(50, RemainingUnit.PERCENT),))),
		)
		is None
	)
	skip = check_candidate(
		candidate, Request(1, TODAY, requirement=Requirement((MinimumRemaining(60, RemainingUnit.PERCENT),)))
	)
	assert skip.reason == SHORT_SHELF_LIFE


def test_every_minimum_that_applies_must_hold():
	candidate = lot("X", 10, expires_in=100, made_days_ago=100)
	both = Requirement((days(30), MinimumRemaining(60, RemainingUnit.PERCENT)))
	assert check_candidate(candidate, Request(1, TODAY, requirement=both)).reason == SHORT_SHELF_LIFE


def test_never_an_older_lot_than_the_last_one_received():
	old, new = (
		lot("OLD", 10, expires_in=100, made_days_ago=50),
		lot("NEW", 10, expires_in=150, made_days_ago=10),
	)
	request = Request(5, TODAY, requirement=Requirement(not_older_than=TODAY - timedelta(days=20)))
	result = allocate([old, new], request)
	assert [c.lot for c, _ in result.picks] == ["NEW"]
	assert [(s.candidate.lot, s.reason) for s in result.skipped] == [("OLD", OLDER_THAN_LAST)]


def test_fifo_goes_by_receipt_date_not_by_expiry_or_name():
	a = lot("A", 10, expires_in=10, received=TODAY - timedelta(days=1))
	b = lot("B", 10, expires_in=300, received=TODAY - timedelta(days=9))
	assert [c.lot for c, _ in allocate([a, b], Request(5, TODAY, policy=FIFO)).picks] == ["B"]
	assert [c.lot for c, _ in allocate([a, b], Request(5, TODAY, policy=FEFO)).picks] == ["A"]


def test_fefo_across_warehouses_and_ties_need_the_fewest_lots():
	candidates = [
		lot("W1-LATE", 100, expires_in=90, warehouse="W1"),
		lot("W2-EARLY", 5, expires_in=30, warehouse="W2"),
		lot("T-SMALL", 4, expires_in=60, warehouse="W1"),
		lot("T-BIG", 20, expires_in=60, warehouse="W2"),
		lot("T-FITS", 12, expires_in=60, warehouse="W1"),
	]
	result = allocate(candidates, Request(15, TODAY))
	# W2-EARLY first wherever it is; then 10 wanted from the tie: the smallest lot that covers it
	assert [(c.lot, c.warehouse, q) for c, q in result.picks] == [("W2-EARLY", "W2", 5), ("T-FITS", "W1", 10)]
	result = allocate(candidates, Request(40, TODAY))
	assert [c.lot for c, _ in result.picks] == ["W2-EARLY", "T-BIG", "T-FITS", "T-SMALL"]


def test_shortfall_and_bad_policy():
	result = allocate([lot("A", 3, expires_in=10)], Request(5, TODAY))
	assert result.qty == 3 and result.shortfall == 2
	with pytest.raises(ValueError, match="policy must be FEFO or FIFO, not 'LIFO'"):
		allocate([], Request(1, TODAY, policy="LIFO"))


def test_movement_decides_which_status_is_blocking():
	internal = LotStatus("Internal Use", frozenset({Movement.ISSUE, Movement.TRANSFER}), "yellow")
	restricted = replace(lot("R", 10), status=internal)
	assert check_candidate(restricted, Request(1, TODAY, movement=Movement.SHIPMENT)).reason == STATUS
	assert check_candidate(restricted, Request(1, TODAY, movement=Movement.ISSUE)) is None


statuses = st.sampled_from(sorted(S))
candidate_lists = st.lists(
	st.builds(
		lot,
		name=st.text("ABCDEFGH", min_size=1, max_size=3),
		qty=st.integers(0, 50),
		expires_in=st.one_of(st.none(), st.integers(-30, 400)),
		status=statuses,
		warehouse=st.sampled_from(["W1", "W2", "W3"]),
		made_days_ago=st.integers(1, 400),
	),
	max_size=25,
	unique_by=lambda c: (c.lot, c.warehouse),
)


# A deliberately simple reference, written from the spec's words, not from the code under test:
# a lot may be shipped when its status lists shipment, it is not past its expiry (usable on the
# expiry day itself), and it has the minimum remaining shelf life (days left; or days left against
# its whole shelf life from manufacture, a lot without a manufacture date failing a percentage); a
# lot without an expiry always qualifies. FEFO takes the earliest expiry first (no expiry last),
# then the earliest made; FIFO the earliest received (else made).
FAR = date(9999, 12, 31)


def reference_may_ship(candidate, on_date, minimum) -> bool:
	if Movement.SHIPMENT not in S[candidate.status.name].allowed:
		return False
	expiry = candidate.expiry_date
	if expiry is None:
		return True
	if on_date > expiry:
		return False
	if minimum is None:
		return True
	left = (expiry - on_date).days
	if minimum.unit is RemainingUnit.DAYS:
		return left >= minimum.value
	if candidate.manufacturing_date is None:
		return False
	whole = (expiry - candidate.manufacturing_date).days
	return whole > 0 and left / whole * 100 >= minimum.value


def reference_order(candidate, policy) -> tuple:
	made = candidate.manufacturing_date or candidate.received_date or FAR
	if policy == FIFO:
		return ((candidate.received_date or candidate.manufacturing_date or FAR),)
	return (candidate.expiry_date or FAR, made)


@given(
	candidate_lists,
	st.integers(0, 300),
	st.integers(0, 60),
	st.sampled_from([None, days(30), days(120), MinimumRemaining(40, RemainingUnit.PERCENT)]),
	st.sampled_from([FEFO, FIFO]),
)
@settings(max_examples=300, deadline=None)
def test_allocation_against_a_brute_force_reference(candidates, qty, shift, minimum, policy):
	on_date = TODAY + timedelta(days=shift)
	request = Request(qty, on_date, policy=policy, requirement=Requirement((minimum,) if minimum else ()))
	result = allocate(candidates, request)
	eligible = [c for c in candidates if c.qty > 0 and reference_may_ship(c, on_date, minimum)]
	# the reference allocation: every eligible lot in the written order, taken greedily
	expected_total = min(qty, sum(c.qty for c in eligible))
	taken = {}
	for candidate, q in result.picks:
		assert q > 0
		assert reference_may_ship(candidate, on_date, minimum), candidate  # never a lot the rule refuses
		taken[(candidate.lot, candidate.warehouse)] = taken.get((candidate.lot, candidate.warehouse), 0) + q
		assert taken[(candidate.lot, candidate.warehouse)] <= candidate.qty + 1e-9
	assert result.qty == pytest.approx(expected_total)
	assert result.shortfall == pytest.approx(qty - expected_total)
	# the same quantities as the greedy reference, up to ties in the written order
	ordered = sorted(eligible, key=lambda c: reference_order(c, policy))
	need, greedy = qty, {}
	for candidate in ordered:
		if need <= 1e-9:
			break
		take = min(need, candidate.qty)
		greedy[reference_order(candidate, policy)] = greedy.get(reference_order(candidate, policy), 0) + take
		need -= take
	by_rank = {}
	for candidate, q in result.picks:
		by_rank[reference_order(candidate, policy)] = by_rank.get(reference_order(candidate, policy), 0) + q
	assert by_rank.keys() == greedy.keys()
	for rank, q in greedy.items():
		assert by_rank[rank] == pytest.approx(q)
	# every lot passed over is named with a reason, and none is both taken and passed over
	skipped = {(s.candidate.lot, s.candidate.warehouse) for s in result.skipped}
	assert not skipped & set(taken)
	assert skipped == {
		(c.lot, c.warehouse) for c in candidates if c.qty > 0 and not reference_may_ship(c, on_date, minimum)
	}


# restricted lots -------------------------------------------------------------------------------
RESTRICTED = next(status for status in DEFAULT_STATUSES if status.is_restricted)


def restricted(name, qty, scope, expires_in=10):
	return replace(lot(name, qty, expires_in=expires_in), status=RESTRICTED, scope=scope)


def test_a_restricted_lot_goes_first_to_its_customer_and_only_up_to_its_cap():
	from lot_traceability.traceability.restrictions import Scope, Use

	scope = Scope(customers=frozenset({"Bakery North"}), cap=30.0, used=20.0)
	lots = [restricted("R", 100, scope, expires_in=5), lot("A", 100, expires_in=50)]
	north = Request(50, TODAY, use=Use(Movement.SHIPMENT, 0, TODAY, customer="Bakery North"))
	result = allocate(lots, north)
	assert [(c.lot, q) for c, q in result.picks] == [("R", 10.0), ("A", 40.0)]  # FEFO, the cap's 10 left
	south = Request(50, TODAY, use=Use(Movement.SHIPMENT, 0, TODAY, customer="Bakery South"))
	result = allocate(lots, south)
	assert [(c.lot, q) for c, q in result.picks] == [("A", 50.0)]
	assert [(s.candidate.lot, s.reason, s.scope_problem) for s in result.skipped] == [
		("R", STATUS_SCOPE, "customer_not_in_scope")
	]
	spent = [restricted("R", 100, Scope(customers=frozenset({"Bakery North"}), cap=30.0, used=30.0))]
	assert allocate(spent, north).skipped[0].scope_problem == "cap_exceeded"
	assert allocate(spent, north).shortfall == 50


def test_a_restricted_lot_without_a_cap_is_taken_whole_for_its_customer():
	from lot_traceability.traceability.restrictions import Scope, Use

	lots = [restricted("R", 100, Scope(customers=frozenset({"C"})))]
	result = allocate(lots, Request(80, TODAY, use=Use(Movement.SHIPMENT, 0, TODAY, customer="C")))
	assert [(c.lot, q) for c, q in result.picks] == [("R", 80.0)]
	# a request that names no customer (an issue for production) is judged by the scope's uses
	issue = Request(10, TODAY, movement=Movement.ISSUE)
	assert allocate(lots, issue).skipped[0].scope_problem == "use_not_in_scope"


def test_a_tie_is_settled_by_the_lot_that_exactly_covers_what_is_wanted() -> None:
	"""Among lots tied on expiry, one holding exactly (or short only by rounding) what is still
	wanted covers it, rather than breaking into a bigger lot."""
	tied = [lot("BIG", 20, expires_in=60), lot("EXACT", 10, expires_in=60)]
	result = allocate(tied, Request(10, TODAY))
	assert [(c.lot, q) for c, q in result.picks] == [("EXACT", 10)]
	assert result.shortfall == 0.0
	tied = [lot("BIG", 20, expires_in=60), lot("EXACT", 0.125, expires_in=60)]
	result = allocate(tied, Request(0.125000001, TODAY))
	assert [(c.lot, q) for c, q in result.picks] == [("EXACT", 0.125)]
	assert result.shortfall == 0.0


def test_fifo_ties_on_receipt_date_alone_whatever_the_expiry() -> None:
	"""Under FIFO, lots received the same day tie even when their expiries differ, so the one that
	covers the line is taken alone."""
	received = TODAY - timedelta(days=3)
	small = lot("A-SMALL", 5, expires_in=30, received=received)
	big = lot("B-BIG", 20, expires_in=90, received=received)
	result = allocate([small, big], Request(10, TODAY, policy=FIFO))
	assert [(c.lot, q) for c, q in result.picks] == [("B-BIG", 10)]


def test_quantities_within_rounding_of_zero_count_as_nothing() -> None:
	"""A lot holding no more than 1e-9 is neither taken nor reported; a line wanting no more than
	1e-9 (or less than nothing) is already met; just above that, it is taken."""
	crumb = lot("CRUMB", 1e-9, expires_in=10)
	quarantined_crumb = lot("Q-CRUMB", 1e-9, expires_in=10, status="Quarantined")
	result = allocate([crumb, quarantined_crumb], Request(5, TODAY))
	assert (result.picks, result.skipped, result.shortfall) == ([], [], 5.0)
	for qty in (1e-9, 5e-10, 0, -3):
		result = allocate([lot("A", 10, expires_in=10)], Request(qty, TODAY))
		assert (result.picks, result.shortfall) == ([], 0.0)
	result = allocate([lot("A", 10, expires_in=10)], Request(2e-9, TODAY))
	assert [(c.lot, q) for c, q in result.picks] == [("A", 2e-9)]
	assert result.shortfall == 0.0


def test_a_cap_with_only_rounding_left_is_spent() -> None:
	"""A restricted lot whose cap has no more than 1e-9 left is passed over as over its cap."""
	from lot_traceability.traceability.restrictions import Scope, Use

	for_c = Request(5, TODAY, use=Use(Movement.SHIPMENT, 0, TODAY, customer="C"))
	crumb_left = [restricted("R", 100, Scope(customers=frozenset({"C"}), cap=1e-9))]
	result = allocate(crumb_left, for_c)
	assert [(s.candidate.lot, s.reason, s.scope_problem) for s in result.skipped] == [
		("R", STATUS_SCOPE, "cap_exceeded")
	]
	assert (result.picks, result.shortfall) == ([], 5.0)
	a_little_left = [restricted("R", 100, Scope(customers=frozenset({"C"}), cap=2e-9))]
	assert [(c.lot, q) for c, q in allocate(a_little_left, for_c).picks] == [("R", 2e-9)]


def test_a_release_scope_judges_the_request_as_this_lot_would_leave() -> None:
	"""The scope is judged with the request's own movement and date, the candidate's warehouse, and
	none of the line's quantity (the cap limits how much is taken, it does not refuse the lot)."""
	from lot_traceability.traceability.restrictions import Scope, Use

	# the use as the order states it: another movement, another day, the whole line's quantity
	stated = Use(Movement.TRANSFER, 50, TODAY - timedelta(days=30), customer="Other")
	scope = Scope(customers=frozenset({"C"}))
	result = allocate([restricted("R", 100, scope)], Request(5, TODAY, use=stated))
	assert [(s.candidate.lot, s.scope_problem) for s in result.skipped] == [("R", "customer_not_in_scope")]

	lapsed = Scope(customers=frozenset({"C"}), valid_until=TODAY - timedelta(days=1))
	for_c = replace(stated, customer="C")
	result = allocate([restricted("R", 100, lapsed)], Request(5, TODAY, use=for_c))
	assert [(s.candidate.lot, s.scope_problem) for s in result.skipped] == [("R", "scope_lapsed")]
	result = allocate([restricted("R", 100, lapsed)], Request(5, TODAY - timedelta(days=1), use=for_c))
	assert [(c.lot, q) for c, q in result.picks] == [("R", 5)]

	in_w1 = Scope(customers=frozenset({"C"}), warehouses=frozenset({"W1"}))
	lots = [restricted("R", 100, in_w1), replace(restricted("R", 100, in_w1), warehouse="W2")]
	result = allocate(lots, Request(150, TODAY, use=for_c))
	assert [(c.lot, c.warehouse, q) for c, q in result.picks] == [("R", "W1", 100)]
	assert [(s.candidate.warehouse, s.scope_problem) for s in result.skipped] == [
		("W2", "warehouse_not_in_scope")
	]

	capped = Scope(customers=frozenset({"C"}), cap=30.0, used=20.0)
	result = allocate([restricted("R", 100, capped)], Request(50, TODAY, use=for_c))
	assert [(c.lot, q) for c, q in result.picks] == [("R", 10.0)]
	assert result.skipped == [] and result.shortfall == 40.0
