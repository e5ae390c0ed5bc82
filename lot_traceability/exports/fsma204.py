"""The FSMA 204 electronic sortable spreadsheet of the site's lot records, and the capture of the
Key Data Element ERPNext does not keep: the traceability lot code source (where a lot's code was
assigned), recorded on the lot when a receipt or a production entry brings it into being.

The spreadsheet covers a lot and its trace, a Lot Recall's scope, a product, or a company's (or
every readable company's) dates; only lots the Food Traceability List covers (`traceability.fsma204`),
and only companies whose stock the user may read. Written as .xlsx by XlsxWriter's streaming
(constant-memory) workbook (one header row, dates and quantities typed) or as .csv."""

import csv
import datetime
import decimal
import io

import frappe
from frappe import _
from frappe.utils import formatdate

from lot_traceability.exports.scopes import date_range, readable_companies, recall_lots, restrict, trace_lots
from lot_traceability.messages import bold
from lot_traceability.queries import fsma204 as queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.traceability import fsma204
from lot_traceability.traceability.movements import INTERNAL_TRANSFER, LedgerMove
from lot_traceability.traceability.spreadsheet import safe_row, xlsx_cell

FORMATS = ("xlsx", "csv")
SHEET = "FSMA 204 Records"
RANGE_SHEET = "Range"
# Up to this many rows a spreadsheet is made in memory, each distinct text written once (shared strings;
# about 100 bytes a cell until the file is written, 100 MB at this bound); longer ones are streamed.
IN_MEMORY_ROWS = 50_000
PRODUCTION_PURPOSES = ("Manufacture", "Repack", "Disassemble", "Material Receipt")


# ---------------------------------------------------------------- capture


def record_tlc_sources(doc) -> None:
	"""On submit of a receipt or a production entry: the lots it brought into being that have no
	traceability lot code source yet get one — the supplier's dispatch (else supplier, else primary)
	address for a receipt from a supplier, the warehouse that made or took in the lot otherwise.
	A receipt from one of our own companies or a return changes nothing: the lot has its source."""
	if doc.get("is_return") or doc.get("is_internal_supplier"):
		return
	if doc.doctype == "Stock Entry" and doc.purpose not in PRODUCTION_PURPOSES:
		return
	received = voucher_queries.get_inward_lots_of_voucher(doc.doctype, doc.name)
	lots = queries.get_lots_without_source([entry.batch_no for entry in received])
	if not lots:
		return
	rows = {row.name: row for row in doc.get("items")}
	values = {}
	if doc.doctype == "Stock Entry":
		for entry in received:
			row = rows.get(entry.voucher_detail_no)
			if entry.batch_no in lots and row and row.t_warehouse:
				values[entry.batch_no] = {"tlc_source_warehouse": row.t_warehouse}
	else:
		supplier = queries.get_parties("Supplier", [doc.supplier]).get(doc.supplier) or {}
		address = (
			doc.get("dispatch_address") or doc.get("supplier_address") or supplier.get("primary_address")
		)
		fields = {"tlc_source_address": address, "tlc_source_reference": supplier.get("gln")}
		fields = {key: value for key, value in fields.items() if value}
		if fields:
			values = {lot: fields for lot in lots}
	queries.set_lot_sources(values)


def record_tlc_sources_from_ledger(lots, chunk: int = 5000) -> int:
	"""The same capture for lots that came into being without the hooks (documents written in bulk,
	lots from before the app): from the first receipt or production that brought each in. Returns
	the number of lots given a source."""
	lots, done = sorted(set(lots)), 0
	for start in range(0, len(lots), chunk):
		missing = queries.get_lots_without_source(lots[start : start + chunk])
		first = queries.get_first_receipts(missing)
		receipts = {
			(row.voucher_type, row.voucher_no) for row in first.values() if row.voucher_type != "Stock Entry"
		}
		party_addresses, _ship_from = queries.get_document_addresses(receipts)
		suppliers = queries.get_parties(
			"Supplier", {row.party for row in first.values() if row.party_type == "Supplier"}
		)
		values = {}
		for lot, row in first.items():
			if row.voucher_type == "Stock Entry":
				values[lot] = {"tlc_source_warehouse": row.warehouse}
			elif row.party_type == "Supplier" and row.purpose != INTERNAL_TRANSFER:
				supplier = suppliers.get(row.party) or {}
				fields = {
					"tlc_source_address": party_addresses.get((row.voucher_type, row.voucher_no))
					or supplier.get("primary_address"),
					"tlc_source_reference": supplier.get("gln"),
				}
				fields = {key: value for key, value in fields.items() if value}
				if fields:
					values[lot] = fields
		queries.set_lot_sources(values)
		done += len(values)
	return done


