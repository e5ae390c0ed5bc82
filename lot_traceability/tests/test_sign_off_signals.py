"""A sign-off everyone concerned is told about.

- the requester is told which change waits, for whom, and that it needs a second person's signature;
- every user who may approve it (an approving role of the workflow, roles Settings let make the
  move, a company wall that lets them read a lot of it) except the requester gets a notification and
  a ToDo on the change, closed once it is approved or rejected;
- the lot's form says a change of it awaits approval;
- a lot in a change awaiting approval is in no other such change: the second request is refused
  naming the first, whatever the order two requests at once arrive in;
- the list shows the lots and the title what the change does;
- a deviation whose release awaits approval stays open (Awaiting Release), its tasks too, and closes
  when the release is approved.
"""

from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import update_password

from lot_traceability import signatures
from lot_traceability.lot_overview import lot_overview
from lot_traceability.lot_traceability.doctype.lot_status_change.lot_status_change import (
	LotStatusChangeError,
)
from lot_traceability.status_changes import (
	PendingChangeError,
	approve_change,
	change_lot_status,
	tell_approvers,
)
from lot_traceability.tests.concurrency import Connection, raised
from lot_traceability.tests.utils import make_customer, make_lot, make_user, other_company

REQUESTER = "lot.signals.requester@example.com"
APPROVER = "lot.signals.approver@example.com"
WALLED = "lot.signals.walled@example.com"
STOCK_ONLY = "lot.signals.stock@example.com"
QUALITY = ["Quality Manager", "Stock User"]
USERS = (REQUESTER, APPROVER, WALLED, STOCK_ONLY)


def lot_status(batch: str) -> str:
	return frappe.db.get_value("Batch", batch, "lot_status")


def open_todos(name: str) -> list[str]:
	return sorted(
		frappe.get_all(
			"ToDo",
			filters={"reference_type": "Lot Status Change", "reference_name": name, "status": "Open"},
			pluck="allocated_to",
		)
	)


def notified(name: str) -> list[str]:
	return sorted(
		frappe.get_all(
			"Notification Log",
			filters={"document_type": "Lot Status Change", "document_name": name, "type": "Alert"},
			pluck="for_user",
		)
	)


class SignalsCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.passwords = {}
		for user in (REQUESTER, APPROVER, WALLED):
			make_user(user, QUALITY)
		make_user(STOCK_ONLY, ["Stock User"])
		for user in USERS:
			cls.passwords[user] = frappe.generate_hash(length=16)
			update_password(user, cls.passwords[user])
		if not frappe.db.exists("User Permission", {"user": WALLED, "allow": "Company"}):
			frappe.get_doc(
				{
					"doctype": "User Permission",
					"user": WALLED,
					"allow": "Company",
					"for_value": other_company(),
				}
			).insert(ignore_permissions=True)
		cls.sign_off = frappe.db.get_single_value("Lot Traceability Settings", "require_sign_off")
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", 1)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", cls.sign_off)
		frappe.db.commit()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")
		for user in USERS:
			signatures.unlock(user)

	def request(self, batches, to_status="Approved", user=REQUESTER):
		frappe.set_user(user)
		try:
			return change_lot_status(batches, to_status, reason="Checked")
		finally:
			frappe.set_user("Administrator")

	def sign(self, name, action="Approve"):
		frappe.set_user(APPROVER)
		try:
			return approve_change(name, self.passwords[APPROVER], action)
		finally:
			frappe.set_user("Administrator")


class TestApproversAreTold(SignalsCase):
	def test_the_approver_gets_a_notification_and_a_todo_closed_on_approval(self):
		lot = make_lot(status="Quarantined")
		change = self.request([lot.batch])
		self.assertEqual(change.workflow_state, "Awaiting Approval")
		# the approver, not the requester (who may not approve), not a user who may not approve, not
		# one whose company walls exclude the lot's company
		self.assertIn(APPROVER, open_todos(change.name))
		self.assertIn(APPROVER, notified(change.name))
		for user in (REQUESTER, STOCK_ONLY, WALLED):
			self.assertNotIn(user, open_todos(change.name))
			self.assertNotIn(user, notified(change.name))
		subject = frappe.get_all(
			"Notification Log",
			filters={"document_name": change.name, "for_user": APPROVER, "type": "Alert"},
			pluck="subject",
		)[0]
		for words in (REQUESTER, change.name, lot.batch, "Approved", "second person's electronic signature"):
			self.assertIn(words, subject)
		self.sign(change.name)
		self.assertEqual(lot_status(lot.batch), "Approved")
		self.assertEqual(open_todos(change.name), [])

	def test_the_todos_close_on_rejection(self):
		lot = make_lot(status="Quarantined")
		change = self.request([lot.batch])
		self.assertIn(APPROVER, open_todos(change.name))
		self.sign(change.name, "Reject")
		self.assertEqual(open_todos(change.name), [])
		self.assertEqual(lot_status(lot.batch), "Quarantined")

	def test_the_requester_is_told_who_approves_it(self):
		lot = make_lot(status="Quarantined")
		frappe.local.message_log = []
		change = self.request([lot.batch])
		said = " ".join(str(message) for message in frappe.local.message_log)
		for words in (change.name, "/app/lot-status-change/", "Quality Manager", "second person", REQUESTER):
			self.assertIn(words, said)


