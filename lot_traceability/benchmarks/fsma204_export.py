"""The FSMA 204 sortable spreadsheet of a lot's trace, against the trace it is built from.

For raw lots of a generated history (default: the widest of the trace benchmark's raw lots), the
lot's item is put on the Food Traceability List (inside the run's transaction, rolled back at the
end), so that the lot and everything made from it is covered. `runs` times each, alternating: the
app's spreadsheet of the lot's trace as .xlsx (`fsma204_export.download`: coverage through the
genealogy, the Critical Tracking Events of every covered lot with their KDEs, the places described,
the file written by `exports.fsma204.xlsx_of`) — and its rows alone (`rows_in_scope`) — against the
baseline, the Lot Trace of the same lot (`tracing.trace_lot`, what a person would otherwise export by hand and
complete with addresses). Prints the medians, the rows, lots and the file's size.

	bench --site <site> execute lot_traceability.benchmarks.fsma204_export.run --kwargs "{'lots': ['S100-0-0002236']}"

`writers` times the .xlsx writers side by side on the same rows, alternating, `runs` times each
(min / median / max): the app's (XlsxWriter, `exports.fsma204.xlsx_of`: in memory with shared
strings up to `IN_MEMORY_ROWS` rows), the same streamed by XlsxWriter's constant-memory mode (what it
does past that bound, and did for every sheet before, `streamed_xlsx_of`), and the two writers before
XlsxWriter (openpyxl's write-only workbook, `openpyxl_xlsx_of`, and Frappe's `make_xlsx`,
`frappe_xlsx_of`, both kept here). The rows are a lot's trace of the generated history when the lot
exists, else the site's FSMA 204 rows of `item` repeated up to `rows` (the demo's milk powder on a
development site: the same 20 columns and types). The files are read back and compared cell by
cell. A fourth, `bare_xlsx_of`, writes the same cells as text zipped by hand (no library): the floor
of the bytes' cost on the same machine.

	bench --site <site> execute lot_traceability.benchmarks.fsma204_export.writers --kwargs "{'runs': 5}"

Recorded figures: docs/benchmarks.md.
"""

import io
import statistics
import time

import frappe

from lot_traceability.exports.fsma204 import RANGE_SHEET, SHEET, download, rows_in_scope
from lot_traceability.genealogy.trace import trace_lot
from lot_traceability.traceability import fsma204
from lot_traceability.traceability.spreadsheet import xlsx_cell

WIDEST = ("S100-0-0002236",)


def run(lots=WIDEST, runs: int = 3) -> dict:
	figures = {}
	try:
		for lot in lots:
			if not frappe.db.exists("Batch", lot):
				frappe.throw(f"Lot {lot} does not exist on this site: run lot-traceability generate first.")
			item = frappe.db.get_value("Batch", lot, "item")
			frappe.db.set_value("Item", item, "on_food_traceability_list", 1, update_modified=False)
			app, rows_only, baseline, content, rows = [], [], [], b"", []
			for number in range(runs):
				for mode in ("app", "rows", "baseline") if number % 2 == 0 else ("baseline", "rows", "app"):
					start = time.perf_counter()
					if mode == "app":
						_name, content = download("xlsx", lot=lot)
						app.append(time.perf_counter() - start)
					elif mode == "rows":
						rows, _name = rows_in_scope(lot=lot)
						rows_only.append(time.perf_counter() - start)
					else:
						trace_lot(batch=lot, direction="Both")
						baseline.append(time.perf_counter() - start)
			figures[lot] = {
				"rows": len(rows),
				"lots": len({row["lot"] for row in rows}),
				"by_event": {
					event: sum(1 for row in rows if row["cte"] == event)
					for event in ("Receiving", "Transformation", "Shipping")
				},
				"with_missing_kdes": sum(1 for row in rows if row["missing"]),
				"xlsx_bytes": len(content),
				"app_xlsx_s": round(statistics.median(app), 3),
				"app_rows_s": round(statistics.median(rows_only), 3),
				"baseline_trace_s": round(statistics.median(baseline), 3),
				"app_xlsx_spread_s": spread(app),
				"app_rows_spread_s": spread(rows_only),
				"baseline_trace_spread_s": spread(baseline),
			}
	finally:
		frappe.db.rollback()
	print(figures)
	return figures


