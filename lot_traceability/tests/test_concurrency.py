"""A hold must always hold: every decision that a lot may move, interleaved with a status change
by another user, in both orders.

- *Change first*: the mover's transaction has already read (it began before the change), the
  quality manager's change commits, then the mover posts: the movement must see the change.
- *Movement first*: the mover has posted and holds its locks, the change is tried: it must wait
  (observed as a lock wait in InnoDB), and once the movement commits, the change goes through and
  records the lot as the movement left it.

After each, the kept lot balances and the lot ledger must still equal ERPNext's ledger. Each step
runs in a connection of its own (`tests/concurrency.py`); the data they share is committed first.
"""

import json

import frappe
import frappe.app
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, today
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from lot_traceability import api, balances, lot_ledger
from lot_traceability.enforcement import LotNotAllowedError
from lot_traceability.labels import lot_gs1_string
from lot_traceability.overrides import erpnext_allocation, frappe_app
from lot_traceability.tests.concurrency import Connection, raised
from lot_traceability.tests.test_labels import give_gtin
from lot_traceability.tests.utils import (
	delivery_note,
	get_received_batches,
	make_customer,
	make_lot,
	make_lot_item,
	make_lot_rule,
	make_user,
	pick_list,
	receive,
	sales_invoice,
	stock_entry,
)

QUALITY_USER = "lot.concurrency.quality@example.com"
HOLD = "Quarantined"


def hold(batch, status=HOLD):
	return lambda: api.change_lot_status([batch], status, reason="Temperature excursion")


def submit(doctype, name):
	def step():
		doc = frappe.get_doc(doctype, name)
		doc.submit()
		return doc.name

	return step


def read(doctype, name):
	"""A first read: the transaction's snapshot begins here."""
	return lambda: frappe.get_doc(doctype, name).docstatus


class ConcurrencyTestCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# what every request and job does when it starts (hooks.py: before_request, before_job)
		erpnext_allocation.apply()
		make_user(QUALITY_USER, ["Quality Manager", "Stock User"])
		make_customer()
		# releases here are one user's (two-person sign-off: test_restrictions.py)
		cls.sign_off = frappe.db.get_single_value("Lot Traceability Settings", "require_sign_off")
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", 0)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		erpnext_allocation.unapply()
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", cls.sign_off)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		site = frappe.local.site
		self.mover = Connection(site, "Administrator", "the clerk")
		self.quality = Connection(site, QUALITY_USER, "the quality manager")

	def tearDown(self):
		self.mover.close()
		self.quality.close()
		frappe.db.rollback()

	def committed(self, doc):
		"""Save a document and commit it, so that both connections see it."""
		doc.insert()
		frappe.db.commit()
		return doc

	def assert_ledgers_agree(self, *batches):
		frappe.db.rollback()  # read what the other connections committed
		self.assertEqual(balances.differences(list(batches)), [])
		self.assertEqual(lot_ledger.differences(list(batches)), [])

	def assert_refused(self, outcome, lot, status, doctype, name):
		error = raised(outcome)
		self.assertIsInstance(error, LotNotAllowedError, repr(outcome))
		for words in (lot, status, doctype, name):
			self.assertIn(words, str(error))

	def assert_posted_nothing(self, doctype, name):
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value(doctype, name, "docstatus"), 0)
		self.assertFalse(frappe.db.exists("Stock Ledger Entry", {"voucher_no": name, "is_cancelled": 0}))

	def change_of(self, name):
		frappe.db.rollback()
		return frappe.get_doc("Lot Status Change", name)

	def moved_lots(self, doctype, name):
		frappe.db.rollback()
		return sorted(
			set(
				frappe.db.sql(
					"""select e.batch_no from `tabSerial and Batch Entry` e
					join `tabSerial and Batch Bundle` b on b.name = e.parent
					where b.voucher_type = %s and b.voucher_no = %s and b.docstatus = 1""",
					(doctype, name),
					pluck=True,
				)
			)
		)

	def hold_waits_for(self, doctype, name, lot):
		"""Movement first: post (locks held), try the hold (it must wait), commit, let it finish."""
		self.mover.call(submit(doctype, name))
		self.quality.start(hold(lot))
		self.quality.wait_for_lock()
		self.mover.commit()
		change = self.quality.result()
		self.assertIsNone(raised(change), repr(change))
		self.quality.commit()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value(doctype, name, "docstatus"), 1)
		record = self.change_of(change)
		self.assertEqual(record.lots[0].from_status, "Approved")
		self.assertEqual(frappe.db.get_value("Batch", lot, "lot_status"), HOLD)
		posted = frappe.db.get_value(
			"Stock Ledger Entry", {"voucher_no": name, "is_cancelled": 0}, "max(creation)"
		)
		if posted:  # a Pick List moves no stock
			self.assertGreaterEqual(record.creation, posted)
		return record


