import frappe
from dateutil.relativedelta import relativedelta
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate

from lot_traceability.api import get_effective_lot_rule
from lot_traceability.config import get_lot_rule
from lot_traceability.tests.utils import (
	get_company,
	get_received_batches,
	make_item_group,
	make_lot_item,
	make_lot_rule,
	receive,
)

# Our tests build their own items, groups and companies' records; ERPNext's test records are not needed.
test_ignore = ["Item", "Item Group", "Company", "Lot Status"]


class TestLotRule(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company = get_company()
		make_item_group("_LT Ingredients")
		make_item_group("_LT Dairy", parent="_LT Ingredients")
		cls.item = make_lot_item(item_group="_LT Dairy")

	def test_negative_shelf_life_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as refusal:
			make_lot_rule(item=self.item, shelf_life=-30, shelf_life_unit="Days")
		self.assertIn("negative", str(refusal.exception))
		self.assertFalse(frappe.db.exists("Lot Rule", {"item": self.item}))

	def test_minimum_remaining_longer_than_shelf_life_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as refusal:
			make_lot_rule(item=self.item, shelf_life=1, shelf_life_unit="Months", min_remaining_shelf_life=45)
		self.assertIn("longer than the whole shelf life", str(refusal.exception))

	def test_percentage_over_100_is_refused(self):
		with self.assertRaisesRegex(
			frappe.ValidationError,
			r"Minimum Remaining Shelf Life cannot exceed 100 % of the shelf life \(got 150\.0\)",
		):
			make_lot_rule(
				item=self.item, min_remaining_shelf_life=150, min_remaining_shelf_life_unit="% of Shelf Life"
			)

	def test_two_rules_of_equal_scope_for_one_item_are_refused(self):
		item = make_lot_item()
		first = make_lot_rule(item=item)
		with self.assertRaises(frappe.ValidationError) as refusal:
			make_lot_rule(item=item, shelf_life=10)
		self.assertIn(first.name, str(refusal.exception))
		self.assertIn(item, str(refusal.exception))
		self.assertEqual(frappe.db.count("Lot Rule", {"item": item}), 1)

	def test_a_disabled_twin_or_a_company_limited_rule_is_no_conflict(self):
		item = make_lot_item()
		make_lot_rule(item=item)
		make_lot_rule(item=item, enabled=0)
		make_lot_rule(item=item, rule_company=self.company)
		self.assertEqual(frappe.db.count("Lot Rule", {"item": item}), 3)
		with self.assertRaisesRegex(
			frappe.ValidationError,
			f"already applies to Item <strong>{item}</strong> in company <strong>{self.company}</strong>",
		):
			make_lot_rule(item=item, rule_company=self.company)

	def test_company_rule_needs_its_company(self):
		with self.assertRaisesRegex(
			frappe.ValidationError, "A Lot Rule that applies to Company needs <strong>Company</strong>"
		):
			make_lot_rule(applies_to="Company")

	def test_scope_fields_of_other_scopes_are_cleared_and_title_set(self):
		rule = make_lot_rule(
			applies_to="Item Group", item_group="_LT Dairy", item=self.item, rule_company=self.company
		)
		self.assertIsNone(rule.item)
		self.assertEqual(rule.title, f"Item Group: _LT Dairy ({self.company})")

	def test_most_specific_rule_wins_on_real_items(self):
		item = make_lot_item(item_group="_LT Dairy")
		company_rule = make_lot_rule(applies_to="Company", rule_company=self.company)
		parent_group_rule = make_lot_rule(applies_to="Item Group", item_group="_LT Ingredients")
		self.assertEqual(get_lot_rule(item, self.company).name, parent_group_rule.name)

		group_rule = make_lot_rule(applies_to="Item Group", item_group="_LT Dairy")
		self.assertEqual(get_lot_rule(item, self.company).name, group_rule.name)

		item_rule = make_lot_rule(item=item)
		self.assertEqual(get_lot_rule(item, self.company).name, item_rule.name)

		item_rule_here = make_lot_rule(item=item, rule_company=self.company)
		self.assertEqual(get_lot_rule(item, self.company).name, item_rule_here.name)

		for rule in (item_rule_here, item_rule, group_rule, parent_group_rule):
			rule.enabled = 0
			rule.save()
		self.assertEqual(get_lot_rule(item, self.company).name, company_rule.name)
		self.assertIsNone(get_lot_rule(item, "_No Such Company"))
		self.assertIsNone(get_lot_rule(make_lot_item(item_group="Products"), None))

	def test_api_fills_the_gaps_from_settings(self):
		item = make_lot_item()
		self.assertEqual(
			get_effective_lot_rule(item, self.company)["receipt_status"],
			frappe.db.get_single_value("Lot Traceability Settings", "default_receipt_status"),
		)
		rule = make_lot_rule(
			item=item, receipt_status="Pending Inspection", shelf_life=18, shelf_life_unit="Months"
		)
		effective = get_effective_lot_rule(item, self.company)
		self.assertEqual(effective["lot_rule"], rule.name)
		self.assertEqual(effective["receipt_status"], "Pending Inspection")
		self.assertEqual((effective["shelf_life"], effective["shelf_life_unit"]), (18, "Months"))
		self.assertEqual(effective["allocation_policy"], "FEFO")

	def test_received_lot_takes_status_and_calendar_expiry_from_its_rule(self):
		item = make_lot_item()
		make_lot_rule(item=item, receipt_status="Pending Inspection", shelf_life=6, shelf_life_unit="Months")
		receipt = receive(item, qty=4)
		(batch_no,) = get_received_batches(receipt.name)
		batch = frappe.get_doc("Batch", batch_no)
		self.assertEqual(batch.lot_status, "Pending Inspection")
		self.assertEqual(
			getdate(batch.expiry_date), getdate(batch.manufacturing_date) + relativedelta(months=6)
		)

	def test_lot_of_an_item_without_rule_is_approved_and_keeps_erpnext_expiry(self):
		item = make_lot_item(has_expiry_date=1, shelf_life_in_days=10)
		receipt = receive(item, qty=2)
		(batch_no,) = get_received_batches(receipt.name)
		batch = frappe.get_doc("Batch", batch_no)
		self.assertEqual(batch.lot_status, "Approved")
		self.assertEqual((getdate(batch.expiry_date) - getdate(batch.manufacturing_date)).days, 10)
