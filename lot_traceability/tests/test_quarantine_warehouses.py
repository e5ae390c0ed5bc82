"""Stock in a quarantine warehouse stays there, whatever its lot's status: one test per stock path.

The lot is Approved throughout (the finding: units of an Approved lot returned into quarantine were
shipped from there). Only a write-off, a return to the supplier, a move to another quarantine
warehouse or a release (a Lot Status Change recorded after the stock came into quarantine) takes
stock out; every refusal names the lot, the quarantine warehouse, the document and the row, and
posts nothing. Items without a Lot Rule: the warehouse's flag is the rule.
"""

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today

from lot_traceability.allocation import allocate_lots, explain
from lot_traceability.disposals import LotQuantity, draft_supplier_returns
from lot_traceability.enforcement import LotNotAllowedError
from lot_traceability.lot_overview import lot_overview
from lot_traceability.overrides import erpnext_allocation
from lot_traceability.pickers import NOT_LISTED
from lot_traceability.status_changes import change_lot_status
from lot_traceability.tests.utils import (
	attempt,
	company_defaults,
	delivery_note,
	get_received_batches,
	ledger_counts,
	make_customer,
	make_lot,
	make_lot_item,
	make_lot_rule,
	make_warehouse,
	pick_list,
	production_entry,
	receive,
	sales_invoice,
	stock_entry,
)
from lot_traceability.traceability.statuses import Movement

QUARANTINE = "_Lot Held Stock"
OTHER_QUARANTINE = "_Lot Held Stock Two"
STORE = "_Lot Second Store"
HELD_WORDS = "is held in quarantine warehouse"


def stock_in(batch, warehouse):
	return frappe.db.get_value("Lot Balance", {"batch": batch, "warehouse": warehouse}, "qty") or 0


def quarantine_warehouses(*names, flag=1) -> list[str]:
	"""These warehouses, made where missing, marked quarantine (or no longer, `flag=0`) and committed:
	the tests that commit leave no quarantine warehouse behind for other tests to find."""
	made = [make_warehouse(name) for name in names]
	for warehouse in made:
		frappe.db.set_value("Warehouse", warehouse, "is_quarantine_warehouse", flag)
	frappe.db.commit()
	return made


def release(batch):
	"""The governed release: the lot put on hold and approved again, both recorded changes."""
	change_lot_status([batch], "Quarantined", reason="Returned goods inspected", by_system=True)
	change_lot_status([batch], "Approved", reason="Returned goods fit for sale", by_system=True)


class QuarantineTestCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		erpnext_allocation.apply()  # as every request does at its start
		make_customer()
		# each test is rolled back: the warehouses stay for the class
		cls.quarantine, cls.other_quarantine = quarantine_warehouses(QUARANTINE, OTHER_QUARANTINE)
		cls.store = make_warehouse(STORE)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		erpnext_allocation.unapply()
		quarantine_warehouses(QUARANTINE, OTHER_QUARANTINE, flag=0)
		super().tearDownClass()

	def tearDown(self):
		frappe.db.rollback()

	def transfer(self, lot, qty, source, target):
		return stock_entry(lot.item, qty, "Material Transfer", source=source, target=target, batch=lot.batch)

	def moved(self, lot, qty, source, target):
		doc = self.transfer(lot, qty, source, target)
		doc.insert()
		doc.submit()
		return doc

	def assert_not_released(self, lot, qty):
		self.assert_held(
			lot,
			lambda: self.transfer(lot, qty, self.quarantine, self.store),
			"Stock Entry",
			words="has not been released since",
		)

	def lot_in_quarantine(self, qty=10, held=4):
		"""An Approved lot (no Lot Rule) of `qty`, `held` of it moved into the quarantine warehouse."""
		lot = make_lot(qty=qty)
		self.moved(lot, held, lot.warehouse, self.quarantine)
		self.assertEqual(frappe.db.get_value("Batch", lot.batch, "lot_status"), "Approved")
		self.assertEqual(stock_in(lot.batch, self.quarantine), held)
		return lot

	def assert_held(self, lot, build, doctype, words=HELD_WORDS):
		before = ledger_counts(lot.item)
		doc, error = attempt(build)
		self.assertIsNone(doc)
		self.assertIsInstance(error, LotNotAllowedError, getattr(error, "trace", repr(error)))
		message = str(error)
		for expected in (lot.batch, lot.item, self.quarantine, doctype, "row 1", words):
			self.assertIn(expected, message)
		self.assertEqual(ledger_counts(lot.item), before)
		return message

	def assert_allowed(self, build):
		doc, error = attempt(build)
		self.assertIsNone(error, getattr(error, "trace", repr(error)))
		self.assertEqual(doc.docstatus, 1)
		return doc


