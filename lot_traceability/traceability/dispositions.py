"""Customer returns of governed lots: the shipment they came from, and what becomes of them.

A return row of a lot some Lot Rule governs must name its original shipment (the return's *Return
Against*), and that shipment must have shipped the lot. Each such row carries a **disposition**:

- **Restock** — back into sellable stock, into the warehouse it shipped from (never a quarantine
  warehouse); only where the lot's status lets it be shipped again and is no hold;
- **Quarantine** — into a quarantine warehouse, to wait for a decision;
- **Return to Supplier** — into quarantine, and a draft return to the supplier the lot was received
  from (Purchase Return or debit note), carrying the supplier's lot number; only for a lot received
  from a supplier;
- **Dispose** — into quarantine, and written off from there at once (the write-off path of held
  lots).

A row without a disposition takes Restock where allowed, else Quarantine: returns of recalled or
held lots keep going to quarantine.
"""

from collections.abc import Collection
from enum import Enum

from lot_traceability.traceability.problems import Problem
from lot_traceability.traceability.statuses import LotStatus, Movement


class Disposition(str, Enum):
	RESTOCK = "Restock"
	QUARANTINE = "Quarantine"
	RETURN_TO_SUPPLIER = "Return to Supplier"
	DISPOSE = "Dispose"


# Every disposition but restock receives the goods into quarantine first.
INTO_QUARANTINE = frozenset({Disposition.QUARANTINE, Disposition.RETURN_TO_SUPPLIER, Disposition.DISPOSE})


def may_restock(status: LotStatus) -> bool:
	"""Whether returned stock of a lot in `status` may go back to sellable stock."""
	return not status.is_hold and not status.is_terminal and status.allows(Movement.SHIPMENT)


def allowed(status: LotStatus, from_supplier: bool) -> list[Disposition]:
	"""The dispositions a returned lot in `status` may get (`from_supplier`: received from one)."""
	return [
		disposition
		for disposition in Disposition
		if (disposition is not Disposition.RESTOCK or may_restock(status))
		and (disposition is not Disposition.RETURN_TO_SUPPLIER or from_supplier)
	]


def default(status: LotStatus) -> Disposition:
	return Disposition.RESTOCK if may_restock(status) else Disposition.QUARANTINE


def check_return_row(
	lot: str,
	status: LotStatus,
	disposition: Disposition,
	original: str | None,
	shipped_lots: Collection[str],
	from_supplier: bool,
	into_quarantine: bool,
) -> list[Problem]:
	"""What is wrong with returning `lot` with this disposition (`original`: the shipment named,
	`shipped_lots`: the lots it shipped, `into_quarantine`: the row's warehouse is one)."""
	if not original:
		return [Problem("return_without_shipment", "return_against", {"lot": lot})]
	if lot not in shipped_lots:
		return [Problem("lot_not_in_shipment", "batch_no", {"lot": lot, "shipment": original})]
	if disposition is Disposition.RESTOCK and not may_restock(status):
		return [Problem("restock_not_allowed", "lot_return_disposition", {"lot": lot, "status": status.name})]
	if disposition is Disposition.RESTOCK and into_quarantine:
		return [Problem("restock_into_quarantine", "warehouse", {"lot": lot})]
	if disposition is Disposition.RETURN_TO_SUPPLIER and not from_supplier:
		return [Problem("no_supplier", "lot_return_disposition", {"lot": lot})]
	return []


def by_disposition(rows) -> dict[str, float]:
	"""Returned quantities summed per disposition, in the dispositions' order ((disposition, qty) rows;
	rows without one are not counted)."""
	totals = {disposition.value: 0.0 for disposition in Disposition}
	for disposition, qty in rows:
		if disposition in totals:
			totals[disposition] += abs(qty or 0)
	return {disposition: qty for disposition, qty in totals.items() if qty}
