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

The vocabulary and the inputs are in `model`, which event each movement is in `kinds`, the events
and the document built in `events`; every name is importable from here.
"""

from lot_traceability.traceability.epcis.events import (
	document,
	event_time,
	lot_quantities,
	movement_events,
	quantity_element,
	status_events,
)
from lot_traceability.traceability.epcis.kinds import (
	KNOWN_VOUCHERS,
	STOCK_ENTRY_PURPOSES,
	Kind,
	RowKind,
	kind_of,
	row_kinds,
	status_sources,
	status_step,
)
from lot_traceability.traceability.epcis.model import (
	ADD,
	BIZ_TRANSACTION_TYPES,
	CONTEXT,
	COUNT_UNITS,
	DEFAULT_DISPOSITIONS,
	DEFAULT_RESOLVER,
	DEFAULT_UOM_CODES,
	DELETE,
	DISPOSITIONS,
	OBJECT_EVENT,
	OBSERVE,
	SCHEMA_VERSION,
	TRANSFORMATION_EVENT,
	EpcisError,
	EventLot,
	Identifiers,
	MasterData,
	Move,
	StatusChange,
	is_valid_gln,
)

__all__ = [
	"ADD",
	"BIZ_TRANSACTION_TYPES",
	"CONTEXT",
	"COUNT_UNITS",
	"DEFAULT_DISPOSITIONS",
	"DEFAULT_RESOLVER",
	"DEFAULT_UOM_CODES",
	"DELETE",
	"DISPOSITIONS",
	"KNOWN_VOUCHERS",
	"OBJECT_EVENT",
	"OBSERVE",
	"SCHEMA_VERSION",
	"STOCK_ENTRY_PURPOSES",
	"TRANSFORMATION_EVENT",
	"EpcisError",
	"EventLot",
	"Identifiers",
	"Kind",
	"MasterData",
	"Move",
	"RowKind",
	"StatusChange",
	"document",
	"event_time",
	"is_valid_gln",
	"kind_of",
	"lot_quantities",
	"movement_events",
	"quantity_element",
	"row_kinds",
	"status_events",
	"status_sources",
	"status_step",
]
