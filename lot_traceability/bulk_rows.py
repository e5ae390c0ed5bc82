"""Child tables of thousands of rows, written with multi-row inserts.

Frappe writes a document's child rows one statement each (on insert, and again on every save and on
submit): a recall's scope of 4,000 lots and 2,000 customers, or the status change of its 4,000 lots,
is thousands of statements. A controller that names its large tables in `bulk_tables` (with this
class before `Document` among its bases) writes each of them as one delete and a few multi-row
inserts instead. Rows stay ordinary child rows of their table: they are read, printed, reported and
linked as before."""

import frappe

CHUNK = 2000  # rows per INSERT statement (well under MariaDB's packet limit for these tables)


class BulkChildTables:
	bulk_tables: tuple[str, ...] = ()

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
		if self.flags.bulk_tables_written:
			return [row for row in children if row.parentfield not in self.bulk_tables]
		return children

	def after_insert(self):
		self.flags.bulk_tables_written = False
		parent = super()
		if hasattr(parent, "after_insert"):
			parent.after_insert()

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
	"""Insert child rows (documents of one child doctype) with multi-row inserts. A chunk whose random
	name is taken (as Frappe does for one row, on a duplicate name) is written again with new names."""
	if not rows:
		return
	for row in rows:
		if not row.name:
			row.set_new_name()
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
					row.set_new_name(force=True)
	for row in rows:
		row.set("__islocal", False)


def _insert_chunk(rows) -> None:
	values = [row.get_valid_dict(convert_dates_to_str=True) for row in rows]
	columns = list(values[0])
	frappe.db.bulk_insert(
		rows[0].doctype,
		columns,
		([value.get(column) for column in columns] for value in values),
		chunk_size=CHUNK,
	)
