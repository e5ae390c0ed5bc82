"""Quality Inspection decides a lot's release where its Lot Rule says so."""

import frappe
from frappe import _

from lot_traceability.config import get_lot_rule, get_lot_status, get_settings
from lot_traceability.lot_documents import missing_of, missing_words
from lot_traceability.messages import bold
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.status_changes import change_lot_status
from lot_traceability.traceability.signatures import is_released

DECISIONS = {"Accepted": "release_status", "Rejected": "rejection_status"}


def on_submit(doc, method=None):
	if not doc.batch_no or doc.status not in DECISIONS:
		return
	lot = lot_queries.get_lots([doc.batch_no]).get(doc.batch_no)
	company = voucher_queries.get_voucher_company(doc.reference_type, doc.reference_name)
	rule = get_lot_rule(doc.item_code, company)
	if not lot or not rule or not rule.quality_inspection_decides_release:
		return
	if lot.lot_status != (rule.receipt_status or get_settings().default_receipt_status):
		return  # the lot is no longer waiting for inspection (held, released …): the inspection does not move it
	if doc.status == "Accepted":
		came_from_hold = unsigned_arrival(doc.batch_no, lot.lot_status)
		if came_from_hold:
			frappe.msgprint(
				_(
					"Lot {0} stays {1}: it was moved there from {2} by {3} without a second person's "
					"sign-off, so an inspection does not release it. Release it with a Lot Status Change."
				).format(
					bold(doc.batch_no),
					bold(_(lot.lot_status)),
					bold(_(came_from_hold.from_status)),
					bold(came_from_hold.name),
				),
				indicator="orange",
			)
			return
		missing = missing_of({doc.batch_no: frappe._dict(item=lot.item, company=company)}).get(doc.batch_no)
		if missing:
			frappe.msgprint(
				_(
					"Lot {0} stays {1}: documents are missing ({2}). Attach them to the lot, then release it with a Lot Status Change."
				).format(bold(doc.batch_no), bold(_(lot.lot_status)), missing_words(missing)),
				indicator="orange",
			)
			return
	change_lot_status(
		[doc.batch_no],
		get_settings().get(DECISIONS[doc.status]),
		reason=_("Quality Inspection {0}: {1}").format(doc.name, _(doc.status)),
		reference_doctype=doc.doctype,
		reference_name=doc.name,
		source="Quality Inspection",
		by_system=True,
	)


def unsigned_arrival(batch: str, status: str):
	"""The change that brought the lot into `status` (where it waits for inspection) out of a status
	that is not released, without a second person's sign-off — None where the lot waits there since
	its receipt, or came from a released status, or through a signed change. An inspection's own
	decisions and their reversals are passed over: they move a lot between waiting and decided."""
	for change in lot_queries.get_lot_history(batch):
		if change.source == "Quality Inspection":
			continue
		if change.to_status != status:
			return change  # not waiting since a change into the status: treat as not cleared
		if change.needs_sign_off or is_released(get_lot_status(change.from_status or status)):
			return None
		return change
	return None


def on_cancel(doc, method=None):
	"""Undo the release or rejection the inspection made, if the lot is still where it put it.

	Runs after ERPNext's own on_cancel (which sets the links to ignore) and before the back-link
	check: the status changes that cite the inspection stay, as the audit trail.
	"""
	ignored = doc.get("ignore_linked_doctypes") or ()
	doc.ignore_linked_doctypes = (*([ignored] if isinstance(ignored, str) else ignored), "Lot Status Change")
	changes = lot_queries.get_changes_made_by(doc.doctype, doc.name)
	if not changes:
		return
	change = changes[0]
	current = lot_queries.get_lots([change.batch]).get(change.batch)
	latest = lot_queries.get_lot_history(change.batch, limit=1)
	if (
		current
		and current.lot_status == change.to_status
		and change.from_status
		and latest
		and latest[0].name == change.name  # nothing moved the lot since the inspection did
	):
		change_lot_status(
			[change.batch],
			change.from_status,
			reason=_("Quality Inspection {0} cancelled").format(doc.name),
			reference_doctype=doc.doctype,
			reference_name=doc.name,
			source="Quality Inspection",
			by_system=True,
		)
