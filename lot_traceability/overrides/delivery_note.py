from lot_traceability.allocation import check_requirements, record_overrides
from lot_traceability.balances import lock_outward_lots
from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.overrides.stock_rows import selling_rows
from lot_traceability.returns import quarantine_returns, update_recalls


def before_validate(doc, method=None):
	check_voucher_rows(doc, selling_rows(doc))
	quarantine_returns(doc)
	check_requirements(doc)


def before_submit(doc, method=None):
	lock_outward_lots(selling_rows(doc))


def on_submit(doc, method=None):
	record_overrides(doc)
	update_recalls(doc)


def on_cancel(doc, method=None):
	update_recalls(doc)
