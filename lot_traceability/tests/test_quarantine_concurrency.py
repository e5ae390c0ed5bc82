"""A release out of a quarantine warehouse, interleaved with the movements it decides, in both orders.

The release is a Lot Status Change recorded after the stock came into quarantine; the transfer out
reads it under the lots' locks. So a release committed after the transfer's transaction began is
seen (the transfer posts), and a hold tried while a released transfer posts waits for it. A shipment
from quarantine is refused in either order: no release lets stock be shipped from there.
"""

import frappe

from lot_traceability import api
from lot_traceability.status_changes import change_lot_status
from lot_traceability.tests.concurrency import raised
from lot_traceability.tests.test_concurrency import ConcurrencyTestCase, read, submit
from lot_traceability.tests.utils import delivery_note, make_lot, make_warehouse, stock_entry

QUARANTINE = "_Lot Held Stock"
STORE = "_Lot Second Store"


def release(batch):
	return lambda: api.change_lot_status([batch], "Approved", reason="Returned goods fit for sale")


class TestReleaseOutOfQuarantine(ConcurrencyTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.quarantine = make_warehouse(QUARANTINE, is_quarantine_warehouse=1)
		cls.store = make_warehouse(STORE)
		frappe.db.commit()

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

	def transfer_out(self, lot):
		return self.committed(
			stock_entry(
				lot.item, 3, "Material Transfer", source=self.quarantine, target=self.store, batch=lot.batch
			)
		)

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
		record = self.hold_waits_for("Stock Entry", transfer.name, lot.batch)
		self.assertEqual(record.lots[0].from_status, "Approved")
		self.assert_ledgers_agree(lot.batch)

	def draft_shipment_from_quarantine(self, lot):
		"""A Delivery Note from quarantine saved as a draft: saving it is refused too, so it is saved
		with the gate switched off for that moment (as a draft made before the stock came in would be)."""
		frappe.db.set_single_value("Lot Traceability Settings", "enable_enforcement", 0)
		try:
			return self.committed(delivery_note(lot.item, 2, lot.batch, warehouse=self.quarantine))
		finally:
			frappe.db.set_single_value("Lot Traceability Settings", "enable_enforcement", 1)
			frappe.db.commit()

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
		# delivery first: refused at once, holding nothing the release must wait for
		lot = self.held_in_quarantine()
		note = self.draft_shipment_from_quarantine(lot)
		self.mover.start(submit("Delivery Note", note.name))
		outcome = self.mover.result()
		self.quality.call(release(lot.batch))
		self.quality.commit()
		self.mover.rollback()
		self.assert_refused(outcome, lot.batch, self.quarantine, "Delivery Note", note.name)
		self.assert_posted_nothing("Delivery Note", note.name)
		self.assert_ledgers_agree(lot.batch)
