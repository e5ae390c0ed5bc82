# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class SupplierRiskScore(Document):
	pass


def on_doctype_update():
	"""The reports read these stored results by these keys (nothing is recomputed per page view)."""
	frappe.db.add_index("Supplier Risk Score", ["supplier", "item_group"], "score_by_supplier")
