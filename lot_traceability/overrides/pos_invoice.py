from lot_traceability.allocation_checks import check_requirements, record_overrides, repick_automatic_lots
from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.locks import lock_if_submitting, lock_voucher
from lot_traceability.overrides.stock_rows import selling_rows


def before_validate(doc, method=None):
	if doc.update_stock:
		lock_if_submitting(doc, selling_rows(doc))
		check_voucher_rows(doc, selling_rows(doc))
		check_requirements(doc)


def before_submit(doc, method=None):
	if doc.update_stock:
		lock_voucher(doc, selling_rows(doc))
		repick_automatic_lots(doc)


def on_submit(doc, method=None):
	if doc.update_stock:
		record_overrides(doc)


def before_cancel(doc, method=None):
	if doc.update_stock:
		lock_voucher(doc, selling_rows(doc), cancelling=True)
