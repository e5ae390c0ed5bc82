"""Lot documents: what a lot lacks, and what that means at receipt, at release and on removal."""

from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.documents import (
	LotDocument,
	blocks_release,
	group_by_missing,
	lets_lot_be_used,
	missing,
	receipt_status,
	removed_required,
)
from lot_traceability.traceability.statuses import DEFAULT_STATUSES, LotStatus, Movement

STATUSES = {status.name: status for status in DEFAULT_STATUSES}
APPROVED, QUARANTINED, RESTRICTED = STATUSES["Approved"], STATUSES["Quarantined"], STATUSES["Restricted"]
PENDING, DISPOSED, REJECTED = STATUSES["Pending Inspection"], STATUSES["Disposed"], STATUSES["Rejected"]
COA, ORIGIN, ALLERGENS = "Certificate of Analysis", "Certificate of Origin", "Allergen Statement"


def test_missing_keeps_the_rules_order_and_ignores_rows_without_a_file():
	documents = [LotDocument(ORIGIN, "/files/o.pdf"), LotDocument(COA, ""), LotDocument(COA, "  ")]
	assert missing([COA, ORIGIN, ALLERGENS], documents) == [COA, ALLERGENS]
	assert missing([COA, COA], []) == [COA]
	assert missing([], documents) == []
	assert missing([COA], [LotDocument(COA, "/files/c.pdf")]) == []


def test_documents_of_types_not_required_do_not_count():
	assert missing([COA], [LotDocument(ALLERGENS, "/files/a.pdf")]) == [COA]


def test_a_usable_status_is_a_release_full_or_restricted():
	assert lets_lot_be_used(APPROVED) and lets_lot_be_used(RESTRICTED)
	for status in (QUARANTINED, PENDING, REJECTED, DISPOSED, STATUSES["Recalled"], STATUSES["Expired"]):
		assert not lets_lot_be_used(status), status.name
	# a status that lets a lot be issued only (internal use) is a release too
	assert lets_lot_be_used(LotStatus("Internal", frozenset({Movement.ISSUE})))


def test_at_receipt_a_usable_lot_missing_documents_goes_to_the_hold_status():
	assert receipt_status(APPROVED, [COA], "Quarantined") == "Quarantined"
	assert receipt_status(RESTRICTED, [COA], "Quarantined") == "Quarantined"


def test_at_receipt_a_lot_already_held_or_complete_stays():
	assert receipt_status(PENDING, [COA], "Quarantined") is None
	assert receipt_status(QUARANTINED, [COA], "Quarantined") is None
	assert receipt_status(APPROVED, [], "Quarantined") is None
	assert receipt_status(APPROVED, [COA], None) is None
	assert receipt_status(APPROVED, [COA], "") is None


def test_at_receipt_a_lot_already_in_the_hold_status_stays_even_if_that_status_lets_it_be_used():
	"""Settings may name a usable status as the hold: a lot received into it is not moved again."""
	assert receipt_status(APPROVED, [COA], "Approved") is None
	assert receipt_status(RESTRICTED, [COA], "Restricted") is None


def test_a_release_waits_for_documents_other_changes_do_not():
	assert blocks_release(APPROVED, [COA]) and blocks_release(RESTRICTED, [COA])
	assert not blocks_release(APPROVED, [])
	for status in (QUARANTINED, REJECTED, DISPOSED, PENDING):
		assert not blocks_release(status, [COA]), status.name


def test_a_required_document_may_not_be_removed_from_a_usable_lot():
	coa = LotDocument(COA, "/files/c.pdf")
	assert removed_required([COA], [coa], [], APPROVED) == [COA]
	# a held lot may lose it (it is not released on it)
	assert removed_required([COA], [coa], [], QUARANTINED) == []
	# a replacement kept: nothing removed
	assert removed_required([COA], [coa, LotDocument(COA, "/files/c2.pdf")], [coa], APPROVED) == []
	# a document never present is not "removed"; one not required may go
	assert removed_required([COA, ORIGIN], [coa], [coa], APPROVED) == []
	assert removed_required([COA], [coa, LotDocument(ALLERGENS, "/a")], [coa], APPROVED) == []


def test_lots_are_grouped_by_what_they_miss():
	groups = group_by_missing({"L3": [COA], "L1": [COA], "L2": [COA, ORIGIN], "L4": []})
	assert groups == {(COA,): ["L1", "L3"], (COA, ORIGIN): ["L2"]}


KINDS = st.sampled_from([COA, ORIGIN, ALLERGENS, "Other"])


@given(
	required=st.lists(KINDS, max_size=4),
	documents=st.lists(st.tuples(KINDS, st.sampled_from(["", "/files/x.pdf"])), max_size=5),
)
def test_missing_is_exactly_the_required_types_without_a_file(required, documents):
	rows = [LotDocument(kind, file) for kind, file in documents]
	found = missing(required, rows)
	with_file = {kind for kind, file in documents if file}
	assert set(found) == set(required) - with_file
	assert len(found) == len(set(found))
	assert found == [kind for kind in dict.fromkeys(required) if kind in found]
	# attaching every missing type leaves nothing missing
	assert missing(required, rows + [LotDocument(kind, "/f") for kind in found]) == []
