from lot_traceability import lot_ledger, restrictions
from lot_traceability.balances import apply_bundle
from lot_traceability.enforcement import check_bundle


def on_submit(doc, method=None):
	check_bundle(doc)
	apply_bundle(doc)
	lot_ledger.record_bundle(doc)


def on_cancel(doc, method=None):
	restrictions.give_back(doc.voucher_type, doc.voucher_no)
	apply_bundle(doc, sign=-1)
	lot_ledger.remove_bundle(doc)