# ---------------------------------------------------------------- places


def _place(address: dict | None, business: str | None = None, phone: str | None = None, gln=None):
	address = address or {}
	lines = ", ".join(line for line in (address.get("address_line1"), address.get("address_line2")) if line)
	return fsma204.Place(
		business=business or address.get("address_title"),
		address=lines or None,
		city=address.get("city"),
		state=address.get("state"),
		postal_code=address.get("pincode"),
		country=address.get("country"),
		phone=address.get("phone") or phone,
		reference=gln,
	)


class PlaceBook:
	"""Reads and describes the places the rows name, each once; equal places are one object (`one`),
	so that a spreadsheet describes each once however many rows name it."""

	def __init__(self):
		self.addresses: dict[str, dict] = {}
		self.companies: dict[str, dict] = {}
		self.warehouses: dict[str, dict] = {}
		self.places: dict[fsma204.Place, fsma204.Place] = {}

	def one(self, place: fsma204.Place) -> fsma204.Place:
		"""The place, as the one object equal to it that this book gave before."""
		return self.places.setdefault(place, place)

	def load(self, warehouses=(), addresses=(), companies=()):
		self.warehouses.update(queries.get_warehouses(set(warehouses) - set(self.warehouses)))
		companies = set(companies) | {row.company for row in self.warehouses.values() if row.company}
		self.companies.update(queries.get_companies(companies - set(self.companies)))
		addresses = set(addresses) | {
			row.get("address") for row in self.companies.values() if row.get("address")
		}
		self.addresses.update(queries.get_addresses(addresses - set(self.addresses)))

	def company(self, name: str | None) -> fsma204.Place | None:
		row = self.companies.get(name or "")
		if not row:
			return None
		return _place(
			self.addresses.get(row.get("address") or ""),
			row.company_name or row.name,
			row.phone_no,
			row.gln,
		)

	def warehouse(self, name: str | None) -> fsma204.Place | None:
		place = self._warehouse(name)
		return self.one(place) if place else None

	def _warehouse(self, name: str | None) -> fsma204.Place | None:
		row = self.warehouses.get(name or "")
		if not row:
			return None
		company = self.companies.get(row.company or "") or {}
		business = company.get("company_name") or row.company
		if row.address_line_1 or row.city:
			lines = ", ".join(line for line in (row.address_line_1, row.address_line_2) if line)
			fallback = self.company(row.company)
			return fsma204.Place(
				business=business,
				address=lines or None,
				city=row.city,
				state=row.state,
				postal_code=row.pin,
				country=fallback.country if fallback else None,
				phone=row.phone_no or (fallback.phone if fallback else None),
				reference=row.gln,
			)
		if row.warehouse_type == "Transit":  # goods on the road: no site of ours
			return fsma204.Place(business=business, reference=row.gln)
		place = self.company(row.company)
		return place if place else fsma204.Place(business=business, reference=row.gln)

	def address(self, name: str | None, business: str | None = None, gln=None) -> fsma204.Place | None:
		if not name:
			return None
		return self.one(_place(self.addresses.get(name), business, gln=gln))


# ---------------------------------------------------------------- the spreadsheet


