# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class LotProductionRun(Document):
	"""Written by the app when a production entry is submitted (`production_runs`); read-only."""


def on_doctype_update():
	frappe.db.add_index("Lot Production Run", ["workstation", "from_time"])
	frappe.db.add_index("Lot Production Run", ["lot", "from_time"])
	frappe.db.add_index("Lot Production Run", ["workstation", "span_seconds"])
