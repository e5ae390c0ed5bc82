"""Child tables of thousands of rows, written with multi-row inserts.

Frappe writes a document's child rows one statement each (on insert, and again on every save and on
submit): a recall's scope of 4,000 lots and 2,000 customers, or the status change of its 4,000 lots,
is thousands of statements. A controller that names its large tables in `bulk_tables` (with this
class before `Document` among its bases) writes each of them as one delete and a few multi-row
inserts instead. Rows stay ordinary child rows of their table: they are read, printed, reported and
linked as before.

The rows of such a table are computed by the app from the database (a recall's scope, the lots a
change moves), not typed by a person: Frappe's checks of user input on each row (links exist,
mandatory values, lengths, selects, HTML sanitizing) are left out for them — thousands of queries
and checks that could not fail. The document's other tables and fields are checked as always."""

from contextlib import contextmanager

import frappe
from frappe.model import datetime_fields, default_fields, float_like_fields
from frappe.model.base_document import BaseDocument, get_controller
from frappe.model.docstatus import DocStatus
from frappe.utils import cint, flt

CHUNK = 2000  # rows per INSERT statement (well under MariaDB's packet limit for these tables)


class BulkChildTables:
	bulk_tables: tuple[str, ...] = ()
	# whether Frappe's copy of the document as last saved (`get_doc_before_save`, loaded on every save)
	# holds these tables; a controller that never compares them can say no
	bulk_tables_before_save = True

	def db_insert(self, *args, **kwargs):
		"""The parent's row, then the large tables' rows in bulk; Frappe's loop that inserts the
		children one by one right after this skips them (`get_all_children`)."""
		result = super().db_insert(*args, **kwargs)
		for fieldname in self.bulk_tables:
			insert_rows(self.get(fieldname) or [])
		self.flags.bulk_tables_written = True
		return result

	def _init_child(self, value, key):
		"""A large table's row made from a dict (computed, or read from the database) without
		Frappe's field-by-field set-up: the values go straight into the row, as `BaseDocument.set`
		would put them (a child row has no tables of its own)."""
		if key not in self.bulk_tables or isinstance(value, BaseDocument):
			return super()._init_child(value, key)
		return child_row(self, key, value)

	def get_all_children(self, parenttype=None):
		children = super().get_all_children(parenttype)
		if self.flags.bulk_tables_written or self.flags.without_bulk_tables:
			return [row for row in children if row.parentfield not in self.bulk_tables]
		return children

	@contextmanager
	def without_bulk_tables(self):
		self.flags.without_bulk_tables = True
		try:
			yield
		finally:
			self.flags.without_bulk_tables = False

	def _validate_links(self):
		with self.without_bulk_tables():
			return super()._validate_links()

	def _validate(self):
		with self.without_bulk_tables():
			return super()._validate()

	def set_new_name(self, *args, **kwargs):
		"""The large tables' rows are named when written (`insert_rows`)."""
		with self.without_bulk_tables():
			return super().set_new_name(*args, **kwargs)

	def after_insert(self):
		self.flags.bulk_tables_written = False
		parent = super()
		if hasattr(parent, "after_insert"):
			parent.after_insert()

	def load_doc_before_save(self, *, raise_exception: bool = False):
		if self.bulk_tables_before_save or not self.bulk_tables:
			return super().load_doc_before_save(raise_exception=raise_exception)
		frappe.flags.bulk_tables_not_loaded = (self.doctype, self.name)
		try:
			return super().load_doc_before_save(raise_exception=raise_exception)
		finally:
			frappe.flags.bulk_tables_not_loaded = None

	def _get_table_fields(self):
		fields = super()._get_table_fields()
		if self.bulk_tables and frappe.flags.bulk_tables_not_loaded == (self.doctype, self.name):
			return [df for df in fields if df.fieldname not in self.bulk_tables]
		return fields

	def clear_cache(self):
		super().clear_cache()
		# the tail of Frappe's save begins (`run_post_save_methods`): cache, notify, search, version
		self.flags.bulk_save_tail = True

	def notify_update(self):
		"""Frappe indexes a saved document for its global search right after this, reading every
		field of every child row (a recall's 8,000 computed rows: a quarter of a second, for no
		searchable field): in that tail of a save the large tables are set aside, and put back at
		the next step (`save_version`)."""
		super().notify_update()
		if self.flags.pop("bulk_save_tail", False):
			self.flags.bulk_tables_aside = {
				fieldname: self.__dict__.get(fieldname) for fieldname in self.bulk_tables
			}
			for fieldname in self.bulk_tables:
				self.__dict__[fieldname] = []

	def save_version(self):
		"""The version kept of a save leaves the large tables out: their rows are computed, and a diff
		of thousands of them says nothing a person reads."""
		self.flags.bulk_save_tail = False
		for fieldname, rows in (self.flags.pop("bulk_tables_aside", None) or {}).items():
			self.__dict__[fieldname] = rows
		before = self.get_doc_before_save()
		kept = {}
		for fieldname in self.bulk_tables:
			kept[fieldname] = (
				self.__dict__.get(fieldname),
				before.__dict__.get(fieldname) if before else None,
			)
			self.__dict__[fieldname] = []
			if before is not None:
				before.__dict__[fieldname] = []
		try:
			return super().save_version()
		finally:
			for fieldname, (current, previous) in kept.items():
				self.__dict__[fieldname] = current
				if before is not None:
					before.__dict__[fieldname] = previous

	def update_child_table(self, fieldname: str, df=None):
		"""On save and submit: a large table's rows replaced by one delete and bulk inserts (Frappe
		would delete the rows gone, then update every row on its own)."""
		if fieldname not in self.bulk_tables:
			return super().update_child_table(fieldname, df)
		df = df or self.meta.get_field(fieldname)
		if not self.keep_bulk_table(fieldname):
			# the rows stay as written; they follow the document's own state (submitted, cancelled),
			# here or in a write of the controller's own that comes later in the same save
			if self.bulk_docstatus_written_later(fieldname):
				return None
			frappe.db.sql(
				f"""update `tab{df.options}` set docstatus = %(docstatus)s, modified = %(modified)s,
					modified_by = %(user)s
				where parent = %(parent)s and parenttype = %(parenttype)s and parentfield = %(fieldname)s
					and docstatus != %(docstatus)s""",
				{
					"docstatus": self.docstatus,
					"modified": self.modified,
					"user": self.modified_by,
					"parent": self.name,
					"parenttype": self.doctype,
					"fieldname": fieldname,
				},
			)
			return None
		frappe.db.delete(
			df.options, {"parent": self.name, "parenttype": self.doctype, "parentfield": fieldname}
		)
		insert_rows(self.get(fieldname) or [])
		return None

	def bulk_docstatus_written_later(self, fieldname: str) -> bool:
		"""Whether this save's own code writes the table's rows anyway (and their state with them)."""
		return False

	def keep_bulk_table(self, fieldname: str) -> bool:
		"""Whether this save writes the table (a controller may say no where the rows in memory are not
		the table's, e.g. a form that was sent without them)."""
		return True


