"""Recording a status change: the one way a lot's status changes (a submitted Lot Status Change).
The rules of a change live in `traceability.lifecycle`, the document in the Lot Status Change
doctype; services, jobs and the API record changes here."""

import frappe
from frappe import _
from frappe.model.document import Document

from lot_traceability import access
from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.messages import bold
from lot_traceability.queries import lots as lot_queries
from lot_traceability.traceability.signatures import needs_second_person

SIGN_OFF_WORKFLOW = "Lot Status Change Approval"
REQUEST_ACTION = "Request Approval"
APPROVE_ACTION = "Approve"
REJECT_ACTION = "Reject"
MAX_LISTED = 20  # lots named in a message


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


def approve_change(name: str, password: str | None, action: str = APPROVE_ACTION) -> Document:
	"""Approve (or reject) a change awaiting sign-off, as the session user, signed with their
	password (`signatures`): through the workflow's Approve or Reject where the workflow is active,
	else by submitting it. The requester may not approve their own change; every other way of
	approving a change that needs sign-off is refused by the change itself."""
	from frappe.model.workflow import apply_workflow, get_workflow_name

	from lot_traceability import signatures

	if action not in (APPROVE_ACTION, REJECT_ACTION):
		frappe.throw(_("{0}: unknown action {1}.").format(bold(name), bold(action)))
	doc = frappe.get_doc("Lot Status Change", name)
	doc.check_permission("submit" if action == APPROVE_ACTION else "write")
	access.check_lots_access([row.batch for row in doc.lots])
	user = frappe.session.user
	if action == APPROVE_ACTION and doc.needs_sign_off and user == doc.requested_by:
		frappe.throw(
			requester_refusal(doc), frappe.PermissionError, title=_("Approval by Another User Needed")
		)
	signatures.verify_password(user, password, doc.name)
	doc.flags.e_signature = signatures.new_signature(
		user, action, bool(get_lot_status(doc.to_status).is_restricted)
	)
	if get_workflow_name(doc.doctype) == SIGN_OFF_WORKFLOW:
		apply_workflow(doc, action)
	elif action == APPROVE_ACTION:
		doc.submit()
	else:
		frappe.throw(
			_("{0}: a change is rejected through the workflow {1}, which is not active.").format(
				bold(doc.name), bold(SIGN_OFF_WORKFLOW)
			)
		)
	doc.reload()
	return doc


def requester_refusal(change) -> str:
	"""Why the requester of a change that needs a second person may not approve it."""
	return _(
		"{0} moves {1} to {2} and needs a second person's approval: {3} requested it and cannot "
		"approve it too."
	).format(
		bold(change.name),
		named_lots(change),
		bold(_(change.to_status)),
		bold(change.requested_by),
	)


def named_lots(change) -> str:
	listed = ", ".join(bold(row.batch) for row in change.lots[:MAX_LISTED])
	more = len(change.lots) - MAX_LISTED
	return listed + (_(" and {0} more").format(more) if more > 0 else "")


def needs_sign_off(change) -> bool:
	"""Whether Settings ask a second person to approve this change (`signatures.needs_second_person`):
	a change into a sign-off status (default: the release status and every restricted status) — where
	Settings limit sign-off to releases, of a lot not fully released — and, whatever the sign-off
	statuses, every change that takes a lot out of a hold into a status that is not one (Quarantined
	to Pending Inspection included). Changes the app makes on its own account never wait (see
	`check_system_change` for what they may not do)."""
	settings = get_settings()
	if change.flags.by_system or not settings.require_sign_off:
		return False
	targets = {row.lot_status for row in settings.get("sign_off_statuses") or []}
	if not targets:
		targets = {settings.release_status} | {
			record.name for record in lot_queries.get_lot_statuses() if record.get("is_restricted")
		}
	default_status = settings.default_receipt_status
	return needs_second_person(
		{get_lot_status(row.from_status or default_status) for row in change.lots},
		get_lot_status(change.to_status),
		targets,
		bool(settings.sign_off_from_holds_only),
	)

