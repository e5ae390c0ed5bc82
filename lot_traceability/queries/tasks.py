"""Reads for the tasks automatic holds give people (ToDos on the Lot Status Change that held lots)."""

import frappe


def get_changes_with_open_tasks(lots, exclude: str | None = None) -> dict[str, list[str]]:
	"""The Lot Status Changes naming any of these lots that still have an open task, with all the
	lots each names."""
	if not lots:
		return {}
	todo = frappe.qb.DocType("ToDo")
	row = frappe.qb.DocType("Lot Status Change Lot")
	changes = (
		frappe.qb.from_(todo)
		.join(row)
		.on((row.parent == todo.reference_name) & (row.parenttype == "Lot Status Change"))
		.select(todo.reference_name)
		.distinct()
		.where(
			(todo.reference_type == "Lot Status Change")
			& (todo.status == "Open")
			& row.batch.isin(sorted(set(lots)))
			& (todo.reference_name != (exclude or ""))
		)
		.run(pluck=True)
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
