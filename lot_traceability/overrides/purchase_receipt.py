from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.overrides.stock_rows import receiving_rows
from lot_traceability.receiving import record_supplier_lots, validate_supplier_lots


def before_validate(doc, method=None):
	check_voucher_rows(doc, receiving_rows(doc))


def before_submit(doc, method=None):
	validate_supplier_lots(doc)


def on_submit(doc, method=None):
	record_supplier_lots(doc)
