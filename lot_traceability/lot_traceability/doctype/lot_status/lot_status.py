# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from frappe.model.document import Document

from lot_traceability import controls
from lot_traceability.kpis import set_status_chart_colours
from lot_traceability.messages import throw_problems
from lot_traceability.traceability.statuses import LotStatus as LotStatusRule
from lot_traceability.traceability.statuses import validate_status


class LotStatus(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allow_allocation: DF.Check
		allow_customer_return: DF.Check
		allow_issue: DF.Check
		allow_receipt: DF.Check
		allow_shipment: DF.Check
		allow_supplier_return: DF.Check
		allow_transfer: DF.Check
		allow_write_off: DF.Check
		colour: DF.Literal[
			"green", "blue", "orange", "yellow", "red", "gray", "purple", "pink", "cyan", "darkgrey"
		]
		description: DF.SmallText | None
		is_terminal: DF.Check
		requires_reason: DF.Check
		status_name: DF.Data
	# end: auto-generated types

	def validate_higher_perm_levels(self):
		controls.refuse_control_changes(self)
		super().validate_higher_perm_levels()

	def validate(self):
		self.validate_flags()
		self.flags.changed_controls = controls.changed_controls(self)

	def on_update(self):
		set_status_chart_colours()
		controls.notify_control_change(self)

	def after_delete(self):
		set_status_chart_colours()

	def validate_flags(self):
		throw_problems(validate_status(self.as_rule()), self)

	def as_rule(self) -> LotStatusRule:
		return LotStatusRule.from_record(self.as_dict())
