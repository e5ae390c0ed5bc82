"""Recording a status change: the one way a lot's status changes (a submitted Lot Status Change).
The rules of a change live in `traceability.lifecycle`, the document in the Lot Status Change
doctype; services, jobs and the API record changes here."""

import frappe
from frappe.model.document import Document

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.queries import lots as lot_queries
from lot_traceability.traceability.statuses import Movement

SIGN_OFF_WORKFLOW = "Lot Status Change Approval"
REQUEST_ACTION = "Request Approval"
APPROVE_ACTION = "Approve"


def change_lot_status(
	batches,
	to_status: str,
	reason: str | None = None,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	source: str = "Manual",
	by_system: bool = False,
	scope=None,
	cap_qty: float | None = None,
	valid_until=None,
	concession_reference: str | None = None,
	locked_lots: dict | None = None,
) -> Document:
	"""Record and apply one status change for any number of lots, as one submitted document — or,
	where Settings ask a second person to approve it, record it awaiting that approval.

	`by_system` is for changes the app makes on its own account (quality inspection, expiry check,
	recall): the transition roles are not checked and no sign-off is asked, every other rule is.
	`scope` ((applies to, value) pairs), `cap_qty`, `valid_until` and `concession_reference` are the
	release scope of a change into a restricted status. `locked_lots`: the lots' rows (`lots.get_lots`)
	as the caller read and locked them in this transaction, not read again.
	"""
	doc = frappe.new_doc("Lot Status Change")
	doc.update(
		{
			"to_status": to_status,
			"reason": reason,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"source": source,
			"cap_qty": cap_qty,
			"valid_until": valid_until,
			"concession_reference": concession_reference,
		}
	)
	doc.extend("lots", [{"batch": batch} for batch in dict.fromkeys(batches)])  # thousands, in one go
	for applies_to, value in scope or ():
		doc.append("scope", {"applies_to": applies_to, "value": value})
	doc.flags.by_system = by_system
	doc.flags.locked_lots = locked_lots
	if by_system:
		doc.flags.ignore_permissions = True
		doc.flags.ignore_links = True  # it may cite a document being cancelled (a reverted inspection)
	if by_system:
		doc.submit()  # inserted and submitted at once (its lots written once): never signed off
		return doc
	doc.insert()
	if doc.needs_sign_off:
		request_approval(doc)
		return doc
	doc.submit()
	return doc


def request_approval(doc) -> None:
	"""Send a change that needs a second person to approval (the workflow's request, where the
	workflow is active; the change stays a draft until another user approves it)."""
	from frappe.model.workflow import apply_workflow, get_workflow_name

	if get_workflow_name(doc.doctype) == SIGN_OFF_WORKFLOW:
		doc.reload()
		apply_workflow(doc, REQUEST_ACTION)
		doc.reload()


def approve_change(name: str) -> Document:
	"""Approve a change awaiting sign-off, as the session user (through the workflow's Approve where
	the workflow is active, else by submitting it); the change's own checks refuse the requester."""
	from frappe.model.workflow import apply_workflow, get_workflow_name

	doc = frappe.get_doc("Lot Status Change", name)
	if get_workflow_name(doc.doctype) == SIGN_OFF_WORKFLOW:
		apply_workflow(doc, APPROVE_ACTION)
	else:
		doc.submit()
	doc.reload()
	return doc


def needs_sign_off(change) -> bool:
	"""Whether Settings ask a second person to approve this change: a change into a sign-off status
	(default: the release status and every restricted status) — where Settings limit sign-off to
	releases, of a lot not fully released (a status that may not ship, or a restricted one). Changes
	the app makes on its own account never wait."""
	settings = get_settings()
	if change.flags.by_system or not settings.require_sign_off:
		return False
	targets = {row.lot_status for row in settings.get("sign_off_statuses") or []}
	if not targets:
		targets = {settings.release_status} | {
			record.name for record in lot_queries.get_lot_statuses() if record.get("is_restricted")
		}
	if change.to_status not in targets:
		return False
	if not settings.sign_off_from_holds_only:
		return True
	default_status = settings.default_receipt_status
	return any(not_released(get_lot_status(row.from_status or default_status)) for row in change.lots)


def not_released(status) -> bool:
	"""A lot not (fully) released: it may not ship (pending inspection, quarantined, rejected …), or
	only within a release scope (so that widening a scope is a release too)."""
	return status.is_restricted or not status.allows(Movement.SHIPMENT)
