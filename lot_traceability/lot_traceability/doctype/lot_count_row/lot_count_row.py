# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from frappe.model.document import Document


class LotCountRow(Document):
	pass
