# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from lot_traceability.messages import bold, throw_problems
from lot_traceability.queries import rules as rule_queries
from lot_traceability.traceability import rules as core
from lot_traceability.traceability.rules import SCOPE_FIELD, Scope


class LotRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allocation_policy: DF.Literal["", "FEFO", "FIFO"]
		announcement_mismatch_status: DF.Link | None
		applies_to: DF.Literal["Item", "Item Group", "Company"]
		description: DF.SmallText | None
		enabled: DF.Check
		item: DF.Link | None
		item_group: DF.Link | None
		min_remaining_shelf_life: DF.Float
		min_remaining_shelf_life_unit: DF.Literal["Days", "% of Shelf Life"]
		quality_inspection_decides_release: DF.Check
		receipt_status: DF.Link | None
		rule_company: DF.Link | None
		shelf_life: DF.Int
		shelf_life_unit: DF.Literal["Days", "Months", "Years"]
		supplier_lot_mandatory: DF.Check
		title: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.clear_other_scope_fields()
		self.validate_rule()
		self.validate_no_conflict()
		self.validate_required_documents()
		self.set_title()

	def clear_other_scope_fields(self):
		if self.applies_to != "Item":
			self.item = None
		if self.applies_to != "Item Group":
			self.item_group = None

	def validate_rule(self):
		throw_problems(core.validate_rule(self.as_rule()), self)

	def validate_no_conflict(self):
		rule = self.as_rule()
		scope_field = SCOPE_FIELD[rule.scope]
		others = [
			core.LotRule.from_record(record)
			for record in rule_queries.get_rules_for_scope(
				self.applies_to, scope_field, self.get(scope_field)
			)
		]
		conflicts = core.find_conflicts(rule, others)
		if conflicts:
			frappe.throw(
				_(
					"Lot Rule {0} already applies to {1} {2}{3}. Only one enabled rule may have the same scope: edit or disable that rule instead."
				).format(
					frappe.get_desk_link("Lot Rule", conflicts[0].name),
					_(self.applies_to),
					bold(self.get(scope_field)),
					_(" in company {0}").format(bold(self.rule_company))
					if self.rule_company and rule.scope is not Scope.COMPANY
					else "",
				),
				title=_("Duplicate Lot Rule"),
			)

	def validate_required_documents(self):
		"""Each document type once, and enabled (a disabled type could never be attached)."""
		seen = set()
		for row in self.get("required_documents") or []:
			if row.document_type in seen:
				frappe.throw(
					_("Required Documents row {0}: {1} is listed twice.").format(
						row.idx, bold(row.document_type)
					)
				)
			seen.add(row.document_type)
			if frappe.db.get_value("Lot Document Type", row.document_type, "disabled"):
				frappe.throw(
					_("Required Documents row {0}: document type {1} is disabled.").format(
						row.idx, bold(row.document_type)
					)
				)

	def set_title(self):
		scope_value = self.get(SCOPE_FIELD[Scope(self.applies_to)])
		title = f"{_(self.applies_to)}: {scope_value}"
		if self.rule_company and self.applies_to != "Company":
			title += f" ({self.rule_company})"
		self.title = title

	def as_rule(self) -> core.LotRule:
		return core.LotRule.from_record(self.as_dict())
