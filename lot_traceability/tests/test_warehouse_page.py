"""The warehouse side of Lot Lookup on real documents: a GS1 label typed or scanned finds the lot and
says what the label itself reads; a lot's stock goes to quarantine as a draft Material Transfer per
company (nothing submitted), refused in words where there is nothing to move, no quarantine
warehouse, or no right to make stock entries."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate

from lot_traceability import api, demo
from lot_traceability.labels import lot_gs1_string
from lot_traceability.tests.utils import demo_milk_and_cakes, make_user

CLERK = "lt-warehouse-reader@example.com"


class TestWarehousePage(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()  # the demo kept whole, not undone by this class's rollback
		cls.milk, cls.cakes = demo_milk_and_cakes()
		make_user(CLERK, ["Accounts User"])
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_a_label_finds_its_lot_and_says_what_it_reads(self):
		cake = self.cakes[0]  # a lot id short enough for AI (10)
		found = api.lookup_lot(lot_gs1_string(cake))
		self.assertEqual(found["batch"], cake)
		self.assertEqual(found["label"]["lot"], frappe.db.get_value("Batch", cake, "batch_id") or cake)
		self.assertEqual(
			getdate(found["label"]["expiry_date"]), getdate(frappe.db.get_value("Batch", cake, "expiry_date"))
		)
		self.assertNotIn("label", api.lookup_lot(cake))  # a lot id is no label

	def test_the_stock_goes_to_quarantine_as_a_draft_transfer(self):
		stock = {
			row.warehouse: row.qty
			for row in frappe.get_all(
				"Lot Balance", filters={"batch": self.milk, "qty": (">", 0)}, fields=["warehouse", "qty"]
			)
		}
		(draft,) = api.make_quarantine_transfer(self.milk)
		entry = frappe.get_doc("Stock Entry", draft)
		self.assertEqual((entry.docstatus, entry.purpose), (0, "Material Transfer"))
		quarantine = frappe.db.get_value(
			"Warehouse", {"company": entry.company, "is_quarantine_warehouse": 1, "is_group": 0}
		)
		self.assertEqual({row.s_warehouse: row.qty for row in entry.items}, stock)
		self.assertEqual({row.t_warehouse for row in entry.items}, {quarantine})
		self.assertEqual({row.batch_no for row in entry.items}, {self.milk})

	def test_refusals_in_words(self):
		empty = next(
			cake
			for cake in self.cakes
			if not frappe.db.get_value("Lot Balance", {"batch": cake, "qty": (">", 0)})
		)
		with self.assertRaisesRegex(
			frappe.ValidationError, f"Lot <strong>{empty}</strong> has no stock outside a quarantine"
		):
			api.make_quarantine_transfer(empty)
		frappe.db.set_value(
			"Warehouse",
			{"company": "Demo Food Ingredients", "is_quarantine_warehouse": 1},
			"is_quarantine_warehouse",
			0,
		)
		with self.assertRaisesRegex(
			frappe.ValidationError, "Demo Food Ingredients</strong> has no quarantine warehouse"
		):
			api.make_quarantine_transfer(self.milk)
		frappe.db.rollback()
		frappe.set_user(CLERK)
		with self.assertRaises(frappe.PermissionError):
			api.make_quarantine_transfer(self.milk)
