import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability.install import drop_columns, sync
from lot_traceability.setup.custom_fields import CUSTOM_FIELDS, MODULE
from lot_traceability.traceability.statuses import DEFAULT_STATUSES, LotStatus

LAYOUT_TYPES = {"Section Break", "Column Break", "Tab Break", "Table"}  # no column of their own


def app_custom_field_count():
	return frappe.db.count("Custom Field", {"module": MODULE})


class TestInstall(FrappeTestCase):
	def test_every_custom_field_is_installed_with_its_column(self):
		for doctype, fields in CUSTOM_FIELDS.items():
			meta = frappe.get_meta(doctype)
			for field in fields:
				fieldname = field["fieldname"]
				self.assertTrue(meta.has_field(fieldname), f"{doctype}.{fieldname} missing")
				self.assertEqual(
					frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": fieldname}, "module"),
					MODULE,
				)
				if field["fieldtype"] not in LAYOUT_TYPES:
					self.assertTrue(frappe.db.has_column(doctype, fieldname), f"column {doctype}.{fieldname}")

	def test_custom_fields_sit_where_they_were_placed(self):
		batch = frappe.get_meta("Batch")
		self.assertEqual(batch.get_field("lot_status").options, "Lot Status")
		self.assertTrue(batch.get_field("lot_status").read_only)
		fieldnames = [df.fieldname for df in batch.fields]
		self.assertEqual(fieldnames.index("lot_status"), fieldnames.index("item_name") + 1)
		receipt_row = [df.fieldname for df in frappe.get_meta("Purchase Receipt Item").fields]
		batch_at = receipt_row.index("batch_no")
		self.assertEqual(
			receipt_row[batch_at + 1 : batch_at + 4],
			["supplier_lot_no", "supplier_manufacturing_date", "supplier_expiry_date"],
		)

	def test_lot_status_and_supplier_lot_are_indexed(self):
		for column in ("lot_status", "supplier_lot_no"):
			indexes = frappe.db.sql("show index from `tabBatch` where Column_name = %s", column)
			self.assertTrue(indexes, f"no index on Batch.{column}")

	def test_default_statuses_are_installed_with_their_flags(self):
		for status in DEFAULT_STATUSES:
			installed = LotStatus.from_record(frappe.get_doc("Lot Status", status.name).as_dict())
			self.assertEqual(installed, status)

	def test_settings_start_with_enforcement_on_and_ungoverned_lots_approved(self):
		settings = frappe.get_single("Lot Traceability Settings")
		self.assertEqual(settings.enable_enforcement, 1)
		self.assertEqual(settings.default_receipt_status, "Approved")
		self.assertEqual(settings.release_status, "Approved")
		self.assertEqual(settings.default_allocation_policy, "FEFO")

	def test_sync_is_idempotent(self):
		before = (app_custom_field_count(), frappe.db.count("Lot Status"))
		sync()
		sync()
		self.assertEqual((app_custom_field_count(), frappe.db.count("Lot Status")), before)
		self.assertEqual(before[0], sum(len(fields) for fields in CUSTOM_FIELDS.values()))

	def test_sync_keeps_an_admins_changes_to_a_shipped_status(self):
		status = frappe.get_doc("Lot Status", "Restricted")
		original = status.colour
		try:
			status.colour = "cyan"
			status.save()
			sync()
			self.assertEqual(frappe.db.get_value("Lot Status", "Restricted", "colour"), "cyan")
		finally:
			frappe.db.set_value("Lot Status", "Restricted", "colour", original)

	def test_lot_governing_roles_may_read_lots(self):
		for role in ("Quality Manager", "Stock Manager", "Stock User"):
			self.assertTrue(
				frappe.db.exists("Custom DocPerm", {"parent": "Batch", "role": role, "read": 1}), role
			)


PROBE_DOCTYPE = "LT Column Drop Probe"  # a scratch table, not a DocType: `tabLT Column Drop Probe`


class TestUninstallDropsColumns(FrappeTestCase):
	"""Uninstall drops the app's columns without leaving the table to grow towards MariaDB's limit."""

	def tearDown(self):
		frappe.db.sql_ddl(f"drop table if exists `tab{PROBE_DOCTYPE}`")

	def test_install_and_uninstall_cycles_never_reach_the_row_size_limit(self):
		# As wide as Frappe makes a busy child table: 60 Data/Link columns of varchar(140).
		columns = ", ".join(f"`c{i}` varchar(140)" for i in range(60))
		frappe.db.sql_ddl(
			f"create table `tab{PROBE_DOCTYPE}` (name varchar(140) primary key, {columns})"
			" engine=InnoDB row_format=dynamic character set utf8mb4"
		)
		frappe.db.sql(f"insert into `tab{PROBE_DOCTYPE}` (name, c0) values ('row', 'kept')")
		added = [f"lot_field_{i}" for i in range(8)]
		# Dropped one by one, instantly, MariaDB 10.11 refuses the drop of cycle 41 with error 1118.
		for cycle in range(60):
			adds = ", ".join(f"add column `{column}` varchar(140)" for column in added)
			frappe.db.sql_ddl(f"alter table `tab{PROBE_DOCTYPE}` {adds}")
			drop_columns(PROBE_DOCTYPE, added)
			present = frappe.db.sql(f"show columns from `tab{PROBE_DOCTYPE}` like %s", "lot_field_%")
			self.assertEqual(present, (), f"cycle {cycle}")
		self.assertEqual(frappe.db.sql(f"select c0 from `tab{PROBE_DOCTYPE}`"), (("kept",),))

	def test_nothing_to_drop_leaves_the_table_alone(self):
		frappe.db.sql_ddl(f"create table `tab{PROBE_DOCTYPE}` (name varchar(140) primary key, c0 int)")
		drop_columns(PROBE_DOCTYPE, [])
		self.assertEqual(len(frappe.db.sql(f"show columns from `tab{PROBE_DOCTYPE}`")), 2)
