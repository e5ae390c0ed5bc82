# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, get_datetime, getdate, now_datetime

from lot_traceability import deviations, hold_tasks, lot_documents, restrictions, signatures, status_changes
from lot_traceability.bulk_rows import BulkChildTables
from lot_traceability.config import get_lot_status, get_settings, get_transitions
from lot_traceability.messages import Refusal, Refused, bold, problem_message
from lot_traceability.queries import lots as lot_queries
from lot_traceability.status_changes import (
	AWAITING_STATE,
	MAX_LISTED,
	REJECTED_STATE,
	named_lots,
	needs_sign_off,
	requester_refusal,
)
from lot_traceability.traceability.lifecycle import check_transition
from lot_traceability.traceability.signatures import REJECTED, is_released

# Set by the server only, never taken from the client: who asked, who approved, the signature.
SERVER_OWNED = ("requested_by", "approved_by", *signatures.SIGNATURE_FIELDS)
SUMMARY_LOTS = 2  # lots the list names of a change
AUTOMATIC_SOURCES = ("Expiry Check", "Recall", "Deviation", "System")


class LotStatusChangeError(Refusal, frappe.ValidationError):
	pass


def substance(doc) -> tuple:
	"""What a change asks for: what its approver approves."""
	return (
		doc.to_status,
		(doc.reason or "").strip(),
		[row.batch for row in doc.lots],
		[(row.applies_to, row.value) for row in doc.get("scope") or []],
		flt(doc.get("cap_qty")),
		str(doc.get("valid_until") or ""),
		doc.get("concession_reference") or "",
	)


def summary(lots: list[str], to_status: str | None) -> tuple[str, str]:
	"""A change's lots as its list shows them ("LOT-1, LOT-2 +3"), and its title ("… → Approved")."""
	shown = ", ".join(lots[:SUMMARY_LOTS]) + (
		f" +{len(lots) - SUMMARY_LOTS}" if len(lots) > SUMMARY_LOTS else ""
	)
	title = f"{shown} → {to_status or ''}" if shown else to_status or ""
	return shown[:140], title[:140]


def server_value(doc, fieldname):
	"""A server-owned field's value, as sent back by a client (a date-time as text) or read."""
	value = doc.get(fieldname) or None
	return get_datetime(value) if value and fieldname == "signed_on" else value


