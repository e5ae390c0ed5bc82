"""FSMA 204 Records: the Critical Tracking Events of the lots the Food Traceability List covers,
with their Key Data Elements — the electronic sortable spreadsheet the FDA may ask for within 24
hours, on screen, filtered by company and dates, a product, a lot (and its trace) or a Lot Recall.
Its buttons download the spreadsheet as .xlsx or .csv."""

from frappe import _

from lot_traceability.exports.fsma204 import covered_range, rows_in_scope
from lot_traceability.messages import esc
from lot_traceability.traceability.fsma204 import COLUMNS

WIDTHS = {"text": 180, "date": 100, "number": 100}
FIELD_TYPES = {"text": "Data", "date": "Date", "number": "Float"}


def execute(filters=None):
	filters = filters or {}
	scope = {
		key: filters.get(key) for key in ("lot", "lot_recall", "item", "company", "from_date", "to_date")
	}
	rows, _name = rows_in_scope(**scope)
	columns = [
		{"fieldname": key, "label": _(header), "fieldtype": FIELD_TYPES[kind], "width": WIDTHS[kind]}
		for key, header, kind in COLUMNS
	]
	for column in columns:
		if column["fieldname"] == "lot":
			column.update(fieldtype="Link", options="Batch")
		elif column["fieldname"] == "item":
			column.update(fieldtype="Link", options="Item")
		elif column["fieldname"] == "reference_document_number":
			column.update(fieldtype="Dynamic Link", options="reference_document_type")
	return columns, rows, esc(covered_range(**scope))
