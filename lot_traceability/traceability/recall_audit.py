"""What a recall's audit pack states beside its scope: the mass balance of the affected lots (a
drill's proof that the quantity made is found) and containment over time. Pure: the caller reads
the lot ledger rows of the scope.

Mass balance, in lot quantities. *Made*: what receipts from suppliers and production (and stock
taken in by a stock receipt) brought into being. *Located*: what is on hand (in transit included),
shipped (to customers and back to suppliers, net of customer returns) and consumed by production
(ours or a subcontractor's).
Written off and counted differences are shown beside it: they are accounted for, not located. The
share located is located / made. Transfers between our sites and companies move stock; they add
nothing.

Containment over time: from the recall date on, each day something was shipped, came back (a
customer return) or was written off — the running totals recovered and written off, and what is
still with customers (`recall.still_with_customers`: shipped, on whatever day, less the returns
before the recall that netted it and the returns since that recovered it). Its last line is the
recall's outstanding quantity.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lot_traceability.traceability.movements import (
	INTERNAL_TRANSFER,
	PRODUCTION_PURPOSES,
	RECEIVING_VOUCHERS,
	SELLING_VOUCHERS,
)
from lot_traceability.traceability.recall import still_with_customers

CONSUMING_PURPOSES = PRODUCTION_PURPOSES | {"Material Consumption for Manufacture"}
SUBCONTRACTING_RECEIPT = "Subcontracting Receipt"


@dataclass(frozen=True)
class LedgerRow:
	lot: str
	voucher_type: str
	qty: float
	posted: date
	purpose: str | None = None


@dataclass(frozen=True)
class Balance:
	made: float
	on_hand: float
	shipped: float
	consumed: float
	written_off: float
	adjusted: float

	@property
	def located(self) -> float:
		return self.on_hand + self.shipped + self.consumed

	@property
	def share_located(self) -> float | None:
		"""Located / made (None when nothing was made)."""
		return self.located / self.made if self.made > 0 else None


def mass_balance(rows: Iterable[LedgerRow]) -> Balance:
	made = on_hand = shipped = consumed = written_off = adjusted = 0.0
	for row in rows:
		qty, inward = float(row.qty or 0), (row.qty or 0) > 0
		on_hand += qty
		if row.purpose == INTERNAL_TRANSFER:
			continue
		if row.voucher_type in RECEIVING_VOUCHERS:
			if inward:
				made += qty
			elif row.voucher_type == SUBCONTRACTING_RECEIPT:
				consumed -= qty  # the materials the subcontractor used
			else:
				shipped -= qty  # back to the supplier
		elif row.voucher_type in SELLING_VOUCHERS:
			shipped -= qty  # a customer return nets its shipment
		elif row.voucher_type == "Stock Entry":
			if row.purpose in CONSUMING_PURPOSES:
				if inward:
					made += qty
				else:
					consumed -= qty
			elif row.purpose == "Material Receipt" and inward:
				made += qty
			elif row.purpose == "Material Issue" and not inward:
				written_off -= qty
			elif row.purpose in ("Material Receipt", "Material Issue"):
				adjusted += qty
		elif row.voucher_type == "Stock Reconciliation":
			adjusted += qty
	return Balance(made, on_hand, shipped, consumed, written_off, adjusted)


@dataclass(frozen=True)
class ContainmentDay:
	day: date
	recovered: float  # customer returns since the recall date, running total
	written_off: float  # written off since the recall date, running total
	with_customers: float  # shipped to customers before the recall and not yet back


def containment_over_time(rows: Iterable[LedgerRow], recall_date: date) -> list[ContainmentDay]:
	"""One line for the recall date and one per later day with a shipment, a return or a write-off.
	A shipment posted on or after the recall date is with customers from its day on (and its return
	recovers it): a same-day shipment and return cancel out, they do not lower what was out before."""
	shipped_before = returned_before = 0.0
	shipped: dict[date, float] = {}
	returned: dict[date, float] = {}
	written: dict[date, float] = {}
	for row in rows:
		if row.purpose == INTERNAL_TRANSFER:
			continue
		qty = float(row.qty or 0)
		if row.voucher_type in SELLING_VOUCHERS:
			if row.posted < recall_date:
				if qty < 0:
					shipped_before -= qty
				else:
					returned_before += qty
			elif qty < 0:
				shipped[row.posted] = shipped.get(row.posted, 0.0) - qty
			elif qty > 0:
				returned[row.posted] = returned.get(row.posted, 0.0) + qty
		elif row.voucher_type == "Stock Entry" and row.purpose == "Material Issue" and qty < 0:
			if row.posted >= recall_date:
				written[row.posted] = written.get(row.posted, 0.0) - qty
	days = [ContainmentDay(recall_date, 0.0, 0.0, still_with_customers(shipped_before, returned_before, 0.0))]
	out, recovered, scrapped = shipped_before, 0.0, 0.0
	for day in sorted(set(shipped) | set(returned) | set(written)):
		out += shipped.get(day, 0.0)
		recovered += returned.get(day, 0.0)
		scrapped += written.get(day, 0.0)
		line = ContainmentDay(day, recovered, scrapped, still_with_customers(out, returned_before, recovered))
		if day == recall_date:
			days[0] = line
		else:
			days.append(line)
	return days
