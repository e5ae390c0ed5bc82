"""Electronic signatures of lot status changes (21 CFR Part 11 §11.50, §11.70, §11.200).

Approving or rejecting a change that needs a second person is signed: the signer enters their
password again, checked here against Frappe's password store. The signature (signer, full name,
date-time with the system time zone, meaning, SHA-256 hash of the signed content) is stored on the
change; `signature_state` tells whether the change is still what was signed. Five wrong passwords
within 15 minutes lock signing for that user for 15 minutes and tell the System Managers.
"""

from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, get_fullname, get_system_timezone, getdate, now_datetime

from lot_traceability.messages import Refusal, bold
from lot_traceability.traceability import signatures as core

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60

VALID = "valid"
BROKEN = "broken"

SIGNATURE_FIELDS = (
	"signed_by",
	"signed_by_name",
	"signed_on",
	"signature_time_zone",
	"signature_meaning",
	"signature_hash",
)


class SignatureError(Refusal, frappe.ValidationError):
	"""A signature refused: no password, a wrong one, or signing locked. Nothing but the failure
	count (and, on locking, the System Managers' notifications) is recorded."""


class SignatureLockedError(SignatureError):
	pass


class SignatureRequiredError(Refusal, frappe.ValidationError):
	pass


# The password


def verify_password(user: str, password: str | None, change: str) -> None:
	"""Refuse unless `password` is the password of `user` (the session user signing `change`)."""
	from frappe.utils.password import check_password

	check_not_locked(user, change)
	if not password:
		frappe.throw(
			_("{0}: enter your password to sign it ({1}).").format(bold(change), bold(user)),
			SignatureError,
			title=_("Electronic Signature"),
		)
	try:
		check_password(user, password, delete_tracker_cache=False)
	except frappe.AuthenticationError:
		failures = record_failure(user)
		if failures >= MAX_FAILURES:
			lock(user, change)
		frappe.throw(
			_("{0} was not signed: the password of {1} is wrong ({2} of {3} attempts).").format(
				bold(change), bold(user), min(failures, MAX_FAILURES), MAX_FAILURES
			),
			SignatureError,
			title=_("Electronic Signature"),
		)
	frappe.cache.delete_value(_failures_key(user))


def check_not_locked(user: str, change: str) -> None:
	if frappe.cache.get_value(_lock_key(user), expires=True):
		frappe.throw(
			_(
				"{0} was not signed: signing is locked for {1} for {2} minutes after {3} wrong passwords."
			).format(bold(change), bold(user), LOCK_SECONDS // 60, MAX_FAILURES),
			SignatureLockedError,
			title=_("Electronic Signature Locked"),
		)


def record_failure(user: str) -> int:
	"""Count a wrong password; returns the failures of the last 15 minutes."""
	now = now_datetime().timestamp()
	earlier = frappe.cache.get_value(_failures_key(user), expires=True) or ()
	failures = [at for at in earlier if now - at < WINDOW_SECONDS]
	failures.append(now)
	frappe.cache.set_value(_failures_key(user), failures, expires_in_sec=WINDOW_SECONDS)
	return len(failures)


def lock(user: str, change: str) -> None:
	"""Lock signing for `user` and tell every System Manager (a Notification Log each)."""
	frappe.cache.set_value(_lock_key(user), 1, expires_in_sec=LOCK_SECONDS)
	frappe.cache.delete_value(_failures_key(user))
	subject = _(
		"Electronic signing locked for {0}: {1} wrong passwords within {2} minutes (last on {3})."
	).format(bold(user), MAX_FAILURES, WINDOW_SECONDS // 60, bold(change))
	for manager in system_managers():
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": manager,
				"from_user": user,
				"type": "Alert",
				"subject": subject,
				"document_type": "User",
				"document_name": user,
			}
		).insert(ignore_permissions=True)


def system_managers() -> list[str]:
	"""Who is told of a lock: every enabled System Manager, Administrator included."""
	from frappe.utils.user import get_system_managers

	return sorted({"Administrator", *get_system_managers(only_name=True)})


def unlock(user: str) -> None:
	frappe.cache.delete_value(_lock_key(user))
	frappe.cache.delete_value(_failures_key(user))


def _failures_key(user: str) -> str:
	return f"lot_traceability:signing_failures:{user}"


def _lock_key(user: str) -> str:
	return f"lot_traceability:signing_locked:{user}"


# The signature


def new_signature(user: str, action: str, target_is_restricted: bool) -> core.Signature:
	"""The signature `user` gives now by taking `action` (Approve, Reject)."""
	time_zone = get_system_timezone()
	return core.Signature(
		signer=user,
		signer_name=get_fullname(user),
		signed_on=now_datetime().replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S"),
		time_zone=time_zone,
		meaning=core.meaning_of(action, target_is_restricted),
	)


def record(doc, signature: core.Signature) -> None:
	"""Store the signature on the change and the hash of what it signs (its content as it is now)."""
	doc.signed_by = signature.signer
	doc.signed_by_name = signature.signer_name
	doc.signed_on = signature.signed_on
	doc.signature_time_zone = signature.time_zone
	doc.signature_meaning = signature.meaning
	doc.signature_hash = core.content_hash(change_content(doc), _manifest(doc))


def signature_state(doc) -> str | None:
	"""`valid` (the change is what was signed), `broken` (it was altered since), None (unsigned)."""
	if not doc.get("signature_hash"):
		return None
	return VALID if core.is_intact(change_content(doc), _manifest(doc), doc.signature_hash) else BROKEN


def signature_summary(doc) -> dict | None:
	"""What a page shows of a change's signature: who, full name, when (with the time zone), what it
	means, and whether it is intact."""
	state = signature_state(doc)
	if not state:
		return None
	return {
		"signed_by": doc.signed_by,
		"signed_by_name": doc.signed_by_name,
		"signed_on": signed_on_text(doc),
		"meaning": doc.signature_meaning,
		"state": state,
	}


def signed_on_text(doc) -> str:
	return _manifest(doc).signed_on if doc.get("signed_on") else ""


def change_content(doc) -> dict:
	"""The content a signature covers, read from the change document."""
	return {
		"name": doc.name,
		"to_status": doc.to_status,
		"lots": [(row.batch, row.from_status) for row in doc.get("lots") or ()],
		"scope": [(row.applies_to, row.value) for row in doc.get("scope") or ()],
		"cap_qty": flt(doc.get("cap_qty")),
		"valid_until": str(getdate(doc.valid_until)) if doc.get("valid_until") else "",
		"reason": doc.get("reason"),
		"concession_reference": doc.get("concession_reference"),
		"requested_by": doc.get("requested_by"),
	}


def _manifest(doc) -> core.Signature:
	"""The signature as stored: the date-time in ISO 8601 with its time zone's offset."""
	time_zone = doc.get("signature_time_zone") or ""
	signed_on = get_datetime(doc.signed_on) if doc.get("signed_on") else None
	if signed_on and time_zone:
		signed_on = signed_on.replace(microsecond=0, tzinfo=ZoneInfo(time_zone))
	return core.Signature(
		signer=doc.get("signed_by") or "",
		signer_name=doc.get("signed_by_name") or "",
		signed_on=signed_on.isoformat() if signed_on else "",
		time_zone=time_zone,
		meaning=doc.get("signature_meaning") or "",
	)
