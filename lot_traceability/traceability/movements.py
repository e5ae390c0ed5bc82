"""Which movement a stock transaction is, and whether a lot's status and expiry allow it.

ERPNext records each batch movement as a Serial and Batch Bundle (or, on a draft, as the row's
batch): a voucher type, a direction (Inward / Outward), and for Stock Entries a purpose. That is
enough to tell which of the lot movements it is.
"""

from dataclasses import dataclass
from datetime import date, datetime

from lot_traceability.traceability.shelf_life import is_expired
from lot_traceability.traceability.statuses import LotStatus, Movement

INWARD, OUTWARD = "Inward", "Outward"
# The purpose the lot ledger gives a selling or buying document whose party is one of our own
# companies (ERPNext's internal customer or supplier): a transfer between our sites.
INTERNAL_TRANSFER = "Internal Transfer"

RECEIVING_VOUCHERS = frozenset({"Purchase Receipt", "Purchase Invoice", "Subcontracting Receipt"})
SELLING_VOUCHERS = frozenset({"Delivery Note", "Sales Invoice", "POS Invoice"})
TRANSFER_PURPOSES = frozenset({"Material Transfer"})
PRODUCTION_ISSUE_PURPOSES = frozenset(
	{"Material Transfer for Manufacture", "Send to Subcontractor", "Material Consumption for Manufacture"}
)
PRODUCTION_PURPOSES = frozenset({"Manufacture", "Repack", "Disassemble"})

# Movements refused for a lot past its expiry date (on the posting date).
EXPIRY_GATED = frozenset({Movement.ISSUE, Movement.ALLOCATION, Movement.SHIPMENT})


def classify(
	voucher_type: str,
	direction: str,
	purpose: str | None = None,
	is_return: bool = False,
	is_write_off: bool = False,
) -> Movement | None:
	"""The movement of one side of a stock transaction, or None when that side is not gated
	(the inward leg of a transfer is the same movement as its outward leg). A selling or buying
	document between our own companies (`INTERNAL_TRANSFER`) is a transfer."""
	inward = direction == INWARD
	if purpose == INTERNAL_TRANSFER and voucher_type in RECEIVING_VOUCHERS | SELLING_VOUCHERS:
		return None if inward else Movement.TRANSFER
	if voucher_type in RECEIVING_VOUCHERS:
		if inward:
			return Movement.RECEIPT
		return Movement.SUPPLIER_RETURN if is_return else Movement.ISSUE
	if voucher_type in SELLING_VOUCHERS:
		return Movement.CUSTOMER_RETURN if inward else Movement.SHIPMENT
	if voucher_type == "Pick List":
		return Movement.ALLOCATION
	if voucher_type == "Stock Reconciliation":
		return Movement.RECEIPT if purpose == "Opening Stock" and inward else Movement.WRITE_OFF
	if voucher_type == "Stock Entry":
		if purpose == "Material Receipt":
			return Movement.RECEIPT if inward else Movement.WRITE_OFF
		if purpose == "Material Issue":
			if inward:
				return Movement.RECEIPT
			return Movement.WRITE_OFF if is_write_off else Movement.ISSUE
		if purpose in TRANSFER_PURPOSES:
			return None if inward else Movement.TRANSFER
		if purpose in PRODUCTION_ISSUE_PURPOSES:
			return None if inward else Movement.ISSUE
		if purpose in PRODUCTION_PURPOSES:
			return Movement.RECEIPT if inward else Movement.ISSUE
	# Any other voucher that moves lots: held lots stay where they are.
	return Movement.RECEIPT if inward else Movement.ISSUE


@dataclass(frozen=True)
class LedgerMove:
	"""One lot ledger row as the exports read it: a lot moved in (positive) or out of a warehouse by
	a document, with the document's purpose, party and work order."""

	lot: str
	qty: float
	voucher_type: str
	voucher_no: str
	posted: date | datetime
	warehouse: str | None = None
	company: str | None = None
	purpose: str | None = None
	party_type: str | None = None
	party: str | None = None
	work_order: str | None = None


