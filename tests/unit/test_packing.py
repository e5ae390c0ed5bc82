import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.packing import (
	RECORD,
	UNIT,
	Misaligned,
	aligned,
	iter_rows,
	pack,
	unpack,
)

NUMERIC = [False, False, False, True, False, True]  # lot, voucher type, voucher no, qty, party, amount
text = st.one_of(st.none(), st.text(min_size=1).filter(lambda t: RECORD not in t and UNIT not in t))
number = st.floats(allow_nan=False, allow_infinity=False, width=32)
row = st.tuples(text, text, text, number, text, number)


def test_unpacks_rows_with_types():
	rows = [
		("LOT-1", "Delivery Note", "DN-1", -5.0, "Cust A", 60.0),
		("LOT-1", "Stock Entry", "SE-1", 20, None, 0),
		("LOT-2", "Purchase Receipt", "PR-9", 3.5, "Supplier B", None),
	]
	assert unpack(pack(rows), 3, NUMERIC) == [
		["LOT-1", "Delivery Note", "DN-1", -5.0, "Cust A", 60.0],
		["LOT-1", "Stock Entry", "SE-1", 20.0, None, 0.0],
		["LOT-2", "Purchase Receipt", "PR-9", 3.5, "Supplier B", 0.0],
	]


def test_no_rows():
	assert unpack(None, 0, NUMERIC) == []
	assert aligned(None, 0, 6) and not aligned(None, 1, 6)


def test_a_value_holding_a_separator_is_noticed():
	shifted = pack([("LOT-1", "Delivery Note", "DN-1", 1, f"Cust{UNIT}A", 2)])
	assert not aligned(shifted, 1, 6)
	assert unpack(shifted, 1, NUMERIC) is None
	split = pack([("LOT-1", "Delivery Note", f"DN{RECORD}1", 1, "Cust", 2)])
	assert unpack(split, 1, NUMERIC) is None


def test_a_string_cut_at_the_length_limit_is_noticed():
	packed = pack([("LOT-1", "Delivery Note", "DN-1", -5.0, "Cust A", 60.0)] * 3)
	assert unpack(packed, 3, NUMERIC) is not None
	assert unpack(packed[:-20], 3, NUMERIC) is None
	cut_between_rows = packed[: packed.rindex(RECORD)]
	assert unpack(cut_between_rows, 3, NUMERIC) is None


def test_iterating_a_misaligned_string_fails_rather_than_shifting_values():
	with pytest.raises(Misaligned, match=r"^a packed row has 2 values, not 6$"):
		list(iter_rows("LOT-1" + UNIT + "Delivery Note", NUMERIC))


@given(st.lists(row, max_size=8))
def test_unpack_inverts_pack(rows):
	expected = [
		[float(v or 0.0) if numeric else v for v, numeric in zip(r, NUMERIC, strict=True)] for r in rows
	]
	assert unpack(pack(rows), len(rows), NUMERIC) == expected
