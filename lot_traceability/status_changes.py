"""Recording a status change: the one way a lot's status changes (a submitted Lot Status Change).
The rules of a change live in `traceability.lifecycle`, the document in the Lot Status Change
doctype; services, jobs and the API record changes here."""

import frappe
from frappe.model.document import Document


def change_lot_status(
	batches,
	to_status: str,
	reason: str | None = None,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	source: str = "Manual",
	by_system: bool = False,
) -> Document:
	"""Record and apply one status change for any number of lots, as one submitted document.

	`by_system` is for changes the app makes on its own account (quality inspection, expiry check,
	recall): the transition roles are not checked, every other rule is.
	"""
	doc = frappe.new_doc("Lot Status Change")
	doc.update(
		{
			"to_status": to_status,
			"reason": reason,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"source": source,
		}
	)
	for batch in dict.fromkeys(batches):
		doc.append("lots", {"batch": batch})
	doc.flags.by_system = by_system
	if by_system:
		doc.flags.ignore_permissions = True
		doc.flags.ignore_links = True  # it may cite a document being cancelled (a reverted inspection)
	doc.insert()
	doc.submit()
	return doc
