from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.overrides.stock_rows import stock_reconciliation_rows


def before_validate(doc, method=None):
	check_voucher_rows(doc, stock_reconciliation_rows(doc))
