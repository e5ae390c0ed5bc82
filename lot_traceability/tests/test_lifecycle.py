"""Governed status changes: roles, reasons, audit records, bulk changes, no direct edits."""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_test_client, getdate, nowdate
from frappe.utils.password import update_password

from lot_traceability.api import change_lot_status, get_lot_overview
from lot_traceability.lot_traceability.doctype.lot_status_change.lot_status_change import (
	LotStatusChangeError,
)
from lot_traceability.overrides.batch import LotStatusEditError
from lot_traceability.status_changes import approve_change
from lot_traceability.tests.utils import (
	api_token,
	get_received_batches,
	make_lot,
	make_lot_item,
	make_user,
	make_warehouse,
	receive,
)

QUALITY_USER = "lot.quality@example.com"
STOCK_USER = "lot.stock@example.com"
APPROVER = "lot.approver@example.com"


def lot_status(batch):
	return frappe.db.get_value("Batch", batch, "lot_status")


class TestLotStatusChange(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(QUALITY_USER, ["Quality Manager", "Stock User"])
		make_user(STOCK_USER, ["Stock Manager", "Stock User"])
		make_user(APPROVER, ["Quality Manager", "Stock User"])
		cls.approver_password = frappe.generate_hash(length=16)
		update_password(APPROVER, cls.approver_password)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_quality_manager_releases_and_the_change_is_recorded(self):
		lot = make_lot(status="Pending Inspection")
		frappe.set_user(QUALITY_USER)
		name = change_lot_status([lot.batch], "Approved", reason="CoA checked")
		# a release needs a second person (Settings → two-person sign-off): requested, not yet done
		self.assertEqual(lot_status(lot.batch), "Pending Inspection")
		frappe.set_user(APPROVER)  # a second person, signing with their password
		approve_change(name, self.approver_password)
		frappe.set_user("Administrator")
		self.assertEqual(lot_status(lot.batch), "Approved")
		self.assertEqual(getdate(frappe.db.get_value("Batch", lot.batch, "release_date")), getdate(nowdate()))
		change = frappe.get_doc("Lot Status Change", name)
		self.assertEqual(change.docstatus, 1)
		self.assertEqual(
			(change.owner, change.to_status, change.reason), (QUALITY_USER, "Approved", "CoA checked")
		)
		self.assertEqual((change.requested_by, change.approved_by), (QUALITY_USER, APPROVER))
		self.assertEqual((change.signed_by, change.signature_meaning), (APPROVER, "Released"))
		self.assertEqual(change.lots[0].from_status, "Pending Inspection")
		self.assertTrue(change.change_datetime)
		history = get_lot_overview(lot.batch)["history"]
		self.assertEqual((history[0].from_status, history[0].to_status), ("Pending Inspection", "Approved"))

	def test_stock_manager_may_quarantine_but_not_release(self):
		lot = make_lot()
		frappe.set_user(STOCK_USER)
		change_lot_status([lot.batch], "Quarantined", reason="Damaged pallet")
		self.assertEqual(lot_status(lot.batch), "Quarantined")
		with self.assertRaises(frappe.PermissionError) as refusal:
			change_lot_status([lot.batch], "Approved", reason="looks fine")
		self.assertIn(lot.batch, str(refusal.exception))
		self.assertIn("Quality Manager", str(refusal.exception))
		frappe.set_user("Administrator")
		self.assertEqual(lot_status(lot.batch), "Quarantined")

	def test_the_form_offers_only_the_changes_the_user_may_make(self):
		lot = make_lot()
		frappe.set_user(STOCK_USER)
		targets = [target["status"] for target in get_lot_overview(lot.batch)["targets"]]
		self.assertEqual(targets, ["Pending Inspection", "Quarantined", "Disposed"])
		frappe.set_user(QUALITY_USER)
		self.assertIn("Restricted", [target["status"] for target in get_lot_overview(lot.batch)["targets"]])

	def test_the_form_says_what_the_lot_may_do_and_what_each_change_would_do(self):
		lot = make_lot(status="Quarantined", expiry_date=add_days(nowdate(), 300))
		quarantine = make_warehouse("LT Held Stock", is_quarantine_warehouse=1)
		overview = get_lot_overview(lot.batch)
		self.assertIn("be shipped", overview["may_not"])
		self.assertIn("be written off or disposed", overview["may"])
		self.assertIn("Expires on", overview["expiry_note"])
		self.assertEqual(overview["on_hand"], "10 Nos")
		# what ERPNext's Move and Split buttons will do with held stock
		self.assertTrue(overview["move_allowed"])
		self.assertIn(quarantine, overview["move_hint"])
		self.assertFalse(overview["split_allowed"])
		self.assertIn("a Quarantined lot may not be issued", overview["split_hint"])
		# each status offered says what it does, and warns where it does not fit the lot
		targets = {target["status"]: target for target in overview["targets"]}
		self.assertEqual(targets["Approved"]["hint"], "free to use and ship")
		self.assertIn("be shipped", targets["Approved"]["may"])
		self.assertEqual(targets["Expired"]["hint"], "not expired yet")
		self.assertIn("is for lots past their expiry date", targets["Expired"]["warning"])
		self.assertIn("cannot be changed back", targets["Disposed"]["warning"])
		self.assertEqual(targets["Restricted"]["warning"], "")
		# a free lot: nothing to say about the buttons
		free = get_lot_overview(make_lot().batch)
		self.assertEqual((free["move_hint"], free["split_hint"]), ("", ""))
		self.assertEqual(free["may_not"], [])
		# an approved lot past its expiry may still move but not be split (a repack issues it)
		old = get_lot_overview(make_lot(expiry_date=add_days(nowdate(), -1)).batch)
		self.assertTrue(old["expired"])
		self.assertEqual(old["move_hint"], "")
		self.assertIn("past its expiry date", old["split_hint"])
		self.assertIn("be shipped", old["may_not"])
		# a held lot in a company with no quarantine warehouse has nowhere to go: the form says so
		frappe.db.set_value("Warehouse", quarantine, "is_quarantine_warehouse", 0)
		nowhere = get_lot_overview(lot.batch)
		self.assertFalse(nowhere["move_allowed"])
		self.assertIn("tick Quarantine Warehouse", nowhere["move_hint"])

	def test_reason_required_where_the_status_says_so(self):
		lot = make_lot()
		with self.assertRaises(LotStatusChangeError) as refusal:
			change_lot_status([lot.batch], "Quarantined")
		self.assertIn("reason is required", str(refusal.exception))
		self.assertEqual(lot_status(lot.batch), "Approved")

	def test_terminal_status_is_final(self):
		lot = make_lot(status="Disposed")
		with self.assertRaises(LotStatusChangeError) as refusal:
			change_lot_status([lot.batch], "Approved")
		self.assertIn("terminal", str(refusal.exception))

	def test_a_status_change_cannot_be_cancelled(self):
		lot = make_lot()
		change = frappe.get_doc(
			"Lot Status Change", change_lot_status([lot.batch], "Quarantined", reason="x")
		)
		with self.assertRaisesRegex(LotStatusChangeError, "is an audit record and cannot be cancelled"):
			change.cancel()
		self.assertEqual(frappe.db.get_value("Lot Status Change", change.name, "docstatus"), 1)

	def test_direct_edit_of_the_status_is_refused(self):
		lot = make_lot(status="Quarantined")
		batch = frappe.get_doc("Batch", lot.batch)
		batch.lot_status = "Approved"
		with self.assertRaises(LotStatusEditError) as refusal:
			batch.save()
		self.assertIn("Quarantined", str(refusal.exception))
		self.assertEqual(lot_status(lot.batch), "Quarantined")
		batch.reload()
		batch.description = "other fields stay editable"
		batch.save()

	def test_new_lot_cannot_be_created_with_a_chosen_status(self):
		item = make_lot_item()
		frappe.get_doc(
			{
				"doctype": "Lot Rule",
				"applies_to": "Item",
				"item": item,
				"receipt_status": "Pending Inspection",
			}
		).insert()
		batch = frappe.get_doc(
			{"doctype": "Batch", "item": item, "batch_id": f"{item}-X", "lot_status": "Approved"}
		).insert()
		self.assertEqual(batch.lot_status, "Pending Inspection")

	def test_bulk_quarantine_of_500_lots_is_one_action(self):
		item = make_lot_item()
		receipt = receive(item, qty=1)
		(first,) = get_received_batches(receipt.name)
		batches = [first]
		for i in range(499):
			batches.append(
				frappe.get_doc({"doctype": "Batch", "item": item, "batch_id": f"{item}-B{i:03d}"})
				.insert()
				.name
			)
		name = change_lot_status(json.dumps(batches), "Quarantined", reason="Supplier recall notice")
		change = frappe.get_doc("Lot Status Change", name)
		self.assertEqual(len(change.lots), 500)
		self.assertEqual(frappe.db.count("Batch", {"item": item, "lot_status": "Quarantined"}), 500)
		self.assertEqual(frappe.db.count("Lot Status Change Lot", {"parent": name}), 500)

	def test_one_refused_lot_refuses_the_whole_change(self):
		lots = [make_lot(), make_lot(status="Disposed")]
		with self.assertRaises(LotStatusChangeError) as refusal:
			change_lot_status([lot.batch for lot in lots], "Quarantined", reason="x")
		self.assertIn(lots[1].batch, str(refusal.exception))  # the refused lot, by name
		self.assertIn("terminal", str(refusal.exception))
		self.assertEqual(lot_status(lots[0].batch), "Approved")


class TestLotStatusChangeOverREST(FrappeTestCase):
	"""A user without the releasing role cannot release over REST either."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(STOCK_USER, ["Stock Manager", "Stock User"])
		cls.token = api_token(STOCK_USER)
		cls.lot = make_lot(status="Quarantined")
		frappe.db.commit()  # the requests run in their own transaction
		cls.client = get_test_client()

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_value("Batch", cls.lot.batch, "lot_status", "Disposed")
		frappe.db.commit()
		super().tearDownClass()

	def request(self, method, path, data):
		target = getattr(self.client, method)
		return make_request(
			target=target,
			args=(path,),
			kwargs={"json": data, "headers": {"Authorization": f"token {self.token}"}},
		)

	def test_release_through_api_method_is_forbidden(self):
		response = self.request(
			"post",
			"/api/method/lot_traceability.api.change_lot_status",
			{"batches": [self.lot.batch], "to_status": "Approved", "reason": "trust me"},
		)
		self.assertEqual(response.status_code, 403, response.json)
		self.assertEqual(lot_status(self.lot.batch), "Quarantined")

	def test_release_by_editing_the_batch_is_forbidden(self):
		response = self.request("put", f"/api/resource/Batch/{self.lot.batch}", {"lot_status": "Approved"})
		self.assertEqual(response.status_code, 403, response.json)
		self.assertEqual(lot_status(self.lot.batch), "Quarantined")

	def test_release_by_submitting_a_status_change_is_forbidden(self):
		response = self.request(
			"post",
			"/api/resource/Lot Status Change",
			{"to_status": "Approved", "reason": "x", "docstatus": 1, "lots": [{"batch": self.lot.batch}]},
		)
		self.assertEqual(response.status_code, 403, response.json)
		self.assertEqual(lot_status(self.lot.batch), "Quarantined")
