"""A hold of a reserved lot and a delivery against the reservation, interleaved in both orders.

- *Hold first*: the delivery (drafted from the order's reserved stock: its bundle takes the reserved
  lot) has already read; the hold commits and moves the reservation to the next lot; the delivery is
  then refused, naming the lot and its status, and a delivery drafted again takes the new lot.
- *Delivery first*: the delivery has posted and holds its locks; the hold waits for it, then finds
  the reservation delivered: nothing is left to move, the reservation stays on the lot it shipped.
"""

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability.tests.concurrency import raised
from lot_traceability.tests.test_concurrency import HOLD, ConcurrencyTestCase, hold, read, submit
from lot_traceability.tests.test_reservations import CUSTOMER, STOCK_SETTINGS, reserved_lots, sales_order
from lot_traceability.tests.utils import (
	get_received_batches,
	make_customer,
	make_lot_item,
	make_lot_rule,
	receive,
)


def lot_of(item, qty, expires_in) -> str:
	receipt = receive(item, qty=qty)
	(batch,) = get_received_batches(receipt.name)
	frappe.db.set_value("Batch", batch, "expiry_date", add_days(nowdate(), expires_in))
	return batch


def delivery_from(order):
	from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

	note = make_delivery_note(order.name, kwargs={"for_reserved_stock": 1})  # Deliver → Reserved Stock
	note.insert()
	return note


def delivered_lots(note_name) -> dict[str, float]:
	bundles = frappe.get_all(
		"Delivery Note Item", filters={"parent": note_name}, pluck="serial_and_batch_bundle"
	)
	rows = frappe.get_all(
		"Serial and Batch Entry", filters={"parent": ("in", bundles)}, fields=["batch_no", "qty"]
	)
	return {row.batch_no: abs(row.qty) for row in rows}


class TestHoldAndDeliveryOfAReservation(ConcurrencyTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.settings = {
			field: frappe.db.get_single_value("Stock Settings", field) for field in STOCK_SETTINGS
		}
		for field in STOCK_SETTINGS:
			frappe.db.set_single_value("Stock Settings", field, 1)
		make_customer(CUSTOMER)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		for field, value in cls.settings.items():
			frappe.db.set_single_value("Stock Settings", field, value or 0)
		frappe.db.commit()
		super().tearDownClass()

	def reserved_order(self):
		"""A governed item with lots FIRST (expires first) and NEXT, an order reserving 5 of FIRST and
		a delivery drafted from it: all committed."""
		item = make_lot_item()
		make_lot_rule(item=item, receipt_status="Approved", allocation_policy="FEFO")
		first, next_ = lot_of(item, 10, 100), lot_of(item, 20, 200)
		order = sales_order(item, 5)
		self.assertEqual(reserved_lots(order), {first: 5})
		note = delivery_from(order)
		frappe.db.commit()
		return order, note, first, next_

	def test_a_hold_committed_first_moves_the_reservation_and_the_delivery_takes_the_new_lot(self):
		order, note, first, next_ = self.reserved_order()
		self.mover.call(read("Delivery Note", note.name))  # its snapshot: FIRST reserved and usable
		self.quality.call(hold(first))
		self.quality.commit()
		self.mover.start(submit("Delivery Note", note.name))
		outcome = self.mover.result()
		self.mover.rollback()
		self.assert_refused(outcome, first, HOLD, "Delivery Note", note.name)
		frappe.db.rollback()  # read what the other connections committed
		self.assertEqual(reserved_lots(order), {next_: 5})
		again = delivery_from(order)
		again.submit()
		self.assertEqual(delivered_lots(again.name), {next_: 5})
		self.assertEqual(
			frappe.get_all("Stock Reservation Entry", filters={"voucher_no": order.name}, pluck="status"),
			["Delivered"],
		)
		frappe.db.rollback()
		self.assert_ledgers_agree(first, next_)

	def test_a_delivery_posting_first_makes_the_hold_wait_and_nothing_is_left_to_move(self):
		order, note, first, next_ = self.reserved_order()
		self.mover.call(submit("Delivery Note", note.name))  # posted, its locks held
		self.quality.start(hold(first))
		self.quality.wait_for_lock()
		self.mover.commit()
		change = self.quality.result()
		self.assertIsNone(raised(change), repr(change))
		self.quality.commit()
		frappe.db.rollback()
		self.assertEqual(delivered_lots(note.name), {first: 5})
		self.assertEqual(frappe.db.get_value("Batch", first, "lot_status"), HOLD)
		self.assertEqual(reserved_lots(order), {first: 5})
		entry = frappe.get_all(
			"Stock Reservation Entry", filters={"voucher_no": order.name}, fields=["status", "delivered_qty"]
		)
		self.assertEqual([(row.status, row.delivered_qty) for row in entry], [("Delivered", 5)])
		self.assert_ledgers_agree(first, next_)