@dataclass(frozen=True)
class Lot:
	batch_no: str
	item_code: str
	status: LotStatus
	expiry_date: date | None = None


@dataclass(frozen=True)
class Refusal:
	"""Why a lot may not make a movement: its status (`reason="status"`) or its expiry."""

	lot: Lot
	movement: Movement
	reason: str


def check_movement(
	lot: Lot,
	movement: Movement | None,
	posting_date: date,
	into_quarantine: bool = False,
	quarantine_allowed: bool = True,
) -> Refusal | None:
	"""None when the lot may make the movement on the posting date, else why not.

	A transfer into a quarantine warehouse is allowed for any non-terminal lot while the setting
	allows it, so held stock can always be segregated.
	"""
	if movement is None:
		return None
	quarantine_move = (
		movement is Movement.TRANSFER
		and into_quarantine
		and quarantine_allowed
		and not lot.status.is_terminal
	)
	if not quarantine_move and not lot.status.allows(movement):
		return Refusal(lot, movement, "status")
	if movement in EXPIRY_GATED and is_expired(lot.expiry_date, posting_date):
		return Refusal(lot, movement, "expired")
	return None


# The uses of a lot in stock: what pickers and automatic picks offer lots for.
USES = frozenset({Movement.ISSUE, Movement.ALLOCATION, Movement.SHIPMENT})


def may_offer(lot: Lot, on_date: date, include_expired: bool = False) -> bool:
	"""Whether a batch picker (or a pick that does not know its movement) may offer the lot: its
	status allows some use (issue, allocation, shipment) and, unless expired lots are asked for, it
	has not expired on the date."""
	if not include_expired and is_expired(lot.expiry_date, on_date):
		return False
	return any(lot.status.allows(use) for use in USES)


def may_pick(lot: Lot, movement: Movement | None, on_date: date) -> bool:
	"""Whether an automatic pick may offer the lot: never when it has expired on the date, and only
	when its status allows the movement — or, with the movement unknown, some use (`may_offer`)."""
	if movement is None:
		return may_offer(lot, on_date)
	if is_expired(lot.expiry_date, on_date):
		return False
	return lot.status.allows(movement)


@dataclass(frozen=True)
class Guidance:
	"""What a lot in a status may do on a day, as the Batch form explains it."""

	may: tuple[Movement, ...]
	may_not: tuple[Movement, ...]
	into_quarantine: bool  # though held, it may be moved into a quarantine warehouse
	expired: bool


def guidance(status: LotStatus, expiry: date | None, on_date: date, quarantine_allowed: bool) -> Guidance:
	"""Every movement the lot may and may not make on the date — the decisions `check_movement`
	takes (status, then expiry for the uses) — and whether a lot that may not move between
	warehouses may still go into a quarantine warehouse."""
	expired = is_expired(expiry, on_date)
	may = tuple(m for m in Movement if status.allows(m) and not (expired and m in EXPIRY_GATED))
	return Guidance(
		may=may,
		may_not=tuple(m for m in Movement if m not in may),
		into_quarantine=quarantine_allowed
		and not status.allows(Movement.TRANSFER)
		and not status.is_terminal,
		expired=expired,
	)


def status_effect(status: LotStatus) -> str:
	"""In a word, what putting a lot into the status does (a hint beside each status offered):
	ends its life, releases it for its scope only, frees it, keeps it to internal use, lets it only
	be put away, or holds it."""
	if status.is_terminal:
		return "ends"
	if status.is_restricted:
		return "restricted"
	if status.allows(Movement.SHIPMENT) and status.allows(Movement.ISSUE):
		return "frees"
	if status.allows(Movement.ISSUE):
		return "internal_use"
	if status.allows(Movement.TRANSFER):
		return "put_away_only"
	return "holds"