def coverage_of(lots) -> dict[str, str]:
	"""Lot → why the rule covers it, for the covered lots among these. Their ancestors are read level
	by level (each link once), and only as far as a lot could still inherit: not above a lot already
	covered, a listed lot, or a kill-step item's lot (covered only if listed itself)."""
	from lot_traceability.genealogy.trace import DEFAULT_DEPTH

	lots = set(lots)
	lot_items = queries.get_lot_items(lots)
	flags = queries.get_item_flags(set(lot_items.values()))
	parents: dict[str, set[str]] = {}

	def open_ended(batch):
		listed, kill_step = flags.get(lot_items.get(batch), (False, False))
		return not listed and not kill_step

	def covered_now():
		listed = {item for item, (on_list, _kill) in flags.items() if on_list}
		breaking = {item for item, (_on, kill_step) in flags.items() if kill_step}
		return fsma204.covered_lots(lot_items, parents, listed, breaking)

	pending, covered = {lot for lot in lot_items if open_ended(lot)}, {}
	for _level in range(DEFAULT_DEPTH + 1):
		if not pending:
			break
		reached = set()
		for parent, child in queries.get_parent_links(pending):
			parents.setdefault(child, set()).add(parent)
			if parent not in lot_items:
				reached.add(parent)
		lot_items.update(queries.get_lot_items(reached))
		flags.update(
			queries.get_item_flags({lot_items[lot] for lot in reached if lot in lot_items} - set(flags))
		)
		covered = covered_now()
		pending = {
			parent
			for child in pending
			if child not in covered
			for parent in parents.get(child, ())
			if parent in reached and open_ended(parent)
		}
	covered = covered_now()
	return {lot: why for lot, why in covered.items() if lot in lots}


def rows_for(lots=None, companies=None, since=None, until=None) -> list[dict]:
	"""The spreadsheet rows of the covered lots among these (or every lot moved in these companies
	and dates), their events in these companies and dates."""
	if lots is None:
		lots = queries.get_moved_lots(companies, since, until)
	coverage = coverage_of(lots)
	if not coverage:
		return []
	records = queries.get_lots(coverage)
	moves = ledger_moves(queries.get_movements(set(coverage), companies, since, until))
	return fsma204.spreadsheet_rows(moves, lot_records(coverage, records), places_of(moves), coverage)


def ledger_moves(rows) -> list[LedgerMove]:
	"""The ledger's rows (`queries.get_movements`) as the core's moves, each Stock Entry's with its
	work order (read once per entry)."""
	work_orders = voucher_queries.get_work_orders(
		{voucher_no for _lot, _qty, voucher_type, voucher_no, *_rest in rows if voucher_type == "Stock Entry"}
	)
	return [
		LedgerMove(
			lot,
			qty or 0.0,
			voucher_type,
			voucher_no,
			posted,
			warehouse,
			company,
			purpose,
			party_type,
			party,
			work_orders.get(voucher_no) if voucher_type == "Stock Entry" else None,
		)
		for lot, qty, voucher_type, voucher_no, posted, warehouse, company, purpose, party_type, party in rows
	]


def places_of(moves) -> fsma204.Places:
	book = PlaceBook()
	vouchers = {(move.voucher_type, move.voucher_no) for move in moves}
	party_addresses, ship_from = queries.get_document_addresses(vouchers)
	party_of = {(move.voucher_type, move.voucher_no): (move.party_type, move.party) for move in moves}
	company_of = {(move.voucher_type, move.voucher_no): move.company for move in moves}
	parties = {
		party_type: queries.get_parties(
			party_type, {party for kind, party in party_of.values() if kind == party_type}
		)
		for party_type in ("Supplier", "Customer")
	}
	primary = {
		row.get("primary_address")
		for rows in parties.values()
		for row in rows.values()
		if row.get("primary_address")
	}
	book.load(
		warehouses={move.warehouse for move in moves if move.warehouse},
		addresses=set(party_addresses.values()) | set(ship_from.values()) | primary,
		companies={move.company for move in moves if move.company},
	)
	party_places = {}
	for key, (party_type, party) in party_of.items():
		record = parties.get(party_type or "", {}).get(party or "")
		address = party_addresses.get(key) or (record or {}).get("primary_address")
		business = (record or {}).get("title") or party
		if address:
			party_places[key] = book.address(address, business, (record or {}).get("gln"))
		elif party:
			party_places[key] = book.one(
				fsma204.Place(business=business, reference=(record or {}).get("gln"))
			)
	return fsma204.Places(
		warehouses={name: book.warehouse(name) for name in book.warehouses},
		parties=party_places,
		ship_from={
			key: book.address(name, (book.company(company_of.get(key)) or fsma204.Place()).business)
			for key, name in ship_from.items()
		},
	)


