"""Reads for the tasks the app gives people: ToDos on the Lot Status Change that held lots, or that
awaits their approval."""

import frappe

from lot_traceability.queries.quoting import value_list


def get_changes_with_open_tasks(lots, exclude: str | None = None) -> dict[str, list[str]]:
	"""The Lot Status Changes naming any of these lots that still have an open task, with all the
	lots each names."""
	if not lots:
		return {}
	# raw SQL: a recall's change names thousands of lots, a list the query builder writes slowly
	changes = frappe.db.sql(
		"""select distinct todo.reference_name from `tabToDo` todo
		join `tabLot Status Change Lot` lot_row
			on lot_row.parent = todo.reference_name and lot_row.parenttype = 'Lot Status Change'
		where todo.reference_type = 'Lot Status Change' and todo.status = 'Open'
			and lot_row.batch in %(lots)s and todo.reference_name != %(exclude)s""",
		{"lots": value_list(sorted(set(lots))), "exclude": exclude or ""},
		pluck=True,
	)
	found: dict[str, list[str]] = {name: [] for name in changes}
	if changes:
		for name, batch in frappe.get_all(
			"Lot Status Change Lot",
			filters={"parent": ("in", changes), "parenttype": "Lot Status Change"},
			fields=["parent", "batch"],
			as_list=True,
		):
			found[name].append(batch)
	return found


def get_task_document(doctype: str, name: str) -> tuple[int | None, list[str]]:
	"""A document a task is queued for: its docstatus (None where it is gone) and, for a Lot Status
	Change, the lots it names."""
	docstatus = frappe.db.get_value(doctype, name, "docstatus")
	if docstatus is None or doctype != "Lot Status Change":
		return docstatus, []
	return docstatus, frappe.get_all(
		"Lot Status Change Lot",
		filters={"parent": name, "parenttype": "Lot Status Change"},
		pluck="batch",
		order_by="idx",
	)


def get_open_task_users(doctype: str, name: str) -> list[str]:
	"""The users with an open task (ToDo) on this document."""
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": doctype, "reference_name": name, "status": "Open"},
		pluck="allocated_to",
	)
