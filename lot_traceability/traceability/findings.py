"""Lot exceptions: what in a lot's history deserves a second look, and how much.

Findings. Each detector turns what the ledger, the status history and the master data say about a
lot into findings: one finding is one kind of exception with the document it points to and the
figures that explain it. The app reads the data; the rules that decide whether something is an
exception are here.

Score. Every kind has a base severity (0–100, configurable by a mapping of weights; a finding may
carry its own weight). A lot's score is its most severe finding plus a tenth of the severity of
every other finding, capped at 100: one grave exception outweighs many small ones, and each further
finding still raises the score. The score does not depend on the order the findings come in, and
adding a finding never lowers it. Reasons are listed most severe first; ties are broken by kind,
then document, so the same findings always give the same list.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from lot_traceability.traceability.movements import OUTWARD, classify
from lot_traceability.traceability.statuses import LotStatus, Movement


class Kind(str, Enum):
	SHIPPED_BEFORE_RELEASE = "shipped_before_release"
	HELD_LOT_OVERRIDE = "held_lot_override"
	BACK_DATED = "back_dated"
	MASS_BALANCE = "mass_balance"
	NO_INPUTS = "no_inputs"
	BOM_YIELD = "bom_yield"
	SUPPLIER_LOT_REUSE = "supplier_lot_reuse"
	NEAR_EXPIRY_ORDERS = "near_expiry_orders"
	REPEATED_ADJUSTMENTS = "repeated_adjustments"
	OUTSIDE_SCOPE = "outside_scope"
	MISSING_DOCUMENTS = "missing_documents"
	# statistical anomalies (`traceability.anomalies`), stored by the daily job
	YIELD_ANOMALY = "yield_anomaly"
	ADJUSTMENT_BURST = "adjustment_burst"
	UNUSUAL_QUANTITY = "unusual_quantity"
	SUPPLIER_DATES = "supplier_dates"
	RUN_DURATION = "run_duration"
	# a receipt unlike its supplier's announcement (`traceability.announcements`)
	ANNOUNCEMENT_MISMATCH = "announcement_mismatch"
	COUNT_VARIANCE = "count_variance"
	# cycle counts (`traceability.counting`)
	COUNT_NOT_IN_LEDGER = "count_not_in_ledger"


KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}

DEFAULT_WEIGHTS: dict[Kind, float] = {
	Kind.SHIPPED_BEFORE_RELEASE: 90,
	Kind.HELD_LOT_OVERRIDE: 80,
	Kind.BACK_DATED: 70,
	Kind.MASS_BALANCE: 60,
	Kind.NO_INPUTS: 60,
	Kind.BOM_YIELD: 50,
	Kind.SUPPLIER_LOT_REUSE: 40,
	Kind.NEAR_EXPIRY_ORDERS: 35,
	Kind.REPEATED_ADJUSTMENTS: 30,
	Kind.OUTSIDE_SCOPE: 80,
	Kind.MISSING_DOCUMENTS: 45,
	Kind.YIELD_ANOMALY: 50,
	Kind.ADJUSTMENT_BURST: 40,
	Kind.UNUSUAL_QUANTITY: 35,
	Kind.SUPPLIER_DATES: 40,
	Kind.RUN_DURATION: 35,
	Kind.ANNOUNCEMENT_MISMATCH: 45,
	Kind.COUNT_VARIANCE: 40,
	Kind.COUNT_NOT_IN_LEDGER: 60,
}
ANOMALY_KINDS = frozenset(
	{
		Kind.YIELD_ANOMALY,
		Kind.ADJUSTMENT_BURST,
		Kind.UNUSUAL_QUANTITY,
		Kind.SUPPLIER_DATES,
		Kind.RUN_DURATION,
		Kind.COUNT_VARIANCE,
	}
)
MAX_ANOMALY_FACTOR = 1.5  # an anomaly far past its threshold weighs up to this much more than its kind

MAX_SCORE = 100.0
OTHERS_SHARE = 0.1  # each finding after the most severe one adds this share of its severity


@dataclass(frozen=True)
class Thresholds:
	mass_balance_tolerance: float = 5.0  # % of the quantity consumed
	bom_yield_tolerance: float = 10.0  # % of the quantity the BOM asks for
	max_adjustments: int = 2  # more adjustments of one lot than this within the window …
	adjustment_window_days: int = 90  # … is an exception
	near_expiry_days: int = 30


@dataclass(frozen=True)
class Finding:
	lot: str
	kind: Kind
	reference_doctype: str | None = None
	reference_name: str | None = None
	params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
	weight: float | None = None  # overrides the kind's severity


@dataclass(frozen=True)
class Reason:
	finding: Finding
	severity: float


@dataclass(frozen=True)
class LotScore:
	lot: str
	score: float
	reasons: tuple[Reason, ...]

	@property
	def kinds(self) -> list[Kind]:
		return list(dict.fromkeys(reason.finding.kind for reason in self.reasons))


def _clamp(value: float) -> float:
	return max(0.0, min(MAX_SCORE, float(value)))


def severity(finding: Finding, weights: Mapping[Kind, float] | None = None) -> float:
	if finding.weight is not None:
		return _clamp(finding.weight)
	weights = weights or {}
	return _clamp(weights.get(finding.kind, DEFAULT_WEIGHTS[Kind(finding.kind)]))


def combine(severities: Iterable[float]) -> float:
	"""The most severe plus a tenth of the others, capped at 100, to one decimal."""
	ordered = sorted((_clamp(s) for s in severities), reverse=True)
	if not ordered:
		return 0.0
	total = ordered[0] + OTHERS_SHARE * math.fsum(ordered[1:])
	return round(min(MAX_SCORE, total), 1)


def _reason_key(reason: Reason):
	finding = reason.finding
	return (
		-reason.severity,
		KIND_ORDER[Kind(finding.kind)],
		finding.reference_doctype or "",
		finding.reference_name or "",
		repr(sorted(finding.params.items(), key=lambda item: item[0])),
		finding.weight is not None,
		finding.weight or 0.0,
	)


def score_lot(lot: str, findings: Iterable[Finding], weights: Mapping[Kind, float] | None = None) -> LotScore:
	reasons = sorted((Reason(f, severity(f, weights)) for f in findings if f.lot == lot), key=_reason_key)
	return LotScore(lot, combine(reason.severity for reason in reasons), tuple(reasons))


def rank_lots(findings: Iterable[Finding], weights: Mapping[Kind, float] | None = None) -> list[LotScore]:
	"""One score per lot, highest first (then more findings first, then by lot)."""
	by_lot: dict[str, list[Finding]] = defaultdict(list)
	for finding in findings:
		by_lot[finding.lot].append(finding)
	scores = [score_lot(lot, lot_findings, weights) for lot, lot_findings in by_lot.items()]
	return sorted(scores, key=lambda s: (-s.score, -len(s.reasons), s.lot))


# Status history: shipped before release, held lots moved, entries back-dated past a hold.


@dataclass(frozen=True)
class StatusChange:
	"""A lot's status change: effective `at`, and recorded (entered into the books) at `recorded_at`,
	which is the same moment unless the change was dated after the fact."""

	at: datetime
	from_status: str | None
	to_status: str
	name: str | None = None
	recorded_at: datetime | None = None

	@property
	def recorded(self) -> datetime:
		return self.recorded_at or self.at


@dataclass(frozen=True)
class LotMove:
	"""One submitted movement of a lot: when it is dated and when it was entered."""

	lot: str
	voucher_type: str
	voucher_no: str
	direction: str  # Inward / Outward
	posted_at: datetime  # posting date and time
	entered_at: datetime  # when it was entered into the books
	purpose: str | None = None
	is_return: bool = False
	is_write_off: bool = False
	into_quarantine: bool = False


def status_at(history: Sequence[StatusChange], moment: datetime, recorded: bool = False) -> str | None:
	"""The lot's status at a moment, from its changes in time order (before the first change: the
	status that change started from). None without a history. With `recorded`, as the books stood at
	that moment (changes by the time they were recorded), else as effective then."""
	if not history:
		return None
	when = (lambda c: c.recorded) if recorded else (lambda c: c.at)
	ordered = sorted(history, key=when)
	current = ordered[0].from_status
	for change in ordered:
		if when(change) > moment:
			break
		current = change.to_status
	return current


def _allows(status: LotStatus, movement: Movement, move: LotMove, quarantine_allowed: bool) -> bool:
	if movement is Movement.TRANSFER and move.into_quarantine and quarantine_allowed:
		return not status.is_terminal
	return status.allows(movement)


def status_findings(
	moves: Iterable[LotMove],
	histories: Mapping[str, Sequence[StatusChange]],
	statuses: Mapping[str, LotStatus],
	release_dates: Mapping[str, date | None] | None = None,
	quarantine_allowed: bool = True,
) -> list[Finding]:
	"""Findings from the status history (lots without a history have none):

	- shipped or issued before release: a shipment or issue the lot's status did not allow, at its
	  posting date and time or when it was entered;
	- held lot moved: an outward movement entered while the lot's status was a hold that does not
	  allow it (a move into quarantine stays allowed);
	- back-dated: a movement entered after the lot went on hold but dated before the hold's day.

	One finding per lot, document and kind.
	"""
	release_dates = release_dates or {}
	found: dict[tuple, Finding] = {}

	def add(finding: Finding):
		found.setdefault(
			(finding.lot, finding.kind, finding.reference_doctype, finding.reference_name), finding
		)

	for move in sorted(moves, key=lambda m: (m.lot, m.entered_at, m.voucher_type, m.voucher_no)):
		history = histories.get(move.lot)
		if not history:
			continue
		outward = move.direction == OUTWARD
		movement = classify(
			move.voucher_type, move.direction, move.purpose, move.is_return, move.is_write_off
		)
		entered_status = status_at(history, move.entered_at, recorded=True)
		if outward and movement in (Movement.SHIPMENT, Movement.ISSUE):
			for moment, status_name in (
				("posting", status_at(history, move.posted_at)),
				("entry", entered_status),
			):
				status = statuses.get(status_name)
				if status and not status.allows(movement):
					release = release_dates.get(move.lot)
					add(
						Finding(
							move.lot,
							Kind.SHIPPED_BEFORE_RELEASE,
							move.voucher_type,
							move.voucher_no,
							{
								"movement": movement.value,
								"status": status_name,
								"moment": moment,
								"posting_date": move.posted_at.date(),
								"release_date": release
								if release and move.posted_at.date() < release
								else None,
							},
						)
					)
					break
		held = statuses.get(entered_status)
		if (
			outward
			and movement is not None
			and held is not None
			and held.is_hold
			and not _allows(held, movement, move, quarantine_allowed)
		):
			add(
				Finding(
					move.lot,
					Kind.HELD_LOT_OVERRIDE,
					move.voucher_type,
					move.voucher_no,
					{"movement": movement.value, "status": entered_status, "entered_at": move.entered_at},
				)
			)
		back_dated_past = [
			change
			for change in history
			if (hold := statuses.get(change.to_status)) is not None
			and hold.is_hold
			and change.recorded < move.entered_at
			and move.posted_at.date() < change.at.date()
		]
		if back_dated_past:
			hold = back_dated_past[-1]
			add(
				Finding(
					move.lot,
					Kind.BACK_DATED,
					move.voucher_type,
					move.voucher_no,
					{
						"status": hold.to_status,
						"hold_date": hold.at.date(),
						"posting_date": move.posted_at.date(),
						"entered_at": move.entered_at,
						"status_change": hold.name,
					},
				)
			)
	return list(found.values())


# Restricted release: uses its scope never judged


@dataclass(frozen=True)
class RestrictionPeriod:
	"""A release scope in effect on a lot from `started` until `ended` (None: still in effect)."""

	name: str
	lot: str
	started: datetime
	ended: datetime | None = None
	summary: str = ""


def scope_findings(
	moves: Iterable[LotMove],
	periods: Iterable[RestrictionPeriod],
	checked: set[tuple[str, str, str]],
) -> list[Finding]:
	"""A shipment or issue of a restricted lot entered while a release scope was in effect, with no
	use recorded against that scope (`checked`: (scope, voucher type, voucher no) of every use the
	scope permitted): it moved without its scope judging it — enforcement switched off, or an override.
	One finding per lot and document."""
	by_lot: dict[str, list[RestrictionPeriod]] = {}
	for period in periods:
		by_lot.setdefault(period.lot, []).append(period)
	found: dict[tuple, Finding] = {}
	for move in moves:
		if move.direction != OUTWARD:
			continue
		movement = classify(
			move.voucher_type, move.direction, move.purpose, move.is_return, move.is_write_off
		)
		if movement not in (Movement.SHIPMENT, Movement.ISSUE):
			continue
		for period in by_lot.get(move.lot, ()):
			in_effect = period.started <= move.entered_at and (
				period.ended is None or move.entered_at < period.ended
			)
			if not in_effect or (period.name, move.voucher_type, move.voucher_no) in checked:
				continue
			found.setdefault(
				(move.lot, move.voucher_type, move.voucher_no),
				Finding(
					move.lot,
					Kind.OUTSIDE_SCOPE,
					move.voucher_type,
					move.voucher_no,
					{"movement": movement.value, "restriction": period.name, "summary": period.summary},
				),
			)
	return list(found.values())


# Documents


def document_findings(waiting: Mapping[str, tuple[str, Sequence[str]]]) -> list[Finding]:
	"""Lots with stock waiting for documents their rule requires (lot → (status, missing types)):
	one finding each, pointing at the lot."""
	return [
		Finding(lot, Kind.MISSING_DOCUMENTS, "Batch", lot, {"status": status, "missing": list(kinds)})
		for lot, (status, kinds) in sorted(waiting.items())
		if kinds
	]


# Announcements


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


# Supplier lot numbers


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


# Production: mass balance and BOM yield


@dataclass(frozen=True)
class ProductionEntry:
	"""One submitted production Stock Entry: what it consumed (stock quantity by item) and made."""

	name: str
	purpose: str
	posting_date: date | None = None
	work_order: str | None = None
	bom_no: str | None = None
	fg_qty: float = 0.0
	consumed: Mapping[str, float] = field(default_factory=dict)
	made: float = 0.0  # every output row: finished, scrap, by-products
	lots: tuple[str, ...] = ()  # the lots it made
	made_items: Mapping[str, float] = field(default_factory=dict)  # made stock quantity by item


@dataclass(frozen=True)
class Production:
	"""A unit of production to balance: one entry, or a work order's Manufacture and Material
	Consumption entries together (a consumption entry feeds the work order, not one entry)."""

	reference: str
	entries: tuple[str, ...]
	bom_no: str | None
	fg_qty: float
	consumed: Mapping[str, float]
	made: float
	lots: tuple[str, ...]
	made_items: Mapping[str, float] = field(default_factory=dict)


CONSUMPTION = "Material Consumption for Manufacture"


def group_productions(entries: Iterable[ProductionEntry]) -> list[Production]:
	groups: dict[str, list[ProductionEntry]] = defaultdict(list)
	for entry in entries:
		groups[f"WO:{entry.work_order}" if entry.work_order else entry.name].append(entry)
	productions = []
	for members in groups.values():
		members = sorted(members, key=lambda e: (e.posting_date or date.min, e.name))
		makers = [e for e in members if e.purpose != CONSUMPTION]
		if not makers:
			continue
		consumed: dict[str, float] = defaultdict(float)
		for entry in members:
			for item, qty in entry.consumed.items():
				consumed[item] += qty
		made_items: dict[str, float] = defaultdict(float)
		for entry in makers:
			for item, qty in entry.made_items.items():
				made_items[item] += qty
		productions.append(
			Production(
				reference=makers[-1].name,
				entries=tuple(e.name for e in members),
				bom_no=next((e.bom_no for e in makers if e.bom_no), None),
				fg_qty=sum(e.fg_qty for e in makers),
				consumed=dict(consumed),
				made=sum(e.made for e in makers),
				lots=tuple(dict.fromkeys(lot for e in makers for lot in e.lots)),
				made_items=dict(made_items),
			)
		)
	return sorted(productions, key=lambda p: p.reference)


def deviation_pct(expected: float, actual: float) -> float | None:
	"""How far `actual` is from `expected`, in % of `expected`; None when nothing was expected."""
	if expected <= 0:
		return None
	return abs(actual - expected) / expected * 100


@dataclass(frozen=True)
class ItemUnit:
	"""How an item is counted: its stock unit, and its mass in kg per stock unit where known (from a
	stock unit that is itself a mass, or from the item's weight per unit)."""

	stock_uom: str
	kg_per_unit: float | None = None


def balance_quantities(
	production: Production, units: Mapping[str, ItemUnit] | None
) -> tuple[float, float, str] | None:
	"""(consumed, made, unit) of a production in one common unit: the items' own stock unit when they
	all share it, else kilograms when every item's mass per unit is known. None when the quantities
	cannot be compared (different units, a mass unknown): such a production is not balanced. Without
	`units` (or without made quantities by item), the stock quantities are compared as they are."""
	if units is None or not production.made_items:
		return sum(production.consumed.values()), production.made, ""
	items = set(production.consumed) | set(production.made_items)
	if any(item not in units for item in items):
		return None
	uoms = {units[item].stock_uom for item in items}
	if len(uoms) == 1:
		return sum(production.consumed.values()), sum(production.made_items.values()), uoms.pop()
	if all(units[item].kg_per_unit for item in items):
		consumed = sum(qty * units[item].kg_per_unit for item, qty in production.consumed.items())
		made = sum(qty * units[item].kg_per_unit for item, qty in production.made_items.items())
		return consumed, made, "Kg"
	return None


def unbalanced_productions(
	productions: Iterable[Production], units: Mapping[str, ItemUnit] | None
) -> list[str]:
	"""References of the productions whose quantities cannot be compared (`balance_quantities`)."""
	return [p.reference for p in productions if balance_quantities(p, units) is None]


def mass_balance_findings(
	productions: Iterable[Production], tolerance: float, units: Mapping[str, ItemUnit] | None = None
) -> list[Finding]:
	"""Output lots of productions whose outputs differ from their inputs by more than `tolerance` %
	of the inputs (or that consumed nothing at all), compared in one unit (`balance_quantities`);
	productions whose quantities cannot be compared are not judged."""
	findings = []
	for production in productions:
		quantities = balance_quantities(production, units)
		if quantities is None:
			continue
		consumed, made, unit = quantities
		pct = deviation_pct(consumed, made)
		if pct is None and made <= 0:
			continue
		if pct is not None and pct <= tolerance:
			continue
		params = {
			"consumed": consumed,
			"made": made,
			"unit": unit,
			"deviation": pct,
			"tolerance": tolerance,
		}
		findings += [
			Finding(lot, Kind.MASS_BALANCE, "Stock Entry", production.reference, dict(params))
			for lot in production.lots
		]
	return findings


def bom_yield_findings(
	productions: Iterable[Production], bom_per_unit: Mapping[str, Mapping[str, float]], tolerance: float
) -> list[Finding]:
	"""Lots made by Manufacture against a BOM where an item of the BOM was consumed more than
	`tolerance` % away from the BOM's quantity per unit × the quantity made."""
	findings = []
	for production in productions:
		per_unit = bom_per_unit.get(production.bom_no or "")
		if not per_unit or production.fg_qty <= 0:
			continue
		off = []
		for item, qty in sorted(per_unit.items()):
			expected = qty * production.fg_qty
			actual = production.consumed.get(item, 0.0)
			pct = deviation_pct(expected, actual)
			if pct is not None and pct > tolerance:
				off.append({"item": item, "expected": expected, "actual": actual, "deviation": pct})
		if not off:
			continue
		off.sort(key=lambda row: (-row["deviation"], row["item"]))
		params = {"bom": production.bom_no, "items": off, "tolerance": tolerance}
		findings += [
			Finding(lot, Kind.BOM_YIELD, "Stock Entry", production.reference, dict(params))
			for lot in production.lots
		]
	return findings


# Adjustments


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


# Near expiry with open demand


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


def anomaly_finding(
	lot: str,
	kind: str,
	strength: float,
	reference_doctype: str | None,
	reference_name: str | None,
	params: Mapping[str, Any],
	weights: Mapping[Kind, float] | None = None,
) -> Finding:
	"""A stored anomaly as a finding of its lot: its kind's severity scaled by how far past its
	threshold it is (`strength`, 1 at the threshold), up to MAX_ANOMALY_FACTOR times."""
	kind = Kind(kind)
	if kind not in ANOMALY_KINDS:
		raise ValueError(f"not an anomaly kind: {kind.value}")
	base = (weights or {}).get(kind, DEFAULT_WEIGHTS[kind])
	factor = min(MAX_ANOMALY_FACTOR, max(1.0, float(strength)))
	return Finding(lot, kind, reference_doctype, reference_name, dict(params), weight=_clamp(base * factor))
