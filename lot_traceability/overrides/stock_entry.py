import frappe

from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.overrides.stock_rows import stock_entry_rows
from lot_traceability.receiving import record_supplier_lots, validate_supplier_lots

RECEIVING_PURPOSES = {"Material Receipt"}


def before_validate(doc, method=None):
	if not doc.purpose and doc.stock_entry_type:
		doc.purpose = frappe.get_cached_value("Stock Entry Type", doc.stock_entry_type, "purpose")
	if doc.purpose != "Material Issue":
		doc.is_lot_write_off = 0
	check_voucher_rows(doc, stock_entry_rows(doc))


def before_submit(doc, method=None):
	if doc.purpose in RECEIVING_PURPOSES:
		validate_supplier_lots(doc)


def on_submit(doc, method=None):
	if doc.purpose in RECEIVING_PURPOSES:
		record_supplier_lots(doc)
