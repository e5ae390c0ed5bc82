"""Reads of a supplier's standing (ERPNext's hold and scorecard flags, the app's receipt status)."""

import frappe

STANDING_FIELDS = ("on_hold", "hold_type", "release_date", "prevent_pos", "warn_pos", "lot_receipt_status")


def get_supplier_standing(supplier: str) -> dict | None:
	meta = frappe.get_meta("Supplier")
	fields = [field for field in STANDING_FIELDS if meta.has_field(field)]
	return frappe.db.get_value("Supplier", supplier, fields, as_dict=True)


def get_supplier_standings(suppliers) -> dict[str, dict]:
	"""The standing of each of these suppliers."""
	suppliers = sorted({name for name in suppliers or () if name})
	if not suppliers:
		return {}
	meta = frappe.get_meta("Supplier")
	fields = ["name", *(field for field in STANDING_FIELDS if meta.has_field(field))]
	return {
		row.name: row
		for row in frappe.get_all("Supplier", filters={"name": ("in", suppliers)}, fields=fields)
	}
