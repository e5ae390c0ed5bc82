from lot_traceability import reservations
from lot_traceability.enforcement import check_reservation


def before_submit(doc, method=None):
	check_reservation(doc)
	reservations.take_lots(doc)


def before_update_after_submit(doc, method=None):
	reservations.check_edit(doc)