def child_row(parent, fieldname: str, value: dict):
	"""A child row of `parent`'s table `fieldname`, as Frappe's `_init_child` makes it."""
	made = parent.flags.bulk_row_types or {}
	if fieldname not in made:
		doctype = parent.get_table_field_doctype(fieldname)
		made[fieldname] = (doctype, get_controller(doctype), empty_row(doctype))
		parent.flags.bulk_row_types = made
	doctype, controller, empty = made[fieldname]
	row = object.__new__(controller)
	fields = row.__dict__
	fields.update(empty)  # every column present, as `init_valid_columns` leaves a row
	fields.update(value)
	fields.update(
		{
			"doctype": doctype,
			"name": value.get("name"),
			"flags": frappe._dict(),
			"_table_fieldnames": set(),
			"dont_update_if_missing": [],
			"parent": parent.name,
			"parenttype": parent.doctype,
			"parentfield": fieldname,
		}
	)
	if fields.get("docstatus") is None:
		fields["docstatus"] = DocStatus.DRAFT
	if not fields.get("idx"):
		fields["idx"] = len(parent.__dict__.get(fieldname) or ()) + 1
	if not fields["name"]:
		fields["__islocal"] = 1
	return row


def empty_row(doctype: str) -> dict:
	"""Every column of a child doctype's table, empty."""
	return dict.fromkeys((*default_fields, *frappe.get_meta(doctype).get_valid_columns()))


