"""Lots announced before they arrive: a supplier's shipment read from its EPCIS 2.0 shipping events
or from a sheet of FSMA 204 shipping KDEs, matched to our items and purchase orders, and reconciled
with what the receipt brought in. Pure: the caller reads the master data and the receipt.

Reading EPCIS. A shipment is an ObjectEvent with the business step `shipping` (the CBV short name or
its URI): its quantityList names the lots (a class-level identifier: GS1 Digital Link GTIN + lot,
`urn:epc:class:lgtin:…`, or a private `…/lot/<item>/<lot>` URI) and their quantities; its
bizTransactionList the purchase order (`po`) and the despatch advice (`desadv`); its sourceList the
supplier (`owning_party`, a party GLN). The schema forbids instance master data on a shipping event
(ILMD only with action ADD), so a lot's dates and certificates come from the supplier's ADD event of
the same lot in the same document (commissioning or packing): `cbvmda:itemExpirationDate` (else
`cbvmda:bestBeforeDate`) and `cbvmda:productionDate` (else `cbvmda:packDate`) from its `ilmd`, and
its `certificationInfo` links.

Reconciling. Announced and received lots are matched on (item, supplier lot no) — the lot number
compared without surrounding blanks and case. Each announced lot is either received or not received;
each received lot announced or not; a matched lot whose quantity differs by more than the tolerance,
or whose production or expiry date differs where both are known, has one difference each.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
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


# ---------------------------------------------------------------- EPCIS


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


# ---------------------------------------------------------------- FSMA 204 shipping KDEs (a sheet)

# column → the headers that name it (compared without case, blanks and punctuation)
SHEET_COLUMNS = {
	"lot": ("Traceability Lot Code", "TLC", "Supplier Lot No", "Lot"),
	"product": ("GTIN", "Item Code", "Product", "Product Description"),
	"qty": ("Quantity",),
	"uom": ("Unit of Measure", "UOM", "Unit"),
	"shipped_on": ("Ship Date", "Date Shipped", "Shipping Date"),
	"reference": ("Reference Document Number", "Reference Document", "Despatch Advice"),
	"purchase_order": ("Purchase Order", "PO Number", "PO"),
	"production_date": ("Production Date", "Packing Date", "Pack Date"),
	"expiry_date": ("Expiry Date", "Expiration Date", "Best Before Date"),
	"documents": ("Certificate", "Certificates", "Documents"),
}
REQUIRED_COLUMNS = ("lot", "product", "qty", "shipped_on")


def _key(header: Any) -> str:
	return re.sub(r"[^a-z0-9]", "", str(header or "").lower())


def sheet_columns(headers: Sequence[Any]) -> dict[str, int]:
	"""Column → its index in the header row. Raises AnnouncementError naming the columns missing."""
	wanted = {_key(name): column for column, names in SHEET_COLUMNS.items() for name in names}
	found: dict[str, int] = {}
	for index, header in enumerate(headers):
		column = wanted.get(_key(header))
		if column and column not in found:
			found[column] = index
	missing = [SHEET_COLUMNS[column][0] for column in REQUIRED_COLUMNS if column not in found]
	if missing:
		raise AnnouncementError(f"the sheet has no column {', '.join(missing)}")
	return found


def _quantity(value: Any, where: str) -> float:
	try:
		qty = float(str(value).strip())
	except (TypeError, ValueError) as error:
		raise AnnouncementError(f"{where}: quantity {value!r} is not a number") from error
	if qty <= 0:
		raise AnnouncementError(f"{where}: quantity {value!r} is not positive")
	return qty


def shipments_from_sheet(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> list[Shipment]:
	"""The shipments of a sheet of FSMA 204 shipping KDEs, one row a lot; rows sharing a reference
	document (else a purchase order and ship date) are one shipment. A product that is a valid GTIN
	is one; anything else is taken as the item code. Blank rows are skipped."""
	columns = sheet_columns(headers)

	def cell(row, column):
		index = columns.get(column)
		value = row[index] if index is not None and index < len(row) else None
		return value.strip() if isinstance(value, str) else value

	groups: dict[tuple, list[AnnouncedLot]] = {}
	meta: dict[tuple, dict] = {}
	for number, row in enumerate(rows, start=2):
		if not any(value not in (None, "") for value in row):
			continue
		where = f"row {number}"
		lot, product = cell(row, "lot"), cell(row, "product")
		if lot in (None, "") or product in (None, ""):
			raise AnnouncementError(f"{where}: a lot code and a product are needed")
		try:
			gtin, item = normalize_gtin(str(product)), None
		except Gs1Error:
			gtin, item = None, str(product)
		try:
			shipped_on = parse_date(cell(row, "shipped_on"))
			production, expiry = (
				parse_date(cell(row, "production_date")),
				parse_date(cell(row, "expiry_date")),
			)
		except AnnouncementError as error:
			raise AnnouncementError(f"{where}: {error}") from error
		if not shipped_on:
			raise AnnouncementError(f"{where}: the ship date is needed")
		reference = str(cell(row, "reference") or "")
		order = str(cell(row, "purchase_order") or "")
		key = (reference,) if reference else ("", order, shipped_on)
		documents = tuple(link for link in re.split(r"[\s,;]+", str(cell(row, "documents") or "")) if link)
		groups.setdefault(key, []).append(
			AnnouncedLot(
				supplier_lot_no=str(lot),
				qty=_quantity(cell(row, "qty"), where),
				uom=str(cell(row, "uom") or "") or None,
				gtin=gtin,
				item=item,
				production_date=production,
				expiry_date=expiry,
				documents=documents,
			)
		)
		entry = meta.setdefault(key, {"orders": [], "shipped_on": shipped_on, "reference": reference})
		if order and order not in entry["orders"]:
			entry["orders"].append(order)
	if not groups:
		raise AnnouncementError("the sheet has no lot rows")
	return [
		Shipment(
			reference=entry["reference"] or f"{', '.join(entry['orders']) or 'sheet'} {entry['shipped_on']}",
			shipped_on=entry["shipped_on"],
			lots=tuple(groups[key]),
			purchase_orders=tuple(entry["orders"]),
			despatch_advice=entry["reference"] or None,
		)
		for key, entry in meta.items()
	]


# ---------------------------------------------------------------- matching


def match_purchase_order(references: Iterable[str], orders: Mapping[str, str]) -> str | None:
	"""The purchase order a shipment names, among the supplier's open orders (name → supplier's own
	reference, if any): by our name, else by the order's supplier reference. None if none or several."""
	references = [ref for ref in references if ref]
	for by in (lambda name, _ref: name, lambda _name, ref: ref):
		found = {
			name
			for name, ref in orders.items()
			for wanted in references
			if wanted and by(name, ref) == wanted
		}
		if len(found) == 1:
			return found.pop()
		if len(found) > 1:
			return None
	return None


