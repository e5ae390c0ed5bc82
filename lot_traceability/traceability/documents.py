"""Lot documents: which documents a lot still lacks, what that means at receipt and at release.

A Lot Rule may require documents (certificate of analysis, certificate of origin, allergen
statement … — the types are an admin's list). A lot carries its documents typed, each with a file;
a row without a file is not a document. Then:

- **missing** — the required types the lot carries no file of, in the rule's order;
- **at receipt** — a lot missing documents whose status would let it be used goes to the held
  status Settings name; a lot already held (quarantined, pending inspection …) stays where it is;
- **release** — a change into a status that lets the lot be used (issued, allocated or shipped:
  a full or a restricted release) is refused while any document is missing; a change into any
  other status (quarantine, rejection, disposal …) is not;
- **removal** — a required document cannot be taken off a lot whose status lets it be used: its
  release rested on it.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lot_traceability.traceability.statuses import LotStatus, Movement

USES = frozenset({Movement.ISSUE, Movement.ALLOCATION, Movement.SHIPMENT})


@dataclass(frozen=True)
class LotDocument:
	document_type: str
	file: str | None = None
	number: str | None = None

	@property
	def is_present(self) -> bool:
		return bool((self.file or "").strip())


def lets_lot_be_used(status: LotStatus) -> bool:
	"""Whether a lot in `status` may be issued, allocated or shipped (a release, full or restricted)."""
	return bool(status.allowed & USES) and not status.is_terminal


def missing(required: Sequence[str], documents: Iterable[LotDocument]) -> list[str]:
	"""The required document types the lot has no file of, in the order required (each once)."""
	present = {document.document_type for document in documents if document.is_present}
	return [kind for kind in dict.fromkeys(required) if kind not in present]


def receipt_status(current: LotStatus, missing_types: Sequence[str], hold_status: str | None) -> str | None:
	"""The status a lot just received goes to for want of documents, or None (it stays)."""
	if not missing_types or not hold_status or current.name == hold_status:
		return None
	return hold_status if lets_lot_be_used(current) else None


def blocks_release(target: LotStatus, missing_types: Sequence[str]) -> bool:
	"""Whether a change into `target` must wait for the missing documents."""
	return bool(missing_types) and lets_lot_be_used(target)


def removed_required(
	required: Sequence[str],
	before: Iterable[LotDocument],
	after: Iterable[LotDocument],
	status: LotStatus,
) -> list[str]:
	"""The required types a lot that may be used would be left without by an edit of its documents."""
	if not lets_lot_be_used(status):
		return []
	had = set(required) - set(missing(required, before))
	return [kind for kind in missing(required, after) if kind in had]


def group_by_missing(missing_of: Mapping[str, Sequence[str]]) -> dict[tuple[str, ...], list[str]]:
	"""Lots grouped by the documents they miss (one recorded change per group), lots in name order."""
	groups: dict[tuple[str, ...], list[str]] = {}
	for lot in sorted(missing_of):
		if missing_of[lot]:
			groups.setdefault(tuple(missing_of[lot]), []).append(lot)
	return groups