def lot_records(coverage, records) -> dict[str, fsma204.TracedLot]:
	"""The covered lots as the spreadsheet names them, each with its traceability lot code source:
	the one captured when the lot came into being, else the supplier's primary address or the
	warehouse of the first receipt or production that brought it in."""
	book = PlaceBook()
	lots = {name: records[name] for name in coverage if name in records}
	first = queries.get_first_receipts([name for name, row in lots.items() if not _captured(row)])
	suppliers = queries.get_parties("Supplier", {row.supplier for row in lots.values() if row.supplier})
	book.load(
		warehouses={row.tlc_source_warehouse for row in lots.values() if row.tlc_source_warehouse}
		| {row.warehouse for row in first.values() if not row.party},
		addresses={row.tlc_source_address for row in lots.values() if row.tlc_source_address}
		| {row.get("primary_address") for row in suppliers.values() if row.get("primary_address")},
	)
	found = {}
	for name, row in lots.items():
		supplier = suppliers.get(row.supplier or "") or {}
		source, reference = None, row.tlc_source_reference
		if row.tlc_source_address:
			source = book.address(row.tlc_source_address, supplier.get("title"))
		elif row.tlc_source_warehouse:
			source = book.warehouse(row.tlc_source_warehouse)
		elif name in first and first[name].party_type == "Supplier":
			source = book.address(supplier.get("primary_address"), supplier.get("title")) or (
				book.one(fsma204.Place(business=supplier.get("title") or row.supplier))
			)
			reference = reference or supplier.get("gln")
		elif name in first:
			source = book.warehouse(first[name].warehouse)
		if source and source.reference and not reference:
			reference = source.reference
		product = row.item_name or row.item
		if row.brand:
			product = f"{product}, {row.brand}"
		found[name] = fsma204.TracedLot(
			name=name,
			item=row.item,
			product=f"{product} ({row.item})" if row.item_name and row.item_name != row.item else product,
			uom=row.stock_uom,
			supplier=row.supplier,
			supplier_lot_no=row.supplier_lot_no,
			tlc_source=source,
			tlc_source_reference=reference,
		)
	return found


def _captured(row) -> bool:
	return bool(row.tlc_source_address or row.tlc_source_warehouse or row.tlc_source_reference)


# ---------------------------------------------------------------- ways out


def rows_in_scope(lot=None, lot_recall=None, item=None, company=None, from_date=None, to_date=None):
	"""(rows, name) of the spreadsheet a user asks for: a lot's trace (the lot, the lots made from it
	and those it was made from), a Lot Recall's scope, a product's lots, or a company's (or every
	readable company's) dates — the last two within the dates when given."""
	companies = restrict(readable_companies(), company)
	required = (
		None
		if (lot or lot_recall or item)
		else _("Choose a lot, a Lot Recall, a product, or a date range (from and to).")
	)
	since, until = date_range(from_date, to_date, required)
	dated = "".join(f" {day}" for day in (since, until) if day)  # a lot's file says its dates
	if lot:
		return rows_for(trace_lots(lot), companies, since, until), f"FSMA 204 {lot}{dated}"
	if lot_recall:
		return rows_for(recall_lots(lot_recall), companies, since, until), f"FSMA 204 {lot_recall}{dated}"
	if item:
		if not frappe.db.exists("Item", item):
			frappe.throw(_("Item {0} does not exist.").format(bold(item)), frappe.DoesNotExistError)
		frappe.has_permission("Item", "read", item, throw=True)
		lots = queries.get_moved_lots(companies, since, until, items=[item])
		return rows_for(lots, companies, since, until), f"FSMA 204 {item}{dated}"
	return rows_for(
		None, companies, since, until
	), f"FSMA 204 {company or _('all companies')} {since} {until}"


def covered_range(lot=None, lot_recall=None, item=None, from_date=None, to_date=None, **_scope) -> str:
	"""What dates a spreadsheet covers, in words: a lot's (a recall's, a product's) whole history
	unless dates were chosen, else the dates (an open end said as such)."""
	subject = lot or lot_recall or item
	if subject and not from_date and not to_date:
		return _("Covers the whole history of {0} (no dates chosen).").format(subject)
	since = formatdate(from_date) if from_date else _("the first record")
	until = formatdate(to_date) if to_date else _("the last record")
	if subject:
		return _("Covers {0} from {1} to {2}.").format(subject, since, until)
	return _("Covers {0} to {1}.").format(since, until)


