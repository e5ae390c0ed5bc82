"""Supplier date anomalies (pure): a receipt's shelf life and age at receipt against the supplier's earlier
receipts of the item, and dates that cannot be."""

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from lot_traceability.traceability.anomalies.model import (
	DAYS_FLOOR,
	IMPOSSIBLE_STRENGTH,
	Anomaly,
	AnomalyKind,
	Baseline,
	Thresholds,
	baseline,
	rank,
	robust_z,
)

SHELF_LIFE, AGE = "shelf_life_days", "age_at_receipt_days"


EXPIRY_NOT_AFTER_MADE, MADE_AFTER_RECEIVED = "expiry_not_after_made", "made_after_received"


@dataclass(frozen=True)
class Receipt:
	reference_doctype: str
	reference_name: str
	supplier: str
	item: str
	lot: str
	received: date
	made: date | None
	expiry: date | None
	warehouse: str = ""


def _figures(receipt: Receipt) -> dict[str, float]:
	"""The receipt's possible date figures (impossible ones are left out of any history)."""
	figures = {}
	if receipt.made and receipt.expiry and receipt.expiry > receipt.made:
		figures[SHELF_LIFE] = float((receipt.expiry - receipt.made).days)
	if receipt.made and receipt.made <= receipt.received:
		figures[AGE] = float((receipt.received - receipt.made).days)
	return figures


def _impossibilities(receipt: Receipt) -> list[tuple[str, str, float]]:
	"""(reason, figure, value) of each impossible date pair."""
	found = []
	if receipt.made and receipt.expiry and receipt.expiry <= receipt.made:
		found.append((EXPIRY_NOT_AFTER_MADE, SHELF_LIFE, float((receipt.expiry - receipt.made).days)))
	if receipt.made and receipt.made > receipt.received:
		found.append((MADE_AFTER_RECEIVED, AGE, float((receipt.received - receipt.made).days)))
	return found


def _date_anomaly(
	receipt: Receipt, history: Mapping[str, list[float]], thresholds: Thresholds
) -> Anomaly | None:
	"""The receipt's strongest reason, or None: an impossibility if any (strength 2, or its figure's z
	strength when higher), else the figure furthest past the threshold."""
	impossible = _impossibilities(receipt)
	values = {**_figures(receipt), **{figure: value for _reason, figure, value in impossible}}
	judged: dict[str, tuple[Baseline | None, float | None]] = {}
	for figure, value in values.items():
		base = baseline(history[figure], 0.01, DAYS_FLOOR)
		judged[figure] = (base, robust_z(value, base) if base and base.n >= thresholds.min_history else None)
	candidates = []  # (strength, reason, figure)
	for reason, figure, _value in impossible:
		z = judged[figure][1]
		candidates.append((max(IMPOSSIBLE_STRENGTH, abs(z or 0.0) / thresholds.dates_mads), reason, figure))
	if not candidates:
		candidates = [
			(abs(z) / thresholds.dates_mads, None, figure)
			for figure, (_base, z) in judged.items()
			if z is not None and abs(z) >= thresholds.dates_mads
		]
	if not candidates:
		return None
	strength, reason, figure = max(candidates, key=lambda c: (c[0], c[1] or "", c[2]))
	base, z = judged[figure]
	return Anomaly(
		kind=AnomalyKind.SUPPLIER_DATES,
		lots=(receipt.lot,) if receipt.lot else (),
		reference_doctype=receipt.reference_doctype,
		reference_name=receipt.reference_name,
		item=receipt.item,
		warehouse=receipt.warehouse,
		value=values[figure],
		expected=base.median if base else 0.0,
		spread=base.spread if base else 0.0,
		compared_with=base.n if base else 0,
		strength=strength,
		on=receipt.received,
		params={
			**({"reason": reason} if reason else {}),
			"figure": figure,
			"z": z,  # None when the figure was not judged (too little history)
			"supplier": receipt.supplier,
			"made": receipt.made,
			"expiry": receipt.expiry,
			"received": receipt.received,
		},
	)


def supplier_date_anomalies(
	receipts: Iterable[Receipt], thresholds: Thresholds = Thresholds()
) -> list[Anomaly]:
	"""Receipts whose shelf life or age at receipt is |z| ≥ `dates_mads` from the supplier's receipts
	of the item on earlier days, or whose dates are impossible (whatever the history)."""
	by_pair: dict[tuple[str, str], list[Receipt]] = defaultdict(list)
	for receipt in receipts:
		by_pair[(receipt.supplier, receipt.item)].append(receipt)
	found = []
	for pair_receipts in by_pair.values():
		pair_receipts.sort(key=lambda r: (r.received, r.reference_name, r.lot))
		history: dict[str, list[float]] = {SHELF_LIFE: [], AGE: []}  # kept sorted
		day_index = 0
		while day_index < len(pair_receipts):
			day = pair_receipts[day_index].received
			same_day = []
			while day_index < len(pair_receipts) and pair_receipts[day_index].received == day:
				same_day.append(pair_receipts[day_index])
				day_index += 1
			for receipt in same_day:
				anomaly = _date_anomaly(receipt, history, thresholds)
				if anomaly:
					found.append(anomaly)
			for receipt in same_day:
				for figure, value in _figures(receipt).items():
					bisect.insort(history[figure], value)
	return rank(found)
