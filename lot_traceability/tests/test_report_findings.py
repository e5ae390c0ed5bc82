"""What a quality manager, a warehouse clerk and a planner found walking the demo: the foresight
reports say when foresight was computed, the workspace is whole for a Quality Manager, and reports
that speak of the same lots agree."""

import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability import foresight
from lot_traceability.lot_traceability.report.expiry_risk import expiry_risk
from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions
from lot_traceability.lot_traceability.report.supplier_lot_risk import supplier_lot_risk
from lot_traceability.tests.utils import make_user

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


QUALITY_MANAGER = "lot-qm-only@example.com"
WORKSPACE = "Lot Traceability"


class TestQualityManagerWorkspace(FrappeTestCase):
	"""A user with only Quality Manager and Stock User sees the whole workspace."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(QUALITY_MANAGER, ["Quality Manager", "Stock User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_every_number_card_is_permitted_and_its_method_answers(self):
		cards = [row.number_card_name for row in frappe.get_doc("Workspace", WORKSPACE).number_cards]
		self.assertEqual(len(cards), 6)
		frappe.set_user(QUALITY_MANAGER)
		self.assertEqual(set(frappe.get_roles()) & {"System Manager", "Stock Manager"}, set())
		for name in cards:
			with self.subTest(card=name):
				card = frappe.get_doc("Number Card", name)
				self.assertTrue(frappe.has_permission("Number Card", doc=name), name)
				if card.type == "Custom":
					answer = frappe.get_attr(card.method)()
					self.assertIn("value", answer)

	def test_the_workspace_shows_the_quality_manager_every_card_and_link(self):
		from frappe.desk.desktop import get_desktop_page

		frappe.set_user(QUALITY_MANAGER)
		page = get_desktop_page(frappe.as_json({"name": WORKSPACE, "title": WORKSPACE, "public": 1}))
		self.assertEqual(len(page["number_cards"]["items"]), 6)
		shown = {link.link_to for card in page["cards"]["items"] for link in card["links"]}
		self.assertTrue({"Lot Expiry Forecast", "Lot Anomaly", "lot-genealogy"} <= shown, shown)

	def test_every_workspace_link_target_exists_and_opens_for_the_quality_manager(self):
		links = [
			(row.link_type, row.link_to, row.label)
			for row in frappe.get_doc("Workspace", WORKSPACE).links
			if row.type == "Link"
		] + [(row.type, row.link_to, row.label) for row in frappe.get_doc("Workspace", WORKSPACE).shortcuts]
		frappe.set_user(QUALITY_MANAGER)
		readable = frappe.utils.user.UserPermissions(QUALITY_MANAGER)
		readable.build_permissions()
		routable = {*readable.can_read, *readable.can_write, *readable.can_create, *readable.in_create}
		self.assertNotIn("System Settings", routable)  # the Quality Manager's, not everything
		for link_type, target, label in links:
			with self.subTest(link=label):
				self.assertIn(link_type, ("DocType", "Report", "Page"))
				self.assertTrue(frappe.db.exists(link_type, target), f"{link_type} {target}")
				if link_type == "DocType" and not frappe.get_meta(target).issingle:
					# a DocType the desk routes to its list (a read-only one is routed nowhere)
					self.assertTrue(target in routable, target)
