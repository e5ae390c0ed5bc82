"""The configuration that decides what the controls stop is written by System Managers only; every
change to it is kept and told to the quality roles; while enforcement is off, the desk says so."""

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client

from lot_traceability.tests.utils import api_token, make_user

QUALITY_MANAGER = "lt.controls.quality@example.com"
SYSTEM_MANAGER = "lt.controls.system@example.com"
SETTINGS = "Lot Traceability Settings"


def settings_value(field):
	return frappe.db.get_single_value(SETTINGS, field)


class TestControlsAreSystemManagers(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(QUALITY_MANAGER, ["Quality Manager", "Stock User"])
		make_user(SYSTEM_MANAGER, ["System Manager", "Stock User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_quality_manager_cannot_switch_enforcement_off(self):
		frappe.set_user(QUALITY_MANAGER)
		settings = frappe.get_doc(SETTINGS)
		settings.enable_enforcement = 0
		with self.assertRaisesRegex(
			frappe.PermissionError,
			r"Only a System Manager may change <strong>Enforce Lot Status on Stock Transactions</strong> of Lot "
			r"Traceability Settings:",
		):
			settings.save()
		frappe.set_user("Administrator")
		self.assertEqual(settings_value("enable_enforcement"), 1)

	def test_a_quality_manager_cannot_widen_transitions_or_drop_sign_off(self):
		frappe.set_user(QUALITY_MANAGER)
		settings = frappe.get_doc(SETTINGS)
		settings.append("transitions", {"to_status": "Approved", "role": "Stock User"})
		settings.require_sign_off = 0
		with self.assertRaises(frappe.PermissionError) as refused:
			settings.save()
		message = str(refused.exception)
		self.assertIn("<strong>Transitions</strong>, <strong>Two-Person Sign-off</strong>", message)
		frappe.set_user("Administrator")
		self.assertEqual(settings_value("require_sign_off"), 1)
		self.assertFalse(
			frappe.db.exists(
				"Lot Status Transition", {"parent": SETTINGS, "to_status": "Approved", "role": "Stock User"}
			)
		)

	def test_a_quality_manager_still_tunes_thresholds(self):
		frappe.set_user(QUALITY_MANAGER)
		settings = frappe.get_doc(SETTINGS)
		settings.near_expiry_days = (settings.near_expiry_days or 30) + 1
		settings.save()
		self.assertEqual(settings_value("near_expiry_days"), settings.near_expiry_days)

	def test_a_quality_manager_cannot_let_a_hold_status_ship(self):
		frappe.set_user(QUALITY_MANAGER)
		status = frappe.get_doc("Lot Status", "Quarantined")
		status.allow_shipment = 1
		with self.assertRaisesRegex(
			frappe.PermissionError,
			r"Only a System Manager may change <strong>May be shipped</strong> of Lot Status <strong>Quarantined</strong>",
		):
			status.save()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Lot Status", "Quarantined", "allow_shipment"), 0)

	def test_a_quality_manager_cannot_create_a_status_that_lets_lots_ship(self):
		frappe.set_user(QUALITY_MANAGER)
		status = frappe.get_doc(
			{
				"doctype": "Lot Status",
				"status_name": "_LT Anything Goes",
				"colour": "green",
				"allow_shipment": 1,
			}
		)
		with self.assertRaisesRegex(frappe.PermissionError, "May be shipped"):
			status.insert()
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("Lot Status", "_LT Anything Goes"))

	def test_a_system_managers_change_is_kept_and_told_to_the_quality_roles(self):
		before = frappe.db.count("Notification Log", {"for_user": QUALITY_MANAGER})
		versions = frappe.db.count("Version", {"ref_doctype": SETTINGS})
		frappe.set_user(SYSTEM_MANAGER)
		settings = frappe.get_doc(SETTINGS)
		settings.sign_off_from_holds_only = 0 if settings.sign_off_from_holds_only else 1
		settings.save(ignore_version=False)  # Frappe keeps no versions in tests unless asked
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("Version", {"ref_doctype": SETTINGS}), versions + 1)
		told = frappe.get_all(
			"Notification Log",
			filters={"for_user": QUALITY_MANAGER, "document_type": SETTINGS},
			fields=["subject", "from_user"],
			order_by="creation desc",
			limit=1,
		)
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": QUALITY_MANAGER}), before + 1)
		self.assertEqual(told[0].from_user, SYSTEM_MANAGER)
		self.assertIn(
			"changed <strong>Only When Releasing a Lot</strong> of Lot Traceability Settings", told[0].subject
		)

	def test_a_threshold_change_tells_nobody(self):
		before = frappe.db.count("Notification Log", {"for_user": QUALITY_MANAGER})
		frappe.set_user(SYSTEM_MANAGER)
		settings = frappe.get_doc(SETTINGS)
		settings.max_lot_adjustments = (settings.max_lot_adjustments or 3) + 1
		settings.save()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": QUALITY_MANAGER}), before)

	def test_the_desk_is_told_when_enforcement_is_off(self):
		from lot_traceability.overrides.boot import boot_session

		frappe.db.set_single_value(SETTINGS, "enable_enforcement", 0)
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		bootinfo = frappe._dict()
		boot_session(bootinfo)
		self.assertEqual(bootinfo.lot_traceability, {"enforcement": 0})
		frappe.db.set_single_value(SETTINGS, "enable_enforcement", 1)
		frappe.clear_document_cache(SETTINGS, SETTINGS)
		boot_session(bootinfo)
		self.assertEqual(bootinfo.lot_traceability, {"enforcement": 1})


class TestControlsOverREST(FrappeTestCase):
	"""The same refusal over REST: the value is not changed, and the caller is told."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(QUALITY_MANAGER, ["Quality Manager", "Stock User"])
		cls.token = api_token(QUALITY_MANAGER)
		frappe.db.commit()  # the requests run in their own transaction
		cls.client = get_test_client()

	def test_a_put_of_the_settings_is_refused(self):
		response = make_request(
			target=self.client.put,
			args=(f"/api/resource/{SETTINGS}/{SETTINGS}",),
			kwargs={
				"json": {"enable_enforcement": 0, "require_sign_off": 0},
				"headers": {"Authorization": f"token {self.token}"},
			},
		)
		self.assertEqual(response.status_code, 403, response.json)
		self.assertIn("Only a System Manager may change", str(response.json))
		frappe.db.rollback()
		self.assertEqual(settings_value("enable_enforcement"), 1)
		self.assertEqual(settings_value("require_sign_off"), 1)

	def test_set_value_is_refused(self):
		response = make_request(
			target=self.client.post,
			args=("/api/method/frappe.client.set_value",),
			kwargs={
				"json": {
					"doctype": SETTINGS,
					"name": SETTINGS,
					"fieldname": "enable_enforcement",
					"value": 0,
				},
				"headers": {"Authorization": f"token {self.token}"},
			},
		)
		self.assertEqual(response.status_code, 403, response.json)
		frappe.db.rollback()
		self.assertEqual(settings_value("enable_enforcement"), 1)