class TestHoldAgainstChosenLots(ConcurrencyTestCase):
	"""A lot chosen on the document's row, on every kind of movement."""

	def paths(self, lot):
		return {
			"Delivery Note": lambda: delivery_note(lot.item, 2, lot.batch),
			"Sales Invoice": lambda: sales_invoice(lot.item, 2, lot.batch),
			"Stock Entry": lambda: stock_entry(
				lot.item, 2, "Material Issue", source=lot.warehouse, batch=lot.batch
			),
			"Pick List": lambda: pick_list(lot.item, 2, lot.batch),
		}

	def test_a_hold_committed_after_the_movement_began_refuses_it(self):
		for doctype in ("Delivery Note", "Sales Invoice", "Stock Entry", "Pick List"):
			with self.subTest(doctype):
				lot = make_lot(qty=10)
				doc = self.committed(self.paths(lot)[doctype]())
				self.mover.call(read(doctype, doc.name))
				self.quality.call(hold(lot.batch))
				self.quality.commit()
				self.mover.start(submit(doctype, doc.name))
				outcome = self.mover.result()
				self.mover.rollback()
				self.assert_refused(outcome, lot.batch, HOLD, doctype, doc.name)
				self.assert_posted_nothing(doctype, doc.name)
				self.assert_ledgers_agree(lot.batch)

	def test_a_movement_holding_its_lot_makes_the_hold_wait_and_posts(self):
		for doctype in ("Delivery Note", "Sales Invoice", "Stock Entry", "Pick List"):
			with self.subTest(doctype):
				lot = make_lot(qty=10)
				doc = self.committed(self.paths(lot)[doctype]())
				self.hold_waits_for(doctype, doc.name, lot.batch)
				self.assert_ledgers_agree(lot.batch)


