from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.locks import lock_if_submitting, lock_voucher
from lot_traceability.overrides.stock_rows import stock_reconciliation_rows


def before_validate(doc, method=None):
	lock_if_submitting(doc, stock_reconciliation_rows(doc))
	check_voucher_rows(doc, stock_reconciliation_rows(doc))


def before_submit(doc, method=None):
	lock_voucher(doc, stock_reconciliation_rows(doc))


def before_cancel(doc, method=None):
	lock_voucher(doc, stock_reconciliation_rows(doc), cancelling=True)
