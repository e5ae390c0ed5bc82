"""Dispositions of customer returns: which one a returned lot may get, and what a return must name."""

from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.dispositions import (
	INTO_QUARANTINE,
	Disposition,
	allowed,
	by_disposition,
	check_return_row,
	default,
	may_restock,
)
from lot_traceability.traceability.statuses import DEFAULT_STATUSES

STATUSES = {status.name: status for status in DEFAULT_STATUSES}
APPROVED, RESTRICTED, QUARANTINED = STATUSES["Approved"], STATUSES["Restricted"], STATUSES["Quarantined"]
RECALLED, REJECTED, EXPIRED = STATUSES["Recalled"], STATUSES["Rejected"], STATUSES["Expired"]


def check(
	status=APPROVED,
	disposition=Disposition.RESTOCK,
	original="DN-1",
	shipped=("L1",),
	supplier=True,
	quarantine=False,
):
	return [
		p.code for p in check_return_row("L1", status, disposition, original, shipped, supplier, quarantine)
	]


def test_restock_only_for_a_lot_that_may_ship_again():
	assert may_restock(APPROVED) and may_restock(RESTRICTED)
	for status in (
		QUARANTINED,
		RECALLED,
		REJECTED,
		EXPIRED,
		STATUSES["Disposed"],
		STATUSES["Pending Inspection"],
	):
		assert not may_restock(status), status.name
		assert Disposition.RESTOCK not in allowed(status, True)


def test_held_and_recalled_lots_go_to_quarantine_by_default():
	assert default(APPROVED) is Disposition.RESTOCK
	assert default(RECALLED) is Disposition.QUARANTINE
	assert default(QUARANTINED) is Disposition.QUARANTINE


def test_return_to_supplier_only_for_a_lot_received_from_one():
	assert Disposition.RETURN_TO_SUPPLIER in allowed(APPROVED, True)
	assert Disposition.RETURN_TO_SUPPLIER not in allowed(APPROVED, False)
	assert check(disposition=Disposition.RETURN_TO_SUPPLIER, supplier=False) == ["no_supplier"]
	assert allowed(RECALLED, False) == [Disposition.QUARANTINE, Disposition.DISPOSE]


def test_a_return_must_name_its_shipment_and_the_shipment_must_have_shipped_the_lot():
	assert check(original=None) == ["return_without_shipment"]
	assert check(shipped=("L2",)) == ["lot_not_in_shipment"]
	assert check() == []


def test_restock_is_refused_for_a_held_lot_and_into_a_quarantine_warehouse():
	assert check(status=RECALLED) == ["restock_not_allowed"]
	assert check(quarantine=True) == ["restock_into_quarantine"]
	# every other disposition is received into quarantine
	for disposition in INTO_QUARANTINE:
		assert check(status=RECALLED, disposition=disposition, quarantine=True) == []


def test_quantities_are_summed_per_disposition_in_order():
	rows = [("Dispose", -2), ("Restock", 3), ("Dispose", 1.5), ("", 9), (None, 4), ("Quarantine", 0)]
	assert list(by_disposition(rows).items()) == [("Restock", 3), ("Dispose", 3.5)]


@given(st.sampled_from(DEFAULT_STATUSES), st.booleans())
def test_the_default_is_always_allowed_and_quarantine_always_is(status, supplier):
	kinds = allowed(status, supplier)
	assert default(status) in kinds
	assert Disposition.QUARANTINE in kinds and Disposition.DISPOSE in kinds
	assert (Disposition.RESTOCK in kinds) == may_restock(status)


def test_each_refused_return_points_at_its_field_and_names_its_lot():
	def written(**kw):
		args = {
			"status": APPROVED,
			"disposition": Disposition.RESTOCK,
			"original": "DN-1",
			"shipped": ("L1",),
			"supplier": True,
			"quarantine": False,
			**kw,
		}
		problems = check_return_row(
			"L1",
			args["status"],
			args["disposition"],
			args["original"],
			args["shipped"],
			args["supplier"],
			args["quarantine"],
		)
		return [(p.code, p.field, p.params) for p in problems]

	assert written(original=None) == [("return_without_shipment", "return_against", {"lot": "L1"})]
	assert written(shipped=("L2",)) == [
		("lot_not_in_shipment", "batch_no", {"lot": "L1", "shipment": "DN-1"})
	]
	assert written(status=RECALLED) == [
		("restock_not_allowed", "lot_return_disposition", {"lot": "L1", "status": "Recalled"})
	]
	assert written(quarantine=True) == [("restock_into_quarantine", "warehouse", {"lot": "L1"})]
	assert written(disposition=Disposition.RETURN_TO_SUPPLIER, supplier=False) == [
		("no_supplier", "lot_return_disposition", {"lot": "L1"})
	]
	assert written() == []
