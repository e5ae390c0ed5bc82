"""The quarantine warehouse rule: what may take stock out of one."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.quarantine import (
	EXITS,
	HELD,
	NOT_RELEASED,
	check_exit,
	is_released,
	may_pick_from,
)
from lot_traceability.traceability.statuses import Movement

ARRIVED = datetime(2026, 12, 1, 10, 0, 0)


@pytest.mark.parametrize("movement", [Movement.SHIPMENT, Movement.ISSUE, Movement.ALLOCATION])
@pytest.mark.parametrize("released", [False, True])
def test_uses_never_take_stock_from_quarantine(movement, released):
	assert check_exit(movement, into_quarantine=False, released=released) == HELD


@pytest.mark.parametrize("movement", sorted(EXITS))
def test_write_off_and_supplier_return_always_leave(movement):
	assert check_exit(movement, into_quarantine=False, released=False) is None


def test_transfer_to_a_normal_warehouse_needs_the_release():
	assert check_exit(Movement.TRANSFER, into_quarantine=False, released=False) == NOT_RELEASED
	assert check_exit(Movement.TRANSFER, into_quarantine=False, released=True) is None


def test_transfer_between_quarantine_warehouses_is_free():
	assert check_exit(Movement.TRANSFER, into_quarantine=True, released=False) is None


def test_inward_side_is_not_an_exit():
	assert check_exit(None, into_quarantine=False, released=False) is None


def test_released_only_by_a_change_after_the_arrival():
	assert is_released(ARRIVED, ARRIVED + timedelta(seconds=1))
	assert not is_released(ARRIVED, ARRIVED)
	assert not is_released(ARRIVED, ARRIVED - timedelta(seconds=1))


def test_unknown_times_do_not_release():
	assert not is_released(None, ARRIVED)
	assert not is_released(ARRIVED, None)
	assert not is_released(None, None)


@given(st.sampled_from(list(Movement)), st.booleans(), st.booleans())
def test_exit_against_reference(movement, into_quarantine, released):
	expected = movement in (Movement.WRITE_OFF, Movement.SUPPLIER_RETURN) or (
		movement is Movement.TRANSFER and (into_quarantine or released)
	)
	assert (check_exit(movement, into_quarantine, released) is None) == expected


@given(st.integers(-(10**6), 10**6))
def test_release_against_reference(seconds):
	change = ARRIVED + timedelta(seconds=seconds)
	assert is_released(ARRIVED, change) == (seconds > 0)


@given(st.sampled_from([*Movement, None]), st.booleans())
def test_pick_from_against_reference(movement, in_quarantine):
	expected = not in_quarantine or movement in (
		Movement.TRANSFER,
		Movement.WRITE_OFF,
		Movement.SUPPLIER_RETURN,
	)
	assert may_pick_from(movement, in_quarantine) == expected


def test_allocation_never_takes_stock_in_a_quarantine_warehouse():
	from datetime import date

	from lot_traceability.traceability.allocation import QUARANTINE, Candidate, Request, allocate
	from lot_traceability.traceability.statuses import DEFAULT_STATUSES

	approved = {status.name: status for status in DEFAULT_STATUSES}["Approved"]
	today = date(2026, 12, 6)
	held = Candidate("L-Q", "Quarantine", 10, approved, expiry_date=date(2027, 1, 1), in_quarantine=True)
	free = Candidate("L-F", "Stores", 10, approved, expiry_date=date(2027, 6, 1))
	result = allocate([held, free], Request(5, today))
	assert [(candidate.lot, qty) for candidate, qty in result.picks] == [("L-F", 5)]
	assert [(skip.candidate.lot, skip.reason) for skip in result.skipped] == [("L-Q", QUARANTINE)]
