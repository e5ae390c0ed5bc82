# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from lot_traceability.messages import bold

FINAL = ("Matched", "Variance")


class LotCount(Document):
	def validate(self):
		self.validate_rows()
		self.set_totals()
		self.set_status()

	def validate_rows(self):
		seen = set()
		for row in self.rows:
			key = (row.batch, row.warehouse)
			if key in seen:
				frappe.throw(
					_("Row {0}: lot {1} at {2} is on Lot Count {3} twice.").format(
						row.idx, bold(row.batch), bold(row.warehouse), bold(self.name)
					)
				)
			seen.add(key)

	def set_totals(self):
		final = [row for row in self.rows if row.state in FINAL]
		self.rows_counted = len(final)
		self.rows_within_tolerance = sum(1 for row in final if row.state == "Matched")
		self.variance_value = sum(
			abs(row.variance_value or 0) for row in self.rows if row.state == "Variance"
		)

	def set_status(self):
		if self.status == "Cancelled":
			return
		states = {row.state or "Pending" for row in self.rows}
		if "Recount" in states:
			self.status = "Recount"
		elif self.flags.closing or (self.rows and states <= set(FINAL)):
			self.status = "Completed"
		elif states & {"Matched", "Variance"}:
			self.status = "Counting"
		else:
			self.status = "Open"
