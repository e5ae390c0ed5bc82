"""Large reads that come packed into one string (`traceability.packing`).

Raw SQL: `group_concat` over `concat_ws` is not expressible in frappe.qb."""

from collections.abc import Iterator, Sequence

import frappe

from lot_traceability.queries.locks import lock_clause
from lot_traceability.queries.quoting import connection
from lot_traceability.traceability import packing


def read(columns: Sequence[str], source: str, values: dict, numeric: Sequence[bool]) -> Iterator[list] | None:
	"""The rows of `select <columns> <source>` one at a time (`packing.iter_rows`), or None when
	the packed string does not hold them all (a value holds a separator, or the string reached the
	length limit, raised to the packet limit first): the caller then reads them another way.

	`columns` are trusted SQL expressions, `source` the trusted `from … where …` with named
	parameters in `values`."""
	raise_length_limit()
	packed_columns = ", ".join(f"ifnull({column}, '')" for column in columns)
	((count, packed),) = frappe.db.sql(
		f"select count(*), group_concat(concat_ws(char(31), {packed_columns}) separator X'1E') {source}"
		+ lock_clause(),
		values,
	)
	if not packing.aligned(packed, count, len(columns)):
		return None
	return packing.iter_rows(packed, numeric)


def raise_length_limit() -> None:
	"""The session's `group_concat` limit raised to the packet limit, once per connection (a
	session setting: a new connection, a replica's too, is raised on its first packed read)."""
	conn = connection()
	if not getattr(conn, "lot_traceability_packs", False):
		frappe.db.sql("set session group_concat_max_len = @@max_allowed_packet")
		conn.lot_traceability_packs = True


def read_all(
	columns: Sequence[str], source: str, values: dict, numeric: Sequence[bool] | None = None
) -> list:
	"""The rows of `select <columns> <source>` (`read`), read row by row where they do not pack.
	Packed rows give dates as ISO strings; rows read row by row give them as dates."""
	rows = read(columns, source, values, numeric or [False] * len(columns))
	if rows is not None:
		return list(rows)
	return [
		list(row) for row in frappe.db.sql(f"select {', '.join(columns)} {source}" + lock_clause(), values)
	]
