# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class LotRecallStatement(Document):
	pass


def on_doctype_update():
	"""One statement per recall, customer and lot (answering again updates it; its versions keep the
	earlier answers)."""
	frappe.db.add_unique("Lot Recall Statement", ["recall", "customer", "batch"], "statement_of_lot")
