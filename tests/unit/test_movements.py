from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.movements import (
	EXPIRY_GATED,
	INTERNAL_TRANSFER,
	INWARD,
	OUTWARD,
	Lot,
	Refusal,
	check_movement,
	classify,
	guidance,
	may_offer,
	may_pick,
	status_effect,
)
from lot_traceability.traceability.statuses import DEFAULT_STATUSES, LotStatus, Movement

S = {status.name: status for status in DEFAULT_STATUSES}
M = Movement


@pytest.mark.parametrize(
	("voucher_type", "direction", "purpose", "is_return", "write_off", "expected"),
	[
		("Purchase Receipt", "Inward", None, False, False, M.RECEIPT),
		("Purchase Receipt", "Outward", None, True, False, M.SUPPLIER_RETURN),
		("Purchase Invoice", "Inward", None, False, False, M.RECEIPT),
		("Subcontracting Receipt", "Inward", None, False, False, M.RECEIPT),
		("Subcontracting Receipt", "Outward", None, False, False, M.ISSUE),
		("Delivery Note", "Outward", None, False, False, M.SHIPMENT),
		("Delivery Note", "Inward", None, True, False, M.CUSTOMER_RETURN),
		("Sales Invoice", "Outward", None, False, False, M.SHIPMENT),
		("POS Invoice", "Outward", None, False, False, M.SHIPMENT),
		("Sales Invoice", "Inward", None, True, False, M.CUSTOMER_RETURN),
		("Pick List", "Outward", None, False, False, M.ALLOCATION),
		("Stock Reconciliation", "Inward", "Stock Reconciliation", False, False, M.WRITE_OFF),
		("Stock Reconciliation", "Outward", "Stock Reconciliation", False, False, M.WRITE_OFF),
		("Stock Reconciliation", "Inward", "Opening Stock", False, False, M.RECEIPT),
		("Stock Entry", "Inward", "Material Receipt", False, False, M.RECEIPT),
		("Stock Entry", "Outward", "Material Issue", False, False, M.ISSUE),
		("Stock Entry", "Outward", "Material Issue", False, True, M.WRITE_OFF),
		("Stock Entry", "Outward", "Material Transfer", False, False, M.TRANSFER),
		("Stock Entry", "Inward", "Material Transfer", False, False, None),
		("Stock Entry", "Outward", "Material Transfer for Manufacture", False, False, M.ISSUE),
		("Stock Entry", "Inward", "Material Transfer for Manufacture", False, False, None),
		("Stock Entry", "Outward", "Send to Subcontractor", False, False, M.ISSUE),
		("Stock Entry", "Outward", "Material Consumption for Manufacture", False, False, M.ISSUE),
		("Stock Entry", "Outward", "Manufacture", False, False, M.ISSUE),
		("Stock Entry", "Inward", "Manufacture", False, False, M.RECEIPT),
		("Stock Entry", "Outward", "Repack", False, False, M.ISSUE),
		("Stock Entry", "Inward", "Repack", False, False, M.RECEIPT),
		("Stock Entry", "Outward", "Disassemble", False, False, M.ISSUE),
		("Asset Capitalization", "Outward", None, False, False, M.ISSUE),
	],
)
def test_classify(voucher_type, direction, purpose, is_return, write_off, expected):
	assert classify(voucher_type, direction, purpose, is_return, write_off) == expected


def lot(status, expiry=None):
	return Lot("LOT-1", "ITEM", S[status], expiry)


TODAY = date(2025, 6, 1)


@pytest.mark.parametrize("status", DEFAULT_STATUSES, ids=lambda s: s.name)
@pytest.mark.parametrize("movement", list(Movement), ids=lambda m: m.value)
def test_status_flags_decide(status, movement):
	refusal = check_movement(Lot("L", "I", status), movement, TODAY)
	assert (refusal is None) == status.allows(movement)
	if refusal:
		assert refusal.reason == "status" and refusal.movement is movement


def test_expired_lot_refused_for_use_but_not_for_leaving_the_books():
	expired = lot("Approved", date(2025, 5, 31))
	for movement in EXPIRY_GATED:
		assert check_movement(expired, movement, TODAY).reason == "expired"
	for movement in (M.TRANSFER, M.WRITE_OFF, M.SUPPLIER_RETURN, M.CUSTOMER_RETURN):
		assert check_movement(expired, movement, TODAY) is None


def test_back_dated_posting_before_expiry_is_allowed():
	assert check_movement(lot("Approved", date(2025, 5, 31)), M.SHIPMENT, date(2025, 5, 31)) is None


def test_status_refusal_comes_before_expiry():
	assert check_movement(lot("Quarantined", date(2020, 1, 1)), M.SHIPMENT, TODAY).reason == "status"


