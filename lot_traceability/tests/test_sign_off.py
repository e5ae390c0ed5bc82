"""The release sign-off cannot be forged or bypassed, and is signed electronically (21 CFR Part 11).

- requester and approver are the server's: whoever first saved the change, whoever submits it;
- every move out of a hold into a status that is not one (Quarantined → Pending Inspection
  included) needs a second person, and a Quality Inspection releases only a lot that waits for it
  since its receipt or through a signed change;
- the approver signs with their password (`lot_traceability.api.approve_lot_status_change`); every
  other submit of a change that needs sign-off is refused; five wrong passwords lock signing.
"""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client
from frappe.utils.password import update_password

from lot_traceability import signatures
from lot_traceability.lot_overview import lot_overview
from lot_traceability.lot_traceability.doctype.lot_status_change.lot_status_change import (
	LotStatusChangeError,
)
from lot_traceability.status_changes import approve_change, change_lot_status
from lot_traceability.tests.concurrency import Connection, raised
from lot_traceability.tests.utils import (
	api_token,
	get_received_batches,
	make_lot,
	make_lot_item,
	make_lot_rule,
	make_user,
	quality_inspection,
	receive,
)

REQUESTER = "lot.sign.requester@example.com"
APPROVER = "lot.sign.approver@example.com"
COLLEAGUE = "lot.sign.colleague@example.com"
QUALITY = ["Quality Manager", "Stock User"]


def lot_status(batch: str) -> str:
	return frappe.db.get_value("Batch", batch, "lot_status")


def as_json(doc) -> dict:
	return json.loads(frappe.as_json(doc.as_dict()))


class SignOffCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.passwords = {}
		for user in (REQUESTER, APPROVER, COLLEAGUE):
			make_user(user, QUALITY)
			cls.passwords[user] = frappe.generate_hash(length=16)
			update_password(user, cls.passwords[user])
		cls.sign_off = frappe.db.get_single_value("Lot Traceability Settings", "require_sign_off")
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", 1)

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", cls.sign_off)
		super().tearDownClass()

	def setUp(self):
		for user in (REQUESTER, APPROVER, COLLEAGUE):
			signatures.unlock(user)

	def tearDown(self):
		frappe.set_user("Administrator")
		for user in (REQUESTER, APPROVER, COLLEAGUE):
			signatures.unlock(user)

	def requested(self, status="Quarantined", to_status="Approved", reason="Checked") -> tuple:
		"""A lot in `status` and a change of it into `to_status`, requested by REQUESTER."""
		lot = make_lot(status=status)
		frappe.set_user(REQUESTER)
		name = change_lot_status([lot.batch], to_status, reason=reason).name
		frappe.set_user("Administrator")
		return lot, name

	def signed(self, *args, **kwargs) -> tuple:
		lot, name = self.requested(*args, **kwargs)
		frappe.set_user(APPROVER)
		approve_change(name, self.passwords[APPROVER])
		frappe.set_user("Administrator")
		return lot, frappe.get_doc("Lot Status Change", name)


