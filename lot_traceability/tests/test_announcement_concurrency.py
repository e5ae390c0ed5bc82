"""Two receipts of one announcement submitted at once: the second is reconciled after the first
committed (the announcement's row is locked), so the findings count both receipts — in either
order, none of the lots is reported as not received."""

import frappe
from frappe.utils import today

from lot_traceability.announcement_receipts import make_purchase_receipt
from lot_traceability.tests.concurrency import Connection, raised
from lot_traceability.tests.test_concurrency import ConcurrencyTestCase
from lot_traceability.tests.utils import get_company, make_lot_item, make_supplier


class TestReceiptsOfOneAnnouncement(ConcurrencyTestCase):
	def setUp(self):
		site = frappe.local.site
		self.first = Connection(site, "Administrator", "the first dock")
		self.second = Connection(site, "Administrator", "the second dock")
		self.made = []

	def tearDown(self):
		self.first.close()
		self.second.close()
		frappe.db.rollback()
		for doctype, name in reversed(self.made):
			doc = frappe.get_doc(doctype, name)
			if doc.docstatus == 1:
				doc.cancel()
		frappe.db.commit()

	def announced(self):
		"""An announcement of two items' lots (committed), and two draft receipts of it: one per item."""
		items = [make_lot_item(), make_lot_item()]
		announcement = frappe.get_doc(
			{
				"doctype": "Lot Announcement",
				"supplier": make_supplier(),
				"company": get_company(),
				"shipped_on": today(),
				"lots": [
					{"item_code": items[0], "supplier_lot_no": "P-1", "qty": 4},
					{"item_code": items[1], "supplier_lot_no": "Q-1", "qty": 3},
					{"item_code": items[1], "supplier_lot_no": "Q-2", "qty": 2},
				],
			}
		).insert()
		receipts = []
		for item in items:
			receipt = make_purchase_receipt(announcement.name)
			receipt.items = [row for row in receipt.items if row.item_code == item]
			for row in receipt.items:
				row.rate = 10
			receipt.insert()
			receipts.append(receipt.name)
			self.made.append(("Purchase Receipt", receipt.name))
		frappe.db.commit()
		return announcement.name, receipts

	def submit_in(self, connection, receipt):
		connection.start(lambda: frappe.get_doc("Purchase Receipt", receipt).submit())

	def both_at_once(self, receipts):
		self.submit_in(self.first, receipts[0])
		self.assertIsNone(raised(self.first.result()))
		self.submit_in(self.second, receipts[1])
		self.second.wait_until_blocked()  # behind the first's locks (series, stock, announcement)
		self.first.commit()
		self.assertIsNone(raised(self.second.result()))
		self.second.commit()

	def assert_reconciled_with_both(self, name, receipts):
		frappe.db.rollback()
		announcement = frappe.get_doc("Lot Announcement", name)
		self.assertEqual(announcement.status, "Received")
		self.assertEqual(announcement.findings, [])
		self.assertEqual([row.received_qty for row in announcement.lots], [4, 3, 2])
		self.assertIn(announcement.purchase_receipt, receipts)

	def test_the_first_item_s_receipt_first(self):
		name, receipts = self.announced()
		self.both_at_once(receipts)
		self.assert_reconciled_with_both(name, receipts)

	def test_the_second_item_s_receipt_first(self):
		name, receipts = self.announced()
		self.both_at_once(list(reversed(receipts)))
		self.assert_reconciled_with_both(name, receipts)
