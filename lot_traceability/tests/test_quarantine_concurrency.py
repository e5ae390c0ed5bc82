"""A release out of a quarantine warehouse, interleaved with the movements it decides, in both orders.

The release is a Lot Status Change recorded after the stock came into quarantine; the transfer out
reads it under the lots' locks. So a release committed after the transfer's transaction began is
seen (the transfer posts), and a hold tried while a released transfer posts waits for it. A shipment
from quarantine is refused in either order: no release lets stock be shipped from there.
"""

import frappe

from lot_traceability import api
from lot_traceability.status_changes import change_lot_status
from lot_traceability.tests.concurrency import StepFailed, raised
from lot_traceability.tests.test_concurrency import HOLD, ConcurrencyTestCase, hold, read, submit
from lot_traceability.tests.test_quarantine_warehouses import QUARANTINE, STORE, quarantine_warehouses
from lot_traceability.tests.utils import delivery_note, make_lot, make_warehouse, stock_entry


def release(batch):
	return lambda: api.change_lot_status([batch], "Approved", reason="Returned goods fit for sale")


class TestReleaseOutOfQuarantine(ConcurrencyTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		(cls.quarantine,) = quarantine_warehouses(QUARANTINE)
		cls.store = make_warehouse(STORE)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		quarantine_warehouses(QUARANTINE, flag=0)
		super().tearDownClass()

	def held_in_quarantine(self):
		"""A lot put on hold, then 4 of it moved into quarantine (after the hold: not released)."""
		lot = make_lot(qty=10)
		change_lot_status([lot.batch], "Quarantined", reason="Customer complaint", by_system=True)
		moved = stock_entry(
			lot.item, 4, "Material Transfer", source=lot.warehouse, target=self.quarantine, batch=lot.batch
		)
		moved.insert()
		moved.submit()
		frappe.db.commit()
		return lot

	def saved_ungated(self, doc):
		"""A draft the gate refuses to save (the lot held, or in quarantine), saved and committed with
		the gate off for that moment: a draft saved before the situation arose."""
		frappe.db.set_single_value("Lot Traceability Settings", "enable_enforcement", 0)
		try:
			return self.committed(doc)
		finally:
			frappe.db.set_single_value("Lot Traceability Settings", "enable_enforcement", 1)
			frappe.db.commit()

	def transfer_out(self, lot):
		return self.saved_ungated(
			stock_entry(
				lot.item, 3, "Material Transfer", source=self.quarantine, target=self.store, batch=lot.batch
			)
		)

	def wait_until_blocked(self, connection, timeout=60):
		"""A status change waits at the insert of its lot rows (the transfer's shared read of them),
		not at a locking read."""
		try:
			connection.wait_until_blocked(timeout)
		except StepFailed as error:
			self.fail(str(error))

	def test_a_release_committed_after_the_transfer_began_lets_it_post(self):
		lot = self.held_in_quarantine()
		transfer = self.transfer_out(lot)
		self.mover.call(read("Stock Entry", transfer.name))  # its snapshot: the lot held, not released
		self.quality.call(release(lot.batch))
		self.quality.commit()
		self.mover.start(submit("Stock Entry", transfer.name))
		outcome = self.mover.result()
		self.assertIsNone(raised(outcome), repr(outcome))
		self.mover.commit()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Stock Entry", transfer.name, "docstatus"), 1)
		self.assert_ledgers_agree(lot.batch)

	def test_a_released_transfer_posting_makes_the_hold_wait(self):
		lot = self.held_in_quarantine()
		self.quality.call(release(lot.batch))
		self.quality.commit()
		transfer = self.transfer_out(lot)
		self.mover.call(submit("Stock Entry", transfer.name))  # posted, its locks held
		self.quality.start(hold(lot.batch))
		self.wait_until_blocked(self.quality)
		self.mover.commit()
		change = self.quality.result()
		self.assertIsNone(raised(change), repr(change))
		self.quality.commit()
		record = self.change_of(change)
		self.assertEqual(record.lots[0].from_status, "Approved")
		self.assertEqual(frappe.db.get_value("Stock Entry", transfer.name, "docstatus"), 1)
		self.assertEqual(frappe.db.get_value("Batch", lot.batch, "lot_status"), HOLD)
		self.assert_ledgers_agree(lot.batch)

	def draft_shipment_from_quarantine(self, lot):
		return self.saved_ungated(delivery_note(lot.item, 2, lot.batch, warehouse=self.quarantine))

	def test_a_release_never_lets_a_shipment_out_of_quarantine_in_either_order(self):
		# release first: committed after the delivery's transaction began
		lot = self.held_in_quarantine()
		note = self.draft_shipment_from_quarantine(lot)
		self.mover.call(read("Delivery Note", note.name))
		self.quality.call(release(lot.batch))
		self.quality.commit()
		self.mover.start(submit("Delivery Note", note.name))
		outcome = self.mover.result()
		self.mover.rollback()
		self.assert_refused(outcome, lot.batch, self.quarantine, "Delivery Note", note.name)
		self.assert_posted_nothing("Delivery Note", note.name)
		# delivery first: refused, its request not yet ended (its locks held): the release waits for
		# it, then goes through
		lot = self.held_in_quarantine()
		note = self.draft_shipment_from_quarantine(lot)
		self.mover.start(submit("Delivery Note", note.name))
		outcome = self.mover.result()
		self.quality.start(release(lot.batch))
		self.wait_until_blocked(self.quality)
		self.mover.rollback()
		change = self.quality.result()
		self.assertIsNone(raised(change), repr(change))
		self.quality.commit()
		# refused by the lot's status then (named once), and by the quarantine once released
		self.assert_refused(outcome, lot.batch, "Quarantined", "Delivery Note", note.name)
		self.mover.start(submit("Delivery Note", note.name))
		outcome = self.mover.result()
		self.mover.rollback()
		self.assert_refused(outcome, lot.batch, self.quarantine, "Delivery Note", note.name)
		self.assert_posted_nothing("Delivery Note", note.name)
		self.assert_ledgers_agree(lot.batch)
