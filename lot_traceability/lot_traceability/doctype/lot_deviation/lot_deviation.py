# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from lot_traceability import deviations
from lot_traceability.messages import bold

# What may change on a submitted deviation: the decisions that close it.
DECISION_FIELDS = ("disposition", "restrict_to_type", "restrict_to")


class LotDeviation(Document):
	def validate(self):
		if self.docstatus == 0:
			self.status = "Draft"
			deviations.fill_lots(self)

	def before_submit(self):
		deviations.hold(self)

	def on_submit(self):
		deviations.after_submit(self)

	def before_update_after_submit(self):
		"""After submit only the dispositions (and the closing note) change, until it closes."""
		if self.flags.closing:
			return
		before = self.get_doc_before_save()
		if before.status == "Closed":
			frappe.throw(
				_("{0} is closed and cannot be changed.").format(bold(self.name)),
				deviations.DeviationError,
			)
		if [row.batch for row in before.lots] != [row.batch for row in self.lots]:
			frappe.throw(
				_(
					"The lots of {0} were fixed when it was submitted: only their dispositions can change."
				).format(bold(self.name)),
				deviations.DeviationError,
			)
		for old, new in zip(before.lots, self.lots, strict=True):
			for field in ("disposition_doctype", "disposition_document", "held", "on_hand_qty", "state"):
				if (old.get(field) or None) != (new.get(field) or None):
					frappe.throw(
						_("Row {0}: {1} is set by the deviation itself.").format(
							new.idx, new.meta.get_label(field)
						),
						deviations.DeviationError,
					)
		if self.status != before.status or self.closed_on != before.closed_on:
			frappe.throw(_("Use Close to close {0}.").format(bold(self.name)), deviations.DeviationError)

	def before_cancel(self):
		frappe.throw(
			_(
				"{0} is an audit record and cannot be cancelled: close it with a disposition for each lot (Release gives the lots back)."
			).format(bold(self.name)),
			deviations.DeviationError,
		)

	def close(self):
		"""Carry out each lot's disposition and close (the desk calls `api.close_lot_deviation`)."""
		self.check_permission("submit")
		deviations.close(self)
