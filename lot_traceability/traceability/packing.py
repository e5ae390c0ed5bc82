"""Rows packed into one string by the database, and unpacked here.

A read's rows come as one string: rows joined by the record separator (0x1E), each row's values
joined by the unit separator (0x1F), NULL written as an empty string. Reading one string instead of
one row per movement saves the database driver's per-row cost, which is larger than the index read
itself when a recall reads tens of thousands of movements; one string for the whole read (no
grouping) also spares the database a temporary table and a sort.

A value that itself holds a separator would shift the values of its row, and a string cut at the
length limit would lose rows: `aligned` notices both (separator counts that do not match the row
count the database sent alongside), and the caller reads the rows another way.
"""

from collections.abc import Iterable, Iterator, Sequence

RECORD = "\x1e"
UNIT = "\x1f"


class Misaligned(ValueError):
	"""A packed row with the wrong number of values."""


def pack(rows: Iterable[Sequence]) -> str:
	"""What the database sends (the inverse of `unpack`, for tests)."""
	return RECORD.join(UNIT.join("" if value is None else str(value) for value in row) for row in rows)


def aligned(packed: str | None, rows: int, width: int) -> bool:
	"""The string holds exactly `rows` rows of `width` values each."""
	if not rows:
		return not packed
	return (
		packed is not None and packed.count(RECORD) == rows - 1 and packed.count(UNIT) == rows * (width - 1)
	)


def iter_rows(packed: str, numeric: Sequence[bool]) -> Iterator[list]:
	"""The rows of a packed string, one at a time: numeric values as floats (empty as 0.0), text
	values as strings (empty as None). Raises `Misaligned` on a row with the wrong number of values
	(check `aligned` first to choose another read before any row is used)."""
	if not packed:
		return
	width = len(numeric)
	numbers = [index for index, is_numeric in enumerate(numeric) if is_numeric]
	texts = [index for index, is_numeric in enumerate(numeric) if not is_numeric]
	for move in packed.split(RECORD):
		values = move.split(UNIT)
		if len(values) != width:
			raise Misaligned(f"a packed row has {len(values)} values, not {width}")
		for index in numbers:
			value = values[index]
			values[index] = float(value) if value else 0.0
		for index in texts:
			if not values[index]:
				values[index] = None
		yield values


def unpack(packed: str | None, rows: int, numeric: Sequence[bool]) -> list[list] | None:
	"""All rows of a packed string (`iter_rows`), or None when it does not hold `rows` rows of the
	expected width."""
	if not aligned(packed, rows, len(numeric)):
		return None
	try:
		return list(iter_rows(packed or "", numeric))
	except Misaligned:
		return None
