# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from frappe.model.document import Document

from lot_traceability import announcement_receipts


class LotAnnouncement(Document):
	def validate(self):
		announcement_receipts.validate_announcement(self)
