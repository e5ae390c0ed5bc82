"""Reads of items: their names and stock units."""

import frappe


def get_item_names_and_units(items) -> dict[str, tuple[str, str]]:
	"""(item name, stock unit) of each item."""
	if not items:
		return {}
	return {
		row.name: (row.item_name, row.stock_uom)
		for row in frappe.get_all(
			"Item", filters={"name": ("in", list(items))}, fields=["name", "item_name", "stock_uom"]
		)
	}
