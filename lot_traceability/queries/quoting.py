"""Values quoted once by the app and handed to the driver as they are.

The driver quotes a statement's parameters one Python call after another (about a microsecond a
value): a list of 4,000 lot names passed to a dozen reads, or the 200,000 values of a recall's
scope, add up to a tenth of a second. Here they are quoted with the connection's own rules in one
pass, and passed as a parameter (`Quoted`) that the driver writes into the statement unchanged. A
parameter, not text joined into the statement: `frappe.db.sql` rewrites the text it is given
(every "ifnull(" becomes "coalesce(", inside quoted values too) and scans all of it to do so."""

from collections.abc import Iterable

import frappe
from pymysql.constants import SERVER_STATUS
from pymysql.converters import escape_float
from pymysql.converters import escape_string as escape_with_backslashes


class Quoted:
	"""SQL text quoted already: a statement's parameter written into it as it is."""

	__slots__ = ("sql",)

	def __init__(self, sql: str):
		self.sql = sql

	def __repr__(self) -> str:
		return self.sql

	@staticmethod
	def as_sql(value: "Quoted", mapping=None) -> str:
		return value.sql


def connection():
	"""The connection `frappe.db.sql` runs on now (a replica's inside `frappe.read_only()`), taught
	to write `Quoted` parameters."""
	if not frappe.db._conn:
		frappe.db.connect()
	conn = frappe.db._conn
	conn.encoders.setdefault(Quoted, Quoted.as_sql)
	return conn


def sql_literal(conn):
	"""A value as an SQL literal, quoted by the connection's rules: strings, numbers and nulls (nearly
	every value the app computes) directly, anything else by the driver."""
	if conn.server_status & SERVER_STATUS.SERVER_STATUS_NO_BACKSLASH_ESCAPES:
		escape_string = conn.escape_string
	else:
		escape_string = escape_with_backslashes  # what the connection calls in this mode
	driver_literal = conn.literal

	def literal(value) -> str:
		if value is None:
			return "NULL"
		kind = type(value)
		if kind is str:
			return "'" + escape_string(value) + "'"
		if kind is int:
			return repr(value)
		if kind is float:
			return escape_float(value)  # as the driver writes it ("2.5e0": a double, not a decimal)
		return driver_literal(value)

	return literal


def value_list(values: Iterable) -> Quoted:
	"""A list of values for `in %(name)s`, as the driver writes a list ("('a', 'b')"), quoted once.
	At least one value: `in ()` is not SQL."""
	literal = sql_literal(connection())
	quoted = [literal(value) for value in values]
	if not quoted:
		raise ValueError("an SQL list needs at least one value")
	return Quoted("(" + ",".join(quoted) + ")")