def frappe_xlsx_of(rows, covers: str | None = None) -> bytes:
	"""The writer `fsma204_export.xlsx_of` replaced: Frappe's `make_xlsx` (HTML and control
	characters handled cell by cell) on a write-only workbook whose sheet is frozen and filtered."""
	from frappe.utils.xlsxutils import make_xlsx
	from openpyxl import Workbook
	from openpyxl.utils import get_column_letter

	from lot_traceability.exports.fsma204 import SHEET
	from lot_traceability.traceability import fsma204
	from lot_traceability.traceability.spreadsheet import safe_cell, safe_row

	class SortableBook(Workbook):
		def __init__(self, filter_range: str):
			super().__init__(write_only=True)
			self.filter_range = filter_range

		def create_sheet(self, title=None, index=None):
			sheet = super().create_sheet(title, index)
			sheet.freeze_panes = "A2"
			sheet.auto_filter.ref = self.filter_range
			return sheet

	table = [safe_row(values) for values in fsma204.table(rows)]
	widths = [14 if kind != "text" else 28 for _key, _header, kind in fsma204.COLUMNS]
	book = SortableBook(f"A1:{get_column_letter(len(fsma204.COLUMNS))}{len(table)}")
	if covers:
		Workbook.create_sheet(book, "Range").append([safe_cell(covers)])
	return make_xlsx(table, SHEET, wb=book, column_widths=widths).getvalue()


def spread(times) -> dict:
	return {
		"min": round(min(times), 3),
		"median": round(statistics.median(times), 3),
		"max": round(max(times), 3),
	}


def sheet_values(content: bytes) -> list[tuple]:
	"""The first sheet's values, row by row, without the empty cells that end a row (a writer may
	write them or not)."""
	import io

	from openpyxl import load_workbook

	book = load_workbook(io.BytesIO(content), read_only=True)
	found = []
	for row in book.worksheets[0].iter_rows(values_only=True):
		row = list(row)
		while row and row[-1] is None:
			row.pop()
		found.append(tuple(row))
	return found


def writers(lot: str = WIDEST[0], item: str = "DEMO-MILK-POWDER", rows: int = 26000, runs: int = 5) -> dict:
	from lot_traceability.exports.fsma204 import xlsx_of

	try:
		if frappe.db.exists("Batch", lot):
			frappe.db.set_value(
				"Item", frappe.db.get_value("Batch", lot, "item"), "on_food_traceability_list", 1
			)
			table, _name = rows_in_scope(lot=lot)
			source = f"the trace of {lot}"
		else:
			if frappe.db.exists("Item", item):  # listed as the demo lists it (rolled back below)
				frappe.db.set_value("Item", item, "on_food_traceability_list", 1)
			found, _name = rows_in_scope(item=item)
			if not found:
				frappe.throw(f"No FSMA 204 rows of {item} on this site: load the demo first.")
			table = [found[n % len(found)] for n in range(rows)]
			source = f"{len(found)} rows of {item} repeated"
		writers = {
			"new": xlsx_of,
			"streamed": streamed_xlsx_of,
			"openpyxl": openpyxl_xlsx_of,
			"old": frappe_xlsx_of,
			"bare": bare_xlsx_of,
		}
		times = {mode: [] for mode in writers}
		contents = {}
		order = list(writers)
		for number in range(runs):
			for mode in order if number % 2 == 0 else reversed(order):
				start = time.perf_counter()
				contents[mode] = writers[mode](table, "Covers the benchmark.")
				times[mode].append(time.perf_counter() - start)
		new, old = times["new"], times["old"]
		new_content, old_content = contents["new"], contents["old"]
		values = sheet_values(new_content)
		same = (
			values
			== sheet_values(old_content)
			== sheet_values(contents["openpyxl"])
			== sheet_values(contents["streamed"])
		)
		same_bare = [row[:1] + row[2:] for row in values] == [
			row[:1] + row[2:] for row in sheet_values(contents["bare"])
		]
	finally:
		frappe.db.rollback()
	figures = {
		"rows": len(table),
		"source": source,
		"cells": len(table) * 20,
		"runs": runs,
		"xlsxwriter_shared_strings_s": spread(new),
		"xlsxwriter_constant_memory_s": spread(times["streamed"]),
		"openpyxl_write_only_s": spread(times["openpyxl"]),
		"frappe_make_xlsx_s": spread(old),
		"bare_floor_s": spread(times["bare"]),
		"median_ratio": round(statistics.median(old) / statistics.median(new), 2),
		"median_ratio_to_openpyxl": round(statistics.median(times["openpyxl"]) / statistics.median(new), 2),
		"median_ratio_to_streamed": round(statistics.median(times["streamed"]) / statistics.median(new), 2),
		"xlsx_bytes": {mode: len(content) for mode, content in contents.items()},
		"same_cells": same,
		"same_cells_bare_but_dates": same_bare,
	}
	print(figures)
	return figures


def streamed_xlsx_of(rows, covers: str | None = None) -> bytes:
	"""The app's writer made to stream however few the rows: XlsxWriter's constant-memory mode, texts
	written inline cell by cell (what `xlsx_of` did for every sheet before `IN_MEMORY_ROWS`)."""
	from unittest.mock import patch

	from lot_traceability.exports import fsma204

	with patch.object(fsma204, "IN_MEMORY_ROWS", 0):
		return fsma204.xlsx_of(rows, covers)


