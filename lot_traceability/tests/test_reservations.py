"""Stock Reservation Entries that respect lots, on real documents.

One governed item (FEFO) in one warehouse, orders delivered on D = today + 10 to a customer who wants
30 days of shelf life left:
  SOON  10, expires today + 30: 20 days left on D — short for the customer
  FIRST 10, expires today + 100
  NEXT  20, expires today + 200
  LAST  30, expires today + 300
"""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate

from lot_traceability.enforcement import LotNotAllowedError
from lot_traceability.status_changes import change_lot_status
from lot_traceability.tests.test_restrictions import restrict
from lot_traceability.tests.utils import (
	company_defaults,
	delivery_note,
	get_received_batches,
	make_customer,
	make_lot_item,
	make_lot_rule,
	receive,
)

CUSTOMER = "_Lot Reservation Customer"
OTHER = "_Lot Reservation Other Customer"
HOLD = "Quarantined"
STOCK_SETTINGS = ("enable_stock_reservation", "auto_reserve_serial_and_batch", "allow_partial_reservation")


def lot_of(item, qty, expires_in) -> str:
	receipt = receive(item, qty=qty)
	(batch,) = get_received_batches(receipt.name)
	frappe.db.set_value("Batch", batch, "expiry_date", add_days(nowdate(), expires_in))
	return batch


def sales_order(item, qty, customer=CUSTOMER, reserve=True):
	"""A submitted Sales Order delivered on today + 10 (reserving its stock on submit)."""
	from erpnext.selling.doctype.sales_order.test_sales_order import make_sales_order

	d = company_defaults()
	order = make_sales_order(
		item_code=item,
		qty=qty,
		warehouse=d.warehouse,
		company=d.company,
		customer=customer,
		currency=d.default_currency,
		do_not_save=True,
	)
	order.delivery_date = add_days(nowdate(), 10)
	for row in order.items:
		row.delivery_date = order.delivery_date
		row.reserve_stock = 1 if reserve else 0
	order.reserve_stock = 1 if reserve else 0
	order.insert()
	order.submit()
	return order


def reservation_of(order):
	names = frappe.get_all(
		"Stock Reservation Entry",
		filters={"voucher_no": order.name, "docstatus": 1},
		pluck="name",
		order_by="creation",
	)
	return frappe.get_doc("Stock Reservation Entry", names[-1]) if names else None


def reserved_lots(order) -> dict[str, float]:
	entry = reservation_of(order)
	return {row.batch_no: row.qty for row in entry.sb_entries} if entry else {}


def manual_reservation(order, batch, qty):
	"""A reservation of `qty` of `batch` chosen by hand (ERPNext's automatic pick off)."""
	row = order.items[0]
	return frappe.get_doc(
		{
			"doctype": "Stock Reservation Entry",
			"item_code": row.item_code,
			"warehouse": row.warehouse,
			"voucher_type": "Sales Order",
			"voucher_no": order.name,
			"voucher_detail_no": row.name,
			"voucher_qty": row.stock_qty,
			"available_qty": qty,
			"reserved_qty": qty,
			"stock_uom": row.stock_uom,
			"company": order.company,
			"has_batch_no": 1,
			"reservation_based_on": "Serial and Batch",
			"sb_entries": [{"batch_no": batch, "qty": qty, "warehouse": row.warehouse}],
		}
	).insert()


def hold(batch, reason="Temperature excursion"):
	return change_lot_status([batch], HOLD, reason=reason, by_system=True)


