"""The supplier portal: a supplier's user sees the lots its supplier supplied (its supplier lot nos,
item, received date, status as far as it concerns the supplier — `traceability.portal`) and uploads the
documents a lot's rule requires. A document lands in the lot's *Lot Documents*, recorded as supplied by
that user; where it was the last one missing and the receipt held the lot for want of it, a release
back to the lot's status before the hold is asked for through a Lot Status Change — governed like any
other (the approver's roles, the documents check, the two-person sign-off)."""

import base64

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from lot_traceability import hold_tasks, lot_documents, status_changes
from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.messages import bold, esc
from lot_traceability.portal import partners
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import portal as portal_queries
from lot_traceability.queries import sign_off as sign_off_queries
from lot_traceability.traceability import documents as documents_core
from lot_traceability.traceability import portal as core

MAX_LOTS = 500  # lots a page lists (newest received first)
MAX_DOCUMENT_NUMBER = 140


class UploadRefusedError(frappe.ValidationError):
	pass


def waiting_statuses() -> set[str]:
	"""The statuses lots wait in for inspection: Settings' default and the rules' receipt statuses
	that do not let a lot be used."""
	names = {get_settings().default_receipt_status} | set(
		frappe.get_all("Lot Rule", filters={"enabled": 1}, pluck="receipt_status", distinct=True)
	)
	return {
		name
		for name in names
		if name and frappe.db.exists("Lot Status", name) and not core.USES & get_lot_status(name).allowed
	}


def supplied_lots(lot: str | None = None) -> list[dict]:
	"""The session user's suppliers' lots as the portal shows them."""
	suppliers = partners.require("Supplier")
	rows = portal_queries.get_supplied_lots(suppliers, MAX_LOTS, lot=lot)
	if not rows:
		return []
	settings = get_settings()
	waiting = waiting_statuses()
	show_reason = bool(settings.get("portal_show_hold_reason"))
	lots = {row.name: frappe._dict(item=row.item) for row in rows}
	required = lot_documents.required_of(lots)
	documents = lot_documents.documents_of(lots)
	rows_of = portal_queries.get_document_rows(list(lots))
	pending = {
		row.batch for row in sign_off_queries.get_pending_changes(list(lots), status_changes.PENDING_STATES)
	}
	found = []
	for row in rows:
		status = get_lot_status(row.lot_status or settings.default_receipt_status)
		shown_by_name = show_reason and not core.USES & status.allowed and status.name not in waiting
		last = lot_queries.get_lot_history(row.name, limit=1) if shown_by_name else []
		shown = core.supplier_status(status, waiting, last[0].reason if last else None, show_reason)
		kinds = required.get(row.name) or []
		present = documents.get(row.name, [])
		found.append(
			{
				"lot": row.name,
				"item": row.item,
				"item_name": row.item_name,
				"supplier": row.supplier,
				"supplier_lot_no": row.supplier_lot_no,
				"received_date": row.received_date,
				"manufacturing_date": row.manufacturing_date,
				"expiry_date": row.expiry_date,
				"status": shown.label,
				"reason": shown.reason,
				"required": kinds,
				"missing": documents_core.missing(kinds, present),
				"documents": [
					{
						"document_type": document.document_type,
						"document_number": document.document_number,
						"issued_on": document.issued_on,
						"supplied_by": document.supplied_by,
						"supplied_on": document.supplied_on,
					}
					for document in rows_of.get(row.name, [])
					if document.attachment
				],
				"release_requested": row.name in pending,
			}
		)
	return found


def document_types(lot_row: dict) -> list[str]:
	"""The types a supplier may upload for a lot: those its rule requires, else every enabled type."""
	return lot_row["required"] or frappe.get_all(
		"Lot Document Type", filters={"disabled": 0}, pluck="name", order_by="name"
	)


