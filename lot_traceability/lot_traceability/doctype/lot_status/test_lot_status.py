import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability.config import get_lot_status
from lot_traceability.traceability.statuses import Movement


def new_status(name, **flags):
	return frappe.get_doc({"doctype": "Lot Status", "status_name": name, "colour": "blue", **flags})


class TestLotStatus(FrappeTestCase):
	def test_terminal_status_that_may_be_received_into_is_refused(self):
		status = new_status("_Scrapped", is_terminal=1, allow_receipt=1, allow_write_off=1)
		with self.assertRaises(frappe.ValidationError) as refusal:
			status.insert()
		message = str(refusal.exception)
		self.assertIn("_Scrapped", message)
		self.assertIn("terminal", message)
		self.assertIn("be received into", message)
		self.assertFalse(frappe.db.exists("Lot Status", "_Scrapped"))

	def test_terminal_status_lists_every_forbidden_movement(self):
		status = new_status("_Gone", is_terminal=1, allow_receipt=1, allow_shipment=1)
		with self.assertRaises(frappe.ValidationError) as refusal:
			status.insert()
		self.assertIn("be received into", str(refusal.exception))
		self.assertIn("be shipped", str(refusal.exception))

	def test_custom_status_is_saved_and_read_by_the_core(self):
		new_status("_Lab Hold", allow_transfer=1, requires_reason=1).insert()
		status = get_lot_status("_Lab Hold")
		self.assertTrue(status.allows(Movement.TRANSFER))
		self.assertFalse(status.allows(Movement.SHIPMENT))
		self.assertTrue(status.requires_reason)

	def test_colour_must_be_an_indicator_colour(self):
		with self.assertRaisesRegex(
			frappe.ValidationError, "Colour <strong>mauve</strong> is not an indicator colour"
		):
			new_status("_Mauve", colour="mauve").insert()
		self.assertFalse(frappe.db.exists("Lot Status", "_Mauve"))
