"""No markup from data or requests reaches the desk as HTML, and exports are safe to open: a lot id, a
supplier lot no or a report filter holding `<img src=x onerror=…>` comes back quoted as text in the
refusal; a form cannot store markup in the rows written in bulk nor set what the server records on
them; a supplier lot no or a customer name that reads as a formula is written as text in the FSMA 204
spreadsheet (.xlsx, .csv) and the recall's customer notice list."""

import csv
import io

import frappe

from lot_traceability import api, demo
from lot_traceability.exports import fsma204 as fsma204_export
from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions
from lot_traceability.lot_traceability.report.lot_trace import lot_trace
from lot_traceability.lot_traceability.report.lot_traceability_kpis import lot_traceability_kpis
from lot_traceability.lot_traceability.report.recall_impact import recall_impact
from lot_traceability.recall import audit as recall_audit
from lot_traceability.tests.utils import AsAdministrator, demo_milk_and_cakes, make_lot
from lot_traceability.traceability import fsma204

MARKUP = "<img src=x onerror=alert(1)>"
QUOTED = "&lt;img src=x onerror=alert(1)&gt;"
FORMULA = '=HYPERLINK("http://x","y")'
CUSTOMER = "Demo Bakery North"


class TestMessagesQuoteValues(AsAdministrator):
	def assertRefusedQuoting(self, exception, words, call, *args, **kwargs):
		with self.assertRaises(exception) as refusal:
			call(*args, **kwargs)
		message = str(refusal.exception)
		self.assertIn(words, message)
		self.assertIn(QUOTED, message)
		self.assertNotIn("<img", message)
		self.assertNotIn("<img", str(frappe.local.message_log))

	def test_the_genealogy_of_an_unknown_lot_quotes_it(self):
		self.assertRefusedQuoting(frappe.DoesNotExistError, "does not exist", api.get_lot_graph, lot=MARKUP)

	def test_the_trace_of_an_unknown_supplier_lot_quotes_it(self):
		self.assertRefusedQuoting(
			frappe.DoesNotExistError,
			"No lot carries supplier lot no",
			api.get_lot_trace,
			supplier_lot_no=MARKUP,
		)

	def test_a_trace_in_an_unknown_direction_quotes_it(self):
		lot = make_lot()
		self.assertRefusedQuoting(
			frappe.ValidationError, "Direction must be", api.get_lot_trace, batch=lot.batch, direction=MARKUP
		)

	def test_the_lot_trace_report_quotes_its_supplier_lot_filter(self):
		self.assertRefusedQuoting(
			frappe.DoesNotExistError,
			"No lot carries supplier lot no",
			lot_trace.execute,
			{"supplier_lot_no": MARKUP},
		)

	def test_the_recall_impact_report_quotes_its_filters(self):
		self.assertRefusedQuoting(
			frappe.DoesNotExistError,
			"No lot carries supplier lot no",
			recall_impact.execute,
			{"supplier_lot_no": MARKUP},
		)
		self.assertRefusedQuoting(
			frappe.ValidationError,
			"Section must be one of",
			recall_impact.execute,
			{"supplier_lot_no": MARKUP, "section": MARKUP},
		)

	def test_lot_lookup_quotes_what_was_typed_or_scanned(self):
		"""The Lot Lookup page shows the answer's message as HTML: the text typed or scanned is in it
		as text, a lot id or a label alike."""
		# a label's lot holds at most 20 characters of GS1's character set, which has `<`, `=`, `>`
		for text, markup in ((MARKUP, "<img"), ("]C110<svg/onload=alert()>", "<svg")):
			message = api.lookup_lot(text=text)["message"]
			self.assertIn("&lt;" + markup[1:], message, text)
			self.assertNotIn(markup, message, text)

	def test_reports_quote_a_choice_they_do_not_know(self):
		self.assertRefusedQuoting(
			frappe.ValidationError, "View must be one of", lot_traceability_kpis.execute, {"view": MARKUP}
		)
		self.assertRefusedQuoting(
			frappe.ValidationError, "Exception must be one of", lot_exceptions.execute, {"kind": MARKUP}
		)


class TestRowsWrittenInBulk(AsAdministrator):
	def test_a_draft_change_keeps_no_markup_and_no_documents_from_the_form(self):
		"""The approver reads a draft change's rows: what a form sends in them is sanitized, and what
		the server records on them (the lot's item, its status, its documents) is the server's."""
		lot = make_lot()
		change = frappe.get_doc(
			{
				"doctype": "Lot Status Change",
				"to_status": "Quarantined",
				"reason": "Damaged pallet",
				"lots": [
					{
						"batch": lot.batch,
						"item": "not the lot's item",
						"from_status": "Released",
						"documents": f"{MARKUP}Certificate of Analysis: /files/coa.pdf",
					}
				],
			}
		).insert()
		stored = frappe.db.get_value(
			"Lot Status Change Lot",
			{"parent": change.name},
			["item", "from_status", "documents"],
			as_dict=True,
		)
		lot_values = frappe.db.get_value("Batch", lot.batch, ["item", "lot_status"], as_dict=True)
		self.assertEqual((stored.item, stored.from_status), (lot_values.item, lot_values.lot_status))
		self.assertIsNone(stored.documents)