def test_held_lot_may_move_into_quarantine_while_allowed():
	held = lot("Quarantined")
	assert check_movement(held, M.TRANSFER, TODAY, into_quarantine=True) is None
	assert (
		check_movement(held, M.TRANSFER, TODAY, into_quarantine=True, quarantine_allowed=False).reason
		== "status"
	)
	assert check_movement(held, M.TRANSFER, TODAY).reason == "status"
	assert check_movement(held, M.ISSUE, TODAY, into_quarantine=True).reason == "status"


def test_terminal_lot_never_moves_into_quarantine():
	assert check_movement(lot("Disposed"), M.TRANSFER, TODAY, into_quarantine=True).reason == "status"


def test_ungated_side_is_never_refused():
	assert check_movement(lot("Disposed"), None, TODAY) is None


# The spec's table of shipped statuses (docs/spec.md, Status), written out as the reference: which
# movements each allows; issue, allocation and shipment are also refused once the lot is past its
# expiry date (usable on the date itself).
EVERY_MOVEMENT = {
	"receipt",
	"issue",
	"transfer",
	"allocation",
	"shipment",
	"customer_return",
	"supplier_return",
	"write_off",
}
SPEC_TABLE = {
	"Pending Inspection": {"receipt", "transfer", "customer_return", "supplier_return", "write_off"},
	"Approved": EVERY_MOVEMENT,
	"Restricted": EVERY_MOVEMENT,  # within its release scope (restrictions decide that)
	"Quarantined": {"customer_return", "supplier_return", "write_off"},
	"Rejected": {"customer_return", "supplier_return", "write_off"},
	"Expired": {"customer_return", "supplier_return", "write_off"},
	"Recalled": {"customer_return", "supplier_return", "write_off"},
	"Disposed": set(),
}
SPEC_EXPIRY_GATED = {"issue", "allocation", "shipment"}


@given(
	st.sampled_from(DEFAULT_STATUSES),
	st.sampled_from(list(Movement)),
	st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
	st.dates(date(2020, 1, 1), date(2030, 1, 1)),
)
def test_every_status_and_movement_against_the_spec_table(status, movement, expiry, posting):
	expired = expiry is not None and posting > expiry
	expected = movement.value in SPEC_TABLE[status.name] and not (
		expired and movement.value in SPEC_EXPIRY_GATED
	)
	assert (check_movement(Lot("L", "I", status, expiry), movement, posting) is None) == expected


# Automatic picks (`may_pick`): checked against the rule as the spec words it, written out here.
OUTWARD_USES = ("issue", "allocation", "shipment")


def pick_reference(flags: set[str], movement: str | None, expiry: date | None, on: date) -> bool:
	expired = expiry is not None and expiry < on
	if expired:
		return False
	if movement is None:
		return any(use in flags for use in OUTWARD_USES)
	return movement in flags


@given(
	st.sampled_from(DEFAULT_STATUSES),
	st.one_of(st.none(), st.sampled_from(list(Movement))),
	st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 1, 1))),
	st.dates(date(2024, 1, 1), date(2026, 1, 1)),
)
def test_an_automatic_pick_offers_exactly_what_the_rule_allows(status, movement, expiry, on):
	flags = {m.value for m in Movement if status.allows(m)}
	expected = pick_reference(flags, movement.value if movement else None, expiry, on)
	assert may_pick(Lot("L", "I", status, expiry), movement, on) is expected


@pytest.mark.parametrize(
	("expiry", "picked"),
	[(date(2025, 6, 10), True), (date(2025, 6, 9), False), (date(2025, 6, 11), True), (None, True)],
)
def test_a_lot_is_picked_through_its_expiry_date_and_not_the_day_after(expiry, picked):
	assert may_pick(lot("Approved", expiry), M.SHIPMENT, date(2025, 6, 10)) is picked


@pytest.mark.parametrize(
	("status", "picked"),
	[
		("Approved", True),
		("Pending Inspection", False),
		("Restricted", True),
		("Quarantined", False),
		("Rejected", False),
		("Expired", False),
		("Recalled", False),
		("Disposed", False),
	],
)
def test_without_a_known_movement_a_pick_offers_only_lots_that_may_be_used(status, picked):
	assert may_pick(lot(status), None, TODAY) is picked
	assert may_offer(lot(status), TODAY) is picked


def test_a_picker_that_asks_for_expired_lots_gets_them_and_only_then():
	expired = lot("Approved", date(2025, 5, 31))
	assert may_offer(expired, TODAY) is False
	assert may_offer(expired, TODAY, include_expired=True) is True
	assert may_offer(lot("Approved", TODAY), TODAY) is True


def test_an_expired_lot_is_not_picked_even_for_a_transfer_its_status_allows():
	assert check_movement(lot("Approved", date(2025, 1, 1)), M.TRANSFER, date(2025, 1, 2)) is None
	assert may_pick(lot("Approved", date(2025, 1, 1)), M.TRANSFER, date(2025, 1, 2)) is False


