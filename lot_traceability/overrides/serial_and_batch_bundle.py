from lot_traceability.enforcement import check_bundle


def on_submit(doc, method=None):
	check_bundle(doc)
