"""Shipments read from a sheet of FSMA 204 shipping KDEs (pure): its columns recognised by their headers,
each row a lot shipped."""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from lot_traceability.traceability.announcements.model import (
	AnnouncedLot,
	AnnouncementError,
	Shipment,
	parse_date,
)
from lot_traceability.traceability.gs1 import Gs1Error, normalize_gtin

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