def insert_rows(rows) -> None:
	"""Insert child rows (documents of one child doctype) with multi-row inserts, naming the rows that
	have no name yet (a random name, as Frappe's child rows). A chunk whose name is taken is written
	again with new names (as Frappe does for one row on a duplicate name)."""
	if not rows:
		return
	for row in rows:
		if not row.name:
			row.name = frappe.generate_hash(length=10)
	for start in range(0, len(rows), CHUNK):
		chunk = rows[start : start + CHUNK]
		for attempt in range(3):
			try:
				_insert_chunk(chunk)
				break
			except Exception as error:  # the statement is undone; the transaction goes on
				if attempt == 2 or not frappe.db.is_duplicate_entry(error):
					raise
				for row in chunk:
					row.name = frappe.generate_hash(length=10)
	for row in rows:
		row.set("__islocal", False)


def _insert_chunk(rows) -> None:
	"""One INSERT of many rows. Raw SQL: the query builder takes longer to write a statement of
	thousands of rows than the database to run it."""
	columns = table_columns(rows[0].doctype)
	if not frappe.db._conn:
		frappe.db.connect()
	literal = sql_literal(frappe.db._conn)  # quoting by the connection's own rules
	lines = []
	for row in rows:
		fields = row.__dict__
		lines.append(
			"("
			+ ", ".join(
				[
					literal(convert(fields.get(column)) if convert else fields.get(column))
					for column, convert in columns
				]
			)
			+ ")"
		)
	frappe.db.sql(
		f"insert into `tab{rows[0].doctype}` ({', '.join(f'`{column}`' for column, _ in columns)}) values "
		+ ", ".join(lines)
	)


def sql_literal(connection):
	"""A value as an SQL literal, quoted by the connection's rules: strings, numbers and nulls (nearly
	every value of a computed row) directly, anything else by the driver."""
	escape_string, driver_literal = connection.escape_string, connection.literal

	def literal(value) -> str:
		if value is None:
			return "NULL"
		kind = type(value)
		if kind is str:
			return "'" + escape_string(value) + "'"
		if kind is int or kind is float:
			return repr(value)
		return driver_literal(value)

	return literal


def table_columns(doctype: str) -> list[tuple]:
	"""The columns of a child doctype's table, each with the conversion Frappe applies to its values
	before writing them (`BaseDocument.get_valid_dict`: checks and integers as integers, numbers as
	floats, empty dates as nulls)."""
	meta = frappe.get_meta(doctype)
	columns = []
	for column in meta.get_valid_columns():
		df = meta.get_field(column)
		convert = None
		if df is not None:
			if df.fieldtype == "Check":
				convert = _check
			elif df.fieldtype == "Int":
				convert = _int
			elif df.fieldtype in float_like_fields:
				convert = _float
			elif df.fieldtype in datetime_fields:
				convert = _date
		columns.append((column, convert))
	return columns


def _check(value) -> int:
	return 1 if cint(value) else 0


def _int(value) -> int:
	return value if isinstance(value, int) else cint(value)


def _float(value) -> float:
	return value if isinstance(value, float) else flt(value)


def _date(value):
	return None if value == "" else value