class TestServerOwnedFields(SignOffCase):
	def test_requester_sent_by_the_client_is_overwritten_and_its_own_submit_refused(self):
		lot = make_lot(status="Quarantined")
		frappe.set_user(REQUESTER)
		doc = frappe.get_doc(
			{
				"doctype": "Lot Status Change",
				"to_status": "Approved",
				"reason": "Checked",
				"requested_by": COLLEAGUE,
				"approved_by": COLLEAGUE,
				"signed_by": COLLEAGUE,
				"signature_hash": "0" * 64,
				"lots": [{"batch": lot.batch}],
			}
		).insert()
		self.assertEqual((doc.requested_by, doc.approved_by, doc.signed_by), (REQUESTER, None, None))
		self.assertIsNone(doc.signature_hash)
		with self.assertRaises(frappe.PermissionError) as refusal:
			frappe.get_doc("Lot Status Change", doc.name).submit()
		for words in (lot.batch, "Approved", REQUESTER, "cannot approve it too"):
			self.assertIn(words, str(refusal.exception))
		self.assertEqual(lot_status(lot.batch), "Quarantined")

	def test_the_requester_cannot_be_changed_once_saved(self):
		lot, name = self.requested()
		frappe.set_user(REQUESTER)
		doc = frappe.get_doc("Lot Status Change", name)
		doc.requested_by = COLLEAGUE
		with self.assertRaisesRegex(LotStatusChangeError, "Requested By.* is recorded by the system"):
			doc.save()
		with self.assertRaisesRegex(LotStatusChangeError, f"{name}.*Requested By"):
			frappe.client.set_value("Lot Status Change", name, "requested_by", COLLEAGUE)
		self.assertEqual(frappe.db.get_value("Lot Status Change", name, "requested_by"), REQUESTER)

	def test_the_approver_cannot_be_changed_after_submit(self):
		lot, change = self.signed()
		self.assertEqual((change.requested_by, change.approved_by), (REQUESTER, APPROVER))
		frappe.set_user(APPROVER)
		with self.assertRaisesRegex(LotStatusChangeError, f"{change.name}.*Approved By.*cannot be changed"):
			frappe.client.set_value("Lot Status Change", change.name, "approved_by", COLLEAGUE)
		for fieldname, value in (("signed_by", COLLEAGUE), ("signature_meaning", "Rejected")):
			with self.assertRaisesRegex(LotStatusChangeError, "recorded by the system"):
				frappe.client.set_value("Lot Status Change", change.name, fieldname, value)
		self.assertEqual(frappe.db.get_value("Lot Status Change", change.name, "approved_by"), APPROVER)
		# the record sent back unchanged (its date-times as text, as a client sends them) is no change
		sent_back = frappe.get_doc(as_json(frappe.get_doc("Lot Status Change", change.name)))
		sent_back.save()
		self.assertEqual(signatures.signature_state(sent_back), signatures.VALID)


