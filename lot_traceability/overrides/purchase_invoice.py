from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.exports.fsma204 import record_tlc_sources
from lot_traceability.foresight.supplier_risk import hold_received_lots
from lot_traceability.locks import lock_if_submitting, lock_voucher
from lot_traceability.lot_documents import hold_lots_missing_documents
from lot_traceability.new_lots import close_voucher, open_voucher
from lot_traceability.overrides.stock_rows import receiving_rows
from lot_traceability.receiving import record_supplier_lots, validate_supplier_lots


def before_validate(doc, method=None):
	if doc.update_stock:
		lock_if_submitting(doc, receiving_rows(doc))
		check_voucher_rows(doc, receiving_rows(doc))


def before_submit(doc, method=None):
	if doc.update_stock:
		lock_voucher(doc, receiving_rows(doc))
		validate_supplier_lots(doc)
		open_voucher(doc)


def on_submit(doc, method=None):
	close_voucher()
	if doc.update_stock:
		record_supplier_lots(doc)
		record_tlc_sources(doc)
		hold_received_lots(doc)
		hold_lots_missing_documents(doc)


def before_cancel(doc, method=None):
	if doc.update_stock:
		lock_voucher(doc, receiving_rows(doc), cancelling=True)