class TestQuarantineHolds(QuarantineTestCase):
	def test_delivery_note_from_quarantine_refused_though_the_lot_is_approved(self):
		lot = self.lot_in_quarantine()
		message = self.assert_held(
			lot, lambda: delivery_note(lot.item, 2, lot.batch, warehouse=self.quarantine), "Delivery Note"
		)
		self.assertIn("(Approved)", message)
		self.assertIn("be shipped", message)
		# the same lot ships from its normal warehouse
		self.assert_allowed(lambda: delivery_note(lot.item, 2, lot.batch))

	def test_sales_invoice_with_stock_from_quarantine_refused(self):
		lot = self.lot_in_quarantine()
		self.assert_held(
			lot, lambda: sales_invoice(lot.item, 2, lot.batch, warehouse=self.quarantine), "Sales Invoice"
		)

	def test_transfer_to_a_normal_warehouse_refused_without_a_release(self):
		lot = make_lot(qty=10, status="Quarantined")
		# an old release does not release stock that came into quarantine after it
		change_lot_status([lot.batch], "Approved", reason="CoA checked", by_system=True)
		self.moved(lot, 4, lot.warehouse, self.quarantine)
		self.assert_not_released(lot, 2)

	def test_transfer_for_manufacture_from_quarantine_refused(self):
		lot = self.lot_in_quarantine()
		self.assert_held(
			lot,
			lambda: stock_entry(
				lot.item,
				2,
				"Material Transfer for Manufacture",
				source=self.quarantine,
				target=self.store,
				batch=lot.batch,
			),
			"Stock Entry",
		)

	def test_manufacture_consuming_from_quarantine_refused(self):
		lot = self.lot_in_quarantine()
		message = self.assert_held(
			lot, lambda: production_entry("Manufacture", lot.item, lot.batch, self.quarantine), "Stock Entry"
		)
		self.assertIn("be issued to production", message)

	def test_material_issue_not_writing_off_refused(self):
		lot = self.lot_in_quarantine()
		self.assert_held(
			lot,
			lambda: stock_entry(lot.item, 2, "Material Issue", source=self.quarantine, batch=lot.batch),
			"Stock Entry",
		)

	def test_pick_list_row_from_quarantine_refused(self):
		lot = self.lot_in_quarantine()
		message = self.assert_held(
			lot, lambda: pick_list(lot.item, 2, lot.batch, warehouse=self.quarantine), "Pick List"
		)
		self.assertIn("be allocated or picked", message)


class TestQuarantineExits(QuarantineTestCase):
	def test_write_off_allowed(self):
		lot = self.lot_in_quarantine()
		self.assert_allowed(
			lambda: stock_entry(
				lot.item, 2, "Material Issue", source=self.quarantine, batch=lot.batch, is_lot_write_off=1
			)
		)
		self.assertEqual(stock_in(lot.batch, self.quarantine), 2)

	def test_purchase_return_allowed(self):
		lot = self.lot_in_quarantine()
		made = draft_supplier_returns(
			[LotQuantity("row", lot.item, lot.batch, 3, self.quarantine)], lot.receipt, "Back to supplier"
		)
		(doctype, name) = made["row"]
		self.assert_allowed(lambda: frappe.get_doc(doctype, name))
		self.assertEqual(stock_in(lot.batch, self.quarantine), 1)

	def test_transfer_between_quarantine_warehouses_allowed(self):
		lot = self.lot_in_quarantine()
		self.assert_allowed(lambda: self.transfer(lot, 4, self.quarantine, self.other_quarantine))
		self.assertEqual(stock_in(lot.batch, self.other_quarantine), 4)

	def test_released_transfer_allowed_and_a_new_arrival_is_held_again(self):
		lot = self.lot_in_quarantine()
		release(lot.batch)
		self.assert_allowed(lambda: self.transfer(lot, 3, self.quarantine, self.store))
		self.assertEqual(stock_in(lot.batch, self.store), 3)
		# stock that comes into quarantine after the release is held until the next one
		self.moved(lot, 2, self.store, self.quarantine)
		self.assert_not_released(lot, 1)


