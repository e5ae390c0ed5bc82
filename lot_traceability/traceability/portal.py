"""What the partners see on the portal, and what they may send.

- **Supplier**: of each lot it supplied, the status only as far as it concerns the supplier — rejected
  and held lots by their status (the reason only where Settings allow), lots that may be used as
  *Accepted*, the rest as *In Inspection* — and the documents the lot still lacks.
- **Documents hold**: a lot the receipt held for want of documents (a system change into Settings'
  documents hold status, citing the receiving voucher, and nothing moved it since) gets a release
  asked for once its documents are complete — back to the status it had before the hold. The release
  itself is a Lot Status Change like any other (roles, documents check, two-person sign-off).
- **Uploads** are bounded: a known file type, a size above zero and up to the limit.
- **Customer's statement** on a recall notice: what it still holds, destroyed and returns of each
  lot — none negative, together no more than it received.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from lot_traceability.traceability.problems import Problem
from lot_traceability.traceability.statuses import LotStatus, Movement

USES = frozenset({Movement.ISSUE, Movement.ALLOCATION, Movement.SHIPMENT})

ACCEPTED = "Accepted"
IN_INSPECTION = "In Inspection"
RECEIVING_DOCTYPES = frozenset(
	{"Purchase Receipt", "Purchase Invoice", "Subcontracting Receipt", "Stock Entry"}
)
ALLOWED_EXTENSIONS = ("pdf", "png", "jpg", "jpeg")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class PartnerStatus:
	label: str  # what the partner reads
	reason: str | None = None  # the hold's reason, where shown


def supplier_status(
	status: LotStatus, waiting: Iterable[str], reason: str | None, show_reason: bool
) -> PartnerStatus:
	"""A lot's status as its supplier sees it: a lot that may be used is Accepted; one in a status it
	waits in for inspection (`waiting`: the receipt statuses of the rules and Settings) is In
	Inspection; any other — rejected, quarantined, recalled, disposed of — by its name, with the
	reason of the change that put it there where Settings allow."""
	if bool(status.allowed & USES) and not status.is_terminal:
		return PartnerStatus(ACCEPTED)
	if status.name in set(waiting):
		return PartnerStatus(IN_INSPECTION)
	return PartnerStatus(status.name, (reason or None) if show_reason else None)


@dataclass(frozen=True)
class Change:
	name: str
	from_status: str | None
	to_status: str
	source: str
	reference_doctype: str | None


def documents_hold_release(history: Iterable[Change], hold_status: str | None) -> Change | None:
	"""The change that held the lot for want of documents, where it is still the lot's latest (the lot
	waits in it for nothing else): a release back to its `from_status` may be asked for. None where
	the lot is not in that hold, or something moved it since, or it had no status to go back to."""
	latest = next(iter(history), None)
	if (
		not hold_status
		or latest is None
		or latest.to_status != hold_status
		or latest.source != "System"
		or latest.reference_doctype not in RECEIVING_DOCTYPES
		or not latest.from_status
		or latest.from_status == hold_status
	):
		return None
	return latest


def upload_problem(
	filename: str, size: int, max_bytes: int = MAX_UPLOAD_BYTES, allowed=ALLOWED_EXTENSIONS
) -> Problem | None:
	"""Why an uploaded file is refused (None: it may be kept)."""
	name = (filename or "").strip()
	extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
	if extension not in allowed:
		return Problem("upload_type", params={"file": name, "allowed": ", ".join(allowed)})
	if size <= 0:
		return Problem("upload_empty", params={"file": name})
	if size > max_bytes:
		return Problem("upload_too_large", params={"file": name, "size": size, "limit": max_bytes})
	return None


@dataclass(frozen=True)
class Statement:
	held: float
	destroyed: float
	returning: float

	@property
	def accounted(self) -> float:
		return self.held + self.destroyed + self.returning


def statement_problems(statement: Statement, received: float) -> list[Problem]:
	"""What is wrong with a customer's statement of one lot it received `received` of."""
	problems = [
		Problem("statement_negative", field, {"qty": qty})
		for field, qty in (
			("held", statement.held),
			("destroyed", statement.destroyed),
			("returning", statement.returning),
		)
		if qty < 0
	]
	if not problems and statement.accounted > received + 1e-9:
		problems.append(
			Problem("statement_exceeds", params={"accounted": statement.accounted, "received": received})
		)
	return problems


MAGIC = {
	"pdf": (b"%PDF-",),
	"png": (b"\x89PNG\r\n\x1a\n",),
	"jpg": (b"\xff\xd8\xff",),
	"jpeg": (b"\xff\xd8\xff",),
}


def content_problem(filename: str, content: bytes) -> Problem | None:
	"""Why a file's content is not what its name says (a PDF starts `%PDF-`, a PNG and a JPEG with
	their signatures); None where it is."""
	extension = (filename or "").rsplit(".", 1)[-1].lower()
	signatures = MAGIC.get(extension)
	if signatures is None or any((content or b"").startswith(magic) for magic in signatures):
		return None
	return Problem("upload_content", params={"file": filename, "extension": extension})


def safe_filename(filename: str, limit: int = 120) -> str:
	"""The file's name as kept: its last path part, letters, digits, dot, dash and underscore only
	(anything else becomes `_`), at most `limit` characters with its extension kept."""
	name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
	name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in name)
	name = name.lstrip(".") or "document"
	if len(name) > limit:
		stem, dot, extension = name.rpartition(".")
		name = (stem[: limit - len(extension) - 1] + dot + extension) if dot else name[:limit]
	return name
