# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from frappe.model.document import Document

from lot_traceability import announcements


class LotAnnouncement(Document):
	def validate(self):
		announcements.validate_announcement(self)
