"""A supplier's shipment as announced (pure): the lots, the shipment, and the identifiers and dates they
are read from (LGTIN lot classes, party GLNs, ISO dates)."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote, urlparse

from lot_traceability.traceability.gs1 import Gs1Error, gtin_check_digit, normalize_gtin

SHIPPING_STEPS = frozenset(
	{"shipping", "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping"}
)
EXPIRY_KEYS = ("cbvmda:itemExpirationDate", "cbvmda:bestBeforeDate")
PRODUCTION_KEYS = ("cbvmda:productionDate", "cbvmda:packDate")
PO_TYPES = frozenset({"po", "urn:epcglobal:cbv:btt:po", "https://ref.gs1.org/cbv/BTT-po"})
DESADV_TYPES = frozenset({"desadv", "urn:epcglobal:cbv:btt:desadv", "https://ref.gs1.org/cbv/BTT-desadv"})
OWNING_PARTY = frozenset(
	{"owning_party", "urn:epcglobal:cbv:sdt:owning_party", "https://ref.gs1.org/cbv/SDT-owning_party"}
)


class AnnouncementError(ValueError):
	"""A document the schema allows but that announces nothing the app can read (the message says
	which event and why)."""


@dataclass(frozen=True)
class AnnouncedLot:
	"""One lot of a shipment: what the supplier says about it."""

	supplier_lot_no: str
	qty: float | None
	uom: str | None = None  # UN/CEFACT code, or the sheet's unit
	gtin: str | None = None
	item: str | None = None  # where the identifier names our item (private URI, sheet)
	production_date: date | None = None
	expiry_date: date | None = None
	documents: tuple[str, ...] = ()

	@property
	def date_problem(self) -> str | None:
		"""What is wrong with the lot's dates on their own (an expiry on or before production)."""
		if self.production_date and self.expiry_date and self.expiry_date <= self.production_date:
			return "expiry_not_after_production"
		return None


@dataclass(frozen=True)
class Shipment:
	reference: str  # the event's ID, or the sheet's reference document
	shipped_on: date | None
	lots: tuple[AnnouncedLot, ...]
	purchase_orders: tuple[str, ...] = ()
	despatch_advice: str | None = None
	supplier_gln: str | None = None
	supplier_ref: str | None = None  # the source party as given, when it is not a GLN


# ---------------------------------------------------------------- identifiers


def document_name(uri: str) -> str:
	"""The name a business transaction URI carries: its last path segment (a URN: after the last
	colon), unquoted."""
	text = str(uri).strip().rstrip("/")
	if text.startswith("urn:"):
		return text.rsplit(":", 1)[-1]
	return unquote(text.rsplit("/", 1)[-1])


def _lgtin_gtin(prefix: str, reference: str) -> str:
	"""GTIN-14 of an LGTIN URN's company prefix and indicator + item reference."""
	body = reference[:1] + prefix + reference[1:]
	if len(body) != 13 or not body.isdigit():
		raise AnnouncementError(f"the class {prefix}.{reference} is not a GTIN")
	return body + str(gtin_check_digit(body))


def parse_lot_class(uri: str) -> tuple[str | None, str | None, str]:
	"""(GTIN, item, lot) of a class-level identifier: GS1 Digital Link (any resolver) `/01/<gtin>/10/<lot>`,
	`urn:epc:class:lgtin:<prefix>.<indicator+item ref>.<lot>`, or a private `…/lot/<item>/<lot>` URI.
	Raises AnnouncementError when it names no lot."""
	text = str(uri).strip()
	if text.startswith("urn:epc:class:lgtin:"):
		parts = text[len("urn:epc:class:lgtin:") :].split(".", 2)
		if len(parts) != 3 or not parts[2]:
			raise AnnouncementError(f"{text} names no lot")
		return _lgtin_gtin(parts[0], parts[1]), None, unquote(parts[2])
	path = [unquote(part) for part in urlparse(text).path.split("/") if part]
	for index in range(len(path) - 3):
		if path[index] == "01" and path[index + 2] == "10" and path[index + 3]:
			try:
				return normalize_gtin(path[index + 1]), None, path[index + 3]
			except Gs1Error as error:
				raise AnnouncementError(f"{text}: {error}") from error
	if len(path) >= 3 and path[-3] == "lot" and path[-1]:
		return None, path[-2], path[-1]
	raise AnnouncementError(f"{text} names no lot (a GTIN and lot, or an item and lot, are needed)")


def party_gln(uri: str | None) -> str | None:
	"""The GLN of a party or place identifier (Digital Link AI 417 or 414, `urn:epc:id:pgln:` or
	`urn:epc:id:sgln:`), else None."""
	if not uri:
		return None
	text = str(uri).strip()
	for prefix in ("urn:epc:id:pgln:", "urn:epc:id:sgln:"):
		if text.startswith(prefix):
			parts = text[len(prefix) :].split(".")
			digits = "".join(parts[:2])
			if len(digits) == 12 and digits.isdigit():
				return digits + str(gtin_check_digit(digits))
			return None
	match = re.search(r"/(?:417|414)/(\d{13})(?:/|$|\?)", text)
	return match.group(1) if match else None


def parse_date(value: Any) -> date | None:
	"""A date from an ISO date or date-time (an EPCIS `xsd:date`/`dateTime`, a sheet's cell)."""
	if value in (None, ""):
		return None
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	text = str(value).strip()
	try:
		return date.fromisoformat(text[:10])
	except ValueError as error:
		raise AnnouncementError(f"{text!r} is not a date (YYYY-MM-DD)") from error
