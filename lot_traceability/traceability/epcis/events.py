"""EPCIS events and documents built (pure): event times in the site's time zone, ObjectEvents and
TransformationEvents of movements, status change events, the EPCISDocument."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lot_traceability.traceability.epcis.kinds import Kind, kind_of, status_step
from lot_traceability.traceability.epcis.model import (
	BIZ_TRANSACTION_TYPES,
	CONTEXT,
	DELETE,
	OBJECT_EVENT,
	OBSERVE,
	SCHEMA_VERSION,
	TRANSFORMATION_EVENT,
	EventLot,
	Identifiers,
	MasterData,
	Move,
	StatusChange,
)


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


def quantity_element(
	identifiers: Identifiers, lot: EventLot, qty: float, uom_codes: Mapping[str, str]
) -> dict:
	"""A lot's quantity: positive, with the unit's UN/CEFACT code (none for a count of units)."""
	element = {"epcClass": identifiers.lot_class(lot.item, lot.name, lot.gtin), "quantity": abs(float(qty))}
	code = uom_codes.get(lot.uom or "")
	if code:
		element["uom"] = code
	return element


def movement_events(
	moves: Iterable[Move],
	lots: Mapping[str, EventLot],
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
		quantity_element(identifiers, lots.get(lot) or EventLot(lot, lot), qty, master.uom_codes)
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
	lots: Mapping[str, EventLot],
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
				(lots.get(row.lot) or EventLot(row.lot, row.lot) for row in rows), key=lambda lot: lot.name
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
	events: Iterable[dict], identifiers: Identifiers, lots: Mapping[str, EventLot]
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
