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

	def save_version(self):
		"""The version kept of a save leaves the large tables out: their rows are computed, and a diff
		of thousands of them says nothing a person reads."""
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
		if not self.keep_bulk_table(fieldname):
			return None
		df = df or self.meta.get_field(fieldname)
		frappe.db.delete(
			df.options, {"parent": self.name, "parenttype": self.doctype, "parentfield": fieldname}
		)
		insert_rows(self.get(fieldname) or [])
		return None

	def keep_bulk_table(self, fieldname: str) -> bool:
		"""Whether this save writes the table (a controller may say no where the rows in memory are not
		the table's, e.g. a form that was sent without them)."""
		return True


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
	values = [row.get_valid_dict(convert_dates_to_str=True) for row in rows]
	columns = list(values[0])
	row_placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
	frappe.db.sql(
		f"insert into `tab{rows[0].doctype}` ({', '.join(f'`{column}`' for column in columns)}) values "
		+ ", ".join([row_placeholder] * len(rows)),
		[value.get(column) for value in values for column in columns],
	)
