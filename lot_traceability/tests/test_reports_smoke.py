"""Every Script Report of the app runs on the demo with its default filters and with a demo lot, and
every page's data method answers for a demo lot — each asserting rows, as ERPNext's own
`stock/report/test_reports.py` runs its reports. A report the app ships that has no row here fails
the first test, so a new report is smoke-tested from the day it lands."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_months, nowdate

from lot_traceability import api, demo
from lot_traceability.foresight import job
from lot_traceability.tests.test_recall import new_recall
from lot_traceability.tests.utils import demo_milk_and_cakes

MAKER = "Demo Food Ingredients"
DISTRIBUTOR = "Demo Specialty Foods"
MODULE = "Lot Traceability"


def run(report: str, filters: dict):
	"""A Script Report's (columns, rows) through Frappe's own runner, as the desk asks for it."""
	from frappe.desk.query_report import run as run_report

	answer = run_report(report, filters=filters, ignore_prepared_report=True)
	return answer["columns"], answer["result"]


def data_rows(rows) -> list:
	"""The report's rows without its total row."""
	return [row for row in rows if not (isinstance(row, dict) and row.get("is_total_row"))]


class TestEveryReportAndPageOnTheDemo(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		# the foresight reports read what the daily job computed: computed now, as the demo does on load
		job.compute_all()
		frappe.db.commit()
		from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions

		flagged = [row["lot"] for row in lot_exceptions.execute({"min_score": 0})[1] if row.get("lot")]
		cls.flagged = flagged[0] if flagged else None
		cls.milk, cls.cakes = demo_milk_and_cakes()
		cls.milk_item = frappe.db.get_value("Batch", cls.milk, "item")
		cls.today = nowdate()
		# (report, default filters as its .js sets them, the same with a demo lot)
		cls.cases = {
			"Lot Trace": ({"direction": "Both"}, {"direction": "Both", "batch": cls.milk}),
			"Recall Impact": ({"section": "Stock"}, {"section": "Customers", "batch": cls.milk}),
			"Lot Availability": (
				{"date": cls.today, "days": 30},
				{"date": cls.today, "days": 30, "item_code": cls.milk_item},
			),
			# the demo's nearest expiries are months away: a year's horizon, not the form's 90 days
			"Expiry Risk": ({"days": 365}, {"days": 365, "item_code": cls.milk_item}),
			"Lot Exceptions": ({"min_score": 0}, {"min_score": 0, "lot": cls.flagged}),
			"FSMA 204 Records": (
				{"from_date": add_days(cls.today, -30), "to_date": cls.today},
				{"lot": cls.milk},
			),
			"Supplier Lot Risk": ({}, {"item_group": frappe.db.get_value("Item", cls.milk_item, "item_group")}),
			"Lot Traceability KPIs": (
				{"view": "Summary", "from_date": add_months(cls.today, -12), "to_date": cls.today},
				{"view": "Summary", "from_date": "2000-01-01", "to_date": cls.today, "company": MAKER},
			),
		}

	def setUp(self):
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_every_report_of_the_app_has_its_case(self):
		shipped = set(frappe.get_all("Report", filters={"module": MODULE}, pluck="name"))
		self.assertTrue(shipped)
		self.assertEqual(shipped, set(self.cases))
		for report in shipped:
			self.assertEqual(frappe.db.get_value("Report", report, "report_type"), "Script Report")

	def test_each_report_with_a_demo_lot_gives_rows_and_columns(self):
		for report, (_defaults, with_lot) in self.cases.items():
			with self.subTest(report=report):
				columns, rows = run(report, with_lot)
				self.assertTrue(columns)
				rows = data_rows(rows)
				self.assertTrue(rows, f"{report} gave no rows for {with_lot}")
				first = columns[0].get("fieldname") if isinstance(columns[0], dict) else None
				for row in rows:
					if isinstance(row, dict) and first:
						self.assertIn(first, row, f"{report}: a row without its first column")

	def test_each_report_with_its_default_filters_answers(self):
		needs_a_lot = {"Lot Trace", "Recall Impact"}
		for report, (defaults, _with_lot) in self.cases.items():
			with self.subTest(report=report):
				if report in needs_a_lot:
					# no lot, no recall: the report asks for one rather than reading every lot
					columns, rows = run(report, defaults)
					self.assertFalse(data_rows(rows))
					continue
				columns, rows = run(report, defaults)
				self.assertTrue(columns)
				self.assertTrue(data_rows(rows), f"{report} gave no rows with its default filters")

	def test_a_lot_filter_narrows_the_lot_reports_to_that_lot(self):
		self.assertTrue(self.flagged, "the demo has a lot with an exception")
		_columns, rows = run("Lot Exceptions", {"min_score": 0, "lot": self.flagged})
		self.assertEqual({row["lot"] for row in data_rows(rows)}, {self.flagged})
		_columns, rows = run("FSMA 204 Records", {"lot": self.milk})
		lots = {row.get("traceability_lot_code") or row.get("lot") for row in data_rows(rows)}
		self.assertIn(self.milk, lots)
		_columns, rows = run("Lot Trace", {"direction": "Forward", "batch": self.milk})
		traced = {row.get("lot") for row in data_rows(rows) if row.get("lot")}
		self.assertTrue(set(self.cakes) <= traced, f"{set(self.cakes) - traced} missing from the trace")

	def test_each_page_answers_for_a_demo_lot(self):
		graph = api.get_lot_graph(self.milk)
		self.assertIn(self.milk, {node["id"] for node in graph["nodes"]})
		self.assertTrue(set(self.cakes) & {node["id"] for node in graph["nodes"]})
		self.assertTrue(graph["edges"])
		found = api.lookup_lot(self.milk)
		self.assertEqual((found["batch"], found["supplier_lot_no"]), (self.milk, "DC-5531"))
		self.assertTrue(found["balances"])

	def test_the_war_room_answers_for_a_demo_recall(self):
		recall = new_recall(supplier_lot_no="DC-5531", is_mock=1)
		recall.submit()
		room = api.get_recall_war_room(recall.name)
		self.assertTrue(room["companies"] if "companies" in room else room)
		self.assertGreater(room["outstanding"] + room["recovered"], 0)

