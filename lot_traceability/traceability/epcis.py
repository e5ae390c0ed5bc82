"""Lot events in GS1 EPCIS 2.0 (JSON-LD), built from what the lot ledger and the status changes
already record. Pure: the caller reads the movements and the master data; this module decides which
event each movement is, how lots, places, parties and documents are named, and how the document
looks.

- A receipt, a shipment, a return, a transfer between our sites, a write-off and a count are
  ObjectEvents (one per document, place and direction, listing every lot it moved);
- production, repacking and disassembly are TransformationEvents (the lots consumed in, the lots
  made out; consumption for a work order before its output is linked by the work order);
- a status change is an ObjectEvent whose disposition is the CBV value its Lot Status maps to.

Identifiers: a lot is a class-level identifier in the GS1 Digital Link form (GTIN + lot, AI 01 and
10) where its item has a GTIN, else a URI under the site's private base; a place is a GLN (AI 414)
or a private URI, a party a party GLN (AI 417) or a private URI. Quantities carry UN/CEFACT unit
codes (a count of units carries none, as EPCIS reads it). Event IDs are name-based UUIDs of what
the event records, so exporting twice gives the same IDs.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from lot_traceability.traceability.gs1 import Gs1Error, normalize_gtin
from lot_traceability.traceability.movements import (
	PRODUCTION_PURPOSES,
	RECEIVING_VOUCHERS,
	SELLING_VOUCHERS,
	LedgerMove,
)

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
SCHEMA_VERSION = "2.0"
DEFAULT_RESOLVER = "https://id.gs1.org"

OBJECT_EVENT, TRANSFORMATION_EVENT = "ObjectEvent", "TransformationEvent"
OBSERVE, ADD, DELETE = "OBSERVE", "ADD", "DELETE"

# CBV 2.0 dispositions (the values a Lot Status may map to)
DISPOSITIONS = (
	"active",
	"available",
	"conformant",
	"container_closed",
	"container_open",
	"damaged",
	"destroyed",
	"dispensed",
	"disposed",
	"encoded",
	"expired",
	"in_progress",
	"in_transit",
	"inactive",
	"needs_replacement",
	"no_pedigree_match",
	"non_conformant",
	"non_sellable_other",
	"partially_dispensed",
	"recalled",
	"reserved",
	"retail_sold",
	"returned",
	"sellable_accessible",
	"sellable_not_accessible",
	"stolen",
	"unavailable",
	"unknown",
)

# The disposition a Lot Status starts with, by the app's own status names (an admin edits them on
# each Lot Status; a status not listed maps to `non_sellable_other` when it holds lots, else
# `sellable_not_accessible`).
DEFAULT_DISPOSITIONS = {
	"Approved": "sellable_not_accessible",
	"Released": "sellable_not_accessible",
	"Restricted": "sellable_not_accessible",
	"Quarantined": "non_sellable_other",
	"On Hold": "non_sellable_other",
	"Pending Inspection": "in_progress",
	"Rejected": "non_conformant",
	"Expired": "expired",
	"Recalled": "recalled",
	"Destroyed": "destroyed",
	"Consumed": "inactive",
}

# UN/CEFACT Recommendation 20 codes of common ERPNext units; a count of units has none
DEFAULT_UOM_CODES = {
	"Kg": "KGM",
	"Kilogram": "KGM",
	"Gram": "GRM",
	"Milligram": "MGM",
	"Tonne": "TNE",
	"Pound": "LBR",
	"Ounce": "ONZ",
	"Litre": "LTR",
	"Liter": "LTR",
	"Millilitre": "MLT",
	"Cubic Meter": "MTQ",
	"Gallon (US)": "GLL",
	"Meter": "MTR",
	"Centimeter": "CMT",
	"Square Meter": "MTK",
}
COUNT_UNITS = frozenset({"Nos", "Unit", "Each", "Piece", "Pcs", "Box", "Pair", "Set", "Carton", "Pack"})

BIZ_TRANSACTION_TYPES = {
	"Purchase Receipt": "recadv",
	"Purchase Invoice": "inv",
	"Subcontracting Receipt": "recadv",
	"Delivery Note": "desadv",
	"Sales Invoice": "inv",
	"POS Invoice": "inv",
	"Work Order": "prodorder",
	"Purchase Order": "po",
}


class EpcisError(ValueError):
	"""A value that cannot be named in EPCIS (a bad GLN, a private base that is not a URI)."""


# ---------------------------------------------------------------- identifiers


def is_valid_gln(code: object) -> bool:
	"""A GLN: 13 digits with a correct GS1 check digit."""
	from lot_traceability.traceability.gs1 import gtin_check_digit

	return (
		isinstance(code, str)
		and len(code) == 13
		and code.isdigit()
		and gtin_check_digit(code[:-1]) == int(code[-1])
	)


def _segment(text: object) -> str:
	return quote(str(text), safe="")


@dataclass(frozen=True)
class Identifiers:
	"""How lots, places, parties, documents and events are named. `private_base`: a URI the site
	owns (`https://erp.example.com/epcis`), under which whatever has no GS1 key is named."""

	private_base: str
	resolver: str = DEFAULT_RESOLVER

	def __post_init__(self):
		for value, what in ((self.private_base, "private URI base"), (self.resolver, "GS1 resolver")):
			if not isinstance(value, str) or "://" not in value or " " in value:
				raise EpcisError(f"the EPCIS {what} must be an absolute URI, not {value!r}")
		object.__setattr__(self, "private_base", self.private_base.rstrip("/"))
		object.__setattr__(self, "resolver", self.resolver.rstrip("/"))

	def lot_class(self, item: str, lot: str, gtin: str | None = None) -> str:
		"""The lot as a class: GTIN + lot in the Digital Link form, else the private URI of the item's
		lot. A GTIN that is not valid is left out (the private URI is used)."""
		if gtin:
			try:
				return f"{self.resolver}/01/{normalize_gtin(gtin)}/10/{_segment(lot)}"
			except Gs1Error:
				pass
		return f"{self.private_base}/lot/{_segment(item)}/{_segment(lot)}"

	def location(self, warehouse: str, gln: str | None = None) -> str:
		if gln and is_valid_gln(gln):
			return f"{self.resolver}/414/{gln}"
		return f"{self.private_base}/location/{_segment(warehouse)}"

	def party(self, kind: str, name: str, gln: str | None = None) -> str:
		"""A company, supplier or customer: its party GLN, else a private URI of its kind and name."""
		if gln and is_valid_gln(gln):
			return f"{self.resolver}/417/{gln}"
		return f"{self.private_base}/party/{_segment(kind.lower())}/{_segment(name)}"

	def document(self, doctype: str, name: str) -> str:
		return f"{self.private_base}/document/{_segment(doctype)}/{_segment(name)}"

	def event_id(self, *parts: object) -> str:
		"""A name-based (version 5) UUID of what the event records, under the private base: the same
		event always gets the same ID, different events different ones."""
		key = "|".join(str(part) for part in (self.private_base, *parts))
		return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Lot:
	"""A lot as the events name it: its item, the item's GTIN and stock unit."""

	name: str
	item: str
	gtin: str | None = None
	uom: str | None = None


