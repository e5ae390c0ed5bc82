"""Spreadsheet cells are safe to open: text that would run as a formula is written as text."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.spreadsheet import safe_cell, safe_row


@pytest.mark.parametrize(
	("value", "cell"),
	[
		("=1+1", "'=1+1"),
		('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
		("+1", "'+1"),
		("-5", "'-5"),
		("@SUM(1)", "'@SUM(1)"),
		("\t=1", "'\t=1"),
		("\r=1", "'\r=1"),
		("Lot L-0001", "Lot L-0001"),
		("Fresh Farms Ltd", "Fresh Farms Ltd"),
		("a=b", "a=b"),
		(" =1", " =1"),
		("'=1", "'=1"),
		("", ""),
		(None, None),
		(-5, -5),
		(-2.5, -2.5),
		(0, 0),
		(Decimal("-1.5"), Decimal("-1.5")),
		(datetime.date(2026, 3, 1), datetime.date(2026, 3, 1)),
		(datetime.datetime(2026, 3, 1, 8, 0), datetime.datetime(2026, 3, 1, 8, 0)),
	],
)
def test_safe_cell(value, cell):
	assert safe_cell(value) == cell
	assert type(safe_cell(value)) is type(cell)


def test_a_row_keeps_its_order_and_types():
	assert safe_row(["=cmd", -5, "-5", "Lot A", None]) == ["'=cmd", -5, "'-5", "Lot A", None]


@given(st.text())
def test_no_text_cell_begins_like_a_formula(text):
	cell = safe_cell(text)
	assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
	assert cell in (text, "'" + text)  # nothing else changes


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.dates()))
def test_values_that_are_not_text_are_kept(value):
	assert safe_cell(value) is value


@pytest.mark.parametrize(
	("value", "cell"),
	[
		("=1+1", "'=1+1"),
		("LOT\x01-A\x1f", "LOT-A"),
		("\x00=1", "'=1"),  # the forbidden character goes first: what is left would run
		("line\nbreak\tand tab", "line\nbreak\tand tab"),
		("\t=1", "'\t=1"),
		("Lot L-0001", "Lot L-0001"),
		("", None),
		("\x02", None),
		(None, None),
		(0, 0),
		(-5, -5),
		(datetime.date(2026, 3, 1), datetime.date(2026, 3, 1)),
	],
)
def test_xlsx_cell(value, cell):
	from lot_traceability.traceability.spreadsheet import xlsx_cell

	assert xlsx_cell(value) == cell
	assert type(xlsx_cell(value)) is type(cell)


@given(st.text())
def test_no_xlsx_text_cell_runs_or_holds_what_xml_forbids(text):
	from lot_traceability.traceability.spreadsheet import ILLEGAL_XLSX_CHARACTERS, xlsx_cell, xlsx_row

	cell = xlsx_cell(text)
	kept = ILLEGAL_XLSX_CHARACTERS.sub("", text)
	assert cell in (kept or None, "'" + kept)  # nothing else changes
	assert not (cell or "").startswith(("=", "+", "-", "@", "\t", "\r"))
	assert not ILLEGAL_XLSX_CHARACTERS.search(cell or "")
	assert xlsx_row([text, 1]) == [xlsx_cell(text), 1]