class TestExportsAreSafeToOpen(AsAdministrator):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()  # the demo kept whole, not undone by this class's rollback
		cls.milk, cls.cakes = demo_milk_and_cakes()

	def setUp(self):
		super().setUp()
		# rolled back after each test (AsAdministrator)
		frappe.db.set_value("Batch", self.milk, "supplier_lot_no", FORMULA, update_modified=False)
		frappe.db.set_value("Customer", CUSTOMER, "customer_name", FORMULA, update_modified=False)

	def test_the_fsma204_xlsx_writes_formulas_as_text(self):
		from openpyxl import load_workbook

		_filename, content = fsma204_export.download("xlsx", lot=self.milk)
		sheet = load_workbook(io.BytesIO(content)).active
		cells = [cell for row in sheet.iter_rows() for cell in row]
		self.assertFalse([cell.coordinate for cell in cells if cell.data_type == "f"])
		written = [cell for cell in cells if isinstance(cell.value, str) and FORMULA in cell.value]
		self.assertTrue(any(cell.value == "'" + FORMULA for cell in written))  # the supplier lot no
		self.assertTrue(any(cell.value.startswith("'" + FORMULA) for cell in written[1:]))  # the customer
		for cell in written:
			self.assertEqual(cell.data_type, "s")
			self.assertTrue(cell.value.startswith("'"))
		column = [key for key, _header, _kind in fsma204.COLUMNS].index("quantity")
		quantities = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
		self.assertTrue(quantities)
		self.assertTrue(all(isinstance(qty, int | float) for qty in quantities))  # numbers stay numbers

	def test_the_fsma204_csv_writes_formulas_as_text(self):
		_filename, content = fsma204_export.download("csv", lot=self.milk)
		cells = [cell for line in csv.reader(io.StringIO(content)) for cell in line]
		self.assertIn("'" + FORMULA, cells)  # the supplier lot no
		self.assertGreater(len([cell for cell in cells if cell.startswith("'" + FORMULA)]), 1)  # the customer
		self.assertFalse([cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))])

	def test_the_customer_notice_list_writes_formulas_as_text(self):
		from lot_traceability.tests.test_recall import new_recall

		frappe.db.set_value("Batch", self.milk, "supplier_lot_no", "DC-5531", update_modified=False)
		recall = new_recall(supplier_lot_no="DC-5531", is_mock=1)
		self.assertIn(FORMULA, {row.customer_name for row in recall.customers})
		notice = list(csv.reader(io.StringIO(recall_audit.notice_csv(recall))))
		names = [line[1] for line in notice[1:]]
		self.assertIn("'" + FORMULA, names)
		self.assertNotIn(FORMULA, names)
		for line in notice[1:]:
			self.assertFalse([cell for cell in line if cell.startswith(("=", "+", "@", "\t", "\r"))])


class TestPrintFormatsEscapeValues(AsAdministrator):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()  # the demo kept whole, not undone by this class's rollback

	def render(self, print_format: str, doc) -> str:
		"""The print format as stored with the app, rendered as Frappe renders a Jinja print format."""
		import json
		from pathlib import Path

		folder = frappe.scrub(print_format)
		path = Path(frappe.get_app_path("lot_traceability", "lot_traceability", "print_format", folder))
		html = json.loads((path / f"{folder}.json").read_text())["html"]
		return frappe.render_template(html, {"doc": doc})

	def test_the_customer_notice_writes_names_as_text(self):
		from lot_traceability.tests.test_recall import new_recall

		frappe.db.set_value("Customer", CUSTOMER, "customer_name", MARKUP, update_modified=False)
		recall = new_recall(supplier_lot_no="DC-5531", is_mock=1, reason=f"Salmonella {MARKUP}")
		html = self.render("Lot Recall Customer Notice", recall)
		# stored sanitized (no handler left), printed as text
		self.assertIn("<b>&lt;img src=", html)
		self.assertIn("Reason: Salmonella &lt;img src=", html)
		self.assertNotIn("<img", html)

	def test_the_lot_label_writes_the_supplier_lot_as_text(self):
		lot = make_lot()
		frappe.db.set_value("Batch", lot.batch, "supplier_lot_no", MARKUP, update_modified=False)
		html = self.render("Lot Label", frappe.get_doc("Batch", lot.batch))
		self.assertIn(QUOTED, html)
		self.assertNotIn("<img src=x", html)
		self.assertEqual(html.count("<img"), 1)  # the QR code only
