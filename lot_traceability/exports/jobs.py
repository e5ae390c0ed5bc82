"""Company-wide downloads of long date ranges (the EPCIS document, the FSMA 204 spreadsheet) made
in the background: a request for more than `MAX_DAYS` days answers at once with the job's id, the
job builds the file as the user who asked (so with their permissions), keeps it as a private File
attached to that user, and tells them where it is (a Notification Log and a message on their desk).
A lot's, a Lot Recall's or a product's download, and any shorter range, is answered as it is asked."""

import json

import frappe
from frappe import _
from frappe.utils import escape_html, getdate

from lot_traceability.exports.scopes import readable_companies, restrict
from lot_traceability.messages import esc

MAX_DAYS = 366  # days a company-wide download spans at most in a request (both ends included)
KINDS = ("EPCIS", "FSMA 204")


def answer(kind: str, **scope) -> tuple[str, bytes | str] | dict:
	"""The download (file name, content) of this scope, or — for a company-wide range longer than
	`MAX_DAYS` — the background job made of it: {"job_id", "message"}."""
	if is_long(scope):
		restrict(readable_companies(), scope.get("company"))  # refused now, not in the job
		return enqueue(kind, scope)
	return build(kind, scope)


def is_long(scope: dict) -> bool:
	if scope.get("lot") or scope.get("lot_recall") or scope.get("item"):
		return False
	if not (scope.get("from_date") and scope.get("to_date")):
		return False  # the export refuses it, as it does today
	return (getdate(scope["to_date"]) - getdate(scope["from_date"])).days + 1 > MAX_DAYS


def build(kind: str, scope: dict) -> tuple[str, bytes | str]:
	"""(file name, content) of the download of this kind and scope."""
	if kind == "EPCIS":
		from lot_traceability.exports import epcis as epcis_export

		document, filename = epcis_export.export_for(**scope)
		return filename, json.dumps(document, indent=1, ensure_ascii=False)
	from lot_traceability.exports import fsma204 as fsma204_export

	return fsma204_export.download(**scope)


def enqueue(kind: str, scope: dict) -> dict:
	job_id = f"lot_traceability_export_{frappe.generate_hash(length=12)}"
	frappe.enqueue(
		"lot_traceability.exports.jobs.run",
		queue="long",
		timeout=7200,
		job_id=job_id,
		kind=kind,
		scope=scope,
		user=frappe.session.user,
	)
	message = _(
		"The {0} download of {1} to {2} spans more than {3} days, so it is being made in the background "
		"(job {4}). You will be notified with a link to the file when it is ready."
	).format(kind, scope["from_date"], scope["to_date"], MAX_DAYS, job_id)
	frappe.msgprint(escape_html(message), alert=True)
	return {"job_id": job_id, "message": message}


def run(kind: str, scope: dict, user: str) -> str:
	"""The job: build the download as `user`, keep it as a private File attached to them and tell
	them. Returns the File's name."""
	if kind not in KINDS:
		frappe.throw(_("Download {0}: the app makes {1}.").format(esc(kind), ", ".join(KINDS)))
	frappe.set_user(user)
	try:
		filename, content = build(kind, scope)
	except Exception:
		notify(user, _("The {0} download you asked for could not be made.").format(kind))
		raise
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": filename,
			"content": content,
			"is_private": 1,
			"attached_to_doctype": "User",
			"attached_to_name": user,
		}
	).insert(ignore_permissions=True)
	notify(
		user,
		_("Your {0} download is ready: {1}").format(
			kind, f'<a href="{escape_html(file.file_url)}">{escape_html(filename)}</a>'
		),
		file.name,
	)
	return file.name


def notify(user: str, subject: str, file: str | None = None) -> None:
	"""A Notification Log for the user (the bell) and the same words on their open desk."""
	frappe.get_doc(
		{
			"doctype": "Notification Log",
			"for_user": user,
			"type": "Alert",
			"subject": subject,
			"document_type": "File" if file else None,
			"document_name": file,
		}
	).insert(ignore_permissions=True)
	frappe.publish_realtime("msgprint", subject, user=user, after_commit=True)
