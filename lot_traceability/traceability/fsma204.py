"""The FDA Food Traceability Rule (FSMA 204, 21 CFR 1 Subpart S): which lots it covers, which lot
movements are its Critical Tracking Events, and the rows of the electronic sortable spreadsheet —
one row per event and lot, with the Key Data Elements the rule names (§ 1.1340 shipping, § 1.1345
receiving, § 1.1350 transformation) and a column that names every KDE the records lack.

Pure: the caller reads the lot ledger, the lots and the places; this module decides.

- A lot is covered when its item is on the Food Traceability List, or when it was made from a
  covered lot and its item does not break the chain (an item made with a kill step, § 1.1305(d)).
- Receiving: a receipt from a supplier (or one of our companies), a customer return, the arriving
  side of a transfer between two of our sites, a lot taken into stock without a receipt (its
  previous source is then missing). Shipping: a delivery, a return to the supplier, the leaving
  side of a transfer between two sites. Transformation: production, repacking, disassembly — one
  row per lot used (input) and per lot made (output), grouped by the event ID.
- The traceability lot code of a received lot is the code its supplier assigned (the supplier lot
  no); of a lot we made, the lot's own number. The TLC source is where that code was assigned.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from lot_traceability.traceability.movements import (
	PRODUCTION_PURPOSES,
	RECEIVING_VOUCHERS,
	SELLING_VOUCHERS,
	LedgerMove,
)

RECEIVING, SHIPPING, TRANSFORMATION = "Receiving", "Shipping", "Transformation"
INPUT, OUTPUT = "input", "output"
TRANSFER_PURPOSES = frozenset(
	{"Material Transfer", "Material Transfer for Manufacture", "Send to Subcontractor"}
)
TRANSFORMING_PURPOSES = PRODUCTION_PURPOSES | {"Material Consumption for Manufacture"}
DOMESTIC = "United States"

# The spreadsheet's columns, in order: (key, header, type). Types: "text", "date", "number".
COLUMNS = (
	("cte", "Critical Tracking Event", "text"),
	("event_date", "Event Date", "date"),
	("tlc", "Traceability Lot Code", "text"),
	("product", "Product Description", "text"),
	("quantity", "Quantity", "number"),
	("uom", "Unit of Measure", "text"),
	("location", "Location Description (Where the Event Occurred)", "text"),
	("previous_source", "Immediate Previous Source", "text"),
	("subsequent_recipient", "Immediate Subsequent Recipient", "text"),
	("tlc_source", "Traceability Lot Code Source", "text"),
	("tlc_source_reference", "Traceability Lot Code Source Reference", "text"),
	("reference_document_type", "Reference Document Type", "text"),
	("reference_document_number", "Reference Document Number", "text"),
	("event_id", "Event ID", "text"),
	("role", "Role in Transformation", "text"),
	("lot", "Internal Lot", "text"),
	("item", "Item Code", "text"),
	("company", "Company", "text"),
	("coverage", "Food Traceability List", "text"),
	("missing", "Missing KDEs", "text"),
)
HEADERS = tuple(header for _key, header, _type in COLUMNS)


# ---------------------------------------------------------------- coverage


def covered_lots(
	lot_items: Mapping[str, str],
	parents: Mapping[str, Iterable[str]],
	listed_items: Iterable[str],
	chain_breaking_items: Iterable[str] = (),
) -> dict[str, str]:
	"""Lot → why the rule covers it ("listed", or "made from <lot>"), for every covered lot of
	`lot_items` (lot → item). `parents`: lot → the lots it was made from (every ancestor the caller
	read must be in `lot_items`). A lot of a chain-breaking item is covered only when its own item is
	listed."""
	listed, breaking = set(listed_items), set(chain_breaking_items)
	children: dict[str, list[str]] = {}
	for child, lot_parents in parents.items():
		for parent in lot_parents:
			children.setdefault(parent, []).append(child)
	found = {lot: "listed" for lot, item in sorted(lot_items.items()) if item in listed}
	reached = sorted(found)
	while reached:  # breadth first from the listed lots down to what was made from them
		following = []
		for parent in reached:
			for child in sorted(children.get(parent, ())):
				if child not in found and child in lot_items and lot_items[child] not in breaking:
					found[child] = f"made from {parent}"
					following.append(child)
		reached = following
	return found


# ---------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
	"""A location description as the rule asks it: business name, phone number, physical address,
	city, state and ZIP code (comparable information abroad), country; and, where known, a
	reference to it (a GLN)."""

	business: str | None = None
	address: str | None = None
	city: str | None = None
	state: str | None = None
	postal_code: str | None = None
	country: str | None = None
	phone: str | None = None
	reference: str | None = None

	def description(self) -> str:
		locality = " ".join(part for part in (self.state, self.postal_code) if part)
		parts = [self.business, self.address, self.city, locality, self.country]
		text = ", ".join(part.strip() for part in parts if part and part.strip())
		if self.phone:
			text = f"{text}, tel. {self.phone.strip()}" if text else f"tel. {self.phone.strip()}"
		return text

	def missing(self) -> list[str]:
		"""The parts of the description the records lack."""
		wanted = [
			("business name", self.business),
			("phone number", self.phone),
			("address", self.address),
			("city", self.city),
			("postal code", self.postal_code),
			("country", self.country),
		]
		if (self.country or "") == DOMESTIC:
			wanted.insert(4, ("state", self.state))
		return [name for name, value in wanted if not (value and str(value).strip())]

	def site(self) -> tuple:
		"""What makes two places one site: the same address, city and country (the business aside)."""
		return tuple((value or "").strip().lower() for value in (self.address, self.city, self.country))


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class TracedLot:
	"""A lot with what names it in the spreadsheet."""

	name: str
	item: str
	product: str  # the product description: name, brand, packaging …
	uom: str | None = None
	supplier: str | None = None  # received from a supplier: its code is the traceability lot code
	supplier_lot_no: str | None = None
	tlc_source: Place | None = None
	tlc_source_reference: str | None = None

	def tlc(self) -> str:
		return (self.supplier_lot_no or "").strip() or self.name


Movement = LedgerMove  # one lot ledger row (or the rows of one lot, document, warehouse and direction)


@dataclass
class Places:
	"""The places the rows name: each warehouse's, and each document's other party's (a supplier's
	or customer's address on it) and its own ship-from address where it has one."""

	warehouses: Mapping[str, Place] = field(default_factory=dict)
	parties: Mapping[tuple[str, str], Place] = field(default_factory=dict)
	ship_from: Mapping[tuple[str, str], Place] = field(default_factory=dict)


