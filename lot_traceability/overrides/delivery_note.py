from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.overrides.stock_rows import selling_rows


def before_validate(doc, method=None):
	check_voucher_rows(doc, selling_rows(doc))
