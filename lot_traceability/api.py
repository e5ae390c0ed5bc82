"""The app's whitelisted methods (the only ones)."""

import frappe

from lot_traceability.lot_traceability.doctype.lot_rule.lot_rule import get_lot_rule
from lot_traceability.lot_traceability.doctype.lot_traceability_settings.lot_traceability_settings import (
	get_settings,
)


@frappe.whitelist()
def get_effective_lot_rule(item_code: str, company: str | None = None) -> dict:
	"""The rule that governs an item's lots in a company, with Settings defaults filled in."""
	frappe.has_permission("Item", "read", item_code, throw=True)
	if not frappe.db.exists("Item", item_code):
		frappe.throw(frappe._("Item {0} does not exist.").format(frappe.bold(item_code)), frappe.DoesNotExistError)
	rule = get_lot_rule(item_code, company)
	settings = get_settings()
	return {
		"item_code": item_code,
		"company": company,
		"lot_rule": rule.name if rule else None,
		"receipt_status": (rule and rule.receipt_status) or settings.default_receipt_status,
		"allocation_policy": (rule and rule.allocation_policy) or settings.default_allocation_policy,
		"supplier_lot_mandatory": bool(rule and rule.supplier_lot_mandatory),
		"quality_inspection_decides_release": bool(rule and rule.quality_inspection_decides_release),
		"shelf_life": rule.shelf_life_value if rule and rule.shelf_life else None,
		"shelf_life_unit": rule.shelf_life_unit if rule and rule.shelf_life else None,
		"min_remaining_shelf_life": rule.min_remaining_value if rule else None,
		"min_remaining_shelf_life_unit": rule.min_remaining_unit if rule else None,
	}
