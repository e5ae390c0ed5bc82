"""EPCIS 2.0's vocabulary as the app uses it (pure): CBV dispositions, units and business transaction
types, how lots, places, parties and documents are named (`Identifiers`), and the lots, status changes
and master data an export reads."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote

from lot_traceability.traceability.gs1 import Gs1Error, normalize_gtin
from lot_traceability.traceability.movements import (
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
	return _quoted(str(text))


@lru_cache(maxsize=65536)
def _quoted(text: str) -> str:
	"""A URI path segment; each name quoted once (a document names the same places, parties and
	lots in thousands of events)."""
	return quote(text, safe="")


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
class EventLot:
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