class TestHoldAgainstAutomaticPicks(ConcurrencyTestCase):
	"""Lots ERPNext or the app picks at submit: a lot held meanwhile is skipped, not refused."""

	def two_lots(self, governed: bool):
		item = make_lot_item()
		if governed:
			make_lot_rule(item=item, receipt_status="Approved", allocation_policy="FIFO")
		older = get_received_batches(receive(item, qty=10, posting_date=add_days(today(), -2)).name)[0]
		newer = get_received_batches(receive(item, qty=10).name)[0]
		frappe.db.commit()
		return item, older, newer

	def test_a_lot_held_after_the_delivery_began_is_passed_over_for_the_next(self):
		for governed in (True, False):
			with self.subTest(governed=governed):
				item, older, newer = self.two_lots(governed)
				note = self.committed(delivery_note(item, 4))
				# the row has no lot chosen by a person: ERPNext or the app picks at submit
				self.assertEqual(note.items[0].batch_no, note.items[0].lot_picked_automatically or None)
				self.mover.call(read("Delivery Note", note.name))
				self.quality.call(hold(older))
				self.quality.commit()
				self.mover.call(submit("Delivery Note", note.name))
				self.mover.commit()
				self.assertEqual(self.moved_lots("Delivery Note", note.name), [newer])
				self.assert_ledgers_agree(older, newer)

	def test_an_automatic_pick_holding_its_lot_makes_the_hold_wait(self):
		for governed in (True, False):
			with self.subTest(governed=governed):
				item, older, newer = self.two_lots(governed)
				note = self.committed(delivery_note(item, 4))
				self.hold_waits_for("Delivery Note", note.name, older)
				self.assertEqual(self.moved_lots("Delivery Note", note.name), [older])
				self.assert_ledgers_agree(older, newer)

	def test_a_lot_another_delivery_took_is_picked_again_not_refused(self):
		"""Two deliveries saved at once both got the older lot (all of it) on their row; the second
		to post takes the next lot instead of failing. In both orders of their first reads."""
		for governed in (True, False):
			for second_read_first in (True, False):
				with self.subTest(governed=governed, second_read_first=second_read_first):
					item, older, newer = self.two_lots(governed)
					# rows that use lot fields (Stock Settings) get the lot put on them when saved
					first = self.committed(delivery_note(item, 10, use_serial_batch_fields=1))
					second = self.committed(delivery_note(item, 10, use_serial_batch_fields=1))
					for note in (first, second):
						self.assertEqual(note.items[0].batch_no, older)
						self.assertEqual(note.items[0].lot_picked_automatically, older)
					other = Connection(frappe.local.site, "Administrator", "another clerk")
					try:
						if second_read_first:
							other.call(read("Delivery Note", second.name))
						self.mover.call(submit("Delivery Note", first.name))
						self.mover.commit()
						other.call(submit("Delivery Note", second.name))
						other.commit()
					finally:
						other.close()
					self.assertEqual(self.moved_lots("Delivery Note", first.name), [older])
					self.assertEqual(self.moved_lots("Delivery Note", second.name), [newer])
					self.assert_ledgers_agree(older, newer)


class TestReleaseAgainstPickList(ConcurrencyTestCase):
	"""A Pick List made while a held lot is released."""

	def held_and_approved(self):
		item = make_lot_item()
		make_lot_rule(item=item, receipt_status="Approved", allocation_policy="FIFO")
		held = get_received_batches(receive(item, qty=5, posting_date=add_days(today(), -2)).name)[0]
		approved = get_received_batches(receive(item, qty=5).name)[0]
		frappe.db.set_value("Batch", held, "lot_status", HOLD)
		frappe.db.commit()
		return item, held, approved

	def make_pick_list(self, item):
		def step():
			doc = pick_list(item, 5, None)
			doc.locations[0].update({"batch_no": None, "use_serial_batch_fields": 0, "picked_qty": 0})
			doc.set_item_locations()  # "Get Item Locations"
			doc.insert()
			return sorted({row.batch_no for row in doc.locations if row.batch_no})

		return step

	def test_a_release_committed_while_the_pick_list_is_made_is_seen(self):
		item, held, approved = self.held_and_approved()
		self.mover.call(lambda: frappe.db.get_value("Batch", held, "lot_status"))  # snapshot begins
		self.quality.call(hold(held, "Approved"))
		self.quality.commit()
		picked = self.mover.call(self.make_pick_list(item))
		self.mover.rollback()
		self.assertEqual(picked, [held])  # the older lot, released, comes first

	def test_a_pick_list_being_made_makes_the_release_wait(self):
		item, held, approved = self.held_and_approved()
		picked = self.mover.call(self.make_pick_list(item))
		self.assertEqual(picked, [approved])
		self.quality.start(hold(held, "Approved"))
		self.quality.wait_for_lock()
		self.mover.commit()
		change = self.quality.result()
		self.assertIsNone(raised(change), repr(change))
		self.quality.commit()
		self.assertEqual(self.change_of(change).lots[0].from_status, HOLD)