# ---------------------------------------------------------------- events


def cte_of(move: Movement, transfer_between_sites: bool = False) -> tuple[str, str | None] | None:
	"""(event, role) of a lot ledger row — role is a transformation's input or output — or None when
	the row is no Critical Tracking Event (a write-off, a count, a move within one site)."""
	inward = move.qty > 0
	voucher, purpose = move.voucher_type, move.purpose
	if voucher == "Subcontracting Receipt" and not inward:  # what the subcontractor used
		return TRANSFORMATION, INPUT
	if voucher in RECEIVING_VOUCHERS:
		return (RECEIVING, None) if inward else (SHIPPING, None)
	if voucher in SELLING_VOUCHERS:
		return (RECEIVING, None) if inward else (SHIPPING, None)
	if voucher == "Stock Entry":
		if purpose in TRANSFORMING_PURPOSES:
			return TRANSFORMATION, OUTPUT if inward else INPUT
		if purpose == "Material Receipt" and inward:
			return RECEIVING, None
		if purpose in TRANSFER_PURPOSES and transfer_between_sites:
			return (RECEIVING, None) if inward else (SHIPPING, None)
	return None


def _place_of_warehouse(places: Places, warehouse: str | None) -> Place | None:
	return places.warehouses.get(warehouse) if warehouse else None


def _sites_crossed(moves: list[Movement], places: Places) -> set[tuple[str, str]]:
	"""The (document, lot) pairs of stock entries that move a lot between two different sites."""
	sides: dict[tuple[str, str], tuple[set, set]] = {}
	for move in moves:
		if move.voucher_type != "Stock Entry" or move.purpose not in TRANSFER_PURPOSES:
			continue
		place = _place_of_warehouse(places, move.warehouse)
		site = place.site() if place else ("", "", "")
		outs, ins = sides.setdefault((move.voucher_no, move.lot), (set(), set()))
		(ins if move.qty > 0 else outs).add(site)
	return {key for key, (outs, ins) in sides.items() if outs and ins and outs != ins}


def _ends(moves: list[Movement]) -> dict[tuple, str | None]:
	"""(document type, document, lot, inward) → the first warehouse of a stock entry's side."""
	ends: dict[tuple, str | None] = {}
	for move in moves:
		if move.voucher_type == "Stock Entry":
			ends.setdefault((move.voucher_type, move.voucher_no, move.lot, move.qty > 0), move.warehouse)
	return ends


def spreadsheet_rows(
	moves: Iterable[Movement],
	lots: Mapping[str, TracedLot],
	places: Places,
	coverage: Mapping[str, str],
) -> list[dict]:
	"""The spreadsheet's rows (dicts keyed by the COLUMNS' keys) of these movements of covered lots,
	one per event and lot, in time order. Quantities are positive; a transformation's lots are one
	row each, grouped by its event ID."""
	moves = [move for move in moves if move.qty and move.lot in coverage]
	crossed = _sites_crossed(moves, places)
	totals: dict[tuple, list] = {}
	for move in moves:
		cte = cte_of(move, (move.voucher_no, move.lot) in crossed)
		if cte is None:
			continue
		key = (move.voucher_type, move.voucher_no, move.lot, cte, move.warehouse or "")
		if key in totals:
			totals[key][1] += abs(move.qty)
			totals[key][0] = min(totals[key][0], move, key=lambda m: _as_datetime(m.posted))
		else:
			totals[key] = [move, float(abs(move.qty))]
	ends = _ends(moves)
	# each place described once: they repeat by the thousand
	said: dict[Place, tuple[str, tuple[str, ...]]] = {}
	rows = [
		_row(move, qty, cte, lots, places, coverage, ends, said)
		for (*_k, cte, _w), (move, qty) in totals.items()
	]
	rows.sort(
		key=lambda row: (
			row["event_date"] or date.min,
			row["reference_document_type"],
			row["reference_document_number"],
			row["cte"],
			row["role"],
			row["lot"],
		)
	)
	return rows


