"""Receipts from a risky supplier land held, whatever the item's rule says, with the reason recorded."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from lot_traceability.tests.utils import (
	get_received_batches,
	make_lot_item,
	make_lot_rule,
	make_supplier,
	receive,
)


class TestSupplierRisk(FrappeTestCase):
	def receive_from(self, supplier_values: dict, rule_status="Approved"):
		supplier = make_supplier(f"_Lot Risky Supplier {frappe.generate_hash(length=6)}")
		frappe.db.set_value("Supplier", supplier, supplier_values)
		item = make_lot_item()
		make_lot_rule(item=item, receipt_status=rule_status)
		receipt = receive(item, qty=4, supplier=supplier)
		(lot,) = get_received_batches(receipt.name)
		return supplier, lot

	def status(self, lot):
		return frappe.db.get_value("Batch", lot, "lot_status")

	def change_of(self, lot):
		name = frappe.db.get_value("Lot Status Change Lot", {"batch": lot}, "parent")
		return name and frappe.get_doc("Lot Status Change", name)

	def test_a_supplier_on_hold_has_its_lots_held_though_the_rule_says_approved(self):
		supplier, lot = self.receive_from({"on_hold": 1, "hold_type": "All"})
		self.assertEqual(self.status(lot), "Quarantined")
		change = self.change_of(lot)
		self.assertEqual((change.docstatus, change.source), (1, "System"))
		self.assertEqual((change.reference_doctype, change.reference_name), ("Supplier", supplier))
		self.assertIn(supplier, change.reason)
		self.assertIn("on hold (All)", change.reason)
		self.assertEqual(change.lots[0].from_status, "Approved")

	def test_a_hold_on_payments_or_one_already_ended_leaves_the_rule_to_decide(self):
		_supplier, lot = self.receive_from({"on_hold": 1, "hold_type": "Payments"})
		self.assertEqual(self.status(lot), "Approved")
		self.assertIsNone(self.change_of(lot))
		_supplier, lot = self.receive_from(
			{"on_hold": 1, "hold_type": "All", "release_date": add_days(today(), -1)}
		)
		self.assertEqual(self.status(lot), "Approved")

	def test_a_scorecard_that_prevents_or_warns_on_orders_holds_the_lots(self):
		for flag, words in (("prevent_pos", "prevents"), ("warn_pos", "warns")):
			_supplier, lot = self.receive_from({flag: 1})
			self.assertEqual(self.status(lot), "Quarantined", flag)
			self.assertIn(words, self.change_of(lot).reason)

	def test_the_suppliers_own_receipt_status_applies(self):
		supplier, lot = self.receive_from({"lot_receipt_status": "Pending Inspection"})
		self.assertEqual(self.status(lot), "Pending Inspection")
		self.assertIn("Lot Receipt Status", self.change_of(lot).reason)

	def test_with_no_risk_status_set_only_the_suppliers_own_status_applies(self):
		frappe.db.set_single_value("Lot Traceability Settings", "supplier_risk_status", None)
		try:
			_supplier, lot = self.receive_from({"on_hold": 1, "hold_type": "All"})
			self.assertEqual(self.status(lot), "Approved")
		finally:
			frappe.db.set_single_value("Lot Traceability Settings", "supplier_risk_status", "Quarantined")

	def test_a_rule_that_already_gives_that_status_records_no_change(self):
		_supplier, lot = self.receive_from(
			{"lot_receipt_status": "Pending Inspection"}, rule_status="Pending Inspection"
		)
		self.assertEqual(self.status(lot), "Pending Inspection")
		self.assertIsNone(self.change_of(lot))

	def test_reports_that_list_suppliers_show_their_standing(self):
		from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions
		from lot_traceability.lot_traceability.report.recall_impact import recall_impact
		from lot_traceability.traceability.findings import Finding, Kind, score_lot

		supplier, lot = self.receive_from({"on_hold": 1, "hold_type": "All"})
		_columns, upstream, *_ = recall_impact.execute({"batch": lot, "section": "Upstream"})
		row = next(row for row in upstream if row["lot"] == lot)
		self.assertEqual((row["supplier"], row["supplier_standing"]), (supplier, "on hold (All)"))
		(found,) = lot_exceptions.get_data([score_lot(lot, [Finding(lot, Kind.NO_INPUTS)])])
		self.assertEqual((found["supplier"], found["supplier_standing"]), (supplier, "on hold (All)"))
		# a supplier in good standing shows none
		_supplier, good = self.receive_from({})
		(found,) = lot_exceptions.get_data([score_lot(good, [Finding(good, Kind.NO_INPUTS)])])
		self.assertIsNone(found["supplier_standing"])
