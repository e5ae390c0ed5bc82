"""Reads for the sign-off of status changes: the changes awaiting approval that name a lot, and the
roles the workflow lets approve."""

import frappe

from lot_traceability.queries.quoting import value_list

PENDING_FIELDS = ("name", "to_status", "workflow_state", "requested_by", "creation", "batch")


def get_pending_changes(lots, states, exclude: str | None = None, for_update: bool = False) -> list[dict]:
	"""The unsubmitted Lot Status Changes in one of `states` that name any of these lots, one row per
	lot, oldest first. With `for_update`, a locking read: it sees the changes committed since the
	transaction began (a plain read of a repeatable-read transaction would not) and holds them."""
	lots = sorted({lot for lot in lots or () if lot})
	if not lots or not states:
		return []
	# raw SQL: a recall's change names thousands of lots, a list the query builder writes slowly
	return frappe.db.sql(
		f"""select change_doc.name, change_doc.to_status, change_doc.workflow_state,
			change_doc.requested_by, change_doc.creation, lot_row.batch
		from `tabLot Status Change Lot` lot_row
		join `tabLot Status Change` change_doc on change_doc.name = lot_row.parent
		where lot_row.parenttype = 'Lot Status Change' and lot_row.batch in %(lots)s
			and change_doc.docstatus = 0 and change_doc.workflow_state in %(states)s
			and change_doc.name != %(exclude)s
		order by change_doc.creation, lot_row.batch{" for update" if for_update else ""}""",
		{"lots": value_list(lots), "states": list(states), "exclude": exclude or ""},
		as_dict=True,
	)


def get_workflow_roles(workflow: str, state: str, action: str) -> list[str]:
	"""The roles a workflow lets take `action` from `state` (each once)."""
	return sorted(
		set(
			frappe.get_all(
				"Workflow Transition",
				filters={"parent": workflow, "parenttype": "Workflow", "state": state, "action": action},
				pluck="allowed",
			)
		)
	)


def get_deviations_disposed_by(change: str, status: str) -> list[str]:
	"""The Lot Deviations in `status` with a lot whose disposition this change carries out."""
	return frappe.db.sql(
		"""select distinct deviation.name from `tabLot Deviation` deviation
		join `tabLot Deviation Lot` lot_row
			on lot_row.parent = deviation.name and lot_row.parenttype = 'Lot Deviation'
		where lot_row.disposition_doctype = 'Lot Status Change' and lot_row.disposition_document = %s
			and deviation.status = %s
		order by deviation.name""",
		(change, status),
		pluck=True,
	)


def get_unsubmitted_changes(names) -> list[str]:
	"""Those of these Lot Status Changes not yet submitted and not rejected (still awaiting)."""
	if not names:
		return []
	return frappe.get_all(
		"Lot Status Change",
		filters={"name": ("in", list(names)), "docstatus": 0, "workflow_state": ("!=", "Rejected")},
		pluck="name",
	)