Move = LedgerMove  # one lot ledger row


@dataclass(frozen=True)
class StatusChange:
	"""One lot moved to a status by a submitted Lot Status Change."""

	lot: str
	change: str
	status: str
	disposition: str
	changed: datetime
	company: str | None = None
	source: str | None = None


@dataclass
class MasterData:
	"""What names the places and parties (GLNs by warehouse, company, supplier, customer) and the
	units (UN/CEFACT code by ERPNext unit)."""

	warehouse_gln: Mapping[str, str] = field(default_factory=dict)
	company_gln: Mapping[str, str] = field(default_factory=dict)
	supplier_gln: Mapping[str, str] = field(default_factory=dict)
	customer_gln: Mapping[str, str] = field(default_factory=dict)
	uom_codes: Mapping[str, str] = field(default_factory=dict)

	def party_gln(self, kind: str | None, name: str | None) -> str | None:
		table = {
			"Company": self.company_gln,
			"Supplier": self.supplier_gln,
			"Customer": self.customer_gln,
		}.get(kind or "")
		return table.get(name) if table is not None and name else None


# ---------------------------------------------------------------- what each movement is


@dataclass(frozen=True)
class Kind:
	"""The event a movement belongs to: its type, action, business step and disposition, and
	whether the document's party is the source or the destination."""

	event_type: str
	action: str | None
	biz_step: str
	disposition: str | None
	party_is: str | None = None  # "source" or "destination"
	side: str | None = None  # a transformation's "input" or "output"


