"""Lot exceptions found: what the ledger, the status history and the genealogy say about each lot,
read here and judged by the rules in `traceability.findings` (the Lot Exceptions report shows them)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from frappe.utils import add_days, cint, flt, getdate, today

from lot_traceability.config import get_settings
from lot_traceability.queries import findings as q
from lot_traceability.queries.anomalies import get_lot_anomalies
from lot_traceability.queries.demand import get_open_pick_lists, get_open_sales_order_lines, get_reservations
from lot_traceability.queries.lots import get_lot_statuses
from lot_traceability.traceability.findings import (
	ANOMALY_KINDS,
	CONSUMPTION,
	Adjustment,
	DatedMove,
	Finding,
	ItemUnit,
	Kind,
	NearExpiryLot,
	ProductionEntry,
	RestrictionPeriod,
	StatusChange,
	Thresholds,
	adjustment_findings,
	announcement_findings,
	anomaly_finding,
	bom_yield_findings,
	document_findings,
	group_productions,
	mass_balance_findings,
	near_expiry_findings,
	scope_findings,
	status_findings,
	supplier_lot_findings,
	unbalanced_productions,
)
from lot_traceability.traceability.statuses import LotStatus


def get_thresholds() -> Thresholds:
	settings = get_settings()
	return Thresholds(
		mass_balance_tolerance=flt(settings.mass_balance_tolerance),
		bom_yield_tolerance=flt(settings.bom_yield_tolerance),
		max_adjustments=cint(settings.max_lot_adjustments),
		adjustment_window_days=cint(settings.adjustment_window_days),
		near_expiry_days=cint(settings.exception_near_expiry_days) or cint(settings.near_expiry_days),
	)


def lot_moves(rows) -> list[DatedMove]:
	return [
		DatedMove(
			lot=row.batch_no,
			voucher_type=row.voucher_type,
			voucher_no=row.voucher_no,
			direction=row.type_of_transaction,
			posted_at=row.posted_at,
			entered_at=row.entered_at,
			purpose=row.purpose,
			is_return=row.is_return,
			is_write_off=bool(row.is_lot_write_off),
			into_quarantine=bool(row.into_quarantine),
		)
		for row in rows
	]


def status_history_exceptions(lots, company, thresholds) -> list[Finding]:
	histories = defaultdict(list)
	for row in q.get_status_histories(lots):
		histories[row.batch].append(
			StatusChange(row.change_datetime, row.from_status, row.to_status, row.name, row.recorded_at)
		)
	if not histories:
		return []
	moves = lot_moves(q.get_moves_of_lots_with_history(lots, company))
	statuses = {row.name: LotStatus.from_record(row) for row in get_lot_statuses()}
	release_dates = {lot: row.release_date for lot, row in q.get_lot_rows(list(histories)).items()}
	return status_findings(
		moves,
		histories,
		statuses,
		release_dates,
		quarantine_allowed=bool(get_settings().allow_held_lots_into_quarantine),
	)


def override_exceptions(lots, company, thresholds) -> list[Finding]:
	return [
		Finding(
			row.lot,
			Kind.HELD_LOT_OVERRIDE,
			row.reference_doctype or "Batch",
			row.reference_name or row.lot,
			{"override": True, "commented_at": row.creation},
		)
		for row in q.get_override_comments(lots)
	]


def scope_exceptions(lots, company, thresholds) -> list[Finding]:
	periods = [
		RestrictionPeriod(row.name, row.batch, row.started, row.ended, row.summary or "")
		for row in q.get_restriction_periods(lots)
	]
	if not periods:
		return []
	restricted = sorted({period.lot for period in periods})
	moves = lot_moves(q.get_moves_of_lots_with_history(restricted, company))
	checked = {
		(row.restriction, row.voucher_type, row.voucher_no)
		for row in q.get_restriction_uses([period.name for period in periods])
	}
	return scope_findings(moves, periods, checked)


def supplier_lot_exceptions(lots, company, thresholds) -> list[Finding]:
	return supplier_lot_findings(q.get_reused_supplier_lots(lots))


def document_exceptions(lots, company, thresholds) -> list[Finding]:
	from lot_traceability.lot_documents import waiting_for_documents

	return document_findings(waiting_for_documents(company, lots))


def no_input_exceptions(lots, company, thresholds) -> list[Finding]:
	return [
		Finding(
			row.batch_no, Kind.NO_INPUTS, "Stock Entry", row.voucher_no, {"posting_date": row.posting_date}
		)
		for row in q.get_finished_lots_without_inputs(lots, company)
	]


def productions_of(lots, company) -> tuple[list, dict, list]:
	"""The productions (Manufacture, Repack, a work order's entries together) that made the lots, the
	unit each of their items is counted in, and their entries."""
	entries = q.get_production_entries(lots, company)
	if not entries:
		return [], {}, []
	names = [entry.name for entry in entries]
	consumed, made = defaultdict(lambda: defaultdict(float)), defaultdict(float)
	made_items = defaultdict(lambda: defaultdict(float))
	for row in q.get_production_rows(names):
		if row.s_warehouse and not row.t_warehouse:
			consumed[row.parent][row.item_code] += flt(row.transfer_qty)
		elif row.t_warehouse and not row.s_warehouse:
			made[row.parent] += flt(row.transfer_qty)
			made_items[row.parent][row.item_code] += flt(row.transfer_qty)
	made_lots = q.get_made_lots([e.name for e in entries if e.purpose != CONSUMPTION])
	productions = group_productions(
		ProductionEntry(
			name=entry.name,
			purpose=entry.purpose,
			posting_date=entry.posting_date,
			work_order=entry.work_order,
			bom_no=entry.bom_no if entry.from_bom and entry.purpose == "Manufacture" else None,
			fg_qty=flt(entry.fg_completed_qty) if entry.from_bom else 0.0,
			consumed=dict(consumed[entry.name]),
			made=made[entry.name] if entry.purpose != CONSUMPTION else 0.0,
			lots=tuple(made_lots.get(entry.name, ())),
			made_items=dict(made_items[entry.name]) if entry.purpose != CONSUMPTION else {},
		)
		for entry in entries
	)
	units = item_units({item for p in productions for item in (*p.consumed, *p.made_items)})
	return productions, units, entries


def production_exceptions(lots, company, thresholds) -> list[Finding]:
	productions, units, entries = productions_of(lots, company)
	if not productions:
		return []
	exploded = {
		entry.bom_no: bool(entry.use_multi_level_bom) for entry in entries if entry.from_bom and entry.bom_no
	}
	quantities = q.get_bom_quantities_per_unit(exploded.items())
	per_unit = {bom: quantities.get((bom, multi), {}) for bom, multi in exploded.items()}
	return mass_balance_findings(productions, thresholds.mass_balance_tolerance, units) + bom_yield_findings(
		productions, per_unit, thresholds.bom_yield_tolerance
	)


def productions_not_balanced(lots, company) -> list[str]:
	"""Productions whose items are counted in units that cannot be compared (no mass per unit): the
	mass balance does not judge them, and the report says how many."""
	productions, units, _entries = productions_of(lots, company)
	return unbalanced_productions(productions, units)


def item_units(items) -> dict[str, ItemUnit]:
	"""Each item's stock unit and mass per stock unit in kg: from a stock unit that is a mass (its
	conversion to kg), else from the item's weight per unit (converted from its weight unit)."""
	to_kg = q.get_kilogram_factors()
	units = {}
	for row in q.get_item_units(items):
		kg = to_kg.get(row.stock_uom)
		if not kg and flt(row.weight_per_unit) and to_kg.get(row.weight_uom):
			kg = flt(row.weight_per_unit) * to_kg[row.weight_uom]
		units[row.name] = ItemUnit(row.stock_uom, kg or None)
	return units