# What the Batch form says a lot may do (`guidance`) is what the checks then decide (`check_movement`).
@given(
	st.sampled_from(DEFAULT_STATUSES),
	st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
	st.dates(date(2020, 1, 1), date(2030, 1, 1)),
	st.booleans(),
)
def test_the_guidance_says_what_the_checks_decide(status, expiry, on, quarantine_allowed):
	said = guidance(status, expiry, on, quarantine_allowed)
	subject = Lot("L", "I", status, expiry)
	for movement in Movement:
		allowed = check_movement(subject, movement, on) is None
		assert (movement in said.may) == allowed
		assert (movement in said.may_not) == (not allowed)
	into_quarantine = check_movement(subject, M.TRANSFER, on, True, quarantine_allowed) is None
	assert said.into_quarantine == (into_quarantine and M.TRANSFER not in said.may)


def test_the_guidance_of_an_approved_lot_past_expiry_keeps_it_from_use_only():
	said = guidance(S["Approved"], date(2025, 5, 31), TODAY, True)
	assert said.expired
	assert set(said.may_not) == EXPIRY_GATED
	assert M.WRITE_OFF in said.may and M.TRANSFER in said.may
	assert not said.into_quarantine  # it may move anywhere already


def test_a_quarantined_lot_may_go_into_quarantine_only_while_the_setting_allows():
	assert guidance(S["Quarantined"], None, TODAY, True).into_quarantine
	assert not guidance(S["Quarantined"], None, TODAY, False).into_quarantine
	assert not guidance(S["Disposed"], None, TODAY, True).into_quarantine


@pytest.mark.parametrize(
	"status, effect",
	[
		("Approved", "frees"),
		("Restricted", "restricted"),
		("Pending Inspection", "put_away_only"),
		("Quarantined", "holds"),
		("Rejected", "holds"),
		("Expired", "holds"),
		("Recalled", "holds"),
		("Disposed", "ends"),
	],
)
def test_each_default_status_says_in_a_word_what_it_does(status, effect):
	assert status_effect(S[status]) == effect


@pytest.mark.parametrize(
	"voucher_type", ["Delivery Note", "Sales Invoice", "Purchase Receipt", "Purchase Invoice"]
)
def test_documents_between_our_own_companies_are_transfers(voucher_type):
	assert classify(voucher_type, OUTWARD, INTERNAL_TRANSFER) is Movement.TRANSFER
	assert classify(voucher_type, INWARD, INTERNAL_TRANSFER) is None
	assert classify("Stock Entry", OUTWARD, "Material Transfer") is Movement.TRANSFER


def test_a_return_or_write_off_is_only_what_the_document_says_it_is():
	"""Unless a document is flagged a return or a write-off, its outward leg is an ordinary issue."""
	assert classify("Purchase Receipt", OUTWARD) is M.ISSUE
	assert classify("Purchase Receipt", OUTWARD, is_return=True) is M.SUPPLIER_RETURN
	assert classify("Stock Entry", OUTWARD, "Material Issue") is M.ISSUE
	assert classify("Stock Entry", OUTWARD, "Material Issue", is_write_off=True) is M.WRITE_OFF


def test_a_material_receipt_taken_back_out_is_a_write_off():
	assert classify("Stock Entry", INWARD, "Material Receipt") is M.RECEIPT
	assert classify("Stock Entry", OUTWARD, "Material Receipt") is M.WRITE_OFF


@pytest.mark.parametrize(
	("voucher_type", "purpose"),
	[("Asset Capitalization", None), ("Stock Entry", "Some Other Purpose"), ("Stock Entry", None)],
)
def test_any_other_document_receives_inward_and_issues_outward(voucher_type, purpose):
	assert classify(voucher_type, INWARD, purpose) is M.RECEIPT
	assert classify(voucher_type, OUTWARD, purpose) is M.ISSUE


def test_a_refusal_names_the_lot_and_the_movement_it_refused():
	held = lot("Quarantined")
	assert check_movement(held, M.SHIPMENT, TODAY) == Refusal(held, M.SHIPMENT, "status")
	expired = lot("Approved", date(2025, 5, 31))
	assert check_movement(expired, M.ALLOCATION, TODAY) == Refusal(expired, M.ALLOCATION, "expired")


@pytest.mark.parametrize(
	("allowed", "effect"),
	[
		({M.ISSUE, M.TRANSFER}, "internal_use"),
		({M.ISSUE}, "internal_use"),
		({M.SHIPMENT, M.TRANSFER}, "put_away_only"),
		({M.SHIPMENT, M.ISSUE}, "frees"),
	],
)
def test_a_status_frees_a_lot_only_when_it_may_both_ship_and_be_issued(allowed, effect):
	"""A status that allows issue but not shipment keeps the lot to internal use; one that ships but
	may not be issued does not free it."""
	assert status_effect(LotStatus("Custom", frozenset(allowed), "blue")) == effect