def _as_datetime(value) -> datetime:
	return value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())


def _row(move, qty, cte, lots, places, coverage, ends, said) -> dict:
	event, role = cte
	lot = lots.get(move.lot) or TracedLot(move.lot, move.lot, move.lot)
	missing: list[str] = []
	here = _place_of_warehouse(places, move.warehouse)
	previous = recipient = None
	if event in (SHIPPING, RECEIVING):
		# the other end: a stock entry's other warehouse, else the document's party
		if move.voucher_type == "Stock Entry":
			other = _said(_other_end(move, places, ends), said)
		else:
			other = _said(places.parties.get((move.voucher_type, move.voucher_no)), said)
		if event == SHIPPING:
			here = places.ship_from.get((move.voucher_type, move.voucher_no)) or here
			recipient = other
			_need(recipient, "immediate subsequent recipient", missing)
		else:
			previous = other
			_need(previous, "immediate previous source", missing)
	here = _said(here, said)
	_need(here, "location description", missing)
	tlc_source = _said(lot.tlc_source, said)
	if not (tlc_source or lot.tlc_source_reference):
		missing.append("traceability lot code source")
	elif tlc_source and not lot.tlc_source_reference:
		_need(tlc_source, "traceability lot code source", missing)
	if lot.supplier and not (lot.supplier_lot_no or "").strip():
		missing.append("traceability lot code (the supplier's lot code is not recorded)")
	if not lot.uom:
		missing.append("unit of measure")
	return {
		"cte": event,
		"event_date": _as_datetime(move.posted).date(),
		"tlc": lot.tlc(),
		"product": lot.product,
		"quantity": qty,
		"uom": lot.uom or "",
		"location": here[1] if here else "",
		"previous_source": previous[1] if previous else "",
		"subsequent_recipient": recipient[1] if recipient else "",
		"tlc_source": tlc_source[1] if tlc_source else "",
		"tlc_source_reference": lot.tlc_source_reference or "",
		"reference_document_type": move.voucher_type,
		"reference_document_number": move.voucher_no,
		"event_id": (move.work_order or move.voucher_no) if event == TRANSFORMATION else move.voucher_no,
		"role": role or "",
		"lot": lot.name,
		"item": lot.item,
		"company": move.company or "",
		"coverage": coverage.get(move.lot, ""),
		"missing": "; ".join(missing),
	}


def _other_end(move, places: Places, ends) -> Place | None:
	"""The place a stock entry's lot came from (going in) or went to (going out)."""
	return _place_of_warehouse(
		places, ends.get((move.voucher_type, move.voucher_no, move.lot, move.qty <= 0))
	)


def _said(place: Place | None, said: dict) -> tuple[Place, str, str] | None:
	"""(the place, its description, the parts it lacks in words) — None for no place —, each made
	once per spreadsheet (`said`). Kept by the place's identity, not its value: a spreadsheet's places
	come from its records, one object each, and repeat by the thousand (hashing a place's eight
	fields at every row cost more than describing it once). The place is held in `said`, so its
	identity is not reused while the spreadsheet is made."""
	if place is None:
		return None
	found = said.get(id(place))
	if found is None:
		found = said[id(place)] = (place, place.description(), ", ".join(place.missing()))
	return found


def _need(said: tuple[Place, str, str] | None, what: str, missing: list[str]) -> None:
	"""Adds what a row lacks: the place itself (`what`), or the parts of its description."""
	if said is None:
		missing.append(what)
	elif said[2]:
		missing.append(f"{what}: {said[2]}")


def table(rows: Iterable[Mapping]) -> list[list]:
	"""The spreadsheet as a header row and one list per row, typed (dates as dates, quantities as
	numbers)."""
	return [list(HEADERS)] + [[row[key] for key, _header, _type in COLUMNS] for row in rows]


def quantities(rows: Iterable[Mapping]) -> dict[tuple[str, str, str, str], float]:
	"""(lot, event, role, reference document number) → quantity: the spreadsheet's own account, to
	hold against the ledger's."""
	totals: dict[tuple[str, str, str, str], float] = {}
	for row in rows:
		key = (row["lot"], row["cte"], row["role"], row["reference_document_number"])
		totals[key] = totals.get(key, 0.0) + float(row["quantity"])
	return totals
