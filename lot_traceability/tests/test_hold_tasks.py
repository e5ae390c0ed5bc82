"""Holds the app makes by itself give the people Settings name a task, closed once the lots are out
of hold."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate

from lot_traceability import hold_tasks, tasks
from lot_traceability.status_changes import change_lot_status
from lot_traceability.tests.utils import make_customer, make_lot, make_user

QUALITY_USER = "lot.hold.tasks.quality@example.com"
STOCK_USER = "lot.hold.tasks.stock@example.com"


def open_tasks(change: str) -> list[dict]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": "Lot Status Change", "reference_name": change, "status": "Open"},
		fields=["allocated_to", "description"],
	)


class TestHoldTasks(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(QUALITY_USER, ["Quality Manager", "Stock User"])
		make_user(STOCK_USER, ["Stock Manager", "Stock User"])
		settings = frappe.get_single("Lot Traceability Settings")
		cls.roles = [row.role for row in settings.hold_task_roles]
		settings.set("hold_task_roles", [{"role": "Quality Manager"}])
		settings.save()

	@classmethod
	def tearDownClass(cls):
		settings = frappe.get_single("Lot Traceability Settings")
		settings.set("hold_task_roles", [{"role": role} for role in cls.roles])
		settings.save()
		super().tearDownClass()

	def hold(self, lots, status="Rejected", source="Quality Inspection"):
		return change_lot_status(
			[lot.batch for lot in lots], status, reason="Moisture out of spec", source=source, by_system=True
		).name

	def test_an_automatic_hold_tasks_the_roles_and_closes_when_every_lot_is_out_of_hold(self):
		first, second = make_lot(), make_lot()
		change = self.hold([first, second])
		found = open_tasks(change)
		users = {task.allocated_to for task in found}
		self.assertIn(QUALITY_USER, users)
		self.assertNotIn(STOCK_USER, users)  # not a role Settings name
		description = found[0].description
		for words in (first.batch, second.batch, "Rejected", "Moisture out of spec", change):
			self.assertIn(words, description)
		# one lot released: the other still waits, the task stays open
		change_lot_status([first.batch], "Approved", reason="Retest passed", by_system=True)
		self.assertTrue(open_tasks(change))
		# the other disposed of: nothing is left to decide
		change_lot_status([second.batch], "Disposed", reason="Destroyed", by_system=True)
		self.assertFalse(open_tasks(change))
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{"reference_name": change, "allocated_to": QUALITY_USER, "status": "Closed"},
			)
		)

	def test_a_persons_hold_and_a_recall_give_no_task_of_this_kind(self):
		lot = make_lot()
		manual = change_lot_status([lot.batch], "Quarantined", reason="Leak")
		self.assertFalse(open_tasks(manual.name))
		recalled = self.hold([make_lot()], status="Recalled", source="Recall")
		self.assertFalse(open_tasks(recalled))

	def test_a_lapsed_restricted_release_tasks_the_roles(self):
		make_customer()
		lot = make_lot()
		change_lot_status(
			[lot.batch],
			"Restricted",
			reason="Concession",
			scope=[("Customer", "_Lot Test Customer")],
			valid_until=add_days(nowdate(), -1),
			by_system=True,
		)
		change = tasks.lapse_restrictions()
		self.assertIn(lot.batch, [row.batch for row in frappe.get_doc("Lot Status Change", change).lots])
		self.assertIn(QUALITY_USER, {task.allocated_to for task in open_tasks(change)})

	def test_no_roles_no_tasks(self):
		settings = frappe.get_single("Lot Traceability Settings")
		settings.set("hold_task_roles", [])
		settings.save()
		try:
			change = self.hold([make_lot()])
			self.assertFalse(open_tasks(change))
		finally:
			settings.reload()
			settings.set("hold_task_roles", [{"role": "Quality Manager"}])
			settings.save()

	def held_as_a_request(self, lots) -> str:
		"""An automatic hold as a request makes it (not a test): its tasks are queued after the
		commit. The queued calls are taken off again (a test never commits); the hold's change."""
		after_commit = frappe.db.after_commit._functions
		before = len(after_commit)
		frappe.flags.in_test = False
		try:
			change = self.hold(lots)
		finally:
			frappe.flags.in_test = True
		queued = [after_commit.pop() for _ in range(len(after_commit) - before)]
		self.assertTrue(queued, "nothing was queued after the commit")
		return change

	def test_a_request_that_holds_does_not_wait_for_the_tasks(self):
		change = self.held_as_a_request([make_lot(), make_lot()])
		self.assertFalse(open_tasks(change))  # made by the worker, after the commit
		users = hold_tasks.assign("Lot Status Change", change, "Decide what becomes of them")
		self.assertIn(QUALITY_USER, users)
		self.assertEqual({task.allocated_to for task in open_tasks(change)}, set(users))

	def test_a_queued_task_is_not_made_where_the_hold_is_resolved_or_the_document_gone(self):
		lot = make_lot()
		change = self.held_as_a_request([lot])
		change_lot_status([lot.batch], "Approved", reason="Retest passed", by_system=True)
		self.assertEqual(hold_tasks.assign("Lot Status Change", change, "Decide"), [])
		self.assertFalse(open_tasks(change))
		self.assertEqual(hold_tasks.assign("Lot Status Change", "LSC-NOT-THERE", "Decide"), [])
