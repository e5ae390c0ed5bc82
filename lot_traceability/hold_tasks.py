"""Tasks for the holds the app makes by itself: the people Settings name get a ToDo on the Lot Status
Change that held the lots (with the lots and the reason), closed once every lot of it is out of hold
(rules: `traceability.lifecycle.routes_hold_task`, `hold_resolved`)."""

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


def assign_to_task_roles(doctype: str, name: str, description: str) -> list[str]:
	"""A ToDo on the document for every user with a role Settings name for automatic holds."""
	from frappe.desk.form.assign_to import add as assign

	roles = [row.role for row in get_settings().get("hold_task_roles") or []]
	users = user_queries.get_users_with_roles(roles) if roles else []
	if users:
		assign(
			{"assign_to": users, "doctype": doctype, "name": name, "description": description},
			ignore_permissions=True,
		)
	return users


def close_resolved(change) -> None:
	"""After a submitted change: the open tasks of earlier holds of its lots are closed where every
	lot they name is now out of hold."""
	from frappe.desk.form.assign_to import close_all_assignments

	held = task_queries.get_changes_with_open_tasks([row.batch for row in change.lots], exclude=change.name)
	if not held:
		return
	default_status = get_settings().default_receipt_status
	current = lot_queries.get_lots({lot for lots in held.values() for lot in lots})
	for name, lots in held.items():
		statuses = [
			get_lot_status(current[lot].lot_status or default_status) for lot in lots if lot in current
		]
		if hold_resolved(statuses):
			close_all_assignments("Lot Status Change", name, ignore_permissions=True)