class TestApproversAreToldAfterTheCommit(SignalsCase):
	"""The approvers' notifications and tasks are made on the short queue once the request commits:
	the request does not wait on them, and the job tells nobody of a change no longer awaiting."""

	def request_queued(self, batches):
		"""A request, its announcement held back as the queue would get it: (change, the job's kwargs)."""
		queued, enqueue = [], frappe.enqueue

		def capture(method, **kwargs):
			if method == "lot_traceability.status_changes.tell_approvers":
				queued.append(kwargs)
				return None
			return enqueue(method, **kwargs)

		with patch("frappe.enqueue", side_effect=capture):
			change = self.request(batches)
		(job,) = queued
		return change, job

	def test_the_request_queues_the_announcement_after_its_commit(self):
		lot = make_lot(status="Quarantined")
		change, job = self.request_queued([lot.batch])
		self.assertEqual((job["queue"], job["enqueue_after_commit"]), ("short", True))
		self.assertEqual(job["name"], change.name)
		self.assertIn(APPROVER, job["users"])
		for user in (REQUESTER, STOCK_ONLY, WALLED):
			self.assertNotIn(user, job["users"])
		self.assertEqual((open_todos(change.name), notified(change.name)), ([], []))
		told = tell_approvers(change.name, job["users"])
		self.assertIn(APPROVER, told)
		self.assertEqual(open_todos(change.name), sorted(told))
		self.assertEqual(notified(change.name), sorted(told))
		# run again (a retried job): nobody gets a second task or notification
		self.assertEqual(tell_approvers(change.name, job["users"]), [])
		self.assertEqual(open_todos(change.name), sorted(told))
		self.assertEqual(notified(change.name), sorted(told))

	def test_nobody_is_told_of_a_change_approved_rejected_or_gone_before_the_job_runs(self):
		approved, rejected = make_lot(status="Quarantined"), make_lot(status="Quarantined")
		for lot, action in ((approved, "Approve"), (rejected, "Reject")):
			change, job = self.request_queued([lot.batch])
			self.sign(change.name, action)
			self.assertEqual(tell_approvers(change.name, job["users"]), [])
			self.assertEqual((open_todos(change.name), notified(change.name)), ([], []))
		self.assertEqual(tell_approvers("LSC-NOT-THERE", [APPROVER]), [])


class TestLotFormShowsPending(SignalsCase):
	def test_the_overview_names_the_change_awaiting_approval(self):
		lot = make_lot(status="Quarantined")
		change = self.request([lot.batch])
		overview = lot_overview(lot.batch, frappe.get_roles(), True)
		(pending,) = overview["pending"]
		self.assertEqual(pending["name"], change.name)
		for words in ("Change to Approved awaiting approval", change.name, f"requested by {REQUESTER}"):
			self.assertIn(words, pending["text"])
		self.sign(change.name)
		self.assertEqual(lot_overview(lot.batch, frappe.get_roles(), True)["pending"], [])


