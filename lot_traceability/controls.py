"""The configuration that weakens or strengthens the app's controls (enforcement, sign-off, who may
make which transition, what a status lets a lot do, who gets tasks) is written by System Managers
only, and every change to it is told to the quality roles.

Those fields sit at permission level 1 (Frappe's field-level permissions): only System Manager may
write that level, the other roles read it. Frappe itself would put back a value the user may not
write without a word; a change of them is refused instead, naming the fields, so that a REST caller
learns that the control held."""

import frappe
from frappe import _

from lot_traceability.messages import bold
from lot_traceability.queries import users as user_queries

CONTROL_PERMLEVEL = 1
NOTIFIED_ROLES = ("Quality Manager",)


def refuse_control_changes(doc) -> None:
	"""Refuse a save that changes a control field the user may not write (a new record's control
	fields are compared with the doctype's defaults)."""
	if doc.flags.ignore_permissions or frappe.flags.in_install or frappe.session.user == "Administrator":
		return
	if CONTROL_PERMLEVEL in doc.get_permlevel_access("write"):
		return
	changed = changed_controls(doc)
	if changed:
		labels = ", ".join(bold(_(label)) for label in changed)
		if doc.meta.issingle:
			message = _(
				"Only a System Manager may change {0} of {1}: they decide what the lot controls stop."
			).format(labels, _(doc.doctype))
		else:
			message = _(
				"Only a System Manager may change {0} of {1} {2}: they decide what the lot controls stop."
			).format(labels, _(doc.doctype), bold(doc.name or ""))
		frappe.throw(message, frappe.PermissionError, title=_("Not Permitted"))


def record_label(doc) -> str:
	"""The record as a message names it: a Single by its doctype alone."""
	if doc.meta.issingle:
		return _(doc.doctype)
	return _("{0} {1}").format(_(doc.doctype), bold(doc.name or ""))


def changed_controls(doc) -> list[str]:
	"""The labels of the control fields whose value this save changes."""
	before = frappe.new_doc(doc.doctype) if doc.is_new() else doc.get_latest()
	return [
		df.label or df.fieldname
		for df in doc.meta.get_high_permlevel_fields()
		if df.permlevel == CONTROL_PERMLEVEL and value_of(doc, df) != value_of(before, df)
	]


def value_of(doc, df):
	"""A field's value as compared for a change (a table by its rows' own fields)."""
	if df.fieldtype in frappe.model.table_fields:
		meta = frappe.get_meta(df.options)
		fields = [
			child.fieldname for child in meta.fields if child.fieldtype not in frappe.model.no_value_fields
		]
		return [tuple(str(row.get(field) or "") for field in fields) for row in doc.get(df.fieldname) or []]
	value = doc.get(df.fieldname)
	if df.fieldtype in ("Check", "Int", "Float", "Currency", "Percent"):
		return float(value or 0)
	return str(value or "")


def notify_control_change(doc) -> list[str]:
	"""Tell the quality roles (and System Managers) that a control changed, and who changed it;
	returns the users told. The change itself is kept by Frappe's Version (track changes)."""
	changed = doc.flags.changed_controls
	if not changed:
		return []
	users = [
		user
		for user in user_queries.get_users_with_roles((*NOTIFIED_ROLES, "System Manager"))
		if user != frappe.session.user
	]
	if not users:
		return []
	from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification

	enqueue_create_notification(
		users,
		{
			"type": "Alert",
			"document_type": doc.doctype,
			"document_name": doc.name,
			"from_user": frappe.session.user,
			"subject": _("{0} changed {1} of {2}").format(
				bold(frappe.utils.get_fullname(frappe.session.user)),
				", ".join(bold(_(label)) for label in changed),
				record_label(doc),
			),
		},
	)
	return users
