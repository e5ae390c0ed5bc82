"""Tasks for the holds the app makes by itself: the people Settings name get a ToDo on the Lot Status
Change that held the lots (with the lots and the reason), closed once every lot of it is out of hold
(rules: `traceability.lifecycle.routes_hold_task`, `hold_resolved`)."""

import frappe
from frappe import _

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import tasks as task_queries
from lot_traceability.queries import users as user_queries
from lot_traceability.traceability.lifecycle import hold_resolved, routes_hold_task

MAX_NAMED = 10


def route(change) -> None:
	"""After a submitted change: a task for the people Settings name, where the app held lots."""
	target = get_lot_status(change.to_status)
	if not routes_hold_task(target, change.source, bool(change.flags.by_system)):
		return
	lots = [row.batch for row in change.lots]
	assign_to_task_roles(
		change.doctype,
		change.name,
		_("{0} held as {1}: {2}. Decide what becomes of them ({3}).").format(
			named(lots), _(change.to_status), change.reason or _(change.source), change.name
		),
	)


def named(lots) -> str:
	return ", ".join(lots[:MAX_NAMED]) + (
		_(" and {0} more").format(len(lots) - MAX_NAMED) if len(lots) > MAX_NAMED else ""
	)


def assign_to_task_roles(doctype: str, name: str, description: str) -> None:
	"""A ToDo on the document for every user with a role Settings name for automatic holds, made on the
	short queue after the commit: the submit that holds lots does not wait on each user's assignment,
	share and notification (about 60 ms each)."""
	frappe.enqueue(
		"lot_traceability.hold_tasks.assign",
		queue="short",
		enqueue_after_commit=True,
		now=frappe.flags.in_test,
		doctype=doctype,
		name=name,
		description=description,
	)


def assign(doctype: str, name: str, description: str) -> list[str]:
	"""The queued assignment; the users tasked. Nobody where the document is gone by then, or where
	the hold it tasks about is already resolved (a submitted Lot Status Change whose lots are all out
	of hold: its tasks would have been closed had they existed)."""
	from frappe.desk.form.assign_to import add

	docstatus, lots = task_queries.get_task_document(doctype, name)
	if docstatus is None or docstatus == 2:
		return []
	if docstatus == 1 and lots and out_of_hold(lots):
		return []
	roles = [row.role for row in get_settings().get("hold_task_roles") or []]
	users = user_queries.get_users_with_roles(roles) if roles else []
	if users:
		add(
			{"assign_to": users, "doctype": doctype, "name": name, "description": description},
			ignore_permissions=True,
		)
	return users


def out_of_hold(lots, current: dict | None = None) -> bool:
	"""Whether every lot named is now out of hold (rule: `hold_resolved`); `current`: the lots as
	read already."""
	default_status = get_settings().default_receipt_status
	current = current if current is not None else lot_queries.get_lots(set(lots))
	return hold_resolved(
		[get_lot_status(current[lot].lot_status or default_status) for lot in lots if lot in current]
	)


def close_resolved(change) -> None:
	"""After a submitted change: the open tasks of earlier holds of its lots are closed where every
	lot they name is now out of hold."""
	from frappe.desk.form.assign_to import close_all_assignments

	held = task_queries.get_changes_with_open_tasks([row.batch for row in change.lots], exclude=change.name)
	if not held:
		return
	current = lot_queries.get_lots({lot for lots in held.values() for lot in lots})
	for name, lots in held.items():
		if out_of_hold(lots, current):
			close_all_assignments("Lot Status Change", name, ignore_permissions=True)