class TestOnePendingChangeALot(SignalsCase):
	def test_a_second_request_for_a_lot_awaiting_approval_is_refused_naming_the_first(self):
		lot, other = make_lot(status="Quarantined"), make_lot(status="Quarantined")
		first = self.request([lot.batch])
		with self.assertRaises(PendingChangeError) as refusal:
			self.request([other.batch, lot.batch], user=APPROVER)
		for words in (lot.batch, first.name, "Awaiting Approval", "Approved", REQUESTER, "approve or reject"):
			self.assertIn(words, str(refusal.exception))
		# a draft that would need a sign-off is refused on save too
		frappe.set_user(APPROVER)
		draft = frappe.get_doc(
			{
				"doctype": "Lot Status Change",
				"to_status": "Approved",
				"reason": "x",
				"lots": [{"batch": lot.batch}],
			}
		)
		self.assertRaisesRegex(PendingChangeError, first.name, draft.insert)
		frappe.set_user("Administrator")
		# once approved, the lot may be asked about again; a hold never waits for a pending change
		self.sign(first.name)
		self.assertEqual(lot_status(lot.batch), "Approved")
		self.request([lot.batch], to_status="Quarantined", user=APPROVER)
		self.assertEqual(lot_status(lot.batch), "Quarantined")
		self.assertEqual(self.request([lot.batch]).workflow_state, "Awaiting Approval")


class TestOnePendingChangeUnderLock(SignalsCase):
	"""Two requests for one lot at once, in both orders: the one that asks second waits for the
	first's lock on the lot and is refused once the first commits."""

	def setUp(self):
		self.lot = make_lot(status="Quarantined")
		frappe.db.commit()
		self.first = Connection(frappe.local.site, REQUESTER, "the requester")
		self.second = Connection(frappe.local.site, APPROVER, "a second quality manager")

	def tearDown(self):
		self.first.close()
		self.second.close()
		frappe.db.rollback()
		super().tearDown()

	def ask(self):
		batch = self.lot.batch
		return lambda: change_lot_status([batch], "Approved", reason="Checked").name

	def race(self, ahead, behind):
		# `behind` has read already (its snapshot began) before `ahead` requested
		behind.call(lambda: frappe.db.get_value("Batch", self.lot.batch, "lot_status"))
		name = ahead.call(self.ask())
		behind.start(self.ask())
		behind.wait_for_lock()
		ahead.commit()
		error = raised(behind.result())
		self.assertIsInstance(error, PendingChangeError, repr(error))
		for words in (self.lot.batch, name, "Awaiting Approval"):
			self.assertIn(words, str(error))
		behind.rollback()
		frappe.db.rollback()
		awaiting = frappe.get_all(
			"Lot Status Change",
			filters={"workflow_state": "Awaiting Approval", "name": name},
			pluck="name",
		)
		self.assertEqual(awaiting, [name])

	def test_requester_first(self):
		self.race(self.first, self.second)

	def test_second_quality_manager_first(self):
		self.race(self.second, self.first)


class TestListShowsTheChange(SignalsCase):
	def test_lots_summary_and_title(self):
		lots = [make_lot(status="Quarantined").batch for _ in range(4)]
		change = self.request(lots)
		self.assertEqual(change.lots_summary, f"{lots[0]}, {lots[1]} +2")
		self.assertEqual(change.title, f"{lots[0]}, {lots[1]} +2 → Approved")
		self.assertEqual(frappe.get_meta("Lot Status Change").title_field, "title")
		self.assertTrue(frappe.get_meta("Lot Status Change").get_field("lots_summary").in_list_view)


