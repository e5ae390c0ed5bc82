"""Findings from the lot's records (pure): required documents missing, supplier announcements that differ
from the receipt, supplier lot numbers reused, repeated stock adjustments, near expiry with open demand."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lot_traceability.traceability.findings.model import Finding, Kind


def document_findings(waiting: Mapping[str, tuple[str, Sequence[str]]]) -> list[Finding]:
	"""Lots with stock waiting for documents their rule requires (lot → (status, missing types)):
	one finding each, pointing at the lot."""
	return [
		Finding(lot, Kind.MISSING_DOCUMENTS, "Batch", lot, {"status": status, "missing": list(kinds)})
		for lot, (status, kinds) in sorted(waiting.items())
		if kinds
	]


def announcement_findings(rows: Iterable[Mapping[str, Any]]) -> list[Finding]:
	"""The stored differences between receipts and their announcements that name a received lot
	(parent announcement, finding, batch_no, supplier_lot_no, announced, received): one finding each."""
	return [
		Finding(
			row["batch_no"],
			Kind.ANNOUNCEMENT_MISMATCH,
			"Lot Announcement",
			row["parent"],
			{
				"finding": row["finding"],
				"supplier_lot_no": row.get("supplier_lot_no"),
				"announced": row.get("announced"),
				"received": row.get("received"),
			},
		)
		for row in sorted(
			(row for row in rows if row.get("batch_no")),
			key=lambda r: (r["batch_no"], r["parent"], r["finding"]),
		)
	]


def supplier_lot_findings(lots: Iterable[Mapping[str, Any]]) -> list[Finding]:
	"""Lots (name, supplier, supplier_lot_no) sharing a supplier lot no with a lot of another supplier."""
	by_number: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
	for lot in lots:
		if lot.get("supplier_lot_no") and lot.get("supplier"):
			by_number[lot["supplier_lot_no"]].append(lot)
	findings = []
	for number, group in sorted(by_number.items()):
		for lot in sorted(group, key=lambda row: row["name"]):
			others = sorted(
				(other for other in group if other["supplier"] != lot["supplier"]),
				key=lambda row: (row["supplier"], row["name"]),
			)
			if not others:
				continue
			findings.append(
				Finding(
					lot["name"],
					Kind.SUPPLIER_LOT_REUSE,
					"Batch",
					others[0]["name"],
					{
						"supplier_lot_no": number,
						"supplier": lot["supplier"],
						"other_suppliers": sorted({other["supplier"] for other in others}),
						"other_lots": [other["name"] for other in others],
					},
				)
			)
	return findings


def busiest_window(dates: Iterable[date], days: int) -> tuple[int, date | None, date | None]:
	"""The most dates that fall within `days` days of each other (last − first < days), and the
	first and last of them (earliest such window)."""
	ordered = sorted(dates)
	days = max(1, int(days))
	best, first, last = 0, None, None
	start = 0
	for end, day in enumerate(ordered):
		while (day - ordered[start]).days >= days:
			start += 1
		if end - start + 1 > best:
			best, first, last = end - start + 1, ordered[start], day
	return best, first, last


@dataclass(frozen=True)
class Adjustment:
	lot: str
	posted_at: datetime
	voucher_type: str
	voucher_no: str


def adjustment_findings(
	adjustments: Iterable[Adjustment], max_adjustments: int, window_days: int
) -> list[Finding]:
	"""Lots adjusted more than `max_adjustments` times within `window_days` days."""
	by_lot: dict[str, list[Adjustment]] = defaultdict(list)
	for adjustment in adjustments:
		by_lot[adjustment.lot].append(adjustment)
	findings = []
	for lot, rows in sorted(by_lot.items()):
		count, first, last = busiest_window([row.posted_at.date() for row in rows], window_days)
		if count <= max_adjustments:
			continue
		latest = max(
			(row for row in rows if first <= row.posted_at.date() <= last),
			key=lambda r: (r.posted_at, r.voucher_type, r.voucher_no),
		)
		findings.append(
			Finding(
				lot,
				Kind.REPEATED_ADJUSTMENTS,
				latest.voucher_type,
				latest.voucher_no,
				{
					"count": count,
					"first": first,
					"last": last,
					"max": max_adjustments,
					"window": window_days,
				},
			)
		)
	return findings


@dataclass(frozen=True)
class NearExpiryLot:
	lot: str
	expiry_date: date
	on_hand: float
	demand: tuple[tuple[str, str], ...]  # (doctype, name) of reservations, pick lists, sales orders


def near_expiry_findings(lots: Iterable[NearExpiryLot], on_date: date, days: int) -> list[Finding]:
	"""Lots with stock that expire within `days` days of `on_date` (or already have) and that open
	demand would draw on."""
	findings = []
	for lot in sorted(lots, key=lambda row: row.lot):
		left = (lot.expiry_date - on_date).days
		if left > days or lot.on_hand <= 0 or not lot.demand:
			continue
		demand = sorted(set(lot.demand))
		findings.append(
			Finding(
				lot.lot,
				Kind.NEAR_EXPIRY_ORDERS,
				demand[0][0],
				demand[0][1],
				{
					"expiry_date": lot.expiry_date,
					"days_left": left,
					"on_hand": lot.on_hand,
					"demand": demand,
					"window": days,
				},
			)
		)
	return findings
