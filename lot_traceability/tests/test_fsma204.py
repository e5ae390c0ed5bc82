"""FSMA 204 on real documents: the demo's milk powder is on the Food Traceability List, so its lot
and the cake-mix lots made from it are covered; the sortable spreadsheet of the demo recall lists
the receiving, transformation and shipping events of every affected lot with their Key Data
Elements, equal to the ledger; the .xlsx has one header row and typed cells; the traceability lot
code source is captured at receipt; permissions and bad input are refused."""

import csv
import io
from datetime import date, datetime

import frappe

from lot_traceability import api, demo
from lot_traceability.exports import fsma204 as fsma204_export
from lot_traceability.tests.utils import AsAdministrator, demo_milk_and_cakes, make_user
from lot_traceability.traceability import fsma204

CONTAMINATED = "DC-5531"  # the demo's skimmed milk powder lot
NO_STOCK_USER = "lt-fsma-nostock@example.com"
RETAIL_USER = "lt-fsma-retail@example.com"
RETAIL = "Demo Specialty Foods Retail"


def ledger_events(lots) -> dict[tuple, float]:
	"""(lot, event, role, document) → quantity, from the lot ledger by the rule's own words: a
	receipt or delivery is receiving or shipping by its direction, a production entry a
	transformation (inputs out, outputs in)."""
	found: dict[tuple, float] = {}
	for lot, voucher_type, voucher_no, purpose, qty in frappe.db.sql(
		"""select batch_no, voucher_type, voucher_no, purpose, qty from `tabLot Ledger Entry`
		where batch_no in %(lots)s and qty != 0""",
		{"lots": sorted(lots)},
	):
		if voucher_type in ("Purchase Receipt", "Delivery Note"):
			key = (lot, "Receiving" if qty > 0 else "Shipping", "", voucher_no)
		elif voucher_type == "Stock Entry" and purpose in ("Manufacture", "Repack"):
			key = (lot, "Transformation", "output" if qty > 0 else "input", voucher_no)
		else:
			continue
		found[key] = found.get(key, 0.0) + abs(float(qty))
	return found