class TestQuarantineNotOffered(QuarantineTestCase):
	def two_lots(self):
		"""An older lot wholly in quarantine, a newer one in the store (FIFO and FEFO prefer the older)."""
		item = make_lot_item()
		received = receive(item, qty=5, posting_date=add_days(today(), -3))
		store = received.items[0].warehouse
		(older,) = get_received_batches(received.name)
		frappe.db.set_value("Batch", older, "expiry_date", add_days(today(), 30))
		self.moved(frappe._dict(item=item, batch=older), 5, store, self.quarantine)
		(newer,) = get_received_batches(receive(item, qty=5).name)
		frappe.db.set_value("Batch", newer, "expiry_date", add_days(today(), 300))
		return item, older, newer, store

	def test_allocation_skips_quarantine_with_the_reason(self):
		item, older, newer, store = self.two_lots()
		allocation = allocate_lots(item, [self.quarantine, store], 4, explain=True)
		self.assertEqual([(c.lot, c.warehouse, qty) for c, qty in allocation.picks], [(newer, store, 4)])
		rows = {row["batch_no"]: row for row in explain(allocation, today())}
		self.assertEqual(rows[older]["chosen"], 0)
		self.assertEqual(
			rows[older]["reason"], f"in quarantine warehouse {self.quarantine}: held there until released"
		)
		# for a governed item too
		make_lot_rule(item=item, receipt_status="Approved")
		allocation = allocate_lots(item, [self.quarantine, store], 4, movement=Movement.ALLOCATION)
		self.assertEqual([c.lot for c, _qty in allocation.picks], [newer])

	def test_pick_list_does_not_offer_it(self):
		item, older, newer, store = self.two_lots()
		picking = pick_list(item, 4, None, warehouse=store)
		picking.locations[0].update({"batch_no": None, "use_serial_batch_fields": 0, "picked_qty": 0})
		picking.set_item_locations()
		self.assertEqual({(row.batch_no, row.warehouse) for row in picking.locations}, {(newer, store)})

	def test_erpnext_automatic_pick_does_not_take_it(self):
		item, older, newer, store = self.two_lots()
		# the lot ERPNext puts on the row, and the bundle it makes at submit: from the store
		note = delivery_note(item, 4, warehouse=store, use_serial_batch_fields=1)
		note.insert()
		self.assertEqual(note.items[0].batch_no, newer)
		note = delivery_note(item, 4, warehouse=store)
		note.insert()
		note.submit()
		self.assertEqual((stock_in(older, self.quarantine), stock_in(newer, store)), (5, 1))
		# from the quarantine warehouse it finds no lot to pick at all
		before = ledger_counts(item)
		doc, error = attempt(lambda: delivery_note(item, 4, warehouse=self.quarantine))
		self.assertIsNone(doc)
		self.assertIsNotNone(error)
		self.assertEqual(ledger_counts(item), before)
		self.assertEqual(stock_in(older, self.quarantine), 5)

	def test_batch_picker_lists_nothing_from_quarantine(self):
		from lot_traceability.overrides.erpnext_queries import apply

		item, older, newer, store = self.two_lots()
		apply()
		query = frappe.get_attr("erpnext.controllers.queries.get_batch_no")
		rows = query("Batch", "", "name", 0, 50, {"item_code": item, "warehouse": self.quarantine})
		self.assertEqual([row[0] for row in rows], [NOT_LISTED])
		self.assertIn(f"{self.quarantine} is a quarantine warehouse", rows[0][1])
		rows = query("Batch", "", "name", 0, 50, {"item_code": item, "warehouse": store})
		self.assertEqual([row[0] for row in rows], [newer])

	def test_stock_in_quarantine_is_not_reserved(self):
		from erpnext.selling.doctype.sales_order.test_sales_order import make_sales_order
		from frappe.tests.utils import change_settings

		lot = self.lot_in_quarantine()
		d = company_defaults()
		# (with lots reserved automatically, ERPNext's pick finds none in quarantine and says so)
		settings = {"enable_stock_reservation": 1, "auto_reserve_serial_and_batch": 0}
		with change_settings("Stock Settings", settings):
			order = make_sales_order(
				item_code=lot.item,
				qty=2,
				company=d.company,
				customer=make_customer(),
				currency=d.default_currency,
				warehouse=self.quarantine,
			)
			# the reservation ERPNext makes for an order row, with the lot chosen
			reservation = frappe.get_doc(
				{
					"doctype": "Stock Reservation Entry",
					"item_code": lot.item,
					"warehouse": self.quarantine,
					"has_batch_no": 1,
					"voucher_type": "Sales Order",
					"voucher_no": order.name,
					"voucher_detail_no": order.items[0].name,
					"available_qty": 4,
					"voucher_qty": 2,
					"reserved_qty": 2,
					"company": d.company,
					"stock_uom": "Nos",
					"reservation_based_on": "Serial and Batch",
					"sb_entries": [{"batch_no": lot.batch, "qty": 2, "warehouse": self.quarantine}],
				}
			)
			reservation.insert()
			with self.assertRaises(LotNotAllowedError) as refusal:
				reservation.submit()
		message = str(refusal.exception)
		for expected in (lot.batch, self.quarantine, "Sales Order", order.name, "row 1", "be allocated"):
			self.assertIn(expected, message)
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Stock Reservation Entry", {"item_code": lot.item, "docstatus": 1}))

	def test_batch_form_says_how_much_is_held_in_quarantine(self):
		lot = self.lot_in_quarantine(qty=10, held=4)
		note = lot_overview(lot.batch, frappe.get_roles(), False)["quarantine_note"]
		self.assertIn(f"4 Nos in quarantine warehouses ({self.quarantine}), held there", note)
		other = make_lot(qty=3)
		self.assertEqual(lot_overview(other.batch, frappe.get_roles(), False)["quarantine_note"], "")

	def test_recall_impact_shows_stock_in_quarantine_as_such(self):
		from lot_traceability.lot_traceability.report.recall_impact import recall_impact

		lot = self.lot_in_quarantine(qty=10, held=4)
		_columns, rows, *_rest = recall_impact.execute({"batch": lot.batch, "section": "Stock"})
		self.assertEqual(
			{(row["warehouse"], row["qty"], row["location"]) for row in rows},
			{(lot.warehouse, 6, "In stock"), (self.quarantine, 4, "In quarantine")},
		)


