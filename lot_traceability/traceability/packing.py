"""Rows packed into one string per lot by the database, and unpacked here.

A lot's movements come as one string: rows joined by the record separator (0x1E), each row's values
joined by the unit separator (0x1F), NULL written as an empty string. Reading one string per lot
instead of one row per movement saves the database driver's per-row cost, which is larger than the
index read itself when a recall reads tens of thousands of movements.

A value that itself holds a separator would shift the values of its row; `unpack` notices (a row
with the wrong number of values) and returns None, and the caller reads the rows another way.
"""

from collections.abc import Iterable, Sequence

RECORD = "\x1e"
UNIT = "\x1f"


def pack(rows: Iterable[Sequence]) -> str:
	"""What the database sends for one lot (the inverse of `unpack`, for tests)."""
	return RECORD.join(UNIT.join("" if value is None else str(value) for value in row) for row in rows)


def unpack(packed: Iterable[tuple[str, str]], numeric: Sequence[bool]) -> list[list] | None:
	"""(lot, packed rows) pairs as rows [lot, value, …]: numeric values as floats (empty as 0.0),
	text values as strings (empty as None). None when a row has the wrong number of values."""
	width = len(numeric)
	convert = [_number if is_numeric else _text for is_numeric in numeric]
	rows = []
	for lot, moves in packed:
		for move in moves.split(RECORD):
			values = move.split(UNIT)
			if len(values) != width:
				return None
			rows.append([lot, *(to(value) for to, value in zip(convert, values, strict=True))])
	return rows


def _number(value: str) -> float:
	return float(value) if value else 0.0


def _text(value: str) -> str | None:
	return value or None
