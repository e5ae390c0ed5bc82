"""What a receipt records on the lots it brings in, and the rules it enforces."""

from unittest.mock import patch

import frappe
from dateutil.relativedelta import relativedelta
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, nowdate

from lot_traceability import new_lots
from lot_traceability.receiving import SupplierLotMissingError
from lot_traceability.tests.utils import (
	attempt,
	get_received_batches,
	ledger_counts,
	make_item_group,
	make_lot_item,
	make_lot_rule,
	make_supplier,
	other_company,
	quality_inspection,
	receive,
)


def receipt_with_lot_data(item, supplier_lot_no=None, manufactured=None, expires=None, **overrides):
	receipt = receive(item, qty=5, do_not_save=True, **overrides)
	row = receipt.items[0]
	row.supplier_lot_no = supplier_lot_no
	row.supplier_manufacturing_date = manufactured
	row.supplier_expiry_date = expires
	return receipt


class TestReceiving(FrappeTestCase):
	def test_supplier_lot_no_is_mandatory_where_the_rule_says_so(self):
		item = make_lot_item()
		make_lot_rule(item=item, supplier_lot_mandatory=1)
		before = ledger_counts(item)
		receipt = receipt_with_lot_data(item)
		receipt.insert()  # a draft may wait for the supplier lot
		_doc, error = attempt(lambda: receipt)
		self.assertIsInstance(error, SupplierLotMissingError)
		self.assertIn("Row 1", str(error))
		self.assertIn(item, str(error))
		self.assertEqual(frappe.db.get_value("Purchase Receipt", receipt.name, "docstatus"), 0)
		self.assertEqual(ledger_counts(item), before)

	def test_receipt_copies_supplier_lot_data_onto_the_lot(self):
		item = make_lot_item()
		make_lot_rule(item=item, receipt_status="Pending Inspection", shelf_life=18, shelf_life_unit="Months")
		made = add_days(nowdate(), -20)
		receipt = receipt_with_lot_data(item, "SUP-LOT-77", manufactured=made)
		receipt.insert()
		receipt.submit()
		(batch_no,) = get_received_batches(receipt.name)
		lot = frappe.get_doc("Batch", batch_no)
		self.assertEqual(lot.supplier, receipt.supplier)
		self.assertEqual(lot.supplier_lot_no, "SUP-LOT-77")
		self.assertEqual(getdate(lot.manufacturing_date), getdate(made))
		self.assertEqual(getdate(lot.expiry_date), getdate(made) + relativedelta(months=18))
		self.assertEqual(getdate(lot.received_date), getdate(receipt.posting_date))
		self.assertEqual(lot.lot_status, "Pending Inspection")

	def test_supplier_expiry_date_wins_over_the_rule(self):
		item = make_lot_item()
		make_lot_rule(item=item, shelf_life=1, shelf_life_unit="Years")
		expires = add_days(nowdate(), 90)
		receipt = receipt_with_lot_data(item, "SUP-1", manufactured=nowdate(), expires=expires)
		receipt.insert()
		receipt.submit()
		(batch_no,) = get_received_batches(receipt.name)
		self.assertEqual(getdate(frappe.db.get_value("Batch", batch_no, "expiry_date")), getdate(expires))

	def test_supplier_lot_reused_by_another_supplier_is_flagged(self):
		item = make_lot_item()
		first = receipt_with_lot_data(item, "SHARED-9")
		first.insert()
		first.submit()
		other_supplier = make_supplier("_Lot Other Supplier")
		second = receipt_with_lot_data(item, "SHARED-9", supplier=other_supplier)
		second.insert()
		second.submit()
		(new_lot,) = get_received_batches(second.name)
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Batch", "reference_name": new_lot, "comment_type": "Comment"},
			pluck="content",
		)
		self.assertTrue(any("SHARED-9" in comment and "another supplier" in comment for comment in comments))

	def test_same_supplier_reusing_its_lot_no_is_not_flagged(self):
		item = make_lot_item()
		for _ in range(2):
			receipt = receipt_with_lot_data(item, "OWN-1")
			receipt.insert()
			receipt.submit()
		(lot,) = get_received_batches(receipt.name)
		self.assertFalse(frappe.db.exists("Comment", {"reference_name": lot, "content": ("like", "%OWN-1%")}))