class LotStatusChange(BulkChildTables, Document):
	bulk_tables = ("lots",)  # a recall moves thousands of lots in one change

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from lot_traceability.lot_traceability.doctype.lot_status_change_lot.lot_status_change_lot import (
			LotStatusChangeLot,
		)

		change_datetime: DF.Datetime | None
		lots: DF.Table[LotStatusChangeLot]
		reason: DF.SmallText | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		source: DF.Literal["Manual", "Quality Inspection", "Expiry Check", "Recall", "System"]
		to_status: DF.Link
	# end: auto-generated types

	def onload(self):
		self.set_onload("signature", signatures.signature_summary(self))
		if self.docstatus == 0 and self.needs_sign_off:
			self.set_onload("approving_roles", status_changes.approving_roles(self))

	def signature_state(self) -> str | None:
		"""`valid`, `broken` or None (unsigned): for the print format."""
		return signatures.signature_state(self)

	def signed_on_text(self) -> str:
		return signatures.signed_on_text(self)

	def validate(self):
		self.keep_server_owned_fields()
		self.validate_unchanged_since_requested()
		self.validate_system_source()
		self.validate_lots_listed_once()
		if self._action != "submit":  # a submit reads and checks them locked (`before_submit`)
			self.set_from_statuses(for_update=False)
			self.validate_transitions()
			lot_documents.check_release(self)
		self.validate_release_scope()
		self.set_sign_off()
		self.sign_rejection()
		self.check_no_pending_change()
		self.set_summary()

	def before_submit(self):
		self.set_from_statuses(for_update=True)
		self.check_unmoved_since_requested()
		self.validate_transitions()
		lot_documents.check_release(self, for_update=True)
		self.check_system_change()
		self.set_sign_off()
		self.check_sign_off()
		self.change_datetime = now_datetime()

	def check_unmoved_since_requested(self):
		"""A change awaiting approval is approved for the lots as they were when it was requested: a
		lot moved since (put on hold, recalled, released by another change) refuses the approval."""
		before = self.get_doc_before_save()
		if not before or before.get("workflow_state") != AWAITING_STATE:
			return
		requested = {row.batch: row.from_status for row in before.lots}
		moved = [row for row in self.lots if requested.get(row.batch) != row.from_status]
		if moved:
			frappe.throw(
				_(
					"Lot {0} was {1} when {2} was requested and is {3} now: reject {2} and request a new "
					"change if it is still wanted."
				).format(
					bold(moved[0].batch),
					bold(_(requested.get(moved[0].batch) or "")),
					bold(self.name),
					bold(_(moved[0].from_status or "")),
				),
				LotStatusChangeError,
				title=_("Lot Moved Since the Request"),
			)

	def before_update_after_submit(self):
		self.keep_server_owned_fields()

	def keep_server_owned_fields(self):
		"""Requester, approver and signature are the server's: a new change is requested by whoever
		saves it first (its owner), whatever the client sent; once saved, nobody alters them — a
		client's attempt (REST, set_value, data import, a save after submit) is refused."""
		if self.flags.in_insert:
			for fieldname in SERVER_OWNED:
				self.set(fieldname, None)
			self.requested_by = self.owner or frappe.session.user
			return
		before = self.get_doc_before_save()
		if not before:
			return
		for fieldname in SERVER_OWNED:
			if server_value(self, fieldname) != server_value(before, fieldname):
				frappe.throw(
					_("{0}: {1} is recorded by the system ({2}) and cannot be changed.").format(
						bold(self.name),
						bold(_(self.meta.get_label(fieldname))),
						bold(before.get(fieldname) or _("empty")),
					),
					LotStatusChangeError,
					title=_("Not Allowed"),
				)

	def on_submit(self):
		self.update_lots()
		if get_lot_status(self.to_status).is_restricted:
			restrictions.grant(self, self.lots)
		else:
			restrictions.lift(self, self.lots)
		status_changes.close_approval_tasks(self)
		hold_tasks.close_resolved(self)
		hold_tasks.route(self)
		deviations.close_released(self)

	def on_update(self):
		"""Just sent for approval: the approvers are told; just rejected: their tasks are done and a
		deviation waiting for it is open again."""
		state, before = self.get("workflow_state"), self.get_doc_before_save()
		if not before or before.get("workflow_state") == state:
			return
		if state == AWAITING_STATE:
			status_changes.announce_request(self)
		elif state == REJECTED_STATE:
			status_changes.close_approval_tasks(self)
			deviations.reopen_rejected(self)

	def check_no_pending_change(self):
		"""A change that needs a second person may not be saved or sent for approval for a lot already
		in another change awaiting approval (`status_changes.check_no_pending_change`), read with the
		lots locked: of two requests for one lot at once, the second waits for the first."""
		if self.flags.by_system or not self.needs_sign_off or self._action == "submit":
			return
		if self.get("workflow_state") in (None, "", "Draft", AWAITING_STATE):
			status_changes.check_no_pending_change(self)

	def set_summary(self):
		"""What the list shows of a change: its lots ("LOT-1, LOT-2 +3") and a title that says what
		it does ("LOT-1, LOT-2 +3 → Approved")."""
		self.lots_summary, self.title = summary([row.batch for row in self.lots], self.to_status)

	def validate_unchanged_since_requested(self):
		"""A change sent for approval is approved (or rejected) as it was requested: nobody — the
		approver included — edits its lots, status, reason or scope meanwhile."""
		before = self.get_doc_before_save()
		if not before or before.docstatus != 0 or before.get("workflow_state") in (None, "", "Draft"):
			return
		if substance(before) != substance(self):
			frappe.throw(
				_(
					"{0} was sent for approval ({1}) and cannot be changed. Reject it and request a new "
					"change instead."
				).format(bold(self.name), _(before.workflow_state)),
				LotStatusChangeError,
			)

	def validate_release_scope(self):
		"""A change into a restricted status says what the lots are released for."""
		self.is_restricted = int(get_lot_status(self.to_status).is_restricted)
		if not self.is_restricted:
			if self.scope or self.cap_qty or self.valid_until:
				self.scope, self.cap_qty, self.valid_until = [], None, None
			return
		restrictions.validate_scope_rows(self)
		if not self.scope and not self.flags.by_system:
			frappe.throw(
				_(
					"{0} releases lots for named uses only: list in Release Scope the customers, items or "
					"BOMs they are released for."
				).format(bold(_(self.to_status))),
				LotStatusChangeError,
			)

	def set_sign_off(self):
		self.needs_sign_off = int(needs_sign_off(self))

	def check_sign_off(self):
		"""Where Settings ask for two people, the one who requested the change may not approve it,
		and the approver signs (password entered again, `status_changes.approve_change`) — whatever
		path the submit takes (the form's workflow, REST, a script). The approver is whoever submits."""
		approver = frappe.session.user
		signature = self.flags.e_signature
		if self.needs_sign_off:
			if approver == self.requested_by:
				frappe.throw(
					requester_refusal(self),
					frappe.PermissionError,
					title=_("Approval by Another User Needed"),
				)
			if not signature or signature.signer != approver or signature.meaning == REJECTED:
				frappe.throw(self.signature_needed(_("approved")), signatures.SignatureRequiredError)
		self.approved_by = approver
		if signature and signature.signer == approver and signature.meaning != REJECTED:
			signatures.record(self, signature)

	def sign_rejection(self):
		"""A change awaiting sign-off is rejected with a signature too (meaning: Rejected)."""
		before = self.get_doc_before_save()
		if (
			self.flags.in_insert
			or not before
			or self.get("workflow_state") != REJECTED_STATE
			or before.get("workflow_state") == REJECTED_STATE
		):
			return
		signature = self.flags.e_signature
		if not signature or signature.signer != frappe.session.user or signature.meaning != REJECTED:
			frappe.throw(self.signature_needed(_("rejected")), signatures.SignatureRequiredError)
		signatures.record(self, signature)

	def signature_needed(self, done: str) -> str:
		return _(
			"{0} moves {1} to {2} and is {3} with an electronic signature only: use Approve or Reject "
			"on the form and enter your password (or the method {4})."
		).format(
			bold(self.name),
			named_lots(self),
			bold(_(self.to_status)),
			done,
			"lot_traceability.api.approve_lot_status_change",
		)

	def check_system_change(self):
		"""The app's automatic changes (expiry check, recall, deviation, system holds) never release
		a held lot into a status that may ship: they hold lots. A Quality Inspection's decision does
		release (its override checks how the lot came to be waiting for it); every other release is a
		change signed off by a second person."""
		if not self.flags.by_system or self.source not in AUTOMATIC_SOURCES:
			return
		target = get_lot_status(self.to_status)
		if not target.allows("shipment"):
			return
		default_status = get_settings().default_receipt_status
		leaving = [
			row
			for row in self.lots
			if not is_released(get_lot_status(row.from_status or default_status))
			and row.from_status != self.to_status
		]
		if leaving:
			frappe.throw(
				_(
					"{0} would release {1} (now {2}) into {3} on the system's account: a release is "
					"signed off by a second person. Record it as a Lot Status Change."
				).format(
					bold(_(self.source)),
					", ".join(bold(row.batch) for row in leaving[:MAX_LISTED]),
					bold(_(leaving[0].from_status or default_status)),
					bold(_(self.to_status)),
				),
				LotStatusChangeError,
			)

	def before_cancel(self):
		frappe.throw(
			_(
				"{0} is an audit record and cannot be cancelled. Record a new Lot Status Change instead."
			).format(bold(self.name)),
			LotStatusChangeError,
		)

	def validate_system_source(self):
		if self.source != "Manual" and not self.flags.by_system:
			self.source = "Manual"

	def validate_lots_listed_once(self):
		seen = set()
		for row in self.lots:
			if row.batch in seen:
				frappe.throw(
					_("Row {0}: lot {1} is listed twice.").format(row.idx, bold(row.batch)),
					LotStatusChangeError,
				)
			seen.add(row.batch)

	def set_from_statuses(self, for_update: bool):
		"""Each lot's item and current status (locked with `for_update`). A caller that has just read
		and locked the lots in this transaction (a recall) hands them over (`flags.locked_lots`)."""
		lots = (for_update and self.flags.locked_lots) or lot_queries.get_lots(
			[row.batch for row in self.lots], for_update=for_update
		)
		if for_update:  # read as last committed and held: which of them have a scope in effect
			self.flags.restricted_lots = {name for name, lot in lots.items() if lot.get("lot_restriction")}
		for row in self.lots:
			lot = lots.get(row.batch)
			if not lot:
				frappe.throw(
					_("Row {0}: lot {1} does not exist.").format(row.idx, bold(row.batch)), exc=Refused
				)
			row.from_status = lot.lot_status
			row.item = lot.item

	def validate_transitions(self):
		target = get_lot_status(self.to_status)
		roles = set(frappe.get_roles())
		transitions = get_transitions()
		refusals, codes = [], set()
		default_status = get_settings().default_receipt_status
		statuses = {
			name: get_lot_status(name) for name in {row.from_status or default_status for row in self.lots}
		}
		problems_from: dict[str, list] = {}  # a transition's problems, once per status lots leave
		# a supplier's request from the portal (`portal.supplier.request_release`) holds no role: the
		# roles are those of whoever approves or submits it (this check again, at submit)
		check_roles = not self.flags.by_system and not (
			self.flags.portal_request and self.docstatus == 0 and self._action != "submit"
		)
		for row in self.lots:
			current = statuses[row.from_status or default_status]
			problems = problems_from.get(current.name)
			if problems is None:
				problems = problems_from[current.name] = check_transition(
					current, target, roles, transitions, self.reason, check_roles=check_roles
				)
			codes.update(problem.code for problem in problems)
			refusals += [
				_("Lot {0} ({1}, now {2}): {3}").format(
					bold(row.batch), row.item, _(current.name), problem_message(problem)
				)
				for problem in problems
			]
		if not refusals:
			return
		if len(refusals) > MAX_LISTED:
			refusals = [*refusals[:MAX_LISTED], _("… and {0} more").format(len(refusals) - MAX_LISTED)]
		frappe.throw(
			refusals if len(refusals) > 1 else refusals[0],
			frappe.PermissionError if codes == {"transition_not_allowed"} else LotStatusChangeError,
			title=_("Lot Status Change to {0} refused").format(_(self.to_status)),
			as_list=len(refusals) > 1,
		)

	def update_lots(self):
		release_date = (
			getdate(self.change_datetime) if self.to_status == get_settings().release_status else None
		)
		lot_queries.set_lot_status([row.batch for row in self.lots], self.to_status, release_date)