def adjustment_exceptions(lots, company, thresholds) -> list[Finding]:
	adjustments = [
		Adjustment(row.batch_no, row.posted_at, row.voucher_type, row.voucher_no)
		for row in q.get_adjustments(lots, company)
	]
	return adjustment_findings(adjustments, thresholds.max_adjustments, thresholds.adjustment_window_days)


def near_expiry_exceptions(lots, company, thresholds) -> list[Finding]:
	on_date = getdate(today())
	stock = q.get_stock_expiring_by(add_days(on_date, thresholds.near_expiry_days), lots, company)
	if not stock:
		return []
	held = sorted({row.batch for row in stock})
	demand = defaultdict(set)
	for row in get_reservations(held):
		demand[row.batch_no].add(("Stock Reservation Entry", row.name))
	for row in get_open_pick_lists(held):
		demand[row.batch_no].add(("Pick List", row.name))
	holding = defaultdict(set)
	for row in stock:
		holding[(row.item, row.warehouse)].add(row.batch)
	for line in get_open_sales_order_lines(list(holding)):
		for lot in holding[(line.item_code, line.warehouse)]:
			demand[lot].add(("Sales Order", line.name))
	on_hand, expiry = defaultdict(float), {}
	for row in stock:
		on_hand[row.batch] += flt(row.qty)
		expiry[row.batch] = getdate(row.expiry_date)
	return near_expiry_findings(
		[NearExpiryLot(lot, expiry[lot], on_hand[lot], tuple(demand[lot])) for lot in held],
		on_date,
		thresholds.near_expiry_days,
	)


