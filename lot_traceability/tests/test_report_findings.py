"""What a quality manager, a warehouse clerk and a planner found walking the demo: the foresight
reports say when foresight was computed, the workspace is whole for a Quality Manager, and reports
that speak of the same lots agree."""

import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability import foresight
from lot_traceability.lot_traceability.report.expiry_risk import expiry_risk
from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions
from lot_traceability.lot_traceability.report.supplier_lot_risk import supplier_lot_risk

SETTINGS = "Lot Traceability Settings"
FORESIGHT_REPORTS = {
	"Expiry Risk": lambda: expiry_risk.execute({})[2],
	"Supplier Lot Risk": lambda: supplier_lot_risk.execute({})[2],
	"Lot Exceptions": lambda: lot_exceptions.execute({})[2],
}


class TestForesightIsDated(FrappeTestCase):
	def test_each_foresight_report_says_foresight_was_never_computed(self):
		frappe.db.set_single_value(SETTINGS, "foresight_computed_on", None)
		for report, message in FORESIGHT_REPORTS.items():
			with self.subTest(report=report):
				self.assertIn("has not been computed yet", message())
				self.assertIn("Compute Foresight", message())

	def test_each_foresight_report_says_when_foresight_was_last_computed(self):
		foresight.compute_all()
		stamp = frappe.db.get_single_value(SETTINGS, "foresight_computed_on")
		for report, message in FORESIGHT_REPORTS.items():
			with self.subTest(report=report):
				self.assertIn(f"Foresight last computed on {frappe.utils.format_datetime(stamp)}", message())

	def test_the_demo_computes_foresight_when_it_loads(self):
		from lot_traceability import demo

		frappe.db.set_single_value(SETTINGS, "foresight_computed_on", None)
		counts = demo.compute_foresight()
		self.assertEqual(set(counts), {"expiry_forecasts", "supplier_scores", "anomalies"})
		self.assertTrue(frappe.db.get_single_value(SETTINGS, "foresight_computed_on"))
		self.assertIn("compute_foresight()", __import__("inspect").getsource(demo.load))
