# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from lot_traceability.messages import bold

WEIGHTS = (
	"weight_value",
	"weight_movements",
	"weight_adjustments",
	"weight_anomalies",
	"weight_held",
	"weight_near_expiry",
	"weight_days_since_counted",
	"weight_abc",
)


class LotCountPlan(Document):
	def validate(self):
		self.validate_warehouse()
		self.validate_figures()

	def validate_warehouse(self):
		if not self.warehouse:
			return
		company = frappe.db.get_value("Warehouse", self.warehouse, "company")
		if company != self.company:
			frappe.throw(
				_("Warehouse {0} belongs to company {1}, not to {2}.").format(
					bold(self.warehouse), bold(company or ""), bold(self.company)
				)
			)

	def validate_figures(self):
		if (self.counts_per_day or 0) < 1:
			frappe.throw(_("Counts per Day must be at least 1."))
		if (self.tolerance_percent or 0) < 0 or (self.tolerance_qty or 0) < 0:
			frappe.throw(_("A tolerance may not be negative."))
		for fieldname in WEIGHTS:
			if (self.get(fieldname) or 0) < 0:
				frappe.throw(
					_("The weight {0} may not be negative.").format(bold(_(self.meta.get_label(fieldname))))
				)
		if not any(self.get(fieldname) for fieldname in WEIGHTS):
			frappe.throw(_("Give at least one risk weight: the list is ordered by them."))
