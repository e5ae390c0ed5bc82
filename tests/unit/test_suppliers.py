from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.suppliers import (
	LEARNED_SCORE,
	ON_HOLD,
	OVERRIDE,
	SCORECARD_PREVENTS,
	SCORECARD_WARNS,
	ReceiptHold,
	SupplierStanding,
	receipt_hold,
	score_hold,
)

TODAY = date(2026, 11, 26)
HOLD = "Quarantined"


def test_a_supplier_in_good_standing_leaves_it_to_the_rule():
	assert receipt_hold(SupplierStanding("S"), TODAY, HOLD) is None


def test_the_suppliers_own_override_comes_first_even_without_a_risk_status():
	standing = SupplierStanding("S", on_hold=True, receipt_status="Pending Inspection")
	assert receipt_hold(standing, TODAY, HOLD) == ReceiptHold("Pending Inspection", OVERRIDE)
	assert receipt_hold(standing, TODAY, None).status == "Pending Inspection"


def test_a_hold_on_the_goods_holds_the_lots_until_its_release_date():
	for hold_type in ("", "All"):
		standing = SupplierStanding("S", on_hold=True, hold_type=hold_type, release_date=TODAY)
		assert receipt_hold(standing, TODAY, HOLD) == ReceiptHold(HOLD, ON_HOLD)
		assert receipt_hold(standing, date(2026, 11, 27), HOLD) is None  # the hold has ended
	assert receipt_hold(SupplierStanding("S", on_hold=True), TODAY, HOLD).reason == ON_HOLD


def test_a_hold_on_invoices_or_payments_is_for_accounts_not_goods():
	for hold_type in ("Invoices", "Payments"):
		assert receipt_hold(SupplierStanding("S", on_hold=True, hold_type=hold_type), TODAY, HOLD) is None


def test_a_scorecard_that_prevents_or_warns_on_orders_holds_the_lots():
	assert receipt_hold(SupplierStanding("S", prevent_pos=True), TODAY, HOLD).reason == SCORECARD_PREVENTS
	assert receipt_hold(SupplierStanding("S", warn_pos=True), TODAY, HOLD).reason == SCORECARD_WARNS
	assert receipt_hold(SupplierStanding("S", warn_pos=True), TODAY, None) is None  # no status set


@given(
	on_hold=st.booleans(),
	hold_type=st.sampled_from(["", "All", "Invoices", "Payments"]),
	released_days=st.one_of(st.none(), st.integers(-5, 5)),
	prevent=st.booleans(),
	warn=st.booleans(),
	override=st.sampled_from([None, "Pending Inspection"]),
)
def test_matches_the_written_rule(on_hold, hold_type, released_days, prevent, warn, override):
	release = None if released_days is None else date.fromordinal(TODAY.toordinal() + released_days)
	standing = SupplierStanding("S", on_hold, hold_type, release, prevent, warn, override)
	found = receipt_hold(standing, TODAY, HOLD)
	goods_hold = on_hold and hold_type in ("", "All") and (release is None or release >= TODAY)
	if override:
		assert found.status == override
	elif goods_hold or prevent or warn:
		assert found.status == HOLD
	else:
		assert found is None


def test_a_learned_score_holds_from_exactly_the_threshold():
	assert score_hold(40.0, 40.0, "Quarantined") == ReceiptHold("Quarantined", LEARNED_SCORE)
	assert score_hold(39.9, 40.0, "Quarantined") is None
	assert score_hold(80.0, 40.0, "Quarantined").reason == LEARNED_SCORE


def test_a_learned_score_only_recommends_without_a_threshold_or_a_status():
	assert score_hold(99.0, 0, "Quarantined") is None
	assert score_hold(99.0, None, "Quarantined") is None
	assert score_hold(99.0, 40.0, None) is None
	assert score_hold(None, 40.0, "Quarantined") is None  # a supplier never scored


def test_a_threshold_below_one_still_holds_and_a_negative_one_is_off():
	"""Any threshold above 0 acts, however small; one at or below 0 leaves the score a recommendation."""
	assert score_hold(0.7, 0.5, "Quarantined") == ReceiptHold("Quarantined", LEARNED_SCORE)
	assert score_hold(1.0, 1.0, "Quarantined") == ReceiptHold("Quarantined", LEARNED_SCORE)
	assert score_hold(0.4, 0.5, "Quarantined") is None
	assert score_hold(99.0, -5.0, "Quarantined") is None
