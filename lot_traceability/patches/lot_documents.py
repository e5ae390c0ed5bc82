"""Typed lot documents replace the single certificate field of a lot: the shipped document types are
created, each lot's certificate becomes its Certificate of Analysis row, and the old field goes.
Lots received without their required documents are quarantined from now on (Settings, editable)."""

import frappe


def execute():
	from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

	from lot_traceability.install import create_default_document_types, set_default_documents_hold_status
	from lot_traceability.setup.custom_fields import get_custom_fields

	create_custom_fields(get_custom_fields(), update=True)
	create_default_document_types()
	set_default_documents_hold_status()
	if frappe.db.has_column("Batch", "certificate"):
		for name, attachment in frappe.db.sql(
			"select name, certificate from `tabBatch` where ifnull(certificate, '') != ''"
		):
			lot = frappe.get_doc("Batch", name)
			if any(row.attachment == attachment for row in lot.get("lot_documents") or []):
				continue
			lot.append(
				"lot_documents", {"document_type": "Certificate of Analysis", "attachment": attachment}
			)
			lot.flags.ignore_permissions = True
			lot.flags.ignore_validate = True
			lot.save()
	if frappe.db.exists("Custom Field", "Batch-certificate"):
		frappe.delete_doc("Custom Field", "Batch-certificate", ignore_permissions=True, force=True)
