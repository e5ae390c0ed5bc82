"""The daily expiry check and near-expiry notifications."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate

from lot_traceability.tasks import expire_lots, notify_near_expiry
from lot_traceability.tests.utils import make_lot, make_user


class TestExpiryJobs(FrappeTestCase):
	def test_usable_lots_past_expiry_become_expired_in_one_recorded_change(self):
		yesterday = add_days(nowdate(), -1)
		approved = make_lot(expiry_date=yesterday)
		pending = make_lot(status="Pending Inspection", expiry_date=yesterday)
		held = make_lot(status="Quarantined", expiry_date=yesterday)
		fresh = make_lot(expiry_date=nowdate())
		change = frappe.get_doc("Lot Status Change", expire_lots())
		self.assertEqual(change.source, "Expiry Check")
		self.assertEqual(change.to_status, "Expired")
		moved = {row.batch for row in change.lots}
		self.assertLessEqual({approved.batch, pending.batch}, moved)
		self.assertNotIn(held.batch, moved)
		self.assertNotIn(fresh.batch, moved)
		status = lambda lot: frappe.db.get_value("Batch", lot.batch, "lot_status")  # noqa: E731
		self.assertEqual(
			[status(approved), status(pending), status(held), status(fresh)],
			["Expired", "Expired", "Quarantined", "Approved"],
		)
		self.assertIsNone(expire_lots())

	def test_near_expiry_notice_lists_lots_with_stock_in_the_window(self):
		user = make_user("lot.quality@example.com", ["Quality Manager"])
		soon = make_lot(qty=3, expiry_date=add_days(nowdate(), 10))
		later = make_lot(qty=3, expiry_date=add_days(nowdate(), 100))
		frappe.db.set_single_value("Lot Traceability Settings", "near_expiry_days", 30)
		before = frappe.db.count("Notification Log", {"for_user": user})
		listed = {lot.name for lot in notify_near_expiry()}
		self.assertIn(soon.batch, listed)
		self.assertNotIn(later.batch, listed)
		self.assertGreater(frappe.db.count("Notification Log", {"for_user": user}), before)