def kind_of(move: Move) -> Kind:
	"""Which event a lot ledger row is part of."""
	inward = move.qty > 0
	voucher, purpose = move.voucher_type, move.purpose
	if voucher in RECEIVING_VOUCHERS:  # an internal supplier's too: its party is our other company
		if inward:
			return Kind(OBJECT_EVENT, OBSERVE, "receiving", "in_progress", "source")
		return Kind(OBJECT_EVENT, OBSERVE, "shipping", "returned", "destination")  # back to the supplier
	if voucher in SELLING_VOUCHERS:
		if inward:
			return Kind(OBJECT_EVENT, OBSERVE, "receiving", "returned", "source")  # a customer return
		return Kind(OBJECT_EVENT, OBSERVE, "shipping", "in_transit", "destination")
	if voucher == "Stock Entry":
		if purpose in PRODUCTION_PURPOSES or purpose == "Material Consumption for Manufacture":
			step = {"Repack": "repackaging", "Disassemble": "disassembling"}.get(purpose, "commissioning")
			return Kind(TRANSFORMATION_EVENT, None, step, "active", side="output" if inward else "input")
		if purpose == "Material Issue" and not inward:
			return Kind(OBJECT_EVENT, DELETE, "destroying", "destroyed")
		if purpose in ("Material Receipt", "Material Issue"):
			return Kind(
				OBJECT_EVENT,
				ADD if inward else DELETE,
				"receiving" if inward else "removing",
				"in_progress" if inward else "inactive",
			)
		# transfers between warehouses (for manufacture, to subcontractors, through transit)
		return Kind(
			OBJECT_EVENT,
			OBSERVE,
			"arriving" if inward else "departing",
			"in_progress" if inward else "in_transit",
		)
	if voucher == "Stock Reconciliation":
		return Kind(
			OBJECT_EVENT, ADD if inward else DELETE, "stock_taking", "in_progress" if inward else "inactive"
		)
	return Kind(OBJECT_EVENT, OBSERVE, "other", None)


# The kinds of lot ledger rows a query's eventType and bizStep can be pushed down to, so that the
# read skips documents without a matching event (rather than reading every one to filter after).
STOCK_ENTRY_PURPOSES = (
	"Disassemble",
	"Manufacture",
	"Material Consumption for Manufacture",
	"Material Issue",
	"Material Receipt",
	"Material Transfer",
	"Material Transfer for Manufacture",
	"Repack",
	"Send to Subcontractor",
)
KNOWN_VOUCHERS = tuple(
	sorted(RECEIVING_VOUCHERS | SELLING_VOUCHERS | {"Stock Entry", "Stock Reconciliation"})
)


@dataclass(frozen=True)
class RowKind:
	"""Lot ledger rows of one kind: of a voucher type (None: one not in `KNOWN_VOUCHERS`), with a
	Stock Entry's purpose (None: any, or for a Stock Entry one not in `STOCK_ENTRY_PURPOSES`), moving
	in or out."""

	voucher_type: str | None
	purpose: str | None
	inward: bool


def row_kinds(event_types: Iterable[str] = (), biz_steps: Iterable[str] = ()) -> list[RowKind] | None:
	"""The kinds of lot ledger rows whose events have one of these types and one of these business
	steps (empty: any), as `kind_of` decides; None when every kind does (nothing to filter)."""
	types, steps = set(event_types), set(biz_steps)
	every, found = [], []
	for voucher in (*KNOWN_VOUCHERS, None):
		for purpose in (*STOCK_ENTRY_PURPOSES, None) if voucher == "Stock Entry" else (None,):
			for inward in (True, False):
				kind = kind_of(
					LedgerMove("", 1.0 if inward else -1.0, voucher or "", "", date.min, purpose=purpose)
				)
				every.append(RowKind(voucher, purpose, inward))
				if (not types or kind.event_type in types) and (not steps or kind.biz_step in steps):
					found.append(every[-1])
	return None if len(found) == len(every) else found


def status_sources(event_types: Iterable[str] = (), biz_steps: Iterable[str] = ()) -> set[bool]:
	"""Which status changes can make events of these types and business steps (empty: any): True
	for those of a Quality Inspection (*inspecting*), False for the others (*holding*)."""
	types, steps = set(event_types), set(biz_steps)
	if types and OBJECT_EVENT not in types:
		return set()
	return {inspection for inspection in (True, False) if not steps or status_step(inspection) in steps}


def status_step(inspection: bool) -> str:
	return "inspecting" if inspection else "holding"


# ---------------------------------------------------------------- times