class TestReservationsRespectLots(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.settings = {
			field: frappe.db.get_single_value("Stock Settings", field) for field in STOCK_SETTINGS
		}
		for field in STOCK_SETTINGS:
			frappe.db.set_single_value("Stock Settings", field, 1)
		for name in (CUSTOMER, OTHER):
			make_customer(name)
		frappe.db.set_value(
			"Customer", CUSTOMER, {"min_remaining_shelf_life": 30, "min_remaining_shelf_life_unit": "Days"}
		)
		frappe.clear_document_cache("Customer", CUSTOMER)
		cls.item = make_lot_item()
		make_lot_rule(item=cls.item, receipt_status="Approved", allocation_policy="FEFO")
		cls.lots = {
			"soon": lot_of(cls.item, 10, 30),
			"first": lot_of(cls.item, 10, 100),
			"next": lot_of(cls.item, 20, 200),
			"last": lot_of(cls.item, 30, 300),
		}

	@classmethod
	def tearDownClass(cls):
		for field, value in cls.settings.items():
			frappe.db.set_single_value("Stock Settings", field, value or 0)
		super().tearDownClass()

	def setUp(self):
		frappe.db.savepoint("reservation_test")

	def tearDown(self):
		frappe.db.rollback(save_point="reservation_test")
		frappe.local.message_log = []
		for field in STOCK_SETTINGS:  # a single's cached value outlives the rollback
			frappe.db.set_single_value("Stock Settings", field, 1)

	def manual(self):
		frappe.db.set_single_value("Stock Settings", "auto_reserve_serial_and_batch", 0)

	def assert_refused(self, build, *words):
		with self.assertRaises(LotNotAllowedError) as caught:
			build()
		for word in words:
			self.assertIn(word, str(caught.exception))

	def test_automatic_reservation_on_submit_takes_fefo_lots_that_may_serve_the_customer(self):
		hold(self.lots["first"])
		order = sales_order(self.item, 25)
		# SOON is short for the customer, FIRST held: NEXT then LAST, earliest expiry first
		self.assertEqual(reserved_lots(order), {self.lots["next"]: 20, self.lots["last"]: 5})
		self.assertEqual(
			frappe.db.get_value("Sales Order Item", order.items[0].name, "stock_reserved_qty"), 25
		)

	def test_an_item_no_rule_governs_is_reserved_as_erpnext_does(self):
		item = make_lot_item()
		older, newer = lot_of(item, 5, 300), lot_of(item, 5, 20)
		order = sales_order(item, 5)
		# ERPNext's own order (Stock Settings: FIFO by default): the lot received first
		based_on = frappe.db.get_single_value("Stock Settings", "pick_serial_and_batch_based_on")
		expected = newer if based_on == "Expiry" else older
		self.assertEqual(reserved_lots(order), {expected: 5})

	def test_a_held_lot_is_refused(self):
		self.manual()
		hold(self.lots["first"])
		order = sales_order(self.item, 5, reserve=False)
		self.assert_refused(
			lambda: manual_reservation(order, self.lots["first"], 5).submit(),
			self.lots["first"],
			HOLD,
			"Sales Order",
			order.name,
			"row 1",
		)
		self.assertIsNone(reservation_of(order))

	def test_an_edit_of_a_submitted_reservation_to_a_held_lot_is_refused(self):
		self.manual()
		hold(self.lots["next"])
		order = sales_order(self.item, 5, reserve=False)
		entry = manual_reservation(order, self.lots["first"], 5)
		entry.submit()
		entry.reload()
		entry.sb_entries[0].batch_no = self.lots["next"]
		self.assert_refused(entry.save, self.lots["next"], HOLD, order.name, "row 1")
		self.assertEqual(reserved_lots(order), {self.lots["first"]: 5})

	def test_a_lot_short_dated_for_the_customer_is_refused(self):
		self.manual()
		order = sales_order(self.item, 5, reserve=False)
		self.assert_refused(
			lambda: manual_reservation(order, self.lots["soon"], 5).submit(),
			self.lots["soon"],
			"below the required minimum",
			order.name,
		)
		# another customer asks nothing of the shelf life: the same lot serves it
		other = sales_order(self.item, 5, customer=OTHER, reserve=False)
		manual_reservation(other, self.lots["soon"], 5).submit()
		self.assertEqual(reserved_lots(other), {self.lots["soon"]: 5})

	def test_a_restricted_lot_out_of_its_scope_is_refused(self):
		self.manual()
		restrict(self.lots["next"], [("Customer", OTHER)])
		order = sales_order(self.item, 5, reserve=False)
		self.assert_refused(
			lambda: manual_reservation(order, self.lots["next"], 5).submit(),
			self.lots["next"],
			"Restricted",
			"not for this line",
			order.name,
		)
		other = sales_order(self.item, 5, customer=OTHER, reserve=False)
		manual_reservation(other, self.lots["next"], 5).submit()
		self.assertEqual(reserved_lots(other), {self.lots["next"]: 5})

	def test_quarantining_a_reserved_lot_moves_the_reservation_and_the_delivery_takes_the_new_lot(self):
		from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

		order = sales_order(self.item, 15)
		self.assertEqual(reserved_lots(order), {self.lots["first"]: 10, self.lots["next"]: 5})
		entry = reservation_of(order).name
		hold(self.lots["first"])
		# in the same transaction: the reservation now holds the next lot in FEFO order for all 15
		self.assertEqual(reservation_of(order).name, entry)
		self.assertEqual(reserved_lots(order), {self.lots["next"]: 15})
		self.assertEqual(frappe.db.get_value("Stock Reservation Entry", entry, "reserved_qty"), 15)
		self.assertEqual(
			frappe.db.get_value("Sales Order Item", order.items[0].name, "stock_reserved_qty"), 15
		)
		note = make_delivery_note(order.name, kwargs={"for_reserved_stock": 1})  # Deliver → Reserved Stock
		note.insert()
		note.submit()
		delivered = frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": ("in", [row.serial_and_batch_bundle for row in note.items])},
			fields=["batch_no", "qty"],
		)
		self.assertEqual({row.batch_no: abs(row.qty) for row in delivered}, {self.lots["next"]: 15})
		self.assertEqual(frappe.db.get_value("Stock Reservation Entry", entry, "status"), "Delivered")
		self.assertEqual(
			frappe.get_all(
				"Serial and Batch Entry", filters={"parent": entry}, fields=["batch_no", "delivered_qty"]
			),
			[{"batch_no": self.lots["next"], "delivered_qty": 15}],
		)

	def test_a_reserved_lot_expired_by_the_daily_check_moves_the_reservation(self):
		from lot_traceability.tasks import expire_lots

		order = sales_order(self.item, 5)
		self.assertEqual(reserved_lots(order), {self.lots["first"]: 5})
		frappe.db.set_value("Batch", self.lots["first"], "expiry_date", add_days(nowdate(), -1))
		change = expire_lots()
		self.assertIn(
			self.lots["first"], [row.batch for row in frappe.get_doc("Lot Status Change", change).lots]
		)
		self.assertEqual(reserved_lots(order), {self.lots["next"]: 5})
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Sales Order", "reference_name": order.name},
			pluck="content",
		)
		self.assertTrue(
			any(
				self.lots["first"] in text and self.lots["next"] in text and change in text
				for text in comments
			),
			comments,
		)

	def test_a_reserved_lot_restricted_to_another_customer_leaves_the_reservation(self):
		order = sales_order(self.item, 5)
		self.assertEqual(reserved_lots(order), {self.lots["first"]: 5})
		restrict(self.lots["first"], [("Customer", OTHER)])
		self.assertEqual(reserved_lots(order), {self.lots["next"]: 5})
		# restricted to this customer: the reservation stays
		mine = sales_order(self.item, 5)
		kept = reserved_lots(mine)
		restrict(next(iter(kept)), [("Customer", CUSTOMER)])
		self.assertEqual(reserved_lots(mine), kept)

	def test_a_delivery_for_another_customer_leaves_the_reserved_stock(self):
		from lot_traceability.overrides import erpnext_allocation

		erpnext_allocation.apply()  # what every request does at its start (hooks.py: before_request)
		self.addCleanup(erpnext_allocation.unapply)
		order = sales_order(self.item, 15)
		self.assertEqual(reserved_lots(order), {self.lots["first"]: 10, self.lots["next"]: 5})
		note = delivery_note(self.item, 25, customer=OTHER)
		note.insert()
		note.submit()
		bundles = frappe.get_all(
			"Serial and Batch Bundle", filters={"voucher_no": note.name, "is_cancelled": 0}, pluck="name"
		)
		delivered = frappe.get_all(
			"Serial and Batch Entry", filters={"parent": ("in", bundles)}, fields=["batch_no", "qty"]
		)
		# SOON (no requirement of this customer), then FIRST is all reserved: 15 of NEXT's free 15
		self.assertEqual(
			{row.batch_no: abs(row.qty) for row in delivered}, {self.lots["soon"]: 10, self.lots["next"]: 15}
		)
		self.assertEqual(reserved_lots(order), {self.lots["first"]: 10, self.lots["next"]: 5})

	def test_no_lot_left_cancels_the_reservation_and_tells_the_orders_owner(self):
		order = sales_order(self.item, 15)
		entry = reservation_of(order).name
		hold(self.lots["next"])  # its 5 move to LAST
		self.assertEqual(reserved_lots(order), {self.lots["first"]: 10, self.lots["last"]: 5})
		self.assertEqual(self.tasks(order), [])
		hold(self.lots["last"])  # no other lot may serve: its 5 are dropped, the owner told
		self.assertEqual(reserved_lots(order), {self.lots["first"]: 10})
		self.assertEqual(frappe.db.get_value("Stock Reservation Entry", entry, "reserved_qty"), 10)
		(dropped,) = self.tasks(order)
		self.assertIn("no longer reserved", dropped.description)
		change = hold(self.lots["first"])
		self.assertEqual(frappe.db.get_value("Stock Reservation Entry", entry, "docstatus"), 2)
		self.assertEqual(
			frappe.db.get_value("Sales Order Item", order.items[0].name, "stock_reserved_qty"), 0
		)
		(task,) = [task for task in self.tasks(order) if task.name != dropped.name]
		self.assertEqual(task.allocated_to, order.owner)
		for words in (order.name, "row 1", self.lots["first"], HOLD, change.name, "cancelled"):
			self.assertIn(words, task.description)

	def tasks(self, order):
		return frappe.get_all(
			"ToDo",
			filters={"reference_type": "Sales Order", "reference_name": order.name, "status": "Open"},
			fields=["name", "allocated_to", "description"],
		)
