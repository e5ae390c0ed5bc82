"""The partner portal's rules: a lot's status as its supplier reads it, when a completed set of
documents asks for the documents hold's release, which uploads are taken, and a customer's statement."""

from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.portal import (
	ACCEPTED,
	IN_INSPECTION,
	MAX_UPLOAD_BYTES,
	Change,
	Statement,
	content_problem,
	documents_hold_release,
	safe_filename,
	statement_problems,
	supplier_status,
	upload_problem,
)
from lot_traceability.traceability.statuses import DEFAULT_STATUSES

STATUSES = {status.name: status for status in DEFAULT_STATUSES}
APPROVED, QUARANTINED, RESTRICTED = STATUSES["Approved"], STATUSES["Quarantined"], STATUSES["Restricted"]
PENDING, REJECTED, DISPOSED = STATUSES["Pending Inspection"], STATUSES["Rejected"], STATUSES["Disposed"]
WAITING = {"Pending Inspection"}


def test_a_supplier_reads_usable_lots_as_accepted_and_waiting_ones_as_in_inspection():
	assert supplier_status(APPROVED, WAITING, "why", True).label == ACCEPTED
	assert supplier_status(RESTRICTED, WAITING, "why", True).label == ACCEPTED
	assert supplier_status(PENDING, WAITING, "why", True).label == IN_INSPECTION
	assert supplier_status(PENDING, set(), None, False).label == "Pending Inspection"


def test_the_hold_reason_is_shown_only_where_settings_allow():
	shown = supplier_status(QUARANTINED, WAITING, "Missing: Certificate of Analysis", True)
	assert (shown.label, shown.reason) == ("Quarantined", "Missing: Certificate of Analysis")
	hidden = supplier_status(QUARANTINED, WAITING, "Missing: Certificate of Analysis", False)
	assert (hidden.label, hidden.reason) == ("Quarantined", None)
	assert supplier_status(REJECTED, WAITING, "Mould", True).reason == "Mould"
	assert supplier_status(DISPOSED, WAITING, "", True).reason is None
	assert supplier_status(APPROVED, WAITING, "secret", True).reason is None


def hold(**fields):
	values = dict(
		name="LSC-1",
		from_status="Approved",
		to_status="Quarantined",
		source="System",
		reference_doctype="Purchase Receipt",
	)
	values.update(fields)
	return Change(**values)


def test_a_receipts_documents_hold_still_latest_asks_for_a_release_back():
	assert documents_hold_release([hold()], "Quarantined") == hold()
	assert (
		documents_hold_release([hold(reference_doctype="Stock Entry")], "Quarantined").from_status
		== "Approved"
	)


def test_no_release_is_asked_for_a_lot_held_otherwise_or_moved_since():
	assert documents_hold_release([], "Quarantined") is None
	assert documents_hold_release([hold()], None) is None
	assert documents_hold_release([hold(to_status="Rejected")], "Quarantined") is None
	assert documents_hold_release([hold(source="Manual")], "Quarantined") is None  # a person's hold
	assert documents_hold_release([hold(reference_doctype="Supplier")], "Quarantined") is None  # risk
	assert documents_hold_release([hold(from_status=None)], "Quarantined") is None
	assert documents_hold_release([hold(from_status="Quarantined")], "Quarantined") is None
	later = hold(name="LSC-2", source="Manual", from_status="Quarantined", to_status="Quarantined")
	assert documents_hold_release([later, hold()], "Quarantined") is None


def test_uploads_are_bounded_by_type_and_size_on_both_sides_of_the_limit():
	assert upload_problem("coa.pdf", 1) is None
	assert upload_problem("COA.PDF", MAX_UPLOAD_BYTES) is None
	assert upload_problem("coa.pdf", MAX_UPLOAD_BYTES + 1).code == "upload_too_large"
	assert upload_problem("coa.pdf", 0).code == "upload_empty"
	assert upload_problem("coa.exe", 10).code == "upload_type"
	assert upload_problem("coa.html", 10).code == "upload_type"
	assert upload_problem("coa", 10).code == "upload_type"
	assert upload_problem("scan.jpeg", 10) is None


def test_the_content_must_be_what_the_name_says():
	assert content_problem("coa.pdf", b"%PDF-1.4 ...") is None
	assert content_problem("coa.pdf", b"<html><script>").code == "upload_content"
	assert content_problem("scan.png", b"\x89PNG\r\n\x1a\nrest") is None
	assert content_problem("scan.jpg", b"GIF89a").code == "upload_content"


def test_a_kept_file_name_is_one_plain_path_part():
	assert safe_filename("../../etc/passwd.pdf") == "passwd.pdf"
	assert safe_filename("C:\\docs\\<img src=x>.pdf") == "_img_src_x_.pdf"
	assert safe_filename("...") == "document"
	long = safe_filename("a" * 300 + ".pdf")
	assert len(long) == 120 and long.endswith(".pdf")


def test_a_statement_may_account_for_all_it_received_and_no_more():
	assert statement_problems(Statement(6, 4, 0), 10) == []
	assert statement_problems(Statement(0, 0, 0), 0) == []
	assert [p.code for p in statement_problems(Statement(6, 4, 0.5), 10)] == ["statement_exceeds"]
	assert [p.field for p in statement_problems(Statement(-1, 0, -2), 10)] == ["held", "returning"]


quantities = st.floats(min_value=-5, max_value=50, allow_nan=False, allow_infinity=False)


@given(quantities, quantities, quantities, st.floats(min_value=0, max_value=60, allow_nan=False))
def test_a_statement_is_refused_exactly_when_a_simple_reading_says_so(held, destroyed, returning, received):
	problems = statement_problems(Statement(held, destroyed, returning), received)
	negative = min(held, destroyed, returning) < 0
	too_much = held + destroyed + returning > received + 1e-9
	assert bool(problems) == (negative or too_much)