# ---------------------------------------------------------------- reconciling


class Finding(str, Enum):
	NOT_ANNOUNCED = "Not Announced"
	NOT_RECEIVED = "Not Received"
	QUANTITY = "Quantity Difference"
	PRODUCTION_DATE = "Production Date Difference"
	EXPIRY_DATE = "Expiry Date Difference"


@dataclass(frozen=True)
class Line:
	"""An announced or received lot, in our terms: item, supplier lot no, stock quantity, dates; a
	received one also names its lot (Batch) and receipt row."""

	item: str
	supplier_lot_no: str | None
	qty: float = 0.0
	production_date: date | None = None
	expiry_date: date | None = None
	lot: str | None = None
	row: str | None = None


@dataclass(frozen=True)
class Discrepancy:
	finding: Finding
	item: str
	supplier_lot_no: str | None
	announced: Any = None
	received: Any = None
	lot: str | None = None
	row: str | None = None
	extra: dict = field(default_factory=dict, compare=False, hash=False)


def lot_key(item: str, supplier_lot_no: str | None) -> tuple[str, str]:
	return (item, (supplier_lot_no or "").strip().casefold())


def _merge(lines: Iterable[Line]) -> dict[tuple[str, str], Line]:
	"""One line per key: quantities summed; dates, lot and row of the first line that has them."""
	merged: dict[tuple[str, str], Line] = {}
	for line in lines:
		key = lot_key(line.item, line.supplier_lot_no)
		before = merged.get(key)
		if before is None:
			merged[key] = line
			continue
		merged[key] = Line(
			item=before.item,
			supplier_lot_no=before.supplier_lot_no,
			qty=before.qty + line.qty,
			production_date=before.production_date or line.production_date,
			expiry_date=before.expiry_date or line.expiry_date,
			lot=before.lot or line.lot,
			row=before.row or line.row,
		)
	return merged


def quantity_differs(announced: float, received: float, tolerance_pct: float = 0.0) -> bool:
	"""Whether a received quantity is off its announcement by more than the tolerance (% of the
	announced quantity; a rounding hair is never a difference)."""
	allowed = max(abs(announced) * max(tolerance_pct, 0.0) / 100.0, 1e-6)
	return abs(received - announced) > allowed


def reconcile(
	announced: Iterable[Line], received: Iterable[Line], tolerance_pct: float = 0.0
) -> list[Discrepancy]:
	"""What differs between an announcement and a receipt, in a stable order (kind, item, lot no)."""
	wanted, got = _merge(announced), _merge(received)
	found: list[Discrepancy] = []
	for key, line in wanted.items():
		if key not in got:
			found.append(
				Discrepancy(Finding.NOT_RECEIVED, line.item, line.supplier_lot_no, announced=line.qty)
			)
	for key, line in got.items():
		expected = wanted.get(key)
		if expected is None:
			found.append(
				Discrepancy(
					Finding.NOT_ANNOUNCED,
					line.item,
					line.supplier_lot_no,
					received=line.qty,
					lot=line.lot,
					row=line.row,
				)
			)
			continue
		common = {
			"item": line.item,
			"supplier_lot_no": line.supplier_lot_no,
			"lot": line.lot,
			"row": line.row,
		}
		if quantity_differs(expected.qty, line.qty, tolerance_pct):
			found.append(Discrepancy(Finding.QUANTITY, announced=expected.qty, received=line.qty, **common))
		for kind, attribute in (
			(Finding.PRODUCTION_DATE, "production_date"),
			(Finding.EXPIRY_DATE, "expiry_date"),
		):
			said, seen = getattr(expected, attribute), getattr(line, attribute)
			if said and seen and said != seen:
				found.append(Discrepancy(kind, announced=said, received=seen, **common))
	order = list(Finding)
	found.sort(key=lambda d: (order.index(d.finding), d.item, lot_key(d.item, d.supplier_lot_no)[1]))
	return found


def lots_to_hold(discrepancies: Iterable[Discrepancy]) -> list[str]:
	"""The received lots a discrepancy concerns (those a Lot Rule may hold), each once, sorted."""
	return sorted({d.lot for d in discrepancies if d.lot and d.finding is not Finding.NOT_RECEIVED})