class TestDeviationWaitsForItsRelease(SignalsCase):
	def closed_with_release(self, count=1, dispositions=(("Release", None),)):
		"""A submitted deviation holding `count` lots, a task on it, closed by REQUESTER with these
		dispositions (one a lot: disposition, (restrict to type, restrict to))."""
		lots = [make_lot() for _ in range(count)]  # released on receipt (no rule), held by the deviation
		deviation = frappe.get_doc(
			{
				"doctype": "Lot Deviation",
				"title": "Cold room failure",
				"deviation_type": "Temperature Excursion",
				"company": lots[0].receipt.company,
				"scope_type": "Named Lots",
				"lots": [{"batch": lot.batch} for lot in lots],
			}
		).insert()
		deviation.submit()
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": APPROVER,
				"reference_type": "Lot Deviation",
				"reference_name": deviation.name,
				"description": "Decide",
			}
		).insert(ignore_permissions=True)
		frappe.set_user(REQUESTER)
		deviation = frappe.get_doc("Lot Deviation", deviation.name)
		for row, (disposition, restriction) in zip(deviation.lots, dispositions, strict=True):
			row.disposition = disposition
			if restriction:
				row.restrict_to_type, row.restrict_to = restriction
		deviation.closing_note = "Probe logs within limits"
		deviation.save()
		deviation.close()
		frappe.set_user("Administrator")
		deviation.reload()
		return lots[0] if count == 1 else lots, deviation

	def tasks(self, deviation):
		filters = {"reference_type": "Lot Deviation", "reference_name": deviation.name, "status": "Open"}
		return frappe.get_all("ToDo", filters=filters)

	def test_a_deviation_with_a_pending_release_stays_open_and_closes_on_approval(self):
		lot, deviation = self.closed_with_release()
		held = lot_status(lot.batch)
		self.assertEqual(deviation.status, "Awaiting Release")
		self.assertFalse(deviation.closed_on)
		self.assertTrue(self.tasks(deviation))
		self.assertEqual(lot_status(lot.batch), held)
		self.sign(deviation.lots[0].disposition_document)
		deviation.reload()
		self.assertEqual(deviation.status, "Closed")
		self.assertTrue(deviation.closed_on)
		self.assertEqual(deviation.closed_by, REQUESTER)
		self.assertFalse(self.tasks(deviation))
		self.assertEqual(lot_status(lot.batch), "Approved")

	def test_a_rejected_release_opens_the_deviation_again(self):
		lot, deviation = self.closed_with_release()
		change = deviation.lots[0].disposition_document
		self.sign(change, "Reject")
		deviation.reload()
		self.assertEqual(deviation.status, "Open")
		self.assertFalse(deviation.lots[0].disposition_document)
		self.assertTrue(self.tasks(deviation))
		# decided anew: closed with a rejection, which needs nobody else
		frappe.set_user(REQUESTER)
		deviation.lots[0].disposition = "Reject"
		deviation.save()
		deviation.close()
		frappe.set_user("Administrator")
		deviation.reload()
		self.assertEqual(deviation.status, "Closed")
		self.assertEqual(lot_status(lot.batch), "Rejected")

	def test_closed_again_after_a_rejection_it_still_waits_for_its_other_release(self):
		customer = make_customer()
		lots, deviation = self.closed_with_release(
			2, (("Release", None), ("Restrict", ("Customer", customer)))
		)
		self.assertEqual(deviation.status, "Awaiting Release")
		release, restriction = (row.disposition_document for row in deviation.lots)
		self.sign(restriction, "Reject")
		deviation.reload()
		self.assertEqual(deviation.status, "Open")
		frappe.set_user(REQUESTER)
		deviation.lots[1].disposition = "Reject"
		deviation.save()
		deviation.close()
		frappe.set_user("Administrator")
		deviation.reload()
		self.assertEqual(deviation.status, "Awaiting Release")
		self.assertEqual(deviation.lots[0].disposition_document, release)
		self.assertEqual(lot_status(lots[1].batch), "Rejected")
		self.sign(release)
		deviation.reload()
		self.assertEqual(deviation.status, "Closed")
		self.assertEqual(lot_status(lots[0].batch), "Approved")


class TestWorkflowOnce(FrappeTestCase):
	def test_repeated_states_and_transitions_are_kept_once(self):
		from lot_traceability.install import dedupe_sign_off_workflow
		from lot_traceability.status_changes import SIGN_OFF_WORKFLOW

		workflow = frappe.get_doc("Workflow", SIGN_OFF_WORKFLOW)
		before = [(row.state, row.action, row.next_state, row.allowed) for row in workflow.transitions]
		states = [row.state for row in workflow.states]
		for row in list(workflow.transitions):
			workflow.append("transitions", {**row.as_dict(), "name": None, "idx": None})
		workflow.append("states", {**workflow.states[0].as_dict(), "name": None, "idx": None})
		workflow.save(ignore_permissions=True)
		dedupe_sign_off_workflow()
		workflow = frappe.get_doc("Workflow", SIGN_OFF_WORKFLOW)
		self.assertEqual(
			[(row.state, row.action, row.next_state, row.allowed) for row in workflow.transitions], before
		)
		self.assertEqual([row.state for row in workflow.states], states)


class TestApprovalOfAMovedLot(SignalsCase):
	def test_a_lot_held_since_the_request_refuses_the_approval(self):
		lot = make_lot(status="Quarantined")
		change = self.request([lot.batch])
		self.request([lot.batch], to_status="Rejected", user=APPROVER)  # a hold never waits
		self.assertEqual(lot_status(lot.batch), "Rejected")
		with self.assertRaises(LotStatusChangeError) as refusal:
			self.sign(change.name)
		for words in (
			lot.batch,
			"was <strong>Quarantined</strong>",
			change.name,
			"<strong>Rejected</strong> now",
		):
			self.assertIn(words, str(refusal.exception))
		self.assertEqual(lot_status(lot.batch), "Rejected")