def xlsx_of(rows, covers: str | None = None) -> bytes:
	"""The spreadsheet as .xlsx by XlsxWriter: up to `IN_MEMORY_ROWS` rows in memory, each distinct
	text written once (shared strings); longer ones streamed by its constant-memory mode (each row
	written out as it is added). One bold header row, frozen and filtered so that it sorts in any
	spreadsheet program; typed cells (dates as dates, quantities as numbers); every text written as
	text, never read as a formula or a link, and made safe to open (`xlsx_cell`). What it covers
	(`covered_range`), when given, is the one line of a second sheet, "Range"."""
	import xlsxwriter

	out = io.BytesIO()
	streamed = len(rows) > IN_MEMORY_ROWS
	book = xlsxwriter.Workbook(
		out,
		{
			"constant_memory": streamed,
			"in_memory": not streamed,  # no temporary files for the sheet's XML
			"strings_to_formulas": False,
			"strings_to_urls": False,
			"strings_to_numbers": False,
		},
	)
	formats = {
		"date": book.add_format({"num_format": "yyyy-mm-dd"}),
		"datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
	}
	sheet = book.add_worksheet(SHEET)
	for number, (_key, _header, kind) in enumerate(fsma204.COLUMNS):
		sheet.set_column(number, number, 28 if kind == "text" else 14)
	sheet.freeze_panes(1, 0)
	sheet.autofilter(0, 0, len(rows), len(fsma204.COLUMNS) - 1)
	bold_font = book.add_format({"bold": True})
	for column, title in enumerate(fsma204.HEADERS):
		sheet.write_string(0, column, xlsx_cell(title) or "", bold_font)
	keys = [key for key, _header, _kind in fsma204.COLUMNS]
	safe_texts: dict[str, str | None] = {}  # each distinct text made safe once: names, places repeat
	for number, row in enumerate(rows, 1):
		for column, key in enumerate(keys):
			value = row[key]
			if isinstance(value, str):
				safe = safe_texts.get(value, safe_texts)
				if safe is safe_texts:
					safe = safe_texts[value] = xlsx_cell(value)
				value = safe
			write_cell(sheet, number, column, value, formats)
	if covers:
		book.add_worksheet(RANGE_SHEET).write_string(0, 0, xlsx_cell(covers) or "")
	book.close()
	return out.getvalue()


def write_cell(sheet, row: int, column: int, value, formats: dict) -> None:
	"""One typed cell; nothing for an empty one."""
	if value is None:
		return
	if isinstance(value, str):
		sheet.write_string(row, column, value)
	elif isinstance(value, datetime.datetime):
		sheet.write_datetime(row, column, value, formats["datetime"])
	elif isinstance(value, datetime.date):
		sheet.write_datetime(row, column, datetime.datetime.combine(value, datetime.time()), formats["date"])
	elif isinstance(value, bool):
		sheet.write_boolean(row, column, value)
	elif isinstance(value, int | float | decimal.Decimal):
		sheet.write_number(row, column, float(value))
	else:
		sheet.write_string(row, column, str(value))


def csv_of(rows) -> str:
	out = io.StringIO()
	writer = csv.writer(out)
	for values in fsma204.table(rows):
		writer.writerow(
			[value.isoformat() if hasattr(value, "isoformat") else value for value in safe_row(values)]
		)
	return out.getvalue()


def download(file_format: str = "xlsx", **scope) -> tuple[str, bytes | str]:
	"""(file name, content) of the spreadsheet in this format."""
	file_format = (file_format or "xlsx").lower()
	if file_format not in FORMATS:
		frappe.throw(_("Format {0}: choose xlsx or csv.").format(bold(file_format)))
	rows, name = rows_in_scope(**scope)
	if file_format == "csv":
		return f"{name}.csv", csv_of(rows)
	return f"{name}.xlsx", xlsx_of(rows, covered_range(**scope))
