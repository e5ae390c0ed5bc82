"""What a submitted recall does to the open demand on its lots: the reservations and submitted pick
lists holding affected lots are cancelled (each on the recall's record of actions); draft pick lists
are left, blocked (the lots' status refuses their submission)."""

import frappe
from frappe import _

from lot_traceability import reservations
from lot_traceability.queries import locks as lock_queries


def release_demand(recall) -> None:
	from lot_traceability.recall.scope import open_demand

	with lock_queries.locking_reads():
		demand = open_demand([row.batch for row in recall.affected_lots], [], {})
	for name in sorted({row.name for row in demand["reservations"]}):
		cancel_document(recall, "Stock Reservation Entry", name, _("Reservation cancelled"))
		reservations.tell_recall_cancelled(
			name, recall.name, [row.batch_no for row in demand["reservations"] if row.name == name]
		)
	for name in sorted({row.name for row in demand["pick_lists"] if row.docstatus == 1}):
		cancel_document(recall, "Pick List", name, _("Pick list cancelled"))
	for name in sorted({row.name for row in demand["pick_lists"] if row.docstatus == 0}):
		recall.add_action("Pick List", name, _("Blocked"), _("draft: the recalled lots cannot be picked"))


def cancel_document(recall, doctype: str, name: str, done: str) -> None:
	"""Cancel one document for the recall; what refuses it is recorded, not raised."""
	savepoint = "lot_recall_release"
	frappe.db.savepoint(savepoint)
	try:
		doc = frappe.get_doc(doctype, name)
		doc.flags.ignore_permissions = True
		doc.cancel()
		recall.add_action(doctype, name, done, _("by recall {0}").format(recall.name))
	except Exception as error:
		frappe.db.rollback(save_point=savepoint)
		frappe.clear_last_message()
		recall.add_action(doctype, name, _("Blocked"), _("could not be cancelled: {0}").format(error))
