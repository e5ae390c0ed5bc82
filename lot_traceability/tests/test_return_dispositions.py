"""Customer returns of governed lots: they name the shipment they came from, and each disposition posts
what it says and nothing more."""

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from frappe.tests.utils import FrappeTestCase

from lot_traceability.returns import ReturnNotAllowedError
from lot_traceability.tests.utils import delivery_note as new_delivery_note
from lot_traceability.tests.utils import (
	get_company,
	get_received_batches,
	get_warehouse,
	make_lot_item,
	make_lot_rule,
	make_warehouse,
	receive,
	set_lot_status,
)


def stock_by_warehouse(voucher_type, voucher_no):
	"""Stock ledger quantities a voucher posted, per warehouse and lot."""
	rows = frappe.db.sql(
		"""select sle.warehouse, entry.batch_no, sum(entry.qty)
		from `tabStock Ledger Entry` sle
		join `tabSerial and Batch Entry` entry on entry.parent = sle.serial_and_batch_bundle
		where sle.voucher_type = %s and sle.voucher_no = %s and sle.is_cancelled = 0
		group by sle.warehouse, entry.batch_no""",
		(voucher_type, voucher_no),
	)
	return {(warehouse, lot): qty for warehouse, lot, qty in rows}


class TestReturnDispositions(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.quarantine = make_warehouse("_Lot Returns Quarantine", is_quarantine_warehouse=1)
		cls.settings_warehouse = frappe.db.get_single_value(
			"Lot Traceability Settings", "returns_quarantine_warehouse"
		)
		frappe.db.set_single_value(
			"Lot Traceability Settings", "returns_quarantine_warehouse", cls.quarantine
		)

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value(
			"Lot Traceability Settings", "returns_quarantine_warehouse", cls.settings_warehouse
		)
		super().tearDownClass()

	def shipped_lot(self, qty=10, shipped=6):
		item = make_lot_item()
		make_lot_rule(item=item, receipt_status="Approved")
		receipt = receive(item, qty=qty)
		(lot,) = get_received_batches(receipt.name)
		frappe.db.set_value("Batch", lot, "supplier_lot_no", f"SUP-{lot}")
		note = new_delivery_note(item, shipped, lot)
		note.submit()
		return frappe._dict(item=item, lot=lot, receipt=receipt, note=note)

	def customer_return(self, shipment, qty=2, disposition=None, submit=True):
		doc = make_sales_return(shipment.note.name)
		doc.items[0].qty = -qty
		if disposition:
			doc.items[0].lot_return_disposition = disposition
		if submit:
			doc.submit()
		return doc

	def test_restock_goes_back_to_the_warehouse_it_shipped_from_and_posts_nothing_else(self):
		shipment = self.shipped_lot()
		doc = self.customer_return(shipment)
		self.assertEqual(doc.items[0].lot_return_disposition, "Restock")
		self.assertEqual(stock_by_warehouse("Delivery Note", doc.name), {(get_warehouse(), shipment.lot): 2})
		self.assertFalse(doc.items[0].get("lot_disposition_document"))
		self.assertEqual(frappe.get_all("Stock Entry", filters={"lot_disposition_of": doc.name}), [])
		self.assertEqual(frappe.get_all("Purchase Receipt", filters={"lot_disposition_of": doc.name}), [])
		comment = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Batch", "reference_name": shipment.lot, "comment_type": "Info"},
			pluck="content",
		)
		self.assertTrue(any(doc.name in text and "Restock" in text for text in comment), comment)

	def test_quarantine_receives_the_goods_into_quarantine_only(self):
		shipment = self.shipped_lot()
		doc = self.customer_return(shipment, disposition="Quarantine")
		self.assertEqual(doc.items[0].warehouse, self.quarantine)
		self.assertEqual(stock_by_warehouse("Delivery Note", doc.name), {(self.quarantine, shipment.lot): 2})
		self.assertEqual(frappe.get_all("Stock Entry", filters={"lot_disposition_of": doc.name}), [])

	def test_return_to_supplier_makes_a_draft_return_with_the_supplier_lot_no(self):
		shipment = self.shipped_lot()
		doc = self.customer_return(shipment, qty=3, disposition="Return to Supplier")
		self.assertEqual(stock_by_warehouse("Delivery Note", doc.name), {(self.quarantine, shipment.lot): 3})
		row = frappe.get_doc("Delivery Note Item", doc.items[0].name)
		self.assertEqual(row.lot_disposition_doctype, "Purchase Receipt")
		draft = frappe.get_doc("Purchase Receipt", row.lot_disposition_document)
		self.assertEqual((draft.docstatus, draft.is_return), (0, 1))
		self.assertEqual(draft.return_against, shipment.receipt.name)
		self.assertEqual(draft.supplier, shipment.receipt.supplier)
		self.assertEqual(
			(draft.lot_disposition_of_doctype, draft.lot_disposition_of), ("Delivery Note", doc.name)
		)
		(item,) = draft.items
		self.assertEqual((item.batch_no, item.supplier_lot_no), (shipment.lot, f"SUP-{shipment.lot}"))
		self.assertEqual((item.qty, item.warehouse), (-3, self.quarantine))
		# the draft posts when someone submits it: the goods leave quarantine for the supplier
		draft.submit()
		self.assertEqual(
			stock_by_warehouse("Purchase Receipt", draft.name), {(self.quarantine, shipment.lot): -3}
		)
		# and the customer return cannot be cancelled under it
		with self.assertRaises(ReturnNotAllowedError):
			frappe.get_doc("Delivery Note", doc.name).cancel()

	def test_dispose_writes_the_goods_off_from_quarantine(self):
		shipment = self.shipped_lot()
		doc = self.customer_return(shipment, qty=2, disposition="Dispose")
		row = frappe.get_doc("Delivery Note Item", doc.items[0].name)
		self.assertEqual(row.lot_disposition_doctype, "Stock Entry")
		entry = frappe.get_doc("Stock Entry", row.lot_disposition_document)
		self.assertEqual((entry.docstatus, entry.purpose, entry.is_lot_write_off), (1, "Material Issue", 1))
		self.assertEqual(stock_by_warehouse("Delivery Note", doc.name), {(self.quarantine, shipment.lot): 2})
		self.assertEqual(stock_by_warehouse("Stock Entry", entry.name), {(self.quarantine, shipment.lot): -2})
		# cancelling the return cancels its write-off first
		frappe.get_doc("Delivery Note", doc.name).cancel()
		self.assertEqual(frappe.db.get_value("Stock Entry", entry.name, "docstatus"), 2)

	def test_a_return_without_its_shipment_is_refused(self):
		shipment = self.shipped_lot()
		doc = self.customer_return(shipment, submit=False)
		doc.return_against = None
		for row in doc.items:
			row.dn_detail = None
		with self.assertRaises(ReturnNotAllowedError) as refused:
			doc.insert()
		for words in (shipment.lot, doc.customer, "Return Against"):
			self.assertIn(words, str(refused.exception))

	def test_a_lot_the_shipment_did_not_contain_is_refused(self):
		shipment = self.shipped_lot()
		other = self.shipped_lot()
		doc = self.customer_return(shipment, submit=False)
		doc.items[0].item_code = other.item
		doc.items[0].batch_no = other.lot
		doc.items[0].use_serial_batch_fields = 1
		doc.items[0].dn_detail = None
		with self.assertRaises(ReturnNotAllowedError) as refused:
			doc.insert()
		for words in (other.lot, doc.customer, shipment.note.name, "never shipped"):
			self.assertIn(words, str(refused.exception))
		self.assertEqual(frappe.db.count("Delivery Note", {"return_against": shipment.note.name}), 0)

	def test_a_held_lot_cannot_be_restocked_and_goes_to_quarantine_by_default(self):
		shipment = self.shipped_lot()
		set_lot_status(shipment.lot, "Recalled")
		with self.assertRaises(ReturnNotAllowedError) as refused:
			self.customer_return(shipment, disposition="Restock")
		self.assertIn("Recalled", str(refused.exception))
		doc = self.customer_return(shipment)
		self.assertEqual(
			(doc.items[0].lot_return_disposition, doc.items[0].warehouse), ("Quarantine", self.quarantine)
		)

	def test_restock_into_a_quarantine_warehouse_is_refused(self):
		shipment = self.shipped_lot()
		doc = self.customer_return(shipment, disposition="Restock", submit=False)
		doc.items[0].warehouse = self.quarantine
		with self.assertRaises(ReturnNotAllowedError):
			doc.insert()

	def test_the_kpis_and_a_recall_count_returns_by_disposition(self):
		from frappe.utils import nowdate

		from lot_traceability import kpis

		before = kpis.return_dispositions(nowdate(), nowdate(), get_company())
		shipment = self.shipped_lot()
		self.customer_return(shipment, qty=1, disposition="Quarantine")
		self.customer_return(shipment, qty=2, disposition="Dispose")
		after = kpis.return_dispositions(nowdate(), nowdate(), get_company())
		self.assertEqual(after["Quarantine"]["returns"], before["Quarantine"]["returns"] + 1)
		self.assertEqual(after["Dispose"]["qty"], before["Dispose"]["qty"] + 2)
		recall = frappe.get_doc(
			{
				"doctype": "Lot Recall",
				"title": "Returned lot recalled",
				"reason": "Returns test",
				"recall_date": nowdate(),
				"source_lots": [{"batch": shipment.lot}],
			}
		)
		recall.insert()
		recall.submit()
		recall.reload()
		self.assertEqual(recall.returns_by_disposition, "Quarantine: 1.0\nDispose: 2.0")
