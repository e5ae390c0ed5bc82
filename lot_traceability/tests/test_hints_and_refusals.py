"""What the desk tells a person beside a greyed or offered choice, and how a refusal reaches the
browser: Lot Lookup's Quarantine and Move to Quarantine Warehouse say the real reason they are not
offered; the batch picker shows a restricted lot's scope; a refusal's response carries its message
and no server traceback, while an error that is no refusal keeps its traceback."""

import json

import frappe
from frappe.tests.utils import FrappeTestCase
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from lot_traceability import api, demo
from lot_traceability.enforcement import LotNotAllowedError
from lot_traceability.messages import Refused
from lot_traceability.pickers import offered
from lot_traceability.tests.utils import delivery_note, make_lot, make_user


class TestHintsAndRefusals(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_quarantined_lot_says_it_is_quarantined_already_not_that_roles_may_not(self):
		lot = make_lot(status="Quarantined")
		overview = api.get_lot_overview(lot.batch)
		self.assertNotIn("Quarantined", [target["status"] for target in overview["targets"]])
		self.assertEqual(overview["not_offered"]["Quarantined"], f"Lot {lot.batch} is already Quarantined.")
		# a status its roles may not choose says so, to a user without the right
		clerk = make_user("lt-hints-clerk@example.com", ["Stock User"])
		fresh = make_lot(status="Approved")
		frappe.set_user(clerk)
		overview = api.get_lot_overview(fresh.batch)
		self.assertEqual(overview["targets"], [])
		self.assertEqual(
			overview["not_offered"]["Quarantined"], "Your roles may not move this lot to Quarantined."
		)

	def test_move_to_quarantine_is_not_offered_for_a_lot_without_stock(self):
		lot = make_lot(status="Approved")
		overview = api.get_lot_overview(lot.batch)  # the test company has no quarantine warehouse
		self.assertEqual(
			overview["quarantine_move"],
			{
				"allowed": False,
				"hint": "Its company has no quarantine warehouse: tick Is Quarantine Warehouse on one of its warehouses.",
			},
		)
		# a demo lot with stock in a company that has one: offered
		cakes = frappe.get_all(
			"Lot Balance", filters={"item": "DEMO-CAKE-MIX", "qty": (">", 0)}, pluck="batch"
		)
		self.assertEqual(api.get_lot_overview(cakes[0])["quarantine_move"], {"allowed": True, "hint": ""})
		frappe.db.sql(  # the lot's stock gone (as if shipped): nothing left to move
			"update `tabLot Balance` set qty = 0 where batch = %s", lot.batch
		)
		overview = api.get_lot_overview(lot.batch)
		self.assertFalse(overview["quarantine_move"]["allowed"])
		self.assertEqual(
			overview["quarantine_move"]["hint"],
			f"Lot {lot.batch} has no stock: nothing to move into quarantine.",
		)

	def test_the_picker_shows_a_restricted_lots_scope(self):
		flour = frappe.db.get_value("Batch", {"supplier_lot_no": "MILL-24-131"})
		self.assertEqual(frappe.db.get_value("Batch", flour, "lot_status"), "Restricted")
		rows = offered([(flour, 100.0)], {"posting_date": frappe.utils.nowdate()})
		self.assertEqual(rows[0][0], flour)
		self.assertIn("Restricted: to make DEMO-CAKE-MIX; not for sale", rows[0][-1])
		free = frappe.get_all(
			"Batch", filters={"item": "DEMO-FLOUR", "lot_status": "Approved"}, pluck="name", limit=1
		)[0]
		self.assertEqual(offered([(free, 5.0)], {"posting_date": frappe.utils.nowdate()}), [(free, 5.0)])

	def respond(self, call) -> dict:
		"""What the browser receives when `call` raises during a request to the API."""
		from frappe.utils.response import report_error

		saved = {key: getattr(frappe.local, key, None) for key in ("request", "error_log", "response")}
		frappe.local.request = Request(
			EnvironBuilder(
				path="/api/method/lot_traceability.api.change_lot_status", method="POST"
			).get_environ()
		)
		frappe.local.error_log = []
		frappe.local.response = frappe._dict(docs=[])
		frappe.local.flags.disable_traceback = False
		try:
			try:
				call()
			except Exception as error:
				raised = error
				response = report_error(getattr(error, "http_status_code", 500))
			else:
				self.fail("nothing was raised")
			return {"raised": raised, "body": json.loads(response.get_data())}
		finally:
			frappe.local.flags.disable_traceback = False
			for key, value in saved.items():
				setattr(frappe.local, key, value)
			frappe.clear_messages()

	def test_a_refusal_reaches_the_browser_without_the_servers_traceback(self):
		lot = make_lot(status="Quarantined")
		note = delivery_note(lot.item, 2, batch=lot.batch)
		answer = self.respond(note.insert)
		self.assertIsInstance(answer["raised"], LotNotAllowedError)
		self.assertNotIn("exc", answer["body"])
		self.assertNotIn("exception", answer["body"])
		self.assertIn(lot.batch, answer["body"]["_server_messages"])
		# the app's plain refusals too
		answer = self.respond(lambda: frappe.throw("Choose the warehouses to allocate from.", Refused))
		self.assertNotIn("exc", answer["body"])

	def test_an_error_that_is_no_refusal_keeps_its_traceback(self):
		answer = self.respond(lambda: 1 / 0)
		self.assertIn("ZeroDivisionError", answer["body"]["exc"])
		# and Frappe's own validation errors are left as Frappe sends them
		answer = self.respond(lambda: frappe.throw("not one of ours"))
		self.assertIn("ValidationError", answer["body"]["exc"])
