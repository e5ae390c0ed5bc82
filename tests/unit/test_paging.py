"""Keyset paging of the EPCIS query: page tokens (signed keys, parsed strictly) and the kinds of lot
ledger rows an eventType / bizStep filter is pushed down to, which must agree with `kind_of`."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability import epcis, paging
from lot_traceability.traceability.epcis import (
	KNOWN_VOUCHERS,
	OBJECT_EVENT,
	STOCK_ENTRY_PURPOSES,
	TRANSFORMATION_EVENT,
	kind_of,
	row_kinds,
	status_sources,
)
from lot_traceability.traceability.movements import LedgerMove

SECRET = b"s" * 32
KEY = (datetime(2026, 3, 1, 8, 30, 0, 125000), "Delivery Note", "MAT-DN-2026-00001")

names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=140)


@given(
	st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 1, 1)),
	names,
	names,
)
def test_a_token_gives_back_its_key(moment, doctype, name):
	assert paging.decode(paging.encode((moment, doctype, name), SECRET), SECRET, parts=2) == (
		moment,
		doctype,
		name,
	)


def test_a_token_is_versioned_base64url_and_signed():
	token = paging.encode(KEY, SECRET)
	version, payload, signature = token.split(".")
	assert version == "1"
	assert paging._b64decode(payload) == b'["2026-03-01T08:30:00.125000","Delivery Note","MAT-DN-2026-00001"]'
	assert len(paging._b64decode(signature)) == 16


def forged_payload(values) -> str:
	import json

	return paging._b64encode(json.dumps(values).encode())


@pytest.mark.parametrize(
	"token",
	[
		"abc",
		"0",
		"100",
		"-1",
		None,
		12,
		"1..",
		"2." + paging.encode(KEY, SECRET).split(".", 1)[1],  # another version
		paging.encode(KEY, b"another site's key"),  # another site
		paging.encode(KEY, SECRET)[:-2] + "AA",  # signature changed
		# a payload changed, the signature kept
		"1."
		+ forged_payload(["2026-03-01T08:30:00", "Delivery Note", "x' or 1=1 --"])
		+ "."
		+ paging.encode(KEY, SECRET).rsplit(".", 1)[1],
		paging.encode(KEY, SECRET) + ".extra",
		"1." + "A" * 2000 + ".AAAA",  # too long
	],
)
def test_a_token_this_site_did_not_give_is_refused(token):
	with pytest.raises(paging.PageTokenError):
		paging.decode(token, SECRET, parts=2)


def signed(values) -> str:
	payload = forged_payload(values)
	return f"1.{payload}.{paging._signature(SECRET, payload)}"


@pytest.mark.parametrize(
	"values",
	[
		["2026-03-01T08:30:00", "Delivery Note"],  # a part missing
		["2026-03-01T08:30:00", "Delivery Note", "A", "B"],  # one too many
		["yesterday", "Delivery Note", "A"],  # not a time
		["2026-03-01T08:30:00+01:00", "Delivery Note", "A"],  # not a local time
		["2026-03-01T08:30:00", "Delivery Note", 5],  # not a string
		["2026-03-01T08:30:00", "Delivery Note", ""],  # empty
		["2026-03-01T08:30:00", "Delivery Note", "x" * 141],  # too long
		{"time": "2026-03-01T08:30:00"},  # not a list
	],
)
def test_even_a_signed_token_must_be_exactly_a_key(values):
	with pytest.raises(paging.PageTokenError):
		paging.decode(signed(values), SECRET, parts=2)


ledger_rows = st.builds(
	LedgerMove,
	lot=st.just("L"),
	qty=st.sampled_from([1.0, -1.0]),
	voucher_type=st.sampled_from([*KNOWN_VOUCHERS, "Pick List", "Asset Capitalization"]),
	voucher_no=st.just("D"),
	posted=st.just(date(2026, 1, 1)),
	purpose=st.sampled_from([*STOCK_ENTRY_PURPOSES, None, "Something Else"]),
)
steps = st.sets(
	st.sampled_from(
		["receiving", "shipping", "commissioning", "repackaging", "destroying", "departing", "holding", "x"]
	),
	max_size=2,
)
types = st.sets(st.sampled_from([OBJECT_EVENT, TRANSFORMATION_EVENT]), max_size=2)


def matches(kind: epcis.RowKind, row: LedgerMove) -> bool:
	"""As `queries.epcis.kind_condition` reads a row kind."""
	if (row.qty > 0) != kind.inward:
		return False
	if kind.voucher_type is None:
		return row.voucher_type not in KNOWN_VOUCHERS
	if row.voucher_type != kind.voucher_type:
		return False
	if kind.voucher_type == "Stock Entry" and kind.purpose is None:
		return (row.purpose or "") not in STOCK_ENTRY_PURPOSES
	return kind.purpose is None or row.purpose == kind.purpose


@given(ledger_rows, types, steps)
def test_the_row_kinds_of_a_filter_are_exactly_the_rows_whose_event_it_matches(row, event_types, biz_steps):
	kind = kind_of(row)
	wanted = (not event_types or kind.event_type in event_types) and (
		not biz_steps or kind.biz_step in biz_steps
	)
	kinds = row_kinds(event_types, biz_steps)
	if kinds is None:
		assert wanted
	else:
		assert any(matches(each, row) for each in kinds) == wanted


def test_no_filter_filters_nothing_and_a_step_no_row_makes_matches_no_row():
	assert row_kinds() is None
	assert row_kinds([OBJECT_EVENT, TRANSFORMATION_EVENT]) is None
	assert row_kinds(biz_steps=["holding"]) == []
	assert row_kinds([TRANSFORMATION_EVENT], ["shipping"]) == []


def test_status_changes_are_object_events_inspecting_or_holding():
	assert status_sources() == {True, False}
	assert status_sources([TRANSFORMATION_EVENT]) == set()
	assert status_sources([OBJECT_EVENT], ["inspecting"]) == {True}
	assert status_sources(biz_steps=["holding", "shipping"]) == {False}
	assert status_sources(biz_steps=["shipping"]) == set()
