"""Cells of the spreadsheets the app writes (.csv, .xlsx), safe to open: a text cell that a
spreadsheet program would read as a formula (OWASP, "CSV Injection") is written as text instead.

Text beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with a single quote
`'`; numbers, dates and empty cells keep their type (a negative quantity stays a number). The rule
is applied cell by cell, so any writer (Frappe's, openpyxl's write-only sheet, the csv module) can
use it."""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
	"""The value as a cell that cannot run as a formula: text is prefixed with `'` when it begins
	like one; anything not text is returned as it is."""
	if isinstance(value, str) and value.startswith(FORMULA_STARTS):
		return "'" + value
	return value


def safe_row(values) -> list:
	return [safe_cell(value) for value in values]


# Control characters an .xlsx cell may not hold (XML 1.0 forbids them): removed from text, as
# Frappe's writer does; tab, line feed and carriage return are kept.
ILLEGAL_XLSX_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")


def xlsx_cell(value):
	"""The value as an .xlsx cell: text without the characters XML forbids, then made safe
	(`safe_cell`); empty text an empty cell (None: a streaming writer writes nothing for it);
	numbers and dates keep their type."""
	if isinstance(value, str):
		return safe_cell(ILLEGAL_XLSX_CHARACTERS.sub("", value)) or None
	return value


def xlsx_row(values) -> list:
	return [xlsx_cell(value) for value in values]
