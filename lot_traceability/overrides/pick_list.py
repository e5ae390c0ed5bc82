from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.overrides.stock_rows import pick_list_rows


def before_validate(doc, method=None):
	check_voucher_rows(doc, pick_list_rows(doc))


def on_submit(doc, method=None):
	"""Pick List bundles are made during its submit and carry no ledger entry: check them here."""
	check_voucher_rows(doc, pick_list_rows(doc))