class TestFsma204(AsAdministrator):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()  # the demo kept whole, not undone by this class's rollback
		cls.milk, cls.cakes = demo_milk_and_cakes()
		make_user(NO_STOCK_USER, ["Accounts User"])
		make_user(RETAIL_USER, ["Stock User"])
		if not frappe.db.exists("User Permission", {"user": RETAIL_USER, "allow": "Company"}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": RETAIL_USER, "allow": "Company", "for_value": RETAIL}
			).insert(ignore_permissions=True)
		frappe.db.commit()

	def recall(self) -> str:
		from lot_traceability.tests.test_recall import new_recall

		return new_recall(supplier_lot_no=CONTAMINATED, is_mock=1).name

	def test_the_milk_powder_is_listed_and_the_cake_mix_made_from_it_inherits(self):
		self.assertEqual(len(self.cakes), 2)
		coverage = fsma204_export.coverage_of([self.milk, *self.cakes])
		self.assertEqual(coverage[self.milk], "listed")
		for cake in self.cakes:
			self.assertEqual(coverage[cake], f"made from {self.milk}")
		# a kill step on the cake mix stops the inheritance
		frappe.db.set_value("Item", "DEMO-CAKE-MIX", "ftl_kill_step", 1)
		coverage = fsma204_export.coverage_of([self.milk, *self.cakes])
		self.assertEqual(set(coverage), {self.milk})

	def test_the_recall_spreadsheet_lists_every_affected_lots_events_equal_to_the_ledger(self):
		name = self.recall()
		rows, filename = fsma204_export.rows_in_scope(lot_recall=name)
		self.assertEqual(filename, f"FSMA 204 {name}")
		affected = set(frappe.get_doc("Lot Recall", name).scope_lots()) | {self.milk}
		self.assertEqual({row["lot"] for row in rows}, {self.milk, *self.cakes})
		self.assertTrue(affected >= {row["lot"] for row in rows})
		self.assertEqual(fsma204.quantities(rows), ledger_events({row["lot"] for row in rows}))
		kinds = {(row["lot"], row["cte"]) for row in rows}
		self.assertIn((self.milk, "Receiving"), kinds)
		self.assertIn((self.milk, "Transformation"), kinds)
		for cake in self.cakes:
			self.assertIn((cake, "Transformation"), kinds)
			self.assertIn((cake, "Shipping"), kinds)
		receipt = next(row for row in rows if row["lot"] == self.milk and row["cte"] == "Receiving")
		self.assertEqual(receipt["tlc"], CONTAMINATED)  # the supplier's code, not our lot number
		self.assertIn("Demo Dairy Cooperative", receipt["previous_source"])
		self.assertIn("Eau Claire", receipt["tlc_source"])
		self.assertIn("Dayton", receipt["location"])
		self.assertEqual(receipt["reference_document_type"], "Purchase Receipt")
		self.assertEqual(receipt["missing"], "")
		for row in rows:
			if row["cte"] == "Shipping":
				self.assertIn(
					row["subsequent_recipient"].split(",")[0], ("Demo Bakery North", "Demo Bakery South")
				)
				self.assertEqual(row["missing"], "")
			if row["cte"] == "Transformation" and row["role"] == "output":
				self.assertEqual(row["tlc"], row["lot"])
				self.assertIn("Dayton", row["tlc_source"])

	def test_the_documents_addresses_are_those_the_documents_hold(self):
		from lot_traceability.exports.scopes import trace_lots
		from lot_traceability.queries import fsma204 as queries

		vouchers = {  # the documents of the demo's milk powder trace: its receipt, productions, deliveries
			(row.voucher_type, row.voucher_no)
			for row in frappe.get_all(
				"Lot Ledger Entry",
				filters={"batch_no": ("in", list(trace_lots(self.milk)))},
				fields=["voucher_type", "voucher_no"],
			)
		}
		parties, ship_from = queries.get_document_addresses(vouchers)
		expected_parties, expected_ship_from = {}, {}
		for doctype, name in vouchers:
			fields = queries.PARTY_ADDRESS_FIELDS.get(doctype, ())
			if not fields:
				continue
			values = frappe.db.get_value(doctype, name, list(fields), as_dict=True)
			address = next((values[field] for field in fields if values[field]), None)
			if address:
				expected_parties[(doctype, name)] = address
			if doctype in queries.SHIP_FROM_FIELDS:
				place = frappe.db.get_value(doctype, name, queries.SHIP_FROM_FIELDS[doctype])
				if place:
					expected_ship_from[(doctype, name)] = place
		self.assertTrue(expected_parties)  # the demo's receipts and deliveries name addresses
		self.assertEqual(parties, expected_parties)
		self.assertEqual(ship_from, expected_ship_from)

	def test_the_movements_read_packed_are_the_ledgers_and_those_read_row_by_row(self):
		from unittest.mock import patch

		from lot_traceability.exports.scopes import trace_lots
		from lot_traceability.queries import fsma204 as queries

		lots = trace_lots(self.milk)
		fields = list(queries.MOVEMENT_FIELDS)
		ledger = frappe.get_all(
			"Lot Ledger Entry",
			filters={"batch_no": ("in", list(lots)), "voucher_type": ("in", queries.CTE_VOUCHERS)},
			fields=fields,
		)

		def plain(rows):  # texts empty or null alike, the posting date a datetime at midnight
			at = fields.index("posting_date")
			return sorted(
				tuple(
					datetime.combine(frappe.utils.getdate(value), datetime.min.time())
					if index == at
					else float(value or 0)
					if field == "qty"
					else value or None
					for index, (field, value) in enumerate(zip(fields, row, strict=True))
				)
				for row in rows
			)

		packed = queries.get_movements(lots)
		with patch.object(queries.packed, "read", return_value=None):  # as if a value held a separator
			row_by_row = queries.get_movements(lots)
		self.assertGreater(len(packed), 4)  # the milk's receipt, its productions, the cakes' deliveries
		self.assertEqual(plain(packed), plain([[row[field] for field in fields] for row in ledger]))
		self.assertEqual(plain(row_by_row), plain(packed))
		self.assertIsInstance(packed[0][fields.index("posting_date")], datetime)

	def test_a_transformation_is_named_by_its_work_order_else_by_its_entry(self):
		rows, _name = fsma204_export.rows_in_scope(lot=self.milk)
		made = [row for row in rows if row["cte"] == "Transformation"]
		self.assertTrue(made)
		named_by_work_order = 0
		for row in made:
			self.assertEqual(row["reference_document_type"], "Stock Entry")
			work_order = frappe.db.get_value("Stock Entry", row["reference_document_number"], "work_order")
			self.assertEqual(row["event_id"], work_order or row["reference_document_number"])
			named_by_work_order += bool(work_order)
		self.assertGreaterEqual(named_by_work_order, 1)  # the demo's cake mix is made on work orders

	def test_the_xlsx_has_one_header_row_and_typed_dates_and_numbers(self):
		from openpyxl import load_workbook

		filename, content = fsma204_export.download("xlsx", lot=self.milk)
		self.assertEqual(filename, f"FSMA 204 {self.milk}.xlsx")
		sheet = load_workbook(io.BytesIO(content)).active
		values = list(sheet.iter_rows(values_only=True))
		self.assertEqual(list(values[0]), list(fsma204.HEADERS))
		keys = [key for key, _header, _kind in fsma204.COLUMNS]
		self.assertGreaterEqual(len(values), 8)
		for line in values[1:]:
			self.assertIsInstance(line[keys.index("event_date")], (date, datetime))
			self.assertIsInstance(line[keys.index("quantity")], (int, float))
			self.assertFalse(any(isinstance(cell, str) and cell == fsma204.HEADERS[0] for cell in line))
		self.assertEqual(sheet.auto_filter.ref, sheet.dimensions)

	def test_the_csv_holds_the_same_rows(self):
		rows, _name = fsma204_export.rows_in_scope(lot=self.milk)
		filename, content = fsma204_export.download("csv", lot=self.milk)
		self.assertTrue(filename.endswith(".csv"))
		lines = list(csv.reader(io.StringIO(content)))
		self.assertEqual(lines[0], list(fsma204.HEADERS))
		self.assertEqual(len(lines), len(rows) + 1)
		self.assertEqual(lines[1][1], rows[0]["event_date"].isoformat())

	def test_the_traceability_lot_code_source_is_captured_at_receipt(self):
		address, reference = frappe.db.get_value(
			"Batch", self.milk, ["tlc_source_address", "tlc_source_reference"]
		)
		self.assertTrue(address)
		self.assertIn(
			"Demo Dairy Cooperative",
			frappe.get_all(
				"Dynamic Link", filters={"parent": address, "parenttype": "Address"}, pluck="link_name"
			),
		)
		for cake in self.cakes:
			self.assertTrue(frappe.db.get_value("Batch", cake, "tlc_source_warehouse"))

	def test_lots_made_without_the_hooks_get_their_source_from_the_ledger(self):
		captured = {
			lot: frappe.db.get_value(
				"Batch",
				lot,
				["tlc_source_address", "tlc_source_warehouse", "tlc_source_reference"],
				as_dict=True,
			)
			for lot in [self.milk, *self.cakes]
		}
		frappe.db.sql(
			"""update `tabBatch` set tlc_source_address = null, tlc_source_warehouse = null,
			tlc_source_reference = null where name in %(lots)s""",
			{"lots": list(captured)},
		)
		self.assertEqual(fsma204_export.record_tlc_sources_from_ledger(captured), 3)
		for lot, fields in captured.items():
			self.assertEqual(
				frappe.db.get_value(
					"Batch",
					lot,
					["tlc_source_address", "tlc_source_warehouse", "tlc_source_reference"],
					as_dict=True,
				),
				fields,
				lot,
			)
		self.assertEqual(fsma204_export.record_tlc_sources_from_ledger(captured), 0)  # once only

	def test_a_missing_kde_is_named_in_its_column(self):
		# the supplier's address loses its phone: the receipt's row says so instead of a silent blank
		address = frappe.db.get_value("Batch", self.milk, "tlc_source_address")
		frappe.db.set_value("Address", address, "phone", None)
		rows, _name = fsma204_export.rows_in_scope(lot=self.milk)
		receipt = next(row for row in rows if row["lot"] == self.milk and row["cte"] == "Receiving")
		self.assertIn("traceability lot code source: phone number", receipt["missing"])

	def test_a_date_range_and_a_product(self):
		posted = frappe.db.get_value(
			"Lot Ledger Entry", {"batch_no": self.milk, "voucher_type": "Purchase Receipt"}, "posting_date"
		)
		rows, _name = fsma204_export.rows_in_scope(from_date=posted, to_date=posted)
		self.assertIn((self.milk, "Receiving"), {(row["lot"], row["cte"]) for row in rows})
		self.assertTrue(all(row["event_date"] == posted for row in rows))
		rows, name = fsma204_export.rows_in_scope(item="DEMO-CAKE-MIX")
		self.assertEqual(name, "FSMA 204 DEMO-CAKE-MIX")
		self.assertTrue(set(self.cakes) <= {row["lot"] for row in rows})
		self.assertEqual({row["item"] for row in rows}, {"DEMO-CAKE-MIX"})

	def test_a_user_sees_only_the_companies_whose_stock_they_may_read(self):
		frappe.set_user(RETAIL_USER)
		rows, _name = fsma204_export.rows_in_scope(from_date="2000-01-01", to_date="2100-01-01")
		self.assertTrue(all(row["company"] == RETAIL for row in rows))
		frappe.set_user(NO_STOCK_USER)
		with self.assertRaisesRegex(frappe.PermissionError, "You may not read stock movements"):
			fsma204_export.rows_in_scope(lot=self.milk)

	def test_bad_requests_are_refused_in_words(self):
		with self.assertRaisesRegex(frappe.ValidationError, "Choose a lot, a Lot Recall, a product"):
			fsma204_export.rows_in_scope()
		with self.assertRaisesRegex(frappe.ValidationError, "ends .* before it begins"):
			fsma204_export.rows_in_scope(from_date="2026-03-02", to_date="2026-03-01")
		with self.assertRaisesRegex(
			frappe.DoesNotExistError, "Lot <strong>NO-SUCH-LOT</strong> does not exist"
		):
			fsma204_export.rows_in_scope(lot="NO-SUCH-LOT")
		with self.assertRaisesRegex(
			frappe.ValidationError, "Format <strong>pdf</strong>: choose xlsx or csv"
		):
			fsma204_export.download("pdf", lot=self.milk)

	def test_the_download_api_and_the_report(self):
		api.download_fsma204(lot=self.milk, file_format="csv")
		self.assertEqual(frappe.response["type"], "download")
		self.assertTrue(frappe.response["filename"].endswith(".csv"))
		from lot_traceability.lot_traceability.report.fsma_204_records.fsma_204_records import execute

		columns, data, message = execute({"lot": self.milk})
		self.assertIn("whole history", message)
		self.assertEqual(
			[column["fieldname"] for column in columns], [key for key, _h, _k in fsma204.COLUMNS]
		)
		self.assertEqual(fsma204.quantities(data), ledger_events({row["lot"] for row in data}))

	# The .xlsx is made by XlsxWriter (in memory up to a bound, streamed past it): it opens, its header
	# row is bold, frozen and filtered over every row, its dates and quantities are typed, text that
	# would run as a formula is text, and it holds the cells Frappe's writer wrote before it.

	def workbook(self, content: bytes):
		from openpyxl import load_workbook

		return load_workbook(io.BytesIO(content))

	def test_the_header_is_bold_frozen_and_filtered_over_every_row_and_the_range_is_said(self):
		from openpyxl.utils import get_column_letter

		rows, _name = fsma204_export.rows_in_scope(lot=self.milk)
		_filename, content = fsma204_export.download("xlsx", lot=self.milk)
		book = self.workbook(content)
		self.assertEqual(book.sheetnames, [fsma204_export.SHEET, fsma204_export.RANGE_SHEET])
		sheet = book[fsma204_export.SHEET]
		self.assertEqual(sheet.freeze_panes, "A2")
		self.assertEqual(sheet.max_row, len(rows) + 1)
		self.assertEqual(
			sheet.auto_filter.ref, f"A1:{get_column_letter(len(fsma204.COLUMNS))}{len(rows) + 1}"
		)
		self.assertTrue(all(cell.font.b for cell in sheet[1]))
		self.assertFalse(any(cell.font.b for cell in sheet[2]))
		date_column = [key for key, _h, _k in fsma204.COLUMNS].index("event_date") + 1
		for row in sheet.iter_rows(min_row=2, min_col=date_column, max_col=date_column):
			self.assertTrue(row[0].is_date, row[0].coordinate)
		self.assertEqual(
			book[fsma204_export.RANGE_SHEET]["A1"].value, fsma204_export.covered_range(lot=self.milk)
		)

	def test_formula_text_is_written_as_text_and_characters_xml_forbids_are_dropped(self):
		rows, _name = fsma204_export.rows_in_scope(lot=self.milk)
		crafted = dict(rows[0], product="=1+2", location="-cmd", lot="LOT\x01-A\x1f", quantity=-5.5)
		sheet = self.workbook(fsma204_export.xlsx_of([crafted], covers="=covers"))
		keys = [key for key, _h, _k in fsma204.COLUMNS]
		cells = {key: sheet.worksheets[0].cell(row=2, column=n + 1) for n, key in enumerate(keys)}
		self.assertEqual(cells["product"].value, "'=1+2")
		self.assertEqual(cells["location"].value, "'-cmd")
		self.assertEqual(cells["lot"].value, "LOT-A")
		self.assertEqual((cells["quantity"].value, cells["quantity"].data_type), (-5.5, "n"))
		self.assertEqual(sheet.worksheets[1]["A1"].value, "'=covers")
		self.assertFalse(
			[
				cell.coordinate
				for ws in sheet.worksheets
				for row in ws.iter_rows()
				for cell in row
				if cell.data_type == "f"
			]
		)

	def test_it_holds_the_cells_the_writers_before_it_wrote(self):
		from lot_traceability.benchmarks.fsma204_export import frappe_xlsx_of, openpyxl_xlsx_of, sheet_values

		rows, _name = fsma204_export.rows_in_scope(item="DEMO-MILK-POWDER")
		self.assertTrue(rows)
		written = sheet_values(fsma204_export.xlsx_of(rows, "Covers it."))
		self.assertEqual(len(written), len(rows) + 1)
		self.assertEqual(written, sheet_values(frappe_xlsx_of(rows, "Covers it.")))
		self.assertEqual(written, sheet_values(openpyxl_xlsx_of(rows, "Covers it.")))

	def test_a_sheet_past_the_in_memory_bound_is_streamed_with_the_same_cells(self):
		from unittest.mock import patch

		from lot_traceability.benchmarks.fsma204_export import sheet_values

		rows, _name = fsma204_export.rows_in_scope(item="DEMO-MILK-POWDER")
		crafted = dict(rows[0], product="=1+2", location="  spaced  ", lot="LOT\x01-A")
		rows = [*rows, crafted, crafted]
		in_memory = fsma204_export.xlsx_of(rows, "Covers it.")
		with patch.object(fsma204_export, "IN_MEMORY_ROWS", len(rows) - 1):
			streamed = fsma204_export.xlsx_of(rows, "Covers it.")
		# the in-memory file keeps each text once (shared strings); the streamed one writes them inline
		self.assertIn(b"xl/sharedStrings.xml", in_memory)
		self.assertNotIn(b"xl/sharedStrings.xml", streamed)
		self.assertEqual(sheet_values(in_memory), sheet_values(streamed))
		self.assertEqual(sheet_values(streamed)[-1], sheet_values(streamed)[-2])
		self.assertEqual(len(sheet_values(streamed)), len(rows) + 1)