def openpyxl_xlsx_of(rows, covers: str | None = None) -> bytes:
	"""The writer the app used before XlsxWriter (kept here to be measured beside it): the spreadsheet
	as .xlsx, streamed by openpyxl's write-only workbook (each row written as it
	is appended, none kept): one bold header row, frozen and filtered so that it sorts in any
	spreadsheet program; typed cells (dates as dates, quantities as numbers); text that would run
	as a formula written as text (`xlsx_cell`). What it covers (`covered_range`), when given, is the
	one line of a second sheet, "Range"."""
	from openpyxl import Workbook
	from openpyxl.cell import WriteOnlyCell
	from openpyxl.styles import Font
	from openpyxl.utils import get_column_letter

	book = Workbook(write_only=True)
	sheet = book.create_sheet(SHEET)
	last_column = get_column_letter(len(fsma204.COLUMNS))
	sheet.freeze_panes = "A2"
	sheet.auto_filter.ref = f"A1:{last_column}{len(rows) + 1}"
	for number, (_key, _header, kind) in enumerate(fsma204.COLUMNS, 1):
		sheet.column_dimensions[get_column_letter(number)].width = 28 if kind == "text" else 14
	bold_font = Font(bold=True)
	header = []
	for title in fsma204.HEADERS:
		cell = WriteOnlyCell(sheet, value=xlsx_cell(title))
		cell.font = bold_font
		header.append(cell)
	sheet.append(header)
	keys = [key for key, _header, _kind in fsma204.COLUMNS]
	append = sheet.append
	for row in rows:
		append([xlsx_cell(row[key]) for key in keys])
	if covers:
		book.create_sheet(RANGE_SHEET).append([xlsx_cell(covers)])
	out = io.BytesIO()
	book.save(out)
	return out.getvalue()


def bare_xlsx_of(rows, covers: str | None = None) -> bytes:
	"""The floor: the same cells as SpreadsheetML text zipped by hand, no library (inline strings,
	numbers, dates as serial days with a date style; header frozen and filtered). Not used by the
	app: it shows what writing the bytes costs on this machine, apart from any writer's objects."""
	import datetime
	import io
	import zipfile
	from xml.sax.saxutils import escape

	from openpyxl.utils import get_column_letter

	from lot_traceability.traceability import fsma204
	from lot_traceability.traceability.spreadsheet import xlsx_cell

	epoch = datetime.date(1899, 12, 30)
	letters = [get_column_letter(n) for n in range(1, len(fsma204.COLUMNS) + 1)]
	keys = [key for key, _header, _kind in fsma204.COLUMNS]

	def cell(ref, value, header=False):
		if value is None:
			return ""
		if isinstance(value, datetime.date):
			days = (value - epoch).days if not isinstance(value, datetime.datetime) else None
			if days is None:
				days = (value - datetime.datetime(1899, 12, 30)).total_seconds() / 86400
			return f'<c r="{ref}" s="1"><v>{days}</v></c>'
		if isinstance(value, int | float):
			return f'<c r="{ref}"><v>{value}</v></c>'
		style = ' s="2"' if header else ""
		return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{escape(value)}</t></is></c>'

	parts = [
		'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
		'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
		'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
		'state="frozen"/></sheetView></sheetViews><sheetData>'
	]
	parts.append(
		'<row r="1">'
		+ "".join(cell(f"{c}1", h, True) for c, h in zip(letters, fsma204.HEADERS, strict=True))
		+ "</row>"
	)
	for number, row in enumerate(rows, 2):
		parts.append(
			f'<row r="{number}">'
			+ "".join(cell(f"{c}{number}", xlsx_cell(row[k])) for c, k in zip(letters, keys, strict=True))
			+ "</row>"
		)
	parts.append(f'</sheetData><autoFilter ref="A1:{letters[-1]}{len(rows) + 1}"/></worksheet>')
	out = io.BytesIO()
	with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
		archive.writestr(
			"[Content_Types].xml",
			'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
			'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
			'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
			'<Default Extension="xml" ContentType="application/xml"/>'
			'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
			'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
			'<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
			"</Types>",
		)
		archive.writestr(
			"_rels/.rels",
			'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
			'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
			'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
			"</Relationships>",
		)
		archive.writestr(
			"xl/workbook.xml",
			'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
			'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
			'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
			'<sheets><sheet name="FSMA 204 Records" sheetId="1" r:id="rId1"/></sheets></workbook>',
		)
		archive.writestr(
			"xl/_rels/workbook.xml.rels",
			'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
			'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
			'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
			'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
			"</Relationships>",
		)
		archive.writestr(
			"xl/styles.xml",
			'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
			'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
			'<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
			'<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
			'<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
			'<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
			'<cellXfs count="3"><xf/><xf numFmtId="164" applyNumberFormat="1"/><xf fontId="1" applyFont="1"/></cellXfs>'
			"</styleSheet>",
		)
		archive.writestr("xl/worksheets/sheet1.xml", "".join(parts))
	return out.getvalue()
