"""Keeping open recalls' containment up to date: after a customer return of an affected lot, and
daily (the figures and the status rules are the Lot Recall's own: `Lot Recall.update_containment`)."""

import frappe

from lot_traceability.queries import recall as recall_queries
from lot_traceability.traceability import recall as core


def update_recalls_of_lots(lots) -> None:
	"""Refresh the containment of the open recalls that cover any of these lots."""
	for name in recall_queries.get_open_recalls_of_lots(lots):
		frappe.get_doc("Lot Recall", name).update_containment()


def update_open_recalls() -> None:
	"""Daily: refresh every open recall's containment."""
	for name in frappe.get_all(
		"Lot Recall",
		filters={"docstatus": 1, "is_mock": 0, "status": ("in", [core.OPEN, core.CONTAINED])},
		pluck="name",
	):
		frappe.get_doc("Lot Recall", name).update_containment()
