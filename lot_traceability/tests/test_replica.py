"""The heavy reads run on the site's MariaDB read replica, through Frappe's `frappe.read_only()`, and
writes stay on the primary. Runs only where the site is configured for a replica (`scripts/replica
up` then `scripts/replica enable`); skipped, saying so, elsewhere.

Who answered is measured on the servers: the primary connection's own statement counter
(`Com_select` of its session) does not move while the app reads, and the replica's does."""

import frappe
from frappe.desk.query_report import run as run_report
from frappe.tests.utils import FrappeTestCase

from lot_traceability import api, demo
from lot_traceability.labels import lot_gs1_string
from lot_traceability.tests import hold_replica_reads, replica_reads

CONTAMINATED = "DC-5531"
SKIP_REASON = (
	"no read replica configured for this site (site config read_from_replica, replica_host, "
	"replica_db_port): run scripts/replica up and scripts/replica enable to include this test"
)


def replica_configured() -> bool:
	return bool(frappe.conf.read_from_replica and frappe.conf.replica_host)


def session_selects(db) -> int:
	return int(db.sql("show session status like 'Com_select'")[0][1])


def global_selects_of_replica() -> int:
	"""The replica server's count of SELECTs, read on a connection of its own."""
	replica = frappe.database.get_db(
		socket=None,
		host=frappe.conf.replica_host,
		port=frappe.conf.replica_db_port,
		user=frappe.conf.db_name,
		password=frappe.conf.db_password,
		cur_db_name=frappe.conf.db_name,
	)
	try:
		replica.connect()
		return int(replica.sql("show global status like 'Com_select'")[0][1])
	finally:
		replica.close()


class TestReplicaReads(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not replica_configured():
			raise __import__("unittest").SkipTest(SKIP_REASON)
		demo.load()  # loads it once (afresh if an earlier install left its companies)
		frappe.db.commit()
		cls.milk = frappe.db.get_value("Batch", {"supplier_lot_no": CONTAMINATED})
		hold_replica_reads()  # where the tier's setup did not run (a module run without it)
		replica_reads["on"] = True

	@classmethod
	def tearDownClass(cls):
		replica_reads["on"] = False
		forget_replica()
		super().tearDownClass()

	def setUp(self):
		forget_replica()

	def tearDown(self):
		forget_replica()

	def answered_by_replica(self, read):
		"""Run `read`; assert the primary connection ran no SELECT for it and the replica did."""
		primary = frappe.local.db
		before_primary = session_selects(primary)
		before_replica = global_selects_of_replica()
		result = read()
		self.assertIs(frappe.local.db, primary, "the request is back on the primary afterwards")
		# the counter read itself is a SHOW, not a SELECT
		self.assertEqual(session_selects(primary) - before_primary, 0, "the primary answered")
		self.assertGreater(global_selects_of_replica() - before_replica, 1, "the replica did not answer")
		forget_replica()
		return result

	def test_trace_recall_impact_lookup_and_allocation_read_the_replica(self):
		trace = self.answered_by_replica(lambda: api.get_lot_trace(self.milk, direction="Forward"))
		self.assertTrue(trace["directions"]["forward"]["nodes"])
		impact = self.answered_by_replica(lambda: api.get_recall_impact(supplier_lot_no=CONTAMINATED))
		self.assertGreater(impact["summary"]["lots"], 1)
		found = self.answered_by_replica(lambda: api.lookup_lot(self.milk))
		self.assertIn(self.milk, str(found))
		item = frappe.db.get_value("Batch", self.milk, "item")
		warehouse = frappe.db.get_value("Lot Balance", {"batch": self.milk, "qty": (">", 0)}, "warehouse")
		explained = self.answered_by_replica(
			lambda: api.check_allocation(item, warehouse, 1, company="Demo Food Ingredients")
		)
		self.assertEqual(explained["item_code"], item)

	def test_the_exports_read_the_replica(self):
		self.answered_by_replica(lambda: api.download_epcis(lot=self.milk))
		self.assertIn(b'"EPCISDocument"', frappe.response["filecontent"].encode())
		self.answered_by_replica(lambda: api.download_fsma204(lot=self.milk, file_format="csv"))
		self.assertIn(self.milk, frappe.response["filecontent"])

	def test_reports_run_on_the_replica_and_write_nothing(self):
		for report, filters in (
			("Recall Impact", {"supplier_lot_no": CONTAMINATED, "section": "Customers"}),
			("Lot Traceability KPIs", {}),
			("Lot Trace", {"batch": self.milk}),
			("Expiry Risk", {}),
			("Lot Exceptions", {}),
			("FSMA 204 Records", {"lot": self.milk}),
		):
			with self.subTest(report=report):
				result = self.answered_by_replica(lambda r=report, f=filters: run_report(r, filters=f))
				self.assertIn("result", result)

	def test_writes_go_to_the_primary_and_the_replica_refuses_them(self):
		primary = frappe.local.db

		@frappe.read_only()
		def write_inside_a_read():
			self.assertIsNot(frappe.local.db, primary)
			with self.assertRaises(Exception) as refused:  # the replica server is read-only
				frappe.db.sql("update `tabBatch` set modified = modified where name = %s", self.milk)
			return str(refused.exception)

		self.assertIn("read-only", write_inside_a_read().lower().replace("_", "-"))
		forget_replica()
		# a decision that moves stock reads the primary: the scan of a lot on a form, which refuses
		# a lot that may not make the form's movement, never switches to the replica
		before = session_selects(primary)
		try:
			api.scan_lot_label(lot_gs1_string(self.milk), "Delivery Note")
		except frappe.ValidationError:
			pass  # refused or not a label: either way decided here
		self.assertFalse(hasattr(frappe.local, "replica_db"))
		self.assertGreater(session_selects(primary) - before, 0)
		frappe.db.sql("update `tabBatch` set modified = modified where name = %s", self.milk)


def forget_replica() -> None:
	"""Frappe switches to the replica once per request (it keeps the connections it made on
	`frappe.local`): each read of a test is a request of its own."""
	for name in ("replica_db", "primary_db"):
		if hasattr(frappe.local, name):
			delattr(frappe.local, name)