class TestOverRest(SignOffCase):
	"""The finding as reported: a Quality Manager posts a release naming a colleague as requester,
	then submits it — and the same over `frappe.client.set_value` after submit."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.tokens = {user: api_token(user) for user in (REQUESTER, APPROVER)}
		frappe.db.commit()
		cls.client = get_test_client()

	@classmethod
	def tearDownClass(cls):
		super().tearDownClass()
		frappe.db.commit()

	def request(self, user, method, path, data):
		return make_request(
			target=getattr(self.client, method),
			args=(path,),
			kwargs={"json": data, "headers": {"Authorization": f"token {self.tokens[user]}"}},
		)

	def test_forged_requester_is_ignored_and_the_self_approval_refused(self):
		lot = make_lot(status="Quarantined")
		frappe.db.commit()
		response = self.request(
			REQUESTER,
			"post",
			"/api/resource/Lot Status Change",
			{
				"to_status": "Approved",
				"reason": "Checked",
				"requested_by": APPROVER,
				"lots": [{"batch": lot.batch}],
			},
		)
		self.assertEqual(response.status_code, 200, response.json)
		name = response.json["data"]["name"]
		self.assertEqual(response.json["data"]["requested_by"], REQUESTER)
		frappe.db.rollback()
		change = frappe.get_doc("Lot Status Change", name)
		response = self.request(
			REQUESTER, "post", "/api/method/frappe.client.submit", {"doc": as_json(change)}
		)
		self.assertEqual(response.status_code, 403, response.json)
		for words in (lot.batch, "Approved", REQUESTER, "cannot approve it too"):
			self.assertIn(words, str(response.json))
		frappe.db.rollback()
		self.assertEqual(lot_status(lot.batch), "Quarantined")

	def test_wrong_password_over_rest_is_refused_and_the_approver_signs(self):
		lot, name = self.requested()
		frappe.db.commit()
		path = "/api/method/lot_traceability.api.approve_lot_status_change"
		response = self.request(APPROVER, "post", path, {"name": name, "password": "not-the-password"})
		self.assertEqual(response.status_code, 417, response.json)
		self.assertIn("password of", response.json["_server_messages"])
		response = self.request(APPROVER, "post", path, {"name": name, "password": self.passwords[APPROVER]})
		self.assertEqual(response.status_code, 200, response.json)
		self.assertEqual(response.json["message"]["signature"]["state"], signatures.VALID)
		frappe.db.rollback()
		self.assertEqual(lot_status(lot.batch), "Approved")
		response = self.request(
			APPROVER,
			"post",
			"/api/method/frappe.client.set_value",
			{"doctype": "Lot Status Change", "name": name, "fieldname": "approved_by", "value": REQUESTER},
		)
		self.assertEqual(response.status_code, 417, response.json)
		self.assertIn("Approved By", str(response.json))
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Lot Status Change", name, "approved_by"), APPROVER)


class TestHoldsNeedSignOff(SignOffCase):
	"""Finding (b): out of a hold to Pending Inspection, then an accepted inspection."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.allow_after = frappe.db.get_single_value(
			"Stock Settings", "allow_to_make_quality_inspection_after_purchase_or_delivery"
		)
		frappe.db.set_single_value(
			"Stock Settings", "allow_to_make_quality_inspection_after_purchase_or_delivery", 1
		)

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value(
			"Stock Settings", "allow_to_make_quality_inspection_after_purchase_or_delivery", cls.allow_after
		)
		super().tearDownClass()

	def inspected_lot(self):
		item = make_lot_item()
		make_lot_rule(item=item, receipt_status="Pending Inspection", quality_inspection_decides_release=1)
		receipt = receive(item, qty=4)
		(batch,) = get_received_batches(receipt.name)
		return item, batch, receipt

	def test_a_held_lot_back_to_pending_inspection_waits_for_a_second_person(self):
		item, batch, receipt = self.inspected_lot()
		frappe.set_user(REQUESTER)
		change_lot_status([batch], "Quarantined", reason="Leak")
		self.assertEqual(lot_status(batch), "Quarantined")
		back = change_lot_status([batch], "Pending Inspection", reason="Dried")
		self.assertEqual((back.docstatus, back.needs_sign_off), (0, 1))
		self.assertEqual(lot_status(batch), "Quarantined")
		quality_inspection(item, batch, receipt.name, "Accepted")
		self.assertEqual(lot_status(batch), "Quarantined")  # the inspection does not release it
		frappe.set_user(APPROVER)
		approve_change(back.name, self.passwords[APPROVER])
		self.assertEqual(lot_status(batch), "Pending Inspection")
		quality_inspection(item, batch, receipt.name, "Accepted")  # signed back: the inspection decides
		self.assertEqual(lot_status(batch), "Approved")

	def test_an_inspection_does_not_release_a_lot_moved_out_of_a_hold_unsigned(self):
		item, batch, receipt = self.inspected_lot()
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", 0)
		try:
			change_lot_status([batch], "Quarantined", reason="Leak")
			change_lot_status([batch], "Pending Inspection", reason="Dried")  # one person: no sign-off
		finally:
			frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", 1)
		quality_inspection(item, batch, receipt.name, "Accepted")
		self.assertEqual(lot_status(batch), "Pending Inspection")
		self.assertIn("without a second person's sign-off", str(frappe.message_log[-1]))

	def test_an_inspection_still_releases_a_lot_waiting_since_its_receipt(self):
		item, batch, receipt = self.inspected_lot()
		quality_inspection(item, batch, receipt.name, "Accepted")
		self.assertEqual(lot_status(batch), "Approved")

	def test_cancelling_an_old_inspection_does_not_take_a_lot_out_of_a_later_hold(self):
		item, batch, receipt = self.inspected_lot()
		rejection = quality_inspection(item, batch, receipt.name, "Rejected")
		frappe.set_user(REQUESTER)
		change_lot_status([batch], "Recalled", reason="Recall")
		change_lot_status([batch], "Rejected", reason="Back to rejected")  # hold to hold: one person
		frappe.set_user("Administrator")
		rejection.reload()
		rejection.cancel()
		self.assertEqual(lot_status(batch), "Rejected")  # not back to Pending Inspection

	def test_the_system_never_releases_a_held_lot_on_its_own_account(self):
		lot = make_lot(status="Quarantined")
		with self.assertRaisesRegex(LotStatusChangeError, f"would release .*{lot.batch}.*signed off"):
			change_lot_status([lot.batch], "Approved", reason="x", source="System", by_system=True)
		self.assertEqual(lot_status(lot.batch), "Quarantined")

	def test_a_hold_into_another_hold_needs_nobody_else(self):
		lot = make_lot(status="Quarantined")
		frappe.set_user(REQUESTER)
		change = change_lot_status([lot.batch], "Rejected", reason="Failed")
		self.assertEqual((change.docstatus, change.needs_sign_off), (1, 0))


