"""Findings from production (pure): entries grouped into productions, mass balance (what went in against
what came out, in the items' units) and BOM yield."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from lot_traceability.traceability.findings.model import Finding, Kind


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
