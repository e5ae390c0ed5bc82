"""Recording a status change: the one way a lot's status changes (a submitted Lot Status Change).
The rules of a change live in `traceability.lifecycle`, the document in the Lot Status Change
doctype; services, jobs and the API record changes here."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import format_datetime

from lot_traceability import access
from lot_traceability.config import get_lot_status, get_settings, get_transitions
from lot_traceability.messages import Refusal, Refused, bold, esc
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import sign_off as sign_off_queries
from lot_traceability.queries import tasks as task_queries
from lot_traceability.queries import users as user_queries
from lot_traceability.traceability.signatures import needs_second_person

SIGN_OFF_WORKFLOW = "Lot Status Change Approval"
REQUEST_ACTION = "Request Approval"
APPROVE_ACTION = "Approve"
REJECT_ACTION = "Reject"
REJECTED_STATE = "Rejected"
AWAITING_STATE = "Awaiting Approval"
# A lot named in a change in one of these states is pending: no other change that needs a second
# person may be requested for it until that one is approved or rejected.
PENDING_STATES = (AWAITING_STATE,)
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
		frappe.throw(_("{0}: unknown action {1}.").format(bold(name), bold(action)), exc=Refused)
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
			),
			exc=Refused,
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


# One pending change a lot


def check_no_pending_change(change) -> None:
	"""Refuse a change that needs a second person for a lot already in another change awaiting
	approval, naming that change, its state and the lot. The lots' rows are locked first (before the
	change writes its own rows) and the pending changes read under lock, as last committed: of two
	requests for one lot at once, the second waits for the first and is refused."""
	lots = [row.batch for row in change.lots]
	lot_queries.lock_lots(lots)
	pending = sign_off_queries.get_pending_changes(lots, PENDING_STATES, exclude=change.name, for_update=True)
	if not pending:
		return
	first = pending[0]
	count = len({row.batch for row in pending}) - 1  # its other lots in a change awaiting approval
	frappe.throw(
		_(
			"Lot {0} is already in {1} ({2}: to {3}, requested by {4} on {5}): approve or reject that "
			"change before requesting another for it."
		).format(
			bold(first.batch),
			bold(first.name),
			bold(_(first.workflow_state)),
			bold(_(first.to_status)),
			bold(first.requested_by),
			format_datetime(first.creation),
		)
		+ (_(" {0} more of its lots await approval in a change too.").format(count) if count else ""),
		PendingChangeError,
		title=_("A Change Already Awaits Approval"),
	)


class PendingChangeError(Refusal, frappe.ValidationError):
	pass


# Who is told


def approving_roles(change) -> list[str]:
	"""The roles that may approve a change: those of the workflow's Approve (where the workflow is
	active), else those Settings let move lots into its status."""
	from frappe.model.workflow import get_workflow_name

	if get_workflow_name(change.doctype) == SIGN_OFF_WORKFLOW:
		return sign_off_queries.get_workflow_roles(SIGN_OFF_WORKFLOW, AWAITING_STATE, APPROVE_ACTION)
	return sorted({t.role for t in get_transitions() if t.to_status == change.to_status})


def approvers(change, roles=None) -> list[str]:
	"""The users who may approve this change: an approving role, roles that Settings let move each of
	its lots from its status into the new one, a company wall that lets them read at least one of
	its lots — and not the requester."""
	roles = approving_roles(change) if roles is None else roles
	if not roles:
		return []
	transitions = get_transitions()
	default_status = get_settings().default_receipt_status
	moves = {row.from_status or default_status for row in change.lots}
	lots = [row.batch for row in change.lots]
	companies = None
	found = []
	for user in user_queries.get_users_with_roles(roles):
		if user == change.requested_by:
			continue
		held = set(frappe.get_roles(user))
		if not all(any(t.grants(move, change.to_status, held) for t in transitions) for move in moves):
			continue
		walled = access.wall(user)
		if walled.companies is not None:
			companies = access.lot_companies(lots) if companies is None else companies
			if not any(walled.reads_companies(companies.get(lot) or ()) for lot in lots):
				continue
		found.append(user)
	return found


def announce_request(change) -> None:
	"""A change just sent for approval: the requester is told who must approve it, and every approver
	gets a notification and a task (a ToDo on the change), made on the short queue after the commit
	(`tell_approvers`): the request does not wait on each approver's notification, task, comment and
	share (about 15 ms each)."""
	roles = approving_roles(change)
	users = approvers(change, roles)
	if users:
		frappe.enqueue(
			"lot_traceability.status_changes.tell_approvers",
			queue="short",
			enqueue_after_commit=True,
			now=frappe.flags.in_test,
			name=change.name,
			users=users,
		)
	frappe.msgprint(
		_(
			'<a href="/app/lot-status-change/{0}">{0}</a> moves {1} to {2} once a second person approves '
			"it with their electronic signature: a user with the role {3}, other than {4}. {5} approvers "
			"are told (a notification and a ToDo)."
		).format(
			esc(change.name),
			bold(change.lots_summary),
			bold(_(change.to_status)),
			" / ".join(bold(_(role)) for role in roles) or bold(_("none")),
			bold(change.requested_by),
			len(users),
		),
		title=_("Awaiting Approval"),
		indicator="orange",
	)


def tell_approvers(name: str, users: list[str]) -> list[str]:
	"""The queued announcement of a change sent for approval: a notification and a task for each
	approver named; the users told. Nobody where the change no longer awaits approval by then
	(approved, rejected or gone: its tasks would have been closed had they existed), and nobody who
	already has an open task on it (the job run again)."""
	# a locking read: an approval or rejection committed before it is seen, and one under way waits
	# for the job's commit to write the change
	state = frappe.db.get_value(
		"Lot Status Change", name, ["docstatus", "workflow_state"], as_dict=True, for_update=True
	)
	if not state or state.docstatus != 0 or state.workflow_state == REJECTED_STATE:
		return []
	change = frappe.get_doc("Lot Status Change", name)
	tasked = set(task_queries.get_open_task_users(change.doctype, name))
	subject = _(
		"{0} asks you to approve {1}: {2} to {3}. It needs a second person's electronic signature."
	).format(bold(change.requested_by), bold(change.name), named_lots(change), bold(_(change.to_status)))
	told = []
	for user in users:
		if user in tasked:
			continue
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"from_user": change.requested_by,
				"type": "Alert",
				"subject": subject,
				"document_type": change.doctype,
				"document_name": change.name,
			}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"reference_type": change.doctype,
				"reference_name": change.name,
				"description": subject,
				"assigned_by": change.requested_by,
				"status": "Open",
				"priority": "High",
			}
		).insert(ignore_permissions=True)
		told.append(user)
	return told


def close_approval_tasks(change) -> None:
	"""The change was approved or rejected: the approvers' open tasks on it are done."""
	from frappe.desk.form.assign_to import close_all_assignments

	close_all_assignments(change.doctype, change.name, ignore_permissions=True)


def pending_changes_of(lot: str) -> list[dict]:
	"""The changes of this lot awaiting approval: what the lot's form says of them."""
	return sign_off_queries.get_pending_changes([lot], PENDING_STATES)
