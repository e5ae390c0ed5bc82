from lot_traceability.enforcement import check_reservation


def before_submit(doc, method=None):
	check_reservation(doc)