class TestNewLotsOfAReceipt(FrappeTestCase):
	"""A receipt's new lots take its company, posting date and their items' rules, read once for the
	receipt (not once per lot): each lot still gets its own item's rule."""

	def test_each_new_lot_takes_its_own_rule_and_the_receipts_posting_date(self):
		group = make_item_group(f"_Lot Receipt Group {frappe.generate_hash(length=5)}")
		by_item, by_group, ungoverned = make_lot_item(), make_lot_item(item_group=group), make_lot_item()
		make_lot_rule(
			item=by_item, receipt_status="Pending Inspection", shelf_life=6, shelf_life_unit="Months"
		)
		make_lot_rule(applies_to="Item Group", item_group=group, receipt_status="Approved", shelf_life=30)
		make_lot_rule(item=ungoverned, rule_company=other_company(), receipt_status="Rejected")  # not here
		posted = add_days(nowdate(), -3)
		receipt = receive(by_item, qty=5, do_not_save=True, posting_date=posted, set_posting_time=1)
		for item in (by_group, ungoverned):
			template = receipt.items[0].as_dict()
			row = {k: v for k, v in template.items() if k not in ("name", "idx", "item_code", "item_name")}
			receipt.append("items", {**row, "item_code": item, "item_name": item})
		receipt.insert()
		with (
			patch.object(new_lots, "get_lot_rules", wraps=new_lots.get_lot_rules) as together,
			patch.object(new_lots, "get_lot_rule", wraps=new_lots.get_lot_rule) as one_by_one,
		):
			receipt.submit()
		lots = {
			lot.item: lot
			for lot in frappe.get_all(
				"Batch",
				filters={"reference_name": receipt.name},
				fields=["item", "lot_status", "expiry_date", "manufacturing_date"],
			)
		}
		default = frappe.db.get_single_value("Lot Traceability Settings", "default_receipt_status")
		self.assertEqual(
			{item: (lot.lot_status, lot.expiry_date) for item, lot in lots.items()},
			{
				by_item: ("Pending Inspection", getdate(posted) + relativedelta(months=6)),
				by_group: ("Approved", add_days(getdate(posted), 30)),
				ungoverned: (default, None),
			},
		)
		self.assertEqual({lot.manufacturing_date for lot in lots.values()}, {getdate(posted)})
		# the rules of the receipt's three lots: read together, not once per lot
		self.assertEqual((together.call_count, one_by_one.call_count), (1, 0))
		self.assertIsNone(getattr(frappe.local, "lot_new_lot_voucher", None))

	def test_a_lot_made_for_a_receipt_after_its_submit_reads_the_rule_afresh(self):
		item = make_lot_item()
		rule = make_lot_rule(item=item, receipt_status="Pending Inspection")
		receipt = receive(item, qty=5)
		frappe.db.set_value("Lot Rule", rule.name, "receipt_status", "Quarantined")
		later = frappe.get_doc(
			{
				"doctype": "Batch",
				"batch_id": f"_LT-R-{frappe.generate_hash(length=8)}",
				"item": item,
				"reference_doctype": "Purchase Receipt",
				"reference_name": receipt.name,
			}
		).insert()
		self.assertEqual(later.lot_status, "Quarantined")
		self.assertEqual(getdate(later.manufacturing_date), getdate(receipt.posting_date))


class TestQualityRelease(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.allow_after = frappe.db.get_single_value(
			"Stock Settings", "allow_to_make_quality_inspection_after_purchase_or_delivery"
		)
		frappe.db.set_single_value(
			"Stock Settings", "allow_to_make_quality_inspection_after_purchase_or_delivery", 1
		)

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value(
			"Stock Settings", "allow_to_make_quality_inspection_after_purchase_or_delivery", cls.allow_after
		)
		super().tearDownClass()

	def inspected_lot(self, decides=1):
		item = make_lot_item()
		make_lot_rule(
			item=item, receipt_status="Pending Inspection", quality_inspection_decides_release=decides
		)
		receipt = receive(item, qty=4)
		(batch,) = get_received_batches(receipt.name)
		return item, batch, receipt

	def test_accepted_inspection_releases_and_its_cancel_reverts(self):
		item, batch, receipt = self.inspected_lot()
		qi = quality_inspection(item, batch, receipt.name, "Accepted")
		self.assertEqual(frappe.db.get_value("Batch", batch, "lot_status"), "Approved")
		release = frappe.get_last_doc("Lot Status Change", filters={"reference_name": qi.name})
		self.assertEqual((release.source, release.to_status), ("Quality Inspection", "Approved"))

		qi.reload()
		qi.cancel()
		self.assertEqual(frappe.db.get_value("Batch", batch, "lot_status"), "Pending Inspection")
		changes = frappe.get_all(
			"Lot Status Change", filters={"reference_name": qi.name, "docstatus": 1}, pluck="to_status"
		)
		self.assertEqual(sorted(changes), ["Approved", "Pending Inspection"])

	def test_rejected_inspection_rejects(self):
		item, batch, receipt = self.inspected_lot()
		quality_inspection(item, batch, receipt.name, "Rejected")
		self.assertEqual(frappe.db.get_value("Batch", batch, "lot_status"), "Rejected")

	def test_inspection_does_not_decide_where_the_rule_does_not_say_so(self):
		item, batch, receipt = self.inspected_lot(decides=0)
		quality_inspection(item, batch, receipt.name, "Accepted")
		self.assertEqual(frappe.db.get_value("Batch", batch, "lot_status"), "Pending Inspection")

	def test_inspection_does_not_release_a_lot_put_on_hold_meanwhile(self):
		item, batch, receipt = self.inspected_lot()
		frappe.db.set_value("Batch", batch, "lot_status", "Quarantined")
		quality_inspection(item, batch, receipt.name, "Accepted")
		self.assertEqual(frappe.db.get_value("Batch", batch, "lot_status"), "Quarantined")
