"""Lots announced before they arrive (rules: `traceability.announcements`).

Capture: a supplier's EPCIS 2.0 document (held to GS1's schemas first; where the schemas are not
installed the capture is refused, never taken unchecked) or a sheet of FSMA 204 shipping KDEs
becomes one Lot Announcement per shipment. Nothing is stored unless every shipment of the document
reads: the supplier, company, items and units are all resolved before the first insert.

Receipt: *Create → Purchase Receipt* maps an announcement's lots to receipt rows (supplier lot no,
dates, quantities, the matched order's rows). When a receipt of an announcement is submitted, what
all its submitted receipts brought in is reconciled with what was announced; the findings are
stored on the announcement, and lots whose Lot Rule names an announcement mismatch status are held
in it."""

import json
import os
from pathlib import Path

import frappe
from erpnext import get_default_company
from frappe import _
from frappe.utils import flt

from lot_traceability import access
from lot_traceability.messages import bold, esc
from lot_traceability.queries import announcements as q
from lot_traceability.traceability import announcements as core

MAX_CAPTURE_BYTES = 2 * 1024 * 1024  # one request's document or sheet
MAX_EVENTS = 1000
MAX_LOTS = 500  # lots of one capture, all shipments together
MAX_LISTED = 10  # schema errors quoted in a refusal
SCHEMAS_ENV = "LOT_TRACEABILITY_EPCIS_SCHEMAS"
SCHEMAS_CONF = "lot_traceability_epcis_schemas"


class AnnouncementError(frappe.ValidationError):
	pass


class EpcisSchemaError(frappe.ValidationError):
	pass


class CaptureTooLargeError(frappe.ValidationError):
	http_status_code = 413


class EpcisSchemasMissingError(frappe.ValidationError):
	pass


# ---------------------------------------------------------------- capture


def check_size(size: int) -> None:
	if size > MAX_CAPTURE_BYTES:
		frappe.throw(
			_(
				"The document is {0} bytes; a capture takes at most {1}. Send its shipments in several."
			).format(esc(size), MAX_CAPTURE_BYTES),
			CaptureTooLargeError,
			title=_("Too Large"),
		)


def schema_folder() -> Path | None:
	"""Where GS1's EPCIS 2.0 JSON schemas are: the site config's `lot_traceability_epcis_schemas`,
	else the environment's LOT_TRACEABILITY_EPCIS_SCHEMAS (None: not installed)."""
	for value in (frappe.conf.get(SCHEMAS_CONF), os.environ.get(SCHEMAS_ENV)):
		if value and (Path(value) / "EPCISDocument.schema.json").is_file():
			return Path(value)
	return None


def parse_document(document) -> dict:
	if isinstance(document, bytes):
		document = document.decode("utf-8", errors="replace")
	if isinstance(document, str):
		check_size(len(document.encode()))
		try:
			document = json.loads(document)
		except ValueError as error:
			frappe.throw(
				_("The EPCIS document is not JSON: {0}").format(esc(error)),
				EpcisSchemaError,
				title=_("Refused"),
			)
	if not isinstance(document, dict):
		frappe.throw(_("An EPCIS capture takes one EPCISDocument (a JSON object)."), EpcisSchemaError)
	return document


def check_epcis(document: dict) -> None:
	"""Hold the document to GS1's EPCIS 2.0 schemas; refuse it with the schemas' reasons."""
	from lot_traceability.exports.epcis_schema import validate

	folder = schema_folder()
	if folder is None:
		frappe.throw(
			_(
				"EPCIS capture is not available on this site: GS1's EPCIS 2.0 JSON schemas are not installed, and an unchecked document is not taken. Set {0} in the site config to their folder."
			).format(bold(SCHEMAS_CONF)),
			EpcisSchemasMissingError,
			title=_("EPCIS Schemas Missing"),
		)
	events = ((document.get("epcisBody") or {}).get("eventList")) or []
	if isinstance(events, list) and len(events) > MAX_EVENTS:
		frappe.throw(
			_("The document holds {0} events; a capture takes at most {1}.").format(len(events), MAX_EVENTS),
			AnnouncementError,
		)
	errors = validate(document, folder)
	if errors:
		more = _(" (and {0} more)").format(len(errors) - MAX_LISTED) if len(errors) > MAX_LISTED else ""
		frappe.throw(
			_(
				"The EPCIS document does not follow GS1's EPCIS 2.0 schema: {0}{1}. Nothing was stored."
			).format(esc("; ".join(shortened(error) for error in errors[:MAX_LISTED])), esc(more)),
			EpcisSchemaError,
			title=_("Refused"),
		)


def shortened(error: str, length: int = 240) -> str:
	"""A schema error without the whole offending event quoted (an event that fits none of its
	schemas is printed in full by the validator)."""
	return error if len(error) <= length else error[: length - 1] + "…"


def capture_epcis(document, company: str | None = None, supplier: str | None = None) -> list[str]:
	"""The announcements an EPCIS document makes (existing ones for shipping events captured before)."""
	document = parse_document(document)
	check_epcis(document)
	try:
		shipments = core.shipments_from_epcis(document)
	except core.AnnouncementError as error:
		frappe.throw(_("The EPCIS document announces no lots: {0}").format(esc(error)), AnnouncementError)
	return store(shipments, company, supplier, "EPCIS")


