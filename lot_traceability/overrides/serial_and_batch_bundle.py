from lot_traceability import lot_ledger
from lot_traceability.balances import apply_bundle
from lot_traceability.enforcement import check_bundle


def on_submit(doc, method=None):
	check_bundle(doc)
	apply_bundle(doc)
	lot_ledger.record_bundle(doc)


def on_cancel(doc, method=None):
	apply_bundle(doc, sign=-1)
	lot_ledger.remove_bundle(doc)
