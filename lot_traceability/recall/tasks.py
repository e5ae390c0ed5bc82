"""The tasks a submitted recall gives: planned by the core (`traceability.recall_tasks`), worded here
and assigned as ToDos on the recall to the people holding the roles Settings name."""

from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability.config import get_settings
from lot_traceability.queries import users as user_queries
from lot_traceability.traceability import recall_tasks as core


def words(task: core.Task, recall: str) -> str:
	if task.kind == core.HOLD_STOCK:
		return _(
			"Recall {0}: hold and segregate {1} on hand in {2} warehouses of {3} (see Stock Locations)."
		).format(recall, flt(task.qty), task.warehouses, task.company or _("no company"))
	if task.kind == core.INVESTIGATE_COMPANY:
		return _("Recall {0}: investigate and follow containment in {1}.").format(recall, task.company)
	if task.kind == core.NOTIFY_CUSTOMERS:
		return _("Recall {0}: notify {1} customers of {2} (Customer Notice List).").format(
			recall, task.customers, task.company or _("no company")
		)
	return _("Recall {0}: investigate, follow containment and close the recall.").format(recall)


def assign_recall_tasks(recall) -> dict[str, list[str]]:
	"""ToDos for the people who hold the stock, own quality and talk to customers, company by company
	(`traceability.recall_tasks`); returns each user's task texts."""
	from frappe.desk.form.assign_to import add as assign

	settings = get_settings()
	tasks = core.plan(
		((row.company, row.warehouse, flt(row.qty)) for row in recall.locations),
		(row.company for row in recall.customers),
	)
	worded = [(settings.get(task.role_setting), task, words(task, recall.name)) for task in tasks]
	roles = {role for role, _task, _text in worded if role}
	users = {role: user_queries.get_users_with_roles([role]) for role in roles}
	limits = user_queries.get_company_access({user for found in users.values() for user in found})
	by_user = core.by_user(worded, users, limits)
	with served_loaded(recall):
		for user, texts in sorted(by_user.items()):
			assign(
				{
					"assign_to": [user],
					"doctype": recall.doctype,
					"name": recall.name,
					"description": "\n".join(texts),
				},
				ignore_permissions=True,
			)
	return by_user


@contextmanager
def served_loaded(doc):
	"""`frappe.get_doc(doc.doctype, doc.name)` answers with `doc` itself inside the block. Frappe's
	assignment loads the assigned document again, with every child row, to comment on it and to check
	the assignee's permission: for a large recall that is its whole scope (11,000 rows at 4,400 lots)
	read twice per assignee, 1.2 s each, where the document in hand answers the same."""
	original = frappe.get_doc

	def get_doc(*args, **kwargs):
		if not kwargs and len(args) == 2 and (args[0], args[1]) == (doc.doctype, doc.name):
			return doc
		return original(*args, **kwargs)

	frappe.get_doc = get_doc
	try:
		yield
	finally:
		frappe.get_doc = original