def upload_document(
	lot: str,
	document_type: str,
	filename: str,
	content: bytes,
	document_number: str | None = None,
	issued_on=None,
) -> dict:
	"""Keep an uploaded document on one of the session user's supplier's lots. Returns what the lot
	now lacks and the release asked for (if any)."""
	found = supplied_lots(lot) if lot else []
	if not found:
		partners.not_yours(_("Lot"), lot)
	lot_row = found[0]
	allowed = document_types(lot_row)
	if document_type not in allowed:
		frappe.throw(
			_("Lot {0}: {1} is not a document this lot takes (it takes: {2}).").format(
				bold(lot), bold(document_type), esc(", ".join(_(kind) for kind in allowed))
			),
			UploadRefusedError,
		)
	problem = core.upload_problem(filename, len(content or b"")) or core.content_problem(filename, content)
	if problem:
		frappe.throw(upload_refusal(lot, problem), UploadRefusedError, title=_("File Refused"))
	number = (document_number or "").strip()[:MAX_DOCUMENT_NUMBER] or None
	user = frappe.session.user
	lot_queries.get_lots([lot], for_update=True)  # a release and this upload of one lot queue
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": core.safe_filename(filename),
			"attached_to_doctype": "Batch",
			"attached_to_name": lot,
			"is_private": 1,
			"content": content,
		}
	)
	file.flags.ignore_permissions = True
	file.insert()
	batch = frappe.get_doc("Batch", lot)
	batch.append(
		"lot_documents",
		{
			"document_type": document_type,
			"attachment": file.file_url,
			"document_number": number,
			"issued_on": getdate(issued_on) if issued_on else None,
			"supplied_by": user,
			"supplied_on": now_datetime(),
		},
	)
	batch.flags.ignore_permissions = True
	batch.save()
	batch.add_comment(
		"Info",
		_("{0} supplied {1}{2} through the supplier portal.").format(
			bold(user), esc(_(document_type)), _(" (No. {0})").format(esc(number)) if number else ""
		),
	)
	missing = lot_documents.missing_of({lot: frappe._dict(item=batch.item)}).get(lot, [])
	release = None if missing else request_release(lot, document_type)
	return {"lot": lot, "missing": missing, "release": release}


def upload_refusal(lot: str, problem) -> str:
	p = problem.params
	if problem.code == "upload_type":
		return _("Lot {0}: {1} is not a file the portal takes (it takes {2}).").format(
			bold(lot), bold(p["file"]), esc(p["allowed"])
		)
	if problem.code == "upload_empty":
		return _("Lot {0}: {1} is empty.").format(bold(lot), bold(p["file"]))
	if problem.code == "upload_too_large":
		return _("Lot {0}: {1} is {2} MB, over the limit of {3} MB.").format(
			bold(lot), bold(p["file"]), round(p["size"] / 1048576, 1), round(p["limit"] / 1048576, 1)
		)
	return _("Lot {0}: {1} is not a {2} file (its content says otherwise).").format(
		bold(lot), bold(p["file"]), esc(p["extension"].upper())
	)


def request_release(lot: str, document_type: str) -> dict | None:
	"""The lot's documents are complete: where the receipt held it for want of them (and nothing moved
	it since), ask for its release back to the status it had — a Lot Status Change requested by the
	supplier's user, waiting for the people who may approve it (the approver's roles, the documents
	check and the sign-off apply when they approve it; the supplier's user can never approve it)."""
	settings = get_settings()
	history = [
		core.Change(row.name, row.from_status, row.to_status, row.source, row.reference_doctype)
		for row in lot_queries.get_lot_history(lot, limit=1)
	]
	hold = core.documents_hold_release(history, settings.documents_hold_status)
	if not hold:
		return None
	pending = status_changes.pending_changes_of(lot)
	if pending:
		return {
			"change": pending[0].name,
			"to_status": pending[0].to_status,
			"state": pending[0].workflow_state,
		}
	change = frappe.new_doc("Lot Status Change")
	change.update(
		{
			"to_status": hold.from_status,
			"reason": _(
				"Documents complete: {0} supplied through the supplier portal by {1} (held by {2})."
			).format(_(document_type), frappe.session.user, hold.name),
			"reference_doctype": "Lot Status Change",
			"reference_name": hold.name,
			"source": "Manual",
		}
	)
	change.append("lots", {"batch": lot})
	change.flags.ignore_permissions = True
	change.flags.portal_request = True  # the requester holds no role: the approver's are checked
	messages = len(frappe.local.message_log)
	change.insert()
	if change.needs_sign_off:
		from frappe.model.workflow import get_workflow_name

		if get_workflow_name(change.doctype) == status_changes.SIGN_OFF_WORKFLOW:
			change.db_set("workflow_state", status_changes.AWAITING_STATE)
			change.reload()
		status_changes.announce_request(change)
	else:
		hold_tasks.assign_to_task_roles(
			change.doctype,
			change.name,
			_(
				"{0}: documents complete ({1} supplied through the supplier portal). Submit {2} to release it to {3}."
			).format(lot, _(document_type), change.name, _(change.to_status)),
		)
	del frappe.local.message_log[messages:]  # what the desk is told is not the supplier's to read
	return {"change": change.name, "to_status": change.to_status, "state": change.get("workflow_state")}


def decode_upload(data: str) -> bytes:
	"""A file sent as base64 (optionally a data URL)."""
	data = data or ""
	if len(data) > core.MAX_UPLOAD_BYTES * 4 // 3 + 1024:  # refused before it is decoded
		frappe.throw(
			_("The file is over the limit of {0} MB.").format(int(core.MAX_UPLOAD_BYTES / 1048576)),
			UploadRefusedError,
		)
	if data.startswith("data:") and "," in data:
		data = data.split(",", 1)[1]
	try:
		return base64.b64decode(data, validate=True)
	except ValueError:
		frappe.throw(_("The file was not sent as base64."), UploadRefusedError)