def event_time(moment: datetime | date, time_zone: str) -> tuple[str, str]:
	"""(eventTime, eventTimeZoneOffset) of a local time in the site's time zone: the time with its
	offset, and the offset alone ("+05:30")."""
	if not isinstance(moment, datetime):
		moment = datetime.combine(moment, time())
	local = moment.replace(tzinfo=ZoneInfo(time_zone)) if moment.tzinfo is None else moment
	offset = local.utcoffset() or timedelta(0)
	minutes = int(offset.total_seconds() // 60)
	sign = "+" if minutes >= 0 else "-"
	text = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
	return local.isoformat(timespec="seconds"), text


# ---------------------------------------------------------------- events


def quantity_element(identifiers: Identifiers, lot: Lot, qty: float, uom_codes: Mapping[str, str]) -> dict:
	"""A lot's quantity: positive, with the unit's UN/CEFACT code (none for a count of units)."""
	element = {"epcClass": identifiers.lot_class(lot.item, lot.name, lot.gtin), "quantity": abs(float(qty))}
	code = uom_codes.get(lot.uom or "")
	if code:
		element["uom"] = code
	return element


def movement_events(
	moves: Iterable[Move],
	lots: Mapping[str, Lot],
	identifiers: Identifiers,
	master: MasterData,
	time_zone: str,
) -> list[dict]:
	"""The events of these lot ledger rows, in time order: the rows of one document, place and
	kind make one event (a transformation: one per document, or per work order for consumption)."""
	groups: dict[tuple, list[tuple[Move, Kind]]] = {}
	for move in moves:
		if not move.qty:
			continue
		kind = kind_of(move)
		if kind.event_type == TRANSFORMATION_EVENT:
			key = (move.voucher_type, move.voucher_no, kind.event_type, kind.biz_step)
		else:
			key = (
				move.voucher_type,
				move.voucher_no,
				kind.event_type,
				kind.biz_step,
				kind.action,
				move.warehouse or "",
			)
		groups.setdefault(key, []).append((move, kind))
	events = []
	for key, rows in groups.items():
		first, kind = rows[0]
		when = min(move.posted for move, _kind in rows)
		if kind.event_type == TRANSFORMATION_EVENT:
			events.append(_transformation(key, rows, when, lots, identifiers, master, time_zone))
		else:
			events.append(_object_event(key, rows, when, lots, identifiers, master, time_zone))
	events.sort(key=lambda event: (event["eventTime"], event["eventID"]))
	return events


def _common(event_type: str, event_id: str, when: datetime, time_zone: str) -> dict:
	stamp, offset = event_time(when, time_zone)
	return {"type": event_type, "eventID": event_id, "eventTime": stamp, "eventTimeZoneOffset": offset}


def _quantities(rows, lots, identifiers, master) -> list[dict]:
	"""One element per lot (rows of the same lot summed), in lot order."""
	totals: dict[str, float] = {}
	for move, _kind in rows:
		totals[move.lot] = totals.get(move.lot, 0.0) + abs(move.qty)
	return [
		quantity_element(identifiers, lots.get(lot) or Lot(lot, lot), qty, master.uom_codes)
		for lot, qty in sorted(totals.items())
	]


def _object_event(key, rows, when, lots, identifiers, master, time_zone) -> dict:
	first, kind = rows[0]
	event = _common(OBJECT_EVENT, identifiers.event_id(*key), when, time_zone)
	event["action"] = kind.action
	event["bizStep"] = kind.biz_step
	if kind.disposition:
		event["disposition"] = kind.disposition
	event["quantityList"] = _quantities(rows, lots, identifiers, master)
	if first.warehouse:
		place = {"id": identifiers.location(first.warehouse, master.warehouse_gln.get(first.warehouse))}
		event["readPoint"] = place
		if kind.action != DELETE:
			event["bizLocation"] = dict(place)
	transaction_type = BIZ_TRANSACTION_TYPES.get(first.voucher_type)
	transaction = {"bizTransaction": identifiers.document(first.voucher_type, first.voucher_no)}
	if transaction_type:
		transaction["type"] = transaction_type
	event["bizTransactionList"] = [transaction]
	ours = (
		identifiers.party("Company", first.company, master.company_gln.get(first.company))
		if first.company
		else None
	)
	theirs = (
		identifiers.party(first.party_type, first.party, master.party_gln(first.party_type, first.party))
		if first.party_type and first.party
		else None
	)
	if kind.party_is and theirs and ours:
		source, destination = (theirs, ours) if kind.party_is == "source" else (ours, theirs)
		event["sourceList"] = [{"type": "owning_party", "source": source}]
		event["destinationList"] = [{"type": "owning_party", "destination": destination}]
	return event


def _transformation(key, rows, when, lots, identifiers, master, time_zone) -> dict:
	first, kind = rows[0]
	event = _common(TRANSFORMATION_EVENT, identifiers.event_id(*key), when, time_zone)
	inputs = [row for row in rows if row[1].side == "input"]
	outputs = [row for row in rows if row[1].side == "output"]
	if inputs:
		event["inputQuantityList"] = _quantities(inputs, lots, identifiers, master)
	if outputs:
		event["outputQuantityList"] = _quantities(outputs, lots, identifiers, master)
	if first.work_order:
		event["transformationID"] = identifiers.document("Work Order", first.work_order)
	elif not (inputs and outputs):
		event["transformationID"] = identifiers.document(first.voucher_type, first.voucher_no)
	event["bizStep"] = kind.biz_step
	event["disposition"] = kind.disposition
	# where the lots were made (else consumed): the first such warehouse by name
	warehouse = min((move.warehouse for move, _kind in outputs or inputs if move.warehouse), default=None)
	if warehouse:
		place = {"id": identifiers.location(warehouse, master.warehouse_gln.get(warehouse))}
		event["readPoint"] = place
		event["bizLocation"] = dict(place)
	transactions = [{"bizTransaction": identifiers.document(first.voucher_type, first.voucher_no)}]
	if first.work_order:
		transactions.append(
			{"type": "prodorder", "bizTransaction": identifiers.document("Work Order", first.work_order)}
		)
	event["bizTransactionList"] = transactions
	return event


def status_events(
	changes: Iterable[StatusChange],
	lots: Mapping[str, Lot],
	identifiers: Identifiers,
	master: MasterData,
	time_zone: str,
) -> list[dict]:
	"""One ObjectEvent per Lot Status Change and status: the lots it moved, with the disposition
	their new status maps to (an inspection's change is *inspecting*, any other *holding*)."""
	groups: dict[tuple, list[StatusChange]] = {}
	for change in changes:
		groups.setdefault((change.change, change.status, change.disposition), []).append(change)
	events = []
	for (name, status, disposition), rows in groups.items():
		first = rows[0]
		event = _common(
			OBJECT_EVENT, identifiers.event_id("Lot Status Change", name, status), first.changed, time_zone
		)
		event["action"] = OBSERVE
		event["bizStep"] = status_step(first.source == "Quality Inspection")
		event["disposition"] = disposition
		event["quantityList"] = [
			{"epcClass": identifiers.lot_class(lot.item, lot.name, lot.gtin)}
			for lot in sorted(
				(lots.get(row.lot) or Lot(row.lot, row.lot) for row in rows), key=lambda lot: lot.name
			)
		]
		event["bizTransactionList"] = [{"bizTransaction": identifiers.document("Lot Status Change", name)}]
		events.append(event)
	events.sort(key=lambda event: (event["eventTime"], event["eventID"]))
	return events


def document(events: list[dict], created: datetime, time_zone: str, sender: str | None = None) -> dict:
	"""An EPCIS 2.0 document (JSON-LD) of these events."""
	stamp, _offset = event_time(created, time_zone)
	doc = {
		"@context": [CONTEXT],
		"type": "EPCISDocument",
		"schemaVersion": SCHEMA_VERSION,
		"creationDate": stamp,
		"epcisBody": {"eventList": events},
	}
	if sender:
		doc["sender"] = sender
	return doc


def lot_quantities(
	events: Iterable[dict], identifiers: Identifiers, lots: Mapping[str, Lot]
) -> dict[str, float]:
	"""Lot → the quantity its events move in all (inputs, outputs and object events alike): the
	export's own account, to hold against the ledger's."""
	by_class = {identifiers.lot_class(lot.item, lot.name, lot.gtin): name for name, lot in lots.items()}
	totals: dict[str, float] = {}
	for event in events:
		for list_name in ("quantityList", "inputQuantityList", "outputQuantityList"):
			for element in event.get(list_name, ()):
				lot = by_class.get(element["epcClass"])
				if lot is not None and "quantity" in element:
					totals[lot] = totals.get(lot, 0.0) + element["quantity"]
	return totals
