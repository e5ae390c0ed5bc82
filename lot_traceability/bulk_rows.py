"""Child tables of thousands of rows, written with multi-row inserts.

Frappe writes a document's child rows one statement each (on insert, and again on every save and on
submit): a recall's scope of 4,000 lots and 2,000 customers, or the status change of its 4,000 lots,
is thousands of statements. A controller that names its large tables in `bulk_tables` (with this
class before `Document` among its bases) writes each of them as one delete and a few multi-row
inserts instead. Rows stay ordinary child rows of their table: they are read, printed, reported and
linked as before.

The rows of such a table are computed by the app from the database (a recall's scope, the lots a
change moves), not typed by a person: Frappe's checks of user input on each row (links exist,
mandatory values, lengths, selects) are left out for them — thousands of queries and checks that
could not fail. Their text is sanitized as Frappe's own save sanitizes it (`_sanitize_content`: markup
stripped of scripts and event handlers), since a value can still come from a form. The document's
other tables and fields are checked as always."""

import weakref
from contextlib import contextmanager
from decimal import Decimal

import frappe
from frappe.model import datetime_fields, default_fields, float_like_fields
from frappe.model.base_document import BaseDocument, get_controller
from frappe.model.docstatus import DocStatus
from frappe.utils import cint, flt

from lot_traceability.queries.quoting import Quoted, connection, sql_literal

CHUNK = 2000  # rows per INSERT statement (well under MariaDB's packet limit for these tables)
NUMERIC_STANDARD_COLUMNS = ("docstatus", "idx")


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

	def extend(self, key, value):
		"""A large table's rows made in one loop (`row_maker`), each as `append` adds a row."""
		if key not in self.bulk_tables:
			return super().extend(key, value)
		try:
			value = iter(value)
		except TypeError:
			raise ValueError from None  # as `BaseDocument.extend`
		table = self.__dict__.get(key)
		if table is None:
			table = self.__dict__[key] = []
		make, parent = row_maker(self, key), weakref.ref(self)
		for item in value:
			row = (
				self._init_child(item, key) if isinstance(item, BaseDocument) else make(item, len(table) + 1)
			)
			row._parent_doc = parent  # `append`'s reference to the parent
			table.append(row)

	def get_all_children(self, parenttype=None):
		if not (self.flags.bulk_tables_written or self.flags.without_bulk_tables):
			return super().get_all_children(parenttype)
		children = []  # the other tables' rows, without going through the large ones
		for df in self.meta.get_table_fields():
			if df.fieldname in self.bulk_tables or (parenttype and df.options != parenttype):
				continue
			children.extend(self.get(df.fieldname) or ())
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
	return row_maker(parent, fieldname)(value, len(parent.__dict__.get(fieldname) or ()) + 1)


def row_maker(parent, fieldname: str):
	"""A function that makes child rows of `parent`'s table `fieldname` from dicts, as Frappe's
	`_init_child` makes them: `make(values, idx)` (the idx where the values have none)."""
	made = parent.flags.bulk_row_types or {}
	if fieldname not in made:
		doctype = parent.get_table_field_doctype(fieldname)
		made[fieldname] = (doctype, get_controller(doctype), empty_row(doctype))
		parent.flags.bulk_row_types = made
	doctype, controller, empty = made[fieldname]
	fixed = {
		"doctype": doctype,
		"parent": parent.name,
		"parenttype": parent.doctype,
		"parentfield": fieldname,
	}
	new, new_flags, draft = object.__new__, frappe._dict, DocStatus.DRAFT

	def make(value: dict, idx: int):
		row = new(controller)
		fields = row.__dict__
		fields.update(empty)  # every column present, as `init_valid_columns` leaves a row
		fields.update(value)
		fields.update(fixed)
		fields["name"] = name = value.get("name")
		fields["flags"] = new_flags()
		fields["_table_fieldnames"] = set()
		fields["dont_update_if_missing"] = []
		if fields["docstatus"] is None:
			fields["docstatus"] = draft
		if not fields["idx"]:
			fields["idx"] = idx
		if not name:
			fields["__islocal"] = 1
		return row

	return make


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
	sanitize_rows(rows)
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


def sanitize_rows(rows) -> None:
	"""Each row's text as Frappe's own save leaves it (`BaseDocument._sanitize_content`, which a save
	runs on every child row but the large tables'): HTML sanitized in every field but those Frappe
	leaves as they are (Code, Attach, emails, fields that ignore the XSS filter, submitted values).
	Only rows holding `<` or `>` can change, so only they go through it."""
	for row in rows:
		if any(isinstance(value, str) and ("<" in value or ">" in value) for value in row.__dict__.values()):
			row._sanitize_content()


def _insert_chunk(rows) -> None:
	"""One INSERT of many rows. Raw SQL: the query builder takes longer to write a statement of
	thousands of rows than the database to run it. Values are quoted column by column: a column that
	holds one value in every row (the parent, its owner and times, the docstatus) is quoted once.

	Each row's quoted values are a parameter of the statement (`quoting.Quoted`), not part of its
	text, which `frappe.db.sql` rewrites."""
	columns = table_columns(rows[0].doctype)
	literal = sql_literal(connection())  # quoting by the connection's own rules
	count = len(rows)
	fields = [row.__dict__ for row in rows]
	quoted = []
	for column, convert, numeric in columns:
		values = [row.get(column) for row in fields]
		if convert:
			values = [convert(value) for value in values]
		first = values[0]
		# equal values are one literal, except numbers bound for a text column, where equal numbers
		# of different kinds are stored differently (1 as "1", Decimal("1.0") as "1.0")
		if values.count(first) == count and (numeric or not isinstance(first, int | float | Decimal)):
			quoted.append([literal(first)] * count)
		else:
			quoted.append([literal(value) for value in values])
	frappe.db.sql(
		f"insert into `tab{rows[0].doctype}` ({', '.join(f'`{column}`' for column, _c, _n in columns)}) values "
		+ ", ".join(["%s"] * count),
		[Quoted("(" + ", ".join(line) + ")") for line in zip(*quoted, strict=True)],
	)


def table_columns(doctype: str) -> list[tuple]:
	"""The columns of a child doctype's table, each with the conversion Frappe applies to its values
	before writing them (`BaseDocument.get_valid_dict`: checks and integers as integers, numbers as
	floats, empty dates as nulls) and whether the column holds numbers."""
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
		numeric = convert in (_check, _int, _float) or column in NUMERIC_STANDARD_COLUMNS
		columns.append((column, convert, numeric))
	return columns


def _check(value) -> int:
	return 1 if cint(value) else 0


def _int(value) -> int:
	return value if isinstance(value, int) else cint(value)


def _float(value) -> float:
	return value if isinstance(value, float) else flt(value)


def _date(value):
	return None if value == "" else value
