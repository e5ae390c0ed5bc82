"""Shipments read from a supplier's EPCIS 2.0 shipping events (pure), with the lots' master data."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lot_traceability.traceability.announcements.model import (
	DESADV_TYPES,
	EXPIRY_KEYS,
	OWNING_PARTY,
	PO_TYPES,
	PRODUCTION_KEYS,
	SHIPPING_STEPS,
	AnnouncedLot,
	AnnouncementError,
	Shipment,
	document_name,
	parse_date,
	parse_lot_class,
	party_gln,
)


def _is_shipping(event: Mapping) -> bool:
	return event.get("type") == "ObjectEvent" and str(event.get("bizStep") or "") in SHIPPING_STEPS


def _first(mapping: Mapping, keys: Sequence[str]) -> Any:
	for key in keys:
		if mapping.get(key) not in (None, ""):
			return mapping[key]
	return None


def _links(value: Any) -> tuple[str, ...]:
	if not value:
		return ()
	values = value if isinstance(value, list) else [value]
	return tuple(str(link) for link in values if link)


def master_data(events: Iterable[Mapping]) -> dict[str, dict]:
	"""Class identifier → the dates and documents the document's ADD events give its lot."""
	found: dict[str, dict] = {}
	for event in events:
		if event.get("action") != "ADD":
			continue
		ilmd = event.get("ilmd") or {}
		documents = _links(event.get("certificationInfo"))
		for element in event.get("quantityList") or []:
			entry = found.setdefault(element.get("epcClass"), {"documents": ()})
			expiry, production = _first(ilmd, EXPIRY_KEYS), _first(ilmd, PRODUCTION_KEYS)
			if expiry:
				entry["expiry_date"] = parse_date(expiry)
			if production:
				entry["production_date"] = parse_date(production)
			entry["documents"] = tuple(dict.fromkeys(entry["documents"] + documents))
	return found


def shipments_from_epcis(document: Mapping) -> list[Shipment]:
	"""The shipments an EPCISDocument announces (one per shipping event). Raises AnnouncementError
	when it holds none, or a shipping event names no lot or no quantity."""
	events = list(((document.get("epcisBody") or {}).get("eventList")) or [])
	masters = master_data(events)
	shipments = []
	for number, event in enumerate(events):
		if not _is_shipping(event):
			continue
		where = f"event {number} ({event.get('eventID') or 'no ID'})"
		elements = event.get("quantityList") or []
		if not elements:
			raise AnnouncementError(f"{where}: a shipping event announces lots in its quantityList")
		lots = []
		for element in elements:
			epc_class = element.get("epcClass")
			try:
				gtin, item, lot = parse_lot_class(epc_class)
			except AnnouncementError as error:
				raise AnnouncementError(f"{where}: {error}") from error
			if element.get("quantity") is None:
				raise AnnouncementError(f"{where}: lot {lot} has no quantity")
			extra = masters.get(epc_class, {})
			lots.append(
				AnnouncedLot(
					supplier_lot_no=lot,
					qty=float(element["quantity"]),
					uom=element.get("uom"),
					gtin=gtin,
					item=item,
					production_date=extra.get("production_date"),
					expiry_date=extra.get("expiry_date"),
					documents=extra.get("documents", ()),
				)
			)
		transactions = event.get("bizTransactionList") or []
		orders = tuple(
			document_name(t["bizTransaction"]) for t in transactions if str(t.get("type") or "") in PO_TYPES
		)
		advice = next(
			(
				document_name(t["bizTransaction"])
				for t in transactions
				if str(t.get("type") or "") in DESADV_TYPES
			),
			None,
		)
		sources = [
			s.get("source") for s in event.get("sourceList") or [] if str(s.get("type") or "") in OWNING_PARTY
		]
		source = sources[0] if sources else None
		shipments.append(
			Shipment(
				reference=str(event.get("eventID") or advice or f"event {number}"),
				shipped_on=parse_date(event.get("eventTime")),
				lots=tuple(lots),
				purchase_orders=tuple(dict.fromkeys(orders)),
				despatch_advice=advice,
				supplier_gln=party_gln(source),
				supplier_ref=source,
			)
		)
	if not shipments:
		raise AnnouncementError("the document holds no shipping event (an ObjectEvent with bizStep shipping)")
	return shipments
