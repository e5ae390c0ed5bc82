from lot_traceability.allocation_checks import check_requirements, record_overrides, repick_automatic_lots
from lot_traceability.certificate_packs import queue_certificates
from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.locks import lock_if_submitting, lock_voucher
from lot_traceability.overrides.stock_rows import selling_rows
from lot_traceability.returns import (
	carry_out_dispositions,
	quarantine_returns,
	undo_dispositions,
	update_recalls,
)


def before_validate(doc, method=None):
	quarantine_returns(doc)
	lock_if_submitting(doc, selling_rows(doc))
	check_voucher_rows(doc, selling_rows(doc))
	check_requirements(doc)


def before_submit(doc, method=None):
	lock_voucher(doc, selling_rows(doc))
	repick_automatic_lots(doc)


def on_submit(doc, method=None):
	record_overrides(doc)
	carry_out_dispositions(doc)
	update_recalls(doc)
	queue_certificates(doc)


def before_cancel(doc, method=None):
	lock_voucher(doc, selling_rows(doc), cancelling=True)
	undo_dispositions(doc)


def on_cancel(doc, method=None):
	update_recalls(doc)