class TestHoldAgainstScanning(ConcurrencyTestCase):
	def test_a_scan_sees_a_hold_committed_after_its_transaction_began(self):
		lot = make_lot(qty=10)
		give_gtin(lot.item)
		frappe.db.commit()
		label = lot_gs1_string(lot.batch, raw=True)
		self.mover.call(read("Batch", lot.batch))
		self.quality.call(hold(lot.batch))
		self.quality.commit()
		self.mover.start(lambda: api.scan_lot_label(label, "Delivery Note"))
		outcome = self.mover.result()
		self.assertIsInstance(raised(outcome), LotNotAllowedError, repr(outcome))
		self.assertIn(HOLD, str(raised(outcome)))

	def test_a_scan_in_progress_makes_the_hold_wait(self):
		lot = make_lot(qty=10)
		give_gtin(lot.item)
		frappe.db.commit()
		label = lot_gs1_string(lot.batch, raw=True)
		row = self.mover.call(lambda: api.scan_lot_label(label, "Delivery Note"))
		self.assertEqual(row["batch_no"], lot.batch)
		self.quality.start(hold(lot.batch))
		self.quality.wait_for_lock()
		self.mover.commit()
		self.assertIsNone(raised(self.quality.result()))
		self.quality.commit()


def recall_of(lot, submit_it: bool = True):
	"""A step: a real recall of the lot, inserted (and submitted)."""

	def step():
		doc = frappe.get_doc(
			{
				"doctype": "Lot Recall",
				"title": f"Recall of {lot.batch}",
				"reason": "Supplier notice",
				"source_lots": [{"batch": lot.batch}],
			}
		)
		doc.insert()
		if submit_it:
			doc.submit()
		return doc.name

	return step


class TestRecallAgainstDelivery(ConcurrencyTestCase):
	def recall(self, lot):
		return recall_of(lot)

	def test_a_recall_committed_after_the_delivery_began_refuses_it(self):
		lot = make_lot(qty=10)
		note = self.committed(delivery_note(lot.item, 2, lot.batch))
		self.mover.call(read("Delivery Note", note.name))
		self.quality.call(self.recall(lot))
		self.quality.commit()
		self.mover.start(submit("Delivery Note", note.name))
		outcome = self.mover.result()
		self.mover.rollback()
		self.assert_refused(outcome, lot.batch, "Recalled", "Delivery Note", note.name)
		self.assert_posted_nothing("Delivery Note", note.name)
		self.assert_ledgers_agree(lot.batch)

	def test_a_delivery_being_submitted_is_in_the_recall_that_waited_for_it(self):
		lot = make_lot(qty=10)
		note = self.committed(delivery_note(lot.item, 2, lot.batch))
		self.mover.call(submit("Delivery Note", note.name))
		self.quality.start(self.recall(lot))
		self.quality.wait_for_lock()
		self.mover.commit()
		recall = self.quality.result()
		self.assertIsNone(raised(recall), repr(recall))
		self.quality.commit()
		frappe.db.rollback()
		doc = frappe.get_doc("Lot Recall", recall)
		self.assertEqual([row.customer for row in doc.customers], [note.customer])
		self.assertEqual(doc.shipped_qty, 2)
		self.assertIn(note.name, doc.customers[0].documents)
		self.assertEqual(frappe.db.get_value("Batch", lot.batch, "lot_status"), "Recalled")
		self.assert_ledgers_agree(lot.batch)