def anomaly_exceptions(lots, company, thresholds) -> list[Finding]:
	"""The statistical anomalies the daily job stored (`foresight`), as findings of their lots."""
	return [
		anomaly_finding(
			row.batch,
			row.kind,
			flt(row.strength),
			row.reference_doctype,
			row.reference_name,
			{"description": row.description},
		)
		for row in get_lot_anomalies(lots, company)
		if row.batch
	]


def announcement_exceptions(lots, company, thresholds) -> list[Finding]:
	"""Lots received unlike their supplier's announcement (the findings stored at receipt)."""
	from lot_traceability.queries.announcements import get_announcement_findings

	return announcement_findings(get_announcement_findings(lots, company))


def count_exceptions(lots, company, thresholds) -> list[Finding]:
	"""Lots a cycle count found at a location where the ledger held none of them."""
	from lot_traceability.queries.counting import get_found_outside_ledger

	return [
		Finding(
			row.batch,
			Kind.COUNT_NOT_IN_LEDGER,
			"Lot Count",
			row.lot_count,
			{"warehouse": row.warehouse, "qty": flt(row.qty), "row": row.idx},
		)
		for row in get_found_outside_ledger(lots, company)
	]


@dataclass(frozen=True)
class Detector:
	find: Callable
	kinds: frozenset


DETECTORS = (
	Detector(
		status_history_exceptions,
		frozenset({Kind.SHIPPED_BEFORE_RELEASE, Kind.HELD_LOT_OVERRIDE, Kind.BACK_DATED}),
	),
	Detector(override_exceptions, frozenset({Kind.HELD_LOT_OVERRIDE})),
	Detector(scope_exceptions, frozenset({Kind.OUTSIDE_SCOPE})),
	Detector(supplier_lot_exceptions, frozenset({Kind.SUPPLIER_LOT_REUSE})),
	Detector(document_exceptions, frozenset({Kind.MISSING_DOCUMENTS})),
	Detector(no_input_exceptions, frozenset({Kind.NO_INPUTS})),
	Detector(production_exceptions, frozenset({Kind.MASS_BALANCE, Kind.BOM_YIELD})),
	Detector(adjustment_exceptions, frozenset({Kind.REPEATED_ADJUSTMENTS})),
	Detector(near_expiry_exceptions, frozenset({Kind.NEAR_EXPIRY_ORDERS})),
	Detector(anomaly_exceptions, ANOMALY_KINDS),
	Detector(announcement_exceptions, frozenset({Kind.ANNOUNCEMENT_MISMATCH})),
	Detector(count_exceptions, frozenset({Kind.COUNT_NOT_IN_LEDGER})),
)


def find_exceptions(lots, company, thresholds: Thresholds, kind: Kind | None = None) -> list[Finding]:
	"""Every finding on the lots (None: all lots). With a kind, only lots that have it, with all
	their other findings too (the score is the lot's)."""
	first = [d for d in DETECTORS if kind is None or kind in d.kinds]
	findings = [f for detector in first for f in detector.find(lots, company, thresholds)]
	if lots is not None:
		findings = [f for f in findings if f.lot in lots]
	if kind is not None:
		flagged = sorted({f.lot for f in findings if f.kind == kind})
		if not flagged:
			return []
		findings = [f for f in findings if f.lot in flagged]
		findings += [
			f
			for detector in DETECTORS
			if detector not in first
			for f in detector.find(flagged, company, thresholds)
			if f.lot in flagged
		]
	if company:
		moved = q.get_lots_moved_in_company({f.lot for f in findings}, company)
		findings = [f for f in findings if f.lot in moved]
	return findings