class TestElectronicSignature(SignOffCase):
	def test_approval_needs_the_approvers_password(self):
		lot, name = self.requested()
		frappe.set_user(APPROVER)
		with self.assertRaisesRegex(signatures.SignatureError, f"{name}.*enter your password"):
			approve_change(name, None)
		with self.assertRaisesRegex(signatures.SignatureError, "password of .*is wrong"):
			approve_change(name, self.passwords[REQUESTER])
		# every other way of approving is refused: a submit, the workflow's Approve
		with self.assertRaisesRegex(signatures.SignatureRequiredError, f"{name}.*electronic signature"):
			frappe.client.submit(as_json(frappe.get_doc("Lot Status Change", name)))
		from frappe.model.workflow import apply_workflow

		with self.assertRaisesRegex(signatures.SignatureRequiredError, "electronic signature"):
			apply_workflow(frappe.get_doc("Lot Status Change", name), "Approve")
		with self.assertRaisesRegex(signatures.SignatureRequiredError, "rejected with an electronic"):
			apply_workflow(frappe.get_doc("Lot Status Change", name), "Reject")
		self.assertEqual(lot_status(lot.batch), "Quarantined")
		self.assertEqual(frappe.db.get_value("Lot Status Change", name, "docstatus"), 0)

	def test_the_requester_cannot_sign_their_own_change(self):
		lot, name = self.requested()
		frappe.set_user(REQUESTER)
		with self.assertRaisesRegex(frappe.PermissionError, f"{lot.batch}.*{REQUESTER}.*cannot approve"):
			approve_change(name, self.passwords[REQUESTER])
		with self.assertRaisesRegex(frappe.PermissionError, "cannot approve it too"):
			frappe.client.submit(as_json(frappe.get_doc("Lot Status Change", name)))
		self.assertEqual(lot_status(lot.batch), "Quarantined")

	def test_the_signature_records_who_when_what_and_a_hash(self):
		lot, change = self.signed()
		self.assertEqual(lot_status(lot.batch), "Approved")
		self.assertEqual(
			(change.signed_by, change.signed_by_name, change.signature_meaning),
			(APPROVER, frappe.utils.get_fullname(APPROVER), "Released"),
		)
		self.assertEqual(change.signature_time_zone, frappe.utils.get_system_timezone())
		self.assertEqual(len(change.signature_hash), 64)
		self.assertEqual(signatures.signature_state(change), signatures.VALID)
		history = lot_overview(lot.batch, ["Quality Manager"], True)["history"]
		self.assertEqual(history[0].signature["signed_by"], APPROVER)
		self.assertEqual(history[0].signature["state"], signatures.VALID)

	def test_a_rejection_is_signed_too(self):
		lot, name = self.requested()
		frappe.set_user(APPROVER)
		change = approve_change(name, self.passwords[APPROVER], action="Reject")
		self.assertEqual((change.docstatus, change.workflow_state), (0, "Rejected"))
		self.assertEqual((change.signed_by, change.signature_meaning), (APPROVER, "Rejected"))
		self.assertEqual(signatures.signature_state(change), signatures.VALID)
		self.assertEqual(lot_status(lot.batch), "Quarantined")

	def test_a_signed_change_altered_afterwards_reads_as_broken(self):
		lot, change = self.signed()
		other = make_lot(status="Quarantined")
		frappe.db.set_value("Lot Status Change Lot", change.lots[0].name, "batch", other.batch)
		altered = frappe.get_doc("Lot Status Change", change.name)
		self.assertEqual(signatures.signature_state(altered), signatures.BROKEN)
		history = lot_overview(other.batch, ["Quality Manager"], True)["history"]
		self.assertEqual(history[0].signature["state"], signatures.BROKEN)
		html = frappe.get_print("Lot Status Change", change.name, "Lot Status Change Record")
		self.assertIn("Signature broken", html)

	def test_five_wrong_passwords_lock_signing_and_tell_the_system_managers(self):
		lot, name = self.requested()
		locks = {"document_name": APPROVER, "subject": ("like", "%locked%")}
		before = frappe.db.count("Notification Log", locks)
		frappe.set_user(APPROVER)
		for attempt in range(1, 5):
			with self.assertRaisesRegex(signatures.SignatureError, f"is wrong \\({attempt} of 5"):
				approve_change(name, "wrong")
		with self.assertRaises(signatures.SignatureError):
			approve_change(name, "wrong")
		with self.assertRaisesRegex(signatures.SignatureLockedError, f"locked for .*{APPROVER}.* for 15 min"):
			approve_change(name, self.passwords[APPROVER])  # even the right password, while locked
		frappe.set_user("Administrator")
		self.assertEqual(lot_status(lot.batch), "Quarantined")
		managers = signatures.system_managers()
		after = frappe.db.count("Notification Log", locks)
		self.assertIn("Administrator", managers)
		self.assertEqual(after - before, len(managers))

	def test_the_print_format_shows_the_signature(self):
		lot, change = self.signed()
		html = frappe.get_print("Lot Status Change", change.name, "Lot Status Change Record")
		for words in (
			change.name,
			frappe.utils.escape_html(change.signed_by_name),
			signatures.signed_on_text(change),
			"Released",
			"Signature valid",
			lot.batch,
		):
			self.assertIn(words, html)

	def test_the_print_format_escapes_what_it_quotes(self):
		lot, change = self.signed(reason="<script>alert(1)</script>")
		html = frappe.get_print("Lot Status Change", change.name, "Lot Status Change Record")
		self.assertNotIn("<script>alert(1)</script>", html)
		self.assertIn("alert(1)", html)


