import pytest

from lot_traceability.traceability.statuses import (
	DEFAULT_STATUSES,
	MOVEMENT_FLAGS,
	UNGOVERNED_STATUS,
	LotStatus,
	Movement,
	validate_status,
)

BY_NAME = {status.name: status for status in DEFAULT_STATUSES}


def test_the_default_statuses_are_the_documented_ones():
	assert list(BY_NAME) == [
		"Pending Inspection",
		"Approved",
		"Restricted",
		"Quarantined",
		"Rejected",
		"Expired",
		"Recalled",
		"Disposed",
	]


@pytest.mark.parametrize("status", DEFAULT_STATUSES, ids=lambda s: s.name)
def test_every_default_status_is_valid(status):
	assert validate_status(status) == []


def test_approved_allows_everything_and_is_the_ungoverned_status():
	assert BY_NAME[UNGOVERNED_STATUS].allowed == frozenset(Movement)


@pytest.mark.parametrize("name", ["Quarantined", "Rejected", "Expired", "Recalled", "Pending Inspection"])
@pytest.mark.parametrize("movement", [Movement.SHIPMENT, Movement.ALLOCATION, Movement.ISSUE])
def test_held_lots_cannot_be_used_or_sold(name, movement):
	assert not BY_NAME[name].allows(movement)


@pytest.mark.parametrize("name", ["Quarantined", "Rejected", "Expired", "Recalled"])
def test_held_lots_can_still_leave_the_books_or_go_back(name):
	status = BY_NAME[name]
	assert status.allows(Movement.WRITE_OFF)
	assert status.allows(Movement.SUPPLIER_RETURN)
	assert status.allows(Movement.CUSTOMER_RETURN)


def test_restricted_is_released_for_what_its_scope_names():
	restricted = BY_NAME["Restricted"]
	assert restricted.is_restricted
	# every movement as far as the status goes: the lot's release scope narrows them
	assert restricted.allows(Movement.ISSUE)
	assert restricted.allows(Movement.SHIPMENT)
	assert restricted.requires_reason
	assert not restricted.is_hold
	assert [s.name for s in DEFAULT_STATUSES if s.is_restricted] == ["Restricted"]


def test_a_terminal_status_cannot_be_restricted():
	bad = LotStatus("Scrapped Under Concession", frozenset(), "gray", is_terminal=True, is_restricted=True)
	assert "terminal_restricted" in [p.code for p in validate_status(bad)]
	assert LotStatus.from_record(BY_NAME["Restricted"].as_record()) == BY_NAME["Restricted"]


def test_disposed_is_terminal_and_allows_nothing():
	disposed = BY_NAME["Disposed"]
	assert disposed.is_terminal
	assert disposed.allowed == frozenset()


def test_terminal_status_that_may_be_received_into_is_refused():
	bad = LotStatus("Scrapped", frozenset({Movement.RECEIPT, Movement.WRITE_OFF}), "gray", is_terminal=True)
	problems = validate_status(bad)
	assert [(p.code, p.field) for p in problems] == [("terminal_allows_movement", "allow_receipt")]


def test_terminal_status_may_still_leave_the_books():
	ok = LotStatus(
		"Scrapped", frozenset({Movement.WRITE_OFF, Movement.SUPPLIER_RETURN}), "gray", is_terminal=True
	)
	assert validate_status(ok) == []


def test_unknown_colour_and_missing_name():
	problems = validate_status(LotStatus(" ", frozenset(), "mauve"))
	assert [p.code for p in problems] == ["status_name_missing", "unknown_colour"]


@pytest.mark.parametrize("status", DEFAULT_STATUSES, ids=lambda s: s.name)
def test_record_round_trip(status):
	record = status.as_record()
	assert set(MOVEMENT_FLAGS.values()) <= set(record)
	assert LotStatus.from_record(record) == status


def test_held_statuses_are_those_that_neither_ship_nor_transfer():
	from lot_traceability.traceability.statuses import DEFAULT_STATUSES

	held = {status.name for status in DEFAULT_STATUSES if status.is_hold}
	assert held == {"Quarantined", "Rejected", "Expired", "Recalled", "Disposed"}


def test_each_default_status_shows_its_own_colour():
	"""The indicator colour each shipped status is shown in on the Batch form and in lists."""
	assert {status.name: status.colour for status in DEFAULT_STATUSES} == {
		"Pending Inspection": "orange",
		"Approved": "green",
		"Restricted": "yellow",
		"Quarantined": "red",
		"Rejected": "red",
		"Expired": "darkgrey",
		"Recalled": "purple",
		"Disposed": "gray",
	}


def test_a_status_record_without_a_name_is_refused_for_its_name():
	"""A Lot Status record that carries neither a status name nor a document name is refused, pointing
	at the status name field."""
	unnamed = LotStatus.from_record({"colour": "red", "allow_write_off": 1})
	problems = validate_status(unnamed)
	assert [(p.code, p.field, p.params) for p in problems] == [("status_name_missing", "status_name", {})]


def test_a_terminal_status_names_each_movement_it_may_not_allow_in_alphabetical_order():
	"""Every movement that would keep an ended lot alive is refused on its own flag, listed by the
	movement's name."""
	bad = LotStatus(
		"Scrapped",
		frozenset(
			{Movement.TRANSFER, Movement.SHIPMENT, Movement.ISSUE, Movement.RECEIPT, Movement.WRITE_OFF}
		),
		"gray",
		is_terminal=True,
	)
	assert [(p.code, p.field, p.params) for p in validate_status(bad)] == [
		("terminal_allows_movement", "allow_issue", {"movement": "issue"}),
		("terminal_allows_movement", "allow_receipt", {"movement": "receipt"}),
		("terminal_allows_movement", "allow_shipment", {"movement": "shipment"}),
		("terminal_allows_movement", "allow_transfer", {"movement": "transfer"}),
	]
