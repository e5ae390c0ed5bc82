from lot_traceability import reservations


def on_submit(doc, method=None):
	reservations.on_status_change(doc)