class TestOtherPaths(SignOffCase):
	def test_a_deviation_closed_with_release_waits_for_the_signed_approval(self):
		lot = make_lot()  # released on receipt (no rule), held by the deviation
		deviation = frappe.get_doc(
			{
				"doctype": "Lot Deviation",
				"title": "Cold room failure",
				"deviation_type": "Temperature Excursion",
				"company": lot.receipt.company,
				"scope_type": "Named Lots",
				"lots": [{"batch": lot.batch}],
			}
		).insert()
		deviation.submit()
		deviation.reload()
		held = lot_status(lot.batch)
		self.assertNotEqual(held, "Approved")
		frappe.set_user(REQUESTER)
		deviation = frappe.get_doc("Lot Deviation", deviation.name)
		deviation.lots[0].disposition = "Release"
		deviation.closing_note = "Probe logs within limits"
		deviation.save()
		deviation.close()
		deviation.reload()
		change = frappe.get_doc("Lot Status Change", deviation.lots[0].disposition_document)
		self.assertEqual(
			(change.docstatus, change.workflow_state, change.requested_by),
			(0, "Awaiting Approval", REQUESTER),
		)
		self.assertEqual(lot_status(lot.batch), held)
		frappe.set_user(APPROVER)
		approve_change(change.name, self.passwords[APPROVER])
		self.assertEqual(lot_status(lot.batch), "Approved")


class TestSignOffUnderLock(FrappeTestCase):
	"""Whether a change needs a second person is decided at submit on the lots read under lock: a
	change that needed nobody when requested, of a lot put on hold meanwhile, waits for the hold and
	is then refused; a hold that waits for the change applies after it."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(REQUESTER, QUALITY)
		make_user(APPROVER, QUALITY)
		cls.sign_off = frappe.db.get_single_value("Lot Traceability Settings", "require_sign_off")
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", 1)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", cls.sign_off)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		self.lot = make_lot(status="Approved")
		frappe.db.commit()
		self.holder = Connection(frappe.local.site, APPROVER, "the quality manager holding the lot")
		self.requester = Connection(frappe.local.site, REQUESTER, "the requester")

	def tearDown(self):
		self.holder.close()
		self.requester.close()
		frappe.db.rollback()

	def change(self, status, reason):
		batch = self.lot.batch
		return lambda: change_lot_status([batch], status, reason=reason).name

	def test_hold_first_then_the_unsigned_change_out_of_it_is_refused(self):
		self.holder.call(self.change("Quarantined", "Leak"))
		self.requester.start(self.change("Pending Inspection", "Re-inspect"))
		self.requester.wait_for_lock()
		self.holder.commit()
		error = raised(self.requester.result())
		self.assertIsInstance(error, frappe.PermissionError, repr(error))
		for words in (self.lot.batch, "Pending Inspection", REQUESTER, "needs a second person's approval"):
			self.assertIn(words, str(error))
		self.requester.rollback()
		frappe.db.rollback()
		self.assertEqual(lot_status(self.lot.batch), "Quarantined")

	def test_change_first_then_the_hold_applies_after_it(self):
		name = self.requester.call(self.change("Pending Inspection", "Re-inspect"))
		self.holder.start(self.change("Quarantined", "Leak"))
		self.holder.wait_for_lock()
		self.requester.commit()
		self.assertIsNone(raised(self.holder.result()))
		self.holder.commit()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Lot Status Change", name, "docstatus"), 1)
		self.assertEqual(lot_status(self.lot.batch), "Quarantined")
