"""Electronic signatures of status changes: meanings, the content hash, and the sign-off rule."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability import signatures as core
from lot_traceability.traceability.statuses import DEFAULT_STATUSES

S = {status.name: status for status in DEFAULT_STATUSES}
SIGNATURE = core.Signature(
	signer="qa@example.com",
	signer_name="Quality Approver",
	signed_on="2026-12-06T09:00:00+01:00",
	time_zone="Europe/Berlin",
	meaning=core.RELEASED,
)
CHANGE = {
	"name": "LSC-2026-00001",
	"to_status": "Approved",
	"lots": [("LOT-1", "Quarantined"), ("LOT-2", "Pending Inspection")],
	"scope": [],
	"cap_qty": 0,
	"valid_until": "",
	"reason": "Checked",
	"concession_reference": "",
	"requested_by": "clerk@example.com",
}


def test_meanings():
	assert core.meaning_of("Approve", False) == "Released"
	assert core.meaning_of("Approve", True) == "Restricted release"
	assert core.meaning_of("Reject", True) == "Rejected"
	with pytest.raises(ValueError, match="unknown signing action"):
		core.meaning_of("Submit", False)


def test_the_hash_is_sha256_of_the_content_and_stable():
	digest = core.content_hash(CHANGE, SIGNATURE)
	assert len(digest) == 64 and int(digest, 16) >= 0
	assert core.content_hash(dict(CHANGE), SIGNATURE) == digest
	assert core.is_intact(CHANGE, SIGNATURE, digest)
	assert not core.is_intact(CHANGE, SIGNATURE, None)


@pytest.mark.parametrize(
	"field,value",
	[
		("to_status", "Restricted"),
		("lots", [("LOT-1", "Quarantined"), ("LOT-3", "Pending Inspection")]),
		("lots", [("LOT-1", "Rejected"), ("LOT-2", "Pending Inspection")]),
		("scope", [("Customer", "ACME")]),
		("cap_qty", 5),
		("valid_until", "2027-01-31"),
		("reason", "Checked again"),
		("concession_reference", "DEV-1"),
		("requested_by", "someone.else@example.com"),
		("name", "LSC-2026-00002"),
	],
)
def test_any_altered_content_breaks_the_signature(field, value):
	digest = core.content_hash(CHANGE, SIGNATURE)
	assert not core.is_intact({**CHANGE, field: value}, SIGNATURE, digest)


@pytest.mark.parametrize(
	"field,value",
	[("signer", "other@example.com"), ("signed_on", "2026-12-06T10:00:00+01:00"), ("meaning", "Rejected")],
)
def test_an_altered_manifest_breaks_the_signature(field, value):
	digest = core.content_hash(CHANGE, SIGNATURE)
	altered = core.Signature(**{**SIGNATURE.__dict__, field: value})
	assert not core.is_intact(CHANGE, altered, digest)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_a_cap_read_back_as_a_float_hashes_alike(cap):
	assert core.content_hash({**CHANGE, "cap_qty": cap}, SIGNATURE) == core.content_hash(
		{**CHANGE, "cap_qty": float(repr(cap))}, SIGNATURE
	)


@pytest.mark.parametrize(
	"current,target,leaves",
	[
		("Quarantined", "Pending Inspection", True),
		("Rejected", "Pending Inspection", True),
		("Expired", "Approved", True),
		("Recalled", "Restricted", True),
		("Restricted", "Pending Inspection", True),
		("Pending Inspection", "Approved", True),
		("Quarantined", "Rejected", False),
		("Pending Inspection", "Quarantined", False),
		("Approved", "Pending Inspection", False),
		("Approved", "Quarantined", False),
		("Disposed", "Approved", False),
		("Quarantined", "Quarantined", False),
	],
)
def test_leaving_a_hold(current, target, leaves):
	assert core.leaves_hold(S[current], S[target]) is leaves


def test_a_second_person_for_a_hold_left_whatever_the_sign_off_statuses():
	assert core.needs_second_person([S["Quarantined"]], S["Pending Inspection"], {"Approved"}, True)
	assert core.needs_second_person([S["Quarantined"]], S["Pending Inspection"], set(), False)
	assert not core.needs_second_person([S["Approved"]], S["Pending Inspection"], {"Approved"}, True)
	assert not core.needs_second_person([S["Pending Inspection"]], S["Quarantined"], {"Approved"}, True)


def test_sign_off_statuses_as_before():
	# widening a restricted release to a full one is a release
	assert core.needs_second_person([S["Restricted"], S["Approved"]], S["Approved"], {"Approved"}, True)
	assert core.needs_second_person([S["Approved"]], S["Restricted"], {"Restricted"}, False)
	assert not core.needs_second_person([S["Approved"]], S["Restricted"], {"Restricted"}, True)
	assert core.needs_second_person([S["Restricted"]], S["Restricted"], {"Restricted"}, True)
