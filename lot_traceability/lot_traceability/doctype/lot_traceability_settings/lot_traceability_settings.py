# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from lot_traceability import controls
from lot_traceability.messages import bold


class LotTraceabilitySettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from lot_traceability.lot_traceability.doctype.lot_status_transition.lot_status_transition import (
			LotStatusTransition,
		)

		adjustment_window_days: DF.Int
		allow_held_lots_into_quarantine: DF.Check
		bom_yield_tolerance: DF.Percent
		default_allocation_policy: DF.Literal["FEFO", "FIFO"]
		default_receipt_status: DF.Link
		enable_enforcement: DF.Check
		exception_near_expiry_days: DF.Int
		expired_status: DF.Link
		hold_returns_in_quarantine: DF.Check
		mass_balance_tolerance: DF.Percent
		max_lot_adjustments: DF.Int
		near_expiry_days: DF.Int
		recall_customer_service_role: DF.Link | None
		recall_quality_role: DF.Link | None
		recall_status: DF.Link | None
		recall_warehouse_role: DF.Link | None
		returns_quarantine_warehouse: DF.Link | None
		shelf_life_override_role: DF.Link | None
		rejection_status: DF.Link
		release_status: DF.Link
		transitions: DF.Table[LotStatusTransition]
	# end: auto-generated types

	def validate_higher_perm_levels(self):
		controls.refuse_control_changes(self)
		super().validate_higher_perm_levels()

	def validate(self):
		self.validate_transitions()
		self.validate_returns_warehouse()
		self.flags.changed_controls = controls.changed_controls(self)

	def validate_returns_warehouse(self):
		warehouse = self.returns_quarantine_warehouse
		if warehouse and not frappe.db.get_value("Warehouse", warehouse, "is_quarantine_warehouse"):
			frappe.throw(
				_(
					"Warehouse {0} is not a quarantine warehouse: tick Is Quarantine Warehouse on it first."
				).format(bold(warehouse))
			)

	def validate_transitions(self):
		seen = set()
		for row in self.transitions:
			key = (row.from_status or "", row.to_status, row.role)
			if key in seen:
				frappe.throw(
					_("Row {0}: the transition to {1} for role {2} is listed twice.").format(
						row.idx, bold(row.to_status), bold(row.role)
					)
				)
			seen.add(key)

	def on_update(self):
		if self.has_value_changed("enable_enforcement") and not self.is_new():
			self.record_enforcement_change()
		controls.notify_control_change(self)
		if self.has_value_changed("enable_enforcement"):
			# every open desk shows (or stops showing) that enforcement is off
			frappe.publish_realtime(
				"lot_traceability_enforcement", {"enabled": int(self.enable_enforcement)}, after_commit=True
			)

	def record_enforcement_change(self):
		"""Switching enforcement off or on is itself part of the audit trail (besides the Version)."""
		message = (
			_("Lot status enforcement switched on by {0}.")
			if self.enable_enforcement
			else _("Lot status enforcement switched off by {0}: held and expired lots are not stopped.")
		)
		self.add_comment("Info", message.format(frappe.session.user))
