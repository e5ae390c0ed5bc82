"""Electronic signatures of lot status changes (21 CFR Part 11 §11.50, §11.70): what a signature
means, and the hash that links it to the content it signs.

A signature is stored on the change it signs: who signed (user and full name), when (with the time
zone), what it means, and a SHA-256 hash of the change's content together with those three. The hash
is computed again from the record as it is now: a change whose lots, statuses, scope, reason or
signer were altered after signing no longer matches it.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lot_traceability.traceability.statuses import LotStatus, Movement

RELEASED = "Released"
RESTRICTED_RELEASE = "Restricted release"
REJECTED = "Rejected"
MEANINGS = (RELEASED, RESTRICTED_RELEASE, REJECTED)

APPROVE = "Approve"
REJECT = "Reject"
ACTIONS = (APPROVE, REJECT)


def meaning_of(action: str, target_is_restricted: bool) -> str:
	"""What the signer declares by signing: a release, a restricted release, or a rejection."""
	if action not in ACTIONS:
		raise ValueError(f"unknown signing action: {action!r}")
	if action == REJECT:
		return REJECTED
	return RESTRICTED_RELEASE if target_is_restricted else RELEASED


@dataclass(frozen=True)
class Signature:
	signer: str
	signer_name: str
	signed_on: str  # ISO 8601 date-time with the offset of its time zone
	time_zone: str
	meaning: str


def signed_content(change: Mapping[str, Any], signature: Signature) -> str:
	"""The canonical text a signature's hash is taken of: the change's content (lots with their
	from and to status, target status, release scope, cap, end date, reason, concession reference,
	requester) and the signature's own manifest (signer, time, meaning)."""
	to_status = change.get("to_status") or ""
	content = {
		"name": change.get("name") or "",
		"to_status": to_status,
		"lots": [[lot, from_status or "", to_status] for lot, from_status in change.get("lots") or ()],
		"scope": [[applies_to or "", value or ""] for applies_to, value in change.get("scope") or ()],
		"cap_qty": _number(change.get("cap_qty")),
		"valid_until": str(change.get("valid_until") or ""),
		"reason": (change.get("reason") or "").strip(),
		"concession_reference": change.get("concession_reference") or "",
		"requested_by": change.get("requested_by") or "",
		"signer": signature.signer,
		"signer_name": signature.signer_name,
		"signed_on": signature.signed_on,
		"time_zone": signature.time_zone,
		"meaning": signature.meaning,
	}
	return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(change: Mapping[str, Any], signature: Signature) -> str:
	"""SHA-256 (hex) of the signed content."""
	return hashlib.sha256(signed_content(change, signature).encode("utf-8")).hexdigest()


def is_intact(change: Mapping[str, Any], signature: Signature, stored_hash: str | None) -> bool:
	"""Whether the change, as it is now, is what was signed."""
	return bool(stored_hash) and content_hash(change, signature) == stored_hash


def _number(value) -> str:
	number = float(value or 0)
	return repr(int(number)) if number.is_integer() else repr(number)


# Sign-off rule


def is_released(status: LotStatus) -> bool:
	"""A lot in this status is fully released: it may ship, to anyone."""
	return status.allows(Movement.SHIPMENT) and not status.is_restricted


def leaves_hold(current: LotStatus, target: LotStatus) -> bool:
	"""Whether moving a lot from `current` to `target` takes it out of a hold towards use or
	shipment: it leaves a status that is not released (pending inspection, quarantined, rejected,
	expired, recalled, restricted …, terminal ones aside) for another status that is not a hold
	(one that lets it move between warehouses or ship). Such a change is signed off by a second
	person, whoever asks for it, so that no chain of unsigned changes (a hold moved back to pending
	inspection, then accepted by an inspection) releases a held lot."""
	if current.name == target.name or current.is_terminal or is_released(current):
		return False
	return not target.is_hold


def needs_second_person(
	currents: Iterable[LotStatus],
	target: LotStatus,
	sign_off_targets: Iterable[str],
	from_holds_only: bool,
) -> bool:
	"""Whether a change of lots now in `currents` into `target` is signed off by a second person:
	a change into one of the sign-off statuses (where `from_holds_only`, of a lot not fully released),
	or any change that takes a lot out of a hold (`leaves_hold`)."""
	currents = list(currents)
	if any(leaves_hold(current, target) for current in currents):
		return True
	if target.name not in set(sign_off_targets):
		return False
	return not from_holds_only or any(not is_released(current) for current in currents)
