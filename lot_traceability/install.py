import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from lot_traceability.setup.custom_fields import get_custom_fields
from lot_traceability.traceability.statuses import DEFAULT_STATUSES


def after_install():
	sync()


def after_migrate():
	sync()


def sync():
	"""Bring the site's lot master data up to this version; safe to run any number of times."""
	create_custom_fields(get_custom_fields(), update=True)
	create_default_statuses()


def create_default_statuses():
	"""Create the shipped statuses that are missing; statuses an admin has edited stay as they are."""
	for status in DEFAULT_STATUSES:
		if not frappe.db.exists("Lot Status", status.name):
			frappe.get_doc({"doctype": "Lot Status", **status.as_record()}).insert(ignore_permissions=True)


def before_uninstall():
	delete_custom_fields()


def delete_custom_fields():
	"""Remove every field this app added, its column included, so the site is left as it was."""
	for doctype, fields in get_custom_fields().items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
			if frappe.db.has_column(doctype, field["fieldname"]):
				frappe.db.sql_ddl(f"alter table `tab{doctype}` drop column `{field['fieldname']}`")
		frappe.clear_cache(doctype=doctype)
