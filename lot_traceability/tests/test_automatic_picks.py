"""No automatic pick offers a held or expired lot, for items without a Lot Rule too — and among the
lots that may move, ERPNext's own order is kept.

Each path ERPNext picks lots on by itself is tried with the same stock: an older lot on hold, a
middle and a newer lot approved. ERPNext (FIFO by batch creation) would take the held one; with the
app it must take the middle one, and the document must post."""

import frappe
from erpnext.manufacturing.doctype.production_plan.test_production_plan import make_bom
from erpnext.manufacturing.doctype.work_order.test_work_order import make_wo_order_test_record
from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry as make_work_order_entry
from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import get_auto_data
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, today

from lot_traceability.overrides import erpnext_allocation
from lot_traceability.tests.utils import (
	company_defaults,
	delivery_note,
	get_received_batches,
	make_customer,
	make_lot_item,
	make_warehouse,
	pick_list,
	pos_invoice,
	receive,
	sales_invoice,
	stock_entry,
)

HELD = "Quarantined"


def lots_of(doctype, name):
	return sorted(
		set(
			frappe.db.sql(
				"""select e.batch_no from `tabSerial and Batch Entry` e
				join `tabSerial and Batch Bundle` b on b.name = e.parent
				where b.voucher_type = %s and b.voucher_no = %s and b.docstatus = 1 and e.qty < 0""",
				(doctype, name),
				pluck=True,
			)
		)
	)


class TestAutomaticPicksWithoutRule(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		erpnext_allocation.apply()
		make_customer()

	@classmethod
	def tearDownClass(cls):
		erpnext_allocation.unapply()
		super().tearDownClass()

	def setUp(self):
		"""Held (oldest), middle and newer lots of an item no Lot Rule governs, 5 each."""
		self.item = make_lot_item()
		self.lots = [
			get_received_batches(receive(self.item, qty=5, posting_date=add_days(today(), -days)).name)[0]
			for days in (3, 2, 1)
		]
		self.held, self.middle, self.newer = self.lots
		frappe.db.set_value("Batch", self.held, "lot_status", HELD)

	def assert_took_middle(self, doc):
		if doc.docstatus == 0:
			doc.submit()
		self.assertEqual(lots_of(doc.doctype, doc.name), [self.middle])

	def test_the_lot_put_on_a_delivery_note_row(self):
		note = delivery_note(self.item, 4, use_serial_batch_fields=1)
		note.insert()
		self.assertEqual(note.items[0].batch_no, self.middle)
		self.assert_took_middle(note)

	def test_the_lot_put_on_a_sales_invoice_row(self):
		invoice = sales_invoice(self.item, 4)
		invoice.items[0].use_serial_batch_fields = 1
		invoice.insert()
		self.assertEqual(invoice.items[0].batch_no, self.middle)
		self.assert_took_middle(invoice)

	def test_the_lot_put_on_a_pos_invoice_row(self):
		invoice = pos_invoice(self.item, 4, None)
		invoice.insert()
		self.assertEqual(invoice.items[0].batch_no, self.middle)
		self.assert_took_middle(invoice)

	def test_the_bundle_erpnext_makes_at_submit_for_a_delivery(self):
		note = delivery_note(self.item, 4)
		note.insert()
		self.assertFalse(note.items[0].batch_no)
		self.assert_took_middle(note)

	def test_the_bundle_erpnext_makes_at_submit_for_a_transfer(self):
		target = make_warehouse("_Lot Auto Pick Target")
		entry = stock_entry(
			self.item, 4, "Material Transfer", source=company_defaults().warehouse, target=target
		)
		entry.insert()
		self.assert_took_middle(entry)

	def test_the_transfer_for_manufacture_of_a_work_order(self):
		d = company_defaults()
		product = make_lot_item(has_batch_no=0, create_new_batch=0)
		make_bom(item=product, raw_materials=[self.item], company=d.company, currency=d.default_currency)
		wip = make_warehouse("_Lot Auto Pick WIP")
		order = make_wo_order_test_record(
			production_item=product,
			qty=4,
			company=d.company,
			source_warehouse=d.warehouse,
			wip_warehouse=wip,
			fg_warehouse=d.warehouse,
			stock_uom="Nos",
		)
		entry = frappe.get_doc(make_work_order_entry(order.name, "Material Transfer for Manufacture", 4))
		entry.insert()
		self.assert_took_middle(entry)

	def test_the_locations_of_a_pick_list(self):
		picking = pick_list(self.item, 4, None)
		picking.locations[0].update({"batch_no": None, "use_serial_batch_fields": 0, "picked_qty": 0})
		picking.set_item_locations()
		self.assertEqual([row.batch_no for row in picking.locations], [self.middle])

	def auto_fetch(self, qty):
		"""The lot dialog's Auto Fetch button."""
		return get_auto_data(
			item_code=self.item,
			warehouse=company_defaults().warehouse,
			has_batch_no=1,
			qty=qty,
			based_on="FIFO",
			posting_date=today(),
		)

	def test_auto_fetch_in_the_lot_dialog(self):
		rows = self.auto_fetch(8)
		self.assertEqual([(row.batch_no, row.qty) for row in rows], [(self.middle, 5), (self.newer, 3)])

	def test_a_lot_expired_on_the_posting_date_is_not_picked(self):
		frappe.db.set_value("Batch", self.middle, "expiry_date", add_days(today(), 1))
		note = delivery_note(self.item, 4, posting_date=add_days(today(), 2), set_posting_time=1)
		note.insert()
		note.submit()
		self.assertEqual(lots_of("Delivery Note", note.name), [self.newer])

	def test_without_enforcement_erpnext_picks_as_it_always_did(self):
		with change_settings("Lot Traceability Settings", {"enable_enforcement": 0}):
			rows = self.auto_fetch(4)
		self.assertEqual([row.batch_no for row in rows], [self.held])