class TestSavedRecallAgainstDelivery(ConcurrencyTestCase):
	"""A recall saved as a draft keeps the scope it computed; its submit checks, with the lots locked,
	that nothing the scope was computed from changed since, and computes it again if anything did."""

	def saved_recall(self, lot) -> str:
		frappe.db.commit()  # the lot, for the other connections
		name = self.quality.call(recall_of(lot, submit_it=False))
		self.quality.commit()
		return name

	def assert_recall_of(self, recall, lot, note=None):
		frappe.db.rollback()
		doc = frappe.get_doc("Lot Recall", recall)
		self.assertEqual(doc.docstatus, 1)
		self.assertEqual([row.customer for row in doc.customers], [note.customer] if note else [])
		self.assertEqual(doc.shipped_qty, 2 if note else 0)
		self.assertEqual({row.docstatus for row in doc.customers + doc.affected_lots + doc.locations}, {1})
		self.assertEqual([row.status_after for row in doc.affected_lots], ["Recalled"])
		self.assertEqual(frappe.db.get_value("Batch", lot.batch, "lot_status"), "Recalled")
		self.assert_ledgers_agree(lot.batch)

	def test_a_delivery_committed_after_the_draft_was_saved_joins_the_scope_at_submit(self):
		lot = make_lot(qty=10)
		recall = self.saved_recall(lot)
		self.assertEqual(frappe.db.count("Lot Recall Customer", {"parent": recall}), 0)
		note = self.committed(delivery_note(lot.item, 2, lot.batch))
		self.mover.call(submit("Delivery Note", note.name))
		self.mover.commit()
		outcome = self.quality.call(submit("Lot Recall", recall))
		self.assertIsNone(raised(outcome), repr(outcome))
		self.quality.commit()
		self.assert_recall_of(recall, lot, note)

	def test_a_delivery_being_submitted_joins_the_scope_of_the_saved_draft_that_waited_for_it(self):
		lot = make_lot(qty=10)
		recall = self.saved_recall(lot)
		note = self.committed(delivery_note(lot.item, 2, lot.batch))
		self.mover.call(submit("Delivery Note", note.name))
		self.quality.start(submit("Lot Recall", recall))
		self.quality.wait_for_lock()
		self.mover.commit()
		outcome = self.quality.result()
		self.assertIsNone(raised(outcome), repr(outcome))
		self.quality.commit()
		self.assert_recall_of(recall, lot, note)

	def test_a_saved_draft_submitted_first_refuses_the_delivery_that_waited_for_it(self):
		lot = make_lot(qty=10)
		recall = self.saved_recall(lot)
		note = self.committed(delivery_note(lot.item, 2, lot.batch))
		self.mover.call(read("Delivery Note", note.name))
		self.quality.call(submit("Lot Recall", recall))
		self.mover.start(submit("Delivery Note", note.name))
		self.quality.commit()
		outcome = self.mover.result()
		self.mover.rollback()
		self.assert_refused(outcome, lot.batch, "Recalled", "Delivery Note", note.name)
		self.assert_posted_nothing("Delivery Note", note.name)
		self.assert_recall_of(recall, lot)


class TestDeadlockAnswer(ConcurrencyTestCase):
	"""A deadlock MariaDB reports is answered "Please try again" (HTTP 508), not as a server error."""

	def test_a_real_deadlock_is_answered_with_try_again(self):
		first, second = make_lot(qty=1).batch, make_lot(qty=1).batch
		frappe.db.commit()

		def lock(batch):
			return lambda: frappe.db.sql("select name from `tabBatch` where name = %s for update", batch)

		self.mover.call(lock(first))
		self.quality.call(lock(second))
		self.mover.start(lock(second))
		self.mover.wait_for_lock()
		self.quality.start(lock(first))  # each now waits for the other: MariaDB picks a victim
		outcomes = [self.mover.result(), self.quality.result()]
		self.mover.rollback()
		self.quality.rollback()
		errors = [raised(outcome) for outcome in outcomes if raised(outcome)]
		self.assertEqual(len(errors), 1, outcomes)
		self.assertIsInstance(errors[0], frappe.QueryDeadlockError)

		frappe_app.apply()
		self.addCleanup(setattr, frappe.local, "request", getattr(frappe.local, "request", None))
		self.addCleanup(setattr, frappe.local, "is_ajax", getattr(frappe.local, "is_ajax", None))
		frappe.local.request = Request(
			EnvironBuilder(
				path="/api/resource/Delivery Note", headers={"Accept": "application/json"}
			).get_environ()
		)
		frappe.local.is_ajax = True
		# an answer earlier tests of this process built (a download) must not shape this one
		self.addCleanup(setattr, frappe.local, "response", frappe.local.response)
		frappe.local.response = frappe._dict(docs=[])
		try:
			raise errors[0]  # handled as the request handler handles it: inside its except clause
		except frappe.QueryDeadlockError as error:
			response = frappe.app.handle_exception(error)
		self.assertEqual(response.status_code, 508)  # the desk shows "Please try again"
		self.assertEqual(json.loads(response.get_data())["exc_type"], "QueryDeadlockError")
