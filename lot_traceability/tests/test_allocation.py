"""The app's allocation inside ERPNext's own picking: FEFO with status, expiry and customer shelf life
at the posting date, Pick Lists FEFO across warehouses, manual choices checked with the same rules,
and ERPNext's behaviour left alone for items no Lot Rule governs."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate

from lot_traceability.allocation_checks import LotRequirementError
from lot_traceability.api import check_allocation
from lot_traceability.overrides import erpnext_allocation
from lot_traceability.tests.utils import (
	attempt,
	delivery_note,
	get_received_batches,
	make_customer,
	make_lot_item,
	make_lot_rule,
	make_user,
	make_warehouse,
	receive,
)

CUSTOMER_90 = "_Lot Test Customer 90 Days"
OVERRIDER = "lt-shelf-life-override@example.com"
CLERK = "lt-sales-clerk@example.com"


def lot_of(item, qty, expires_in, status=None, warehouse=None, made_days_ago=200):
	"""One received lot of `item` with an expiry `expires_in` days from today (and a status)."""
	receipt = receive(item, qty=qty, **({"warehouse": warehouse} if warehouse else {}))
	(batch,) = get_received_batches(receipt.name)
	values = {
		"expiry_date": add_days(nowdate(), expires_in),
		"manufacturing_date": add_days(nowdate(), -made_days_ago),
	}
	if status:
		values["lot_status"] = status
	frappe.db.set_value("Batch", batch, values)
	return batch


def governed_item(**rule):
	item = make_lot_item()
	make_lot_rule(item=item, receipt_status="Approved", allocation_policy="FEFO", **rule)
	return item


class TestAllocationInERPNextPicking(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		erpnext_allocation.apply()
		make_customer()
		make_customer(CUSTOMER_90)
		frappe.db.set_value(
			"Customer", CUSTOMER_90, {"min_remaining_shelf_life": 90, "min_remaining_shelf_life_unit": "Days"}
		)

	@classmethod
	def tearDownClass(cls):
		erpnext_allocation.unapply()
		super().tearDownClass()

	def scenario(self):
		item = governed_item()
		lots = {
			"quarantined": lot_of(item, 10, 20, status="Quarantined"),
			"short": lot_of(item, 10, 60),
			"good": lot_of(item, 10, 120),
			"later": lot_of(item, 10, 200),
		}
		return item, lots

	def test_delivery_note_picks_the_earliest_lot_that_keeps_90_days_for_this_customer(self):
		item, lots = self.scenario()
		note = delivery_note(item, 4, customer=CUSTOMER_90)
		note.items[0].use_serial_batch_fields = 1
		note.insert()
		self.assertEqual(note.items[0].batch_no, lots["good"])
		note.submit()
		# another customer without a requirement gets the earliest lot that may ship
		other = delivery_note(item, 4)
		other.items[0].use_serial_batch_fields = 1
		other.insert()
		self.assertEqual(other.items[0].batch_no, lots["short"])

	def test_the_bundle_made_at_submit_takes_lots_by_the_same_rules(self):
		item, lots = self.scenario()
		note = delivery_note(item, 15, customer=CUSTOMER_90)
		note.items[0].use_serial_batch_fields = 0
		note.items[0].batch_no = None
		note.insert()
		note.submit()
		taken = frappe.db.sql(
			"""select e.batch_no, -e.qty from `tabSerial and Batch Entry` e
			join `tabSerial and Batch Bundle` b on b.name = e.parent
			where b.voucher_no = %s and b.docstatus = 1""",
			note.name,
		)
		self.assertEqual(dict(taken), {lots["good"]: 10, lots["later"]: 5})

	def test_pick_list_over_two_warehouses_picks_fefo_across_both(self):
		item = governed_item()
		group = make_warehouse("_Lot Pick Group", is_group=1)
		east = make_warehouse("_Lot Pick East", parent_warehouse=group)
		west = make_warehouse("_Lot Pick West", parent_warehouse=group)
		east_early = lot_of(item, 5, 100, warehouse=east)
		west_earliest = lot_of(item, 5, 40, warehouse=west)
		east_late = lot_of(item, 5, 300, warehouse=east)
		west_blocked = lot_of(item, 5, 10, status="Quarantined", warehouse=west)
		pick = frappe.get_doc(
			{
				"doctype": "Pick List",
				"company": frappe.db.get_value("Warehouse", east, "company"),
				"purpose": "Material Transfer",
				"parent_warehouse": group,
				"locations": [{"item_code": item, "qty": 12, "stock_qty": 12, "conversion_factor": 1}],
			}
		)
		pick.insert()
		picked = [(row.batch_no, row.warehouse, row.qty) for row in pick.locations]
		self.assertEqual(picked, [(west_earliest, west, 5), (east_early, east, 5), (east_late, east, 2)])
		self.assertNotIn(west_blocked, {row.batch_no for row in pick.locations})

	def test_a_manual_choice_of_a_too_short_lot_is_refused_with_the_reason(self):
		item, lots = self.scenario()
		make_user(CLERK, ["Sales User", "Stock User", "Accounts User"])
		frappe.set_user(CLERK)
		try:
			_doc, error = attempt(lambda: delivery_note(item, 2, lots["short"], customer=CUSTOMER_90))
		finally:
			frappe.set_user("Administrator")
		self.assertIsInstance(error, LotRequirementError, getattr(error, "trace", error))
		self.assertIn(lots["short"], str(error))
		self.assertIn("60 days of shelf life left", str(error))
		# the role allowed to override may ship it; the override is recorded on the note and the lot
		make_user(OVERRIDER, ["Quality Manager", "Stock User", "Sales User", "Accounts User"])
		frappe.set_user(OVERRIDER)
		try:
			note = delivery_note(item, 2, lots["short"], customer=CUSTOMER_90)
			note.insert(ignore_permissions=True)
			note.submit()
		finally:
			frappe.set_user("Administrator")
		for doctype, name in (("Delivery Note", note.name), ("Batch", lots["short"])):
			comments = frappe.get_all(
				"Comment", filters={"reference_doctype": doctype, "reference_name": name}, pluck="content"
			)
			self.assertTrue(any(OVERRIDER in text and "override" in text for text in comments), comments)

	def test_items_without_a_lot_rule_are_picked_as_erpnext_picks_them(self):
		item = make_lot_item()
		first_made = lot_of(item, 10, 300)  # created first: ERPNext's default FIFO takes it
		expires_first = lot_of(item, 10, 30)
		based_on = frappe.db.get_single_value("Stock Settings", "pick_serial_and_batch_based_on")
		note = delivery_note(item, 3, customer=CUSTOMER_90)
		note.items[0].use_serial_batch_fields = 1
		note.insert()
		expected = first_made if based_on in (None, "", "FIFO") else expires_first
		self.assertEqual(note.items[0].batch_no, expected)

	def test_allocation_check_explains_every_lot(self):
		item, lots = self.scenario()
		warehouse = frappe.db.get_value("Lot Balance", {"batch": lots["good"]}, "warehouse")
		result = check_allocation(item, warehouse, 15, nowdate(), CUSTOMER_90)
		by_lot = {row["batch_no"]: row for row in result["lots"]}
		self.assertEqual(result["policy"], "FEFO")
		self.assertEqual((by_lot[lots["good"]]["qty"], by_lot[lots["later"]]["qty"]), (10, 5))
		self.assertIn("Quarantined", by_lot[lots["quarantined"]]["reason"])
		self.assertIn("below the required minimum", by_lot[lots["short"]]["reason"])
		self.assertEqual(result["shortfall"], 0)
		with self.assertRaisesRegex(frappe.ValidationError, "Quantity must be greater than zero, not 0"):
			check_allocation(item, warehouse, 0)


class TestPagedReads(FrappeTestCase):
	"""An allocation reads eligible lots a page at a time, sorting only the lots dated up to the page's
	last expiry (found along the Batch index): its picks equal the core's over every lot at once."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_customer(CUSTOMER_90)
		frappe.db.set_value(
			"Customer", CUSTOMER_90, {"min_remaining_shelf_life": 90, "min_remaining_shelf_life_unit": "Days"}
		)
		cls.item = governed_item()
		cls.stores = [make_warehouse("Paging Store A"), make_warehouse("Paging Store B")]
		# 24 lots over two warehouses, expiry dates in ties of three (one undated, one expired,
		# one quarantined, some too short for the customer)
		cls.lots = []
		for n in range(24):
			expires_in = None if n == 23 else (-5 if n == 0 else 30 * (n // 3))
			lot = lot_of(
				cls.item, 4 + n % 3, expires_in or 1, warehouse=cls.stores[n % 2], made_days_ago=100 + n
			)
			if expires_in is None:
				frappe.db.set_value("Batch", lot, "expiry_date", None)
			if n == 7:
				frappe.db.set_value("Batch", lot, "lot_status", "Quarantined")
			cls.lots.append(lot)

	def picks(self, qty, customer=None):
		from lot_traceability import allocation

		return [
			(c.lot, c.warehouse, q)
			for c, q in allocation.allocate_lots(self.item, self.stores, qty, nowdate(), customer).picks
		]

	def reference(self, qty, customer=None):
		from lot_traceability import allocation
		from lot_traceability.traceability import allocation as core

		every_lot = allocation.candidates(self.item, self.stores)
		request = allocation.request_for(self.item, qty, nowdate(), customer)
		return [(c.lot, c.warehouse, q) for c, q in core.allocate(every_lot, request).picks]

	def test_small_pages_take_the_same_lots_as_one_read_of_every_lot(self):
		from unittest.mock import patch

		from lot_traceability import allocation
		from lot_traceability.queries import balances

		self.assertTrue(balances.has_batch_index())
		bounds = []
		real_bound = balances._fefo_page_bound

		def spy(*args):
			bounds.append(real_bound(*args))
			return bounds[-1]

		with patch.object(allocation, "FIRST_PAGE", 2), patch.object(balances, "_fefo_page_bound", spy):
			for qty in (1, 5, 9, 13, 40, 75, 200):
				for customer in (None, CUSTOMER_90):
					with self.subTest(qty=qty, customer=customer):
						picked = self.picks(qty, customer)
						self.assertTrue(picked)
						self.assertEqual(picked, self.reference(qty, customer))
		# the pages were bounded by an expiry date, and the last ones (past every dated lot) were not
		self.assertTrue(any(bounds))
		self.assertIn(None, bounds)
		# neither the expired nor the quarantined lot is ever taken, the undated one only last
		everything = self.picks(1000)
		taken = [lot for lot, _warehouse, _qty in everything]
		self.assertNotIn(self.lots[0], taken)
		self.assertNotIn(self.lots[7], taken)
		self.assertEqual(taken[-1], self.lots[23])

	def test_a_page_found_short_after_its_bound_is_read_whole_again(self):
		"""Lots that moved between the bound's read and the page's leave it short: the page is read
		again without the bound, so no lot past the bound is missed."""
		from unittest.mock import patch

		from lot_traceability import allocation
		from lot_traceability.queries import balances

		def too_early(where, values, limit, offset):
			return add_days(nowdate(), 1)  # as if later lots had gone meanwhile

		with patch.object(allocation, "FIRST_PAGE", 2), patch.object(balances, "_fefo_page_bound", too_early):
			for qty in (5, 40):
				self.assertEqual(self.picks(qty, CUSTOMER_90), self.reference(qty, CUSTOMER_90))


class TestPagedReadsAgainstAStatusChange(FrappeTestCase):
	"""The bound of a locking FEFO read is read first (a plain read); another user quarantines the
	earliest lots and commits, before that read or between it and the page's locking read. Either
	way the held lots are never taken and the line takes the earliest lots still eligible."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.item = governed_item()
		cls.store = make_warehouse("Paging Race Store")
		cls.lots = [lot_of(cls.item, 5, 10 * (n + 1), warehouse=cls.store) for n in range(6)]
		frappe.db.commit()  # the second user reads them

	def setUp(self):
		from lot_traceability.tests.concurrency import Connection

		self.other = Connection(frappe.local.site, name="a quality manager")

	def tearDown(self):
		frappe.db.rollback()
		lots = self.lots[:2]
		self.other.call(
			lambda: frappe.db.set_value("Batch", {"name": ("in", lots)}, "lot_status", "Approved")
		)
		self.other.commit()
		self.other.close()

	def quarantine_the_earliest_two(self):
		lots = self.lots[:2]
		self.other.call(
			lambda: frappe.db.set_value("Batch", {"name": ("in", lots)}, "lot_status", "Quarantined")
		)
		self.other.commit()

	def taken(self):
		from unittest.mock import patch

		from lot_traceability import allocation

		with patch.object(allocation, "FIRST_PAGE", 2):
			picks = allocation.allocate_lots(
				self.item, [self.store], 10, nowdate(), reading=allocation.HELD
			).picks
		return [candidate.lot for candidate, _qty in picks]

	def test_quarantined_before_the_bound_is_read(self):
		self.quarantine_the_earliest_two()
		self.assertEqual(self.taken(), self.lots[2:4])

	def test_quarantined_between_the_bound_and_the_locking_read(self):
		from unittest.mock import patch

		from lot_traceability.queries import balances

		real_bound, bounds = balances._fefo_page_bound, []

		def bound_then_the_other_user_commits(*args):
			bounds.append(real_bound(*args))
			if len(bounds) == 1:
				self.quarantine_the_earliest_two()
			return bounds[-1]

		with patch.object(balances, "_fefo_page_bound", bound_then_the_other_user_commits):
			taken = self.taken()
		# the first bound was read before the hold (the lots' own expiry): its page came back short
		# under the locking read and was read again whole
		self.assertEqual(str(bounds[0]), str(frappe.db.get_value("Batch", self.lots[1], "expiry_date")))
		self.assertEqual(taken, self.lots[2:4])