class TestCustomerReturnThenShip(QuarantineTestCase):
	"""The finding end to end: an Approved lot of a governed item returned by a customer with the
	disposition Quarantine, then a Delivery Note from that quarantine warehouse."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.settings_warehouse = frappe.db.get_single_value(
			"Lot Traceability Settings", "returns_quarantine_warehouse"
		)
		frappe.db.set_single_value(
			"Lot Traceability Settings", "returns_quarantine_warehouse", cls.quarantine
		)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value(
			"Lot Traceability Settings", "returns_quarantine_warehouse", cls.settings_warehouse
		)
		frappe.db.commit()
		super().tearDownClass()

	def test_returned_into_quarantine_then_shipping_from_there_is_refused(self):
		item = make_lot_item()
		make_lot_rule(item=item, receipt_status="Approved")
		(batch,) = get_received_batches(receive(item, qty=10).name)
		shipment = delivery_note(item, 6, batch)
		shipment.insert()
		shipment.submit()
		returned = make_sales_return(shipment.name)
		returned.items[0].qty = -2
		returned.items[0].lot_return_disposition = "Quarantine"
		returned.submit()
		self.assertEqual(returned.items[0].warehouse, self.quarantine)
		self.assertEqual(stock_in(batch, self.quarantine), 2)
		self.assertEqual(frappe.db.get_value("Batch", batch, "lot_status"), "Approved")
		lot = frappe._dict(item=item, batch=batch)
		self.assert_held(
			lot, lambda: delivery_note(item, 2, batch, warehouse=self.quarantine), "Delivery Note"
		)
		self.assertEqual(stock_in(batch, self.quarantine), 2)
