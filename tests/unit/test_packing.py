from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.packing import RECORD, UNIT, pack, unpack

NUMERIC = [False, False, True, False, True]  # voucher type, voucher no, qty, party, amount
text = st.one_of(st.none(), st.text(min_size=1).filter(lambda t: RECORD not in t and UNIT not in t))
number = st.floats(allow_nan=False, allow_infinity=False, width=32)
row = st.tuples(text, text, number, text, number)


def test_unpacks_rows_with_types():
	packed = [
		(
			"LOT-1",
			pack([("Delivery Note", "DN-1", -5.0, "Cust A", 60.0), ("Stock Entry", "SE-1", 20, None, 0)]),
		),
		("LOT-2", pack([("Purchase Receipt", "PR-9", 3.5, "Supplier B", None)])),
	]
	assert unpack(packed, NUMERIC) == [
		["LOT-1", "Delivery Note", "DN-1", -5.0, "Cust A", 60.0],
		["LOT-1", "Stock Entry", "SE-1", 20.0, None, 0.0],
		["LOT-2", "Purchase Receipt", "PR-9", 3.5, "Supplier B", 0.0],
	]


def test_a_value_holding_a_separator_is_noticed():
	assert unpack([("LOT-1", pack([("Delivery Note", "DN-1", 1, f"Cust{UNIT}A", 2)]))], NUMERIC) is None
	assert unpack([("LOT-1", "Delivery Note" + UNIT + "DN-1")], NUMERIC) is None


@given(st.dictionaries(st.text(min_size=1), st.lists(row, min_size=1, max_size=5), max_size=5))
def test_unpack_inverts_pack(lots):
	packed = [(lot, pack(rows)) for lot, rows in lots.items()]
	expected = [
		[lot, *(float(v or 0.0) if numeric else v for v, numeric in zip(r, NUMERIC, strict=True))]
		for lot, rows in lots.items()
		for r in rows
	]
	assert unpack(packed, NUMERIC) == expected
