"""An announced shipment matched to its purchase order and reconciled with what was received (pure): each
lot's finding, and the lots a rule holds."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any


def match_purchase_order(references: Iterable[str], orders: Mapping[str, str]) -> str | None:
	"""The purchase order a shipment names, among the supplier's open orders (name → supplier's own
	reference, if any): by our name, else by the order's supplier reference. None if none or several."""
	references = [ref for ref in references if ref]
	for by in (lambda name, _ref: name, lambda _name, ref: ref):
		found = {
			name
			for name, ref in orders.items()
			for wanted in references
			if wanted and by(name, ref) == wanted
		}
		if len(found) == 1:
			return found.pop()
		if len(found) > 1:
			return None
	return None


# ---------------------------------------------------------------- reconciling


class Finding(str, Enum):
	NOT_ANNOUNCED = "Not Announced"
	NOT_RECEIVED = "Not Received"
	QUANTITY = "Quantity Difference"
	PRODUCTION_DATE = "Production Date Difference"
	EXPIRY_DATE = "Expiry Date Difference"


@dataclass(frozen=True)
class Line:
	"""An announced or received lot, in our terms: item, supplier lot no, stock quantity, dates; a
	received one also names its lot (Batch) and receipt row."""

	item: str
	supplier_lot_no: str | None
	qty: float = 0.0
	production_date: date | None = None
	expiry_date: date | None = None
	lot: str | None = None
	row: str | None = None


@dataclass(frozen=True)
class Discrepancy:
	finding: Finding
	item: str
	supplier_lot_no: str | None
	announced: Any = None
	received: Any = None
	lot: str | None = None
	row: str | None = None
	extra: dict = field(default_factory=dict, compare=False, hash=False)


def lot_key(item: str, supplier_lot_no: str | None) -> tuple[str, str]:
	return (item, (supplier_lot_no or "").strip().casefold())


def _merge(lines: Iterable[Line]) -> dict[tuple[str, str], Line]:
	"""One line per key: quantities summed; dates, lot and row of the first line that has them."""
	merged: dict[tuple[str, str], Line] = {}
	for line in lines:
		key = lot_key(line.item, line.supplier_lot_no)
		before = merged.get(key)
		if before is None:
			merged[key] = line
			continue
		merged[key] = Line(
			item=before.item,
			supplier_lot_no=before.supplier_lot_no,
			qty=before.qty + line.qty,
			production_date=before.production_date or line.production_date,
			expiry_date=before.expiry_date or line.expiry_date,
			lot=before.lot or line.lot,
			row=before.row or line.row,
		)
	return merged


def quantity_differs(announced: float, received: float, tolerance_pct: float = 0.0) -> bool:
	"""Whether a received quantity is off its announcement by more than the tolerance (% of the
	announced quantity; a rounding hair is never a difference)."""
	allowed = max(abs(announced) * max(tolerance_pct, 0.0) / 100.0, 1e-6)
	return abs(received - announced) > allowed


def reconcile(
	announced: Iterable[Line], received: Iterable[Line], tolerance_pct: float = 0.0
) -> list[Discrepancy]:
	"""What differs between an announcement and a receipt, in a stable order (kind, item, lot no)."""
	wanted, got = _merge(announced), _merge(received)
	found: list[Discrepancy] = []
	for key, line in wanted.items():
		if key not in got:
			found.append(
				Discrepancy(Finding.NOT_RECEIVED, line.item, line.supplier_lot_no, announced=line.qty)
			)
	for key, line in got.items():
		expected = wanted.get(key)
		if expected is None:
			found.append(
				Discrepancy(
					Finding.NOT_ANNOUNCED,
					line.item,
					line.supplier_lot_no,
					received=line.qty,
					lot=line.lot,
					row=line.row,
				)
			)
			continue
		common = {
			"item": line.item,
			"supplier_lot_no": line.supplier_lot_no,
			"lot": line.lot,
			"row": line.row,
		}
		if quantity_differs(expected.qty, line.qty, tolerance_pct):
			found.append(Discrepancy(Finding.QUANTITY, announced=expected.qty, received=line.qty, **common))
		for kind, attribute in (
			(Finding.PRODUCTION_DATE, "production_date"),
			(Finding.EXPIRY_DATE, "expiry_date"),
		):
			said, seen = getattr(expected, attribute), getattr(line, attribute)
			if said and seen and said != seen:
				found.append(Discrepancy(kind, announced=said, received=seen, **common))
	order = list(Finding)
	found.sort(key=lambda d: (order.index(d.finding), d.item, lot_key(d.item, d.supplier_lot_no)[1]))
	return found


def lots_to_hold(discrepancies: Iterable[Discrepancy]) -> list[str]:
	"""The received lots a discrepancy concerns (those a Lot Rule may hold), each once, sorted."""
	return sorted({d.lot for d in discrepancies if d.lot and d.finding is not Finding.NOT_RECEIVED})