def capture_sheet(content: bytes, company: str | None = None, supplier: str | None = None) -> list[str]:
	"""The announcements of an .xlsx sheet of shipping KDEs (first sheet, header in the first row;
	cells read as their stored values, formulas never evaluated)."""
	from io import BytesIO

	from openpyxl import load_workbook

	check_size(len(content))
	try:
		book = load_workbook(BytesIO(content), read_only=True, data_only=False)
	except Exception as error:
		frappe.throw(_("The file is not an .xlsx workbook: {0}").format(esc(error)), AnnouncementError)
	sheet = book.worksheets[0]
	rows = [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_LOTS + 2)]
	book.close()
	if not rows:
		frappe.throw(_("The sheet is empty."), AnnouncementError)
	for idx, row in enumerate(rows[1:], start=2):
		for value in row:
			if isinstance(value, str) and value.startswith("="):
				frappe.throw(
					_("Row {0} holds a formula ({1}); the sheet must hold values only.").format(
						idx, bold(value[:40])
					),
					AnnouncementError,
				)
	try:
		shipments = core.shipments_from_sheet(rows[0], rows[1:])
	except core.AnnouncementError as error:
		frappe.throw(_("The sheet announces no lots: {0}").format(esc(error)), AnnouncementError)
	return store(shipments, company, supplier, "Spreadsheet")


def store(shipments, company, supplier, source: str) -> list[str]:
	if sum(len(shipment.lots) for shipment in shipments) > MAX_LOTS:
		frappe.throw(_("A capture announces at most {0} lots.").format(MAX_LOTS), AnnouncementError)
	built = [build(shipment, company, supplier, source) for shipment in shipments]
	names = []
	for doc in built:
		if isinstance(doc, str):
			names.append(doc)  # captured before
			continue
		doc.insert()
		names.append(doc.name)
	return names


def resolve_supplier(shipment, supplier, order) -> str:
	if supplier:
		if not frappe.db.exists("Supplier", supplier):
			frappe.throw(_("Supplier {0} does not exist.").format(bold(supplier)), frappe.DoesNotExistError)
		return supplier
	found = q.get_supplier_by_gln(shipment.supplier_gln) or (order and order.supplier)
	if not found:
		frappe.throw(
			_(
				"Shipment {0}: its supplier ({1}) is no supplier of ours by GLN, and it names no purchase order of ours. Give the supplier."
			).format(bold(shipment.reference), bold(shipment.supplier_ref or _("not given"))),
			AnnouncementError,
		)
	return found


def build(shipment, company, supplier, source):
	"""An unsaved Lot Announcement of a shipment, or the name of the one made of it before."""
	named = [q.get_purchase_order(ref) for ref in shipment.purchase_orders]
	order = next((row for row in named if row and row.docstatus == 1), None)
	supplier = resolve_supplier(shipment, supplier, order)
	captured = q.get_captured(supplier, [shipment.reference])
	if captured:
		return captured[shipment.reference]
	company = company or (order and order.supplier == supplier and order.company) or get_default_company()
	if not company:
		frappe.throw(_("Give the company the shipment is for."), AnnouncementError)
	access.check_company_access(company)
	if not order or order.supplier != supplier or order.company != company:
		order_name = core.match_purchase_order(
			shipment.purchase_orders, q.get_open_purchase_orders(supplier, company)
		)
	else:
		order_name = order.name
	doc = frappe.new_doc("Lot Announcement")
	doc.update(
		{
			"supplier": supplier,
			"company": company,
			"purchase_order": order_name,
			"shipped_on": shipment.shipped_on,
			"despatch_advice": shipment.despatch_advice,
			"source": source,
			"reference": shipment.reference,
		}
	)
	for row in lot_rows(shipment):
		doc.append("lots", row)
	return doc


def lot_rows(shipment) -> list[dict]:
	by_gtin = q.get_items_by_gtin(lot.gtin for lot in shipment.lots)
	items = {}
	for lot in shipment.lots:
		candidates = [lot.item] if lot.item else by_gtin.get(lot.gtin or "", [])
		if len(candidates) != 1:
			frappe.throw(
				_("Shipment {0}, lot {1}: {2}").format(
					bold(shipment.reference),
					bold(lot.supplier_lot_no),
					_("no item of ours carries GTIN {0}.").format(bold(lot.gtin))
					if not candidates
					else _("GTIN {0} is the barcode of several items ({1}).").format(
						bold(lot.gtin), esc(", ".join(candidates))
					),
				),
				AnnouncementError,
			)
		items[lot] = candidates[0]
	units = q.get_item_units(items.values())
	codes = q.get_uoms_by_code()
	rows = []
	for lot in shipment.lots:
		item = items[lot]
		unit = units.get(item)
		if not unit or unit.disabled:
			frappe.throw(
				_("Shipment {0}, lot {1}: item {2} does not exist.").format(
					bold(shipment.reference), bold(lot.supplier_lot_no), bold(item)
				),
				AnnouncementError,
			)
		if not unit.has_batch_no:
			frappe.throw(
				_("Shipment {0}, lot {1}: item {2} is not managed in lots.").format(
					bold(shipment.reference), bold(lot.supplier_lot_no), bold(item)
				),
				AnnouncementError,
			)
		uom = codes.get(lot.uom) or lot.uom if lot.uom else unit.stock_uom
		factor = unit.factors.get(uom)
		if not factor:
			frappe.throw(
				_("Shipment {0}, lot {1}: unit {2} is not a unit of item {3}.").format(
					bold(shipment.reference), bold(lot.supplier_lot_no), bold(lot.uom), bold(item)
				),
				AnnouncementError,
			)
		rows.append(
			{
				"item_code": item,
				"supplier_lot_no": lot.supplier_lot_no,
				"qty": lot.qty,
				"uom": uom,
				"stock_qty": flt(lot.qty) * factor,
				"manufacturing_date": lot.production_date,
				"expiry_date": lot.expiry_date,
				"gtin": lot.gtin,
				"documents": "\n".join(lot.documents),
			}
		)
	return rows
