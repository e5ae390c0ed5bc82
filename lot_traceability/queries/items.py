"""Reads of items: their names and stock units."""

import frappe

from lot_traceability.queries.quoting import value_list


def get_item_names_and_units(items) -> dict[str, tuple[str, str]]:
	"""(item name, stock unit) of each item. Raw SQL: every trace asks this, and
	`frappe.get_all` costs more to build than the read itself."""
	if not items:
		return {}
	rows = frappe.db.sql(
		"select name, item_name, stock_uom from `tabItem` where name in %(items)s",
		{"items": value_list(set(items))},
	)
	return {name: (item_name, stock_uom) for name, item_name, stock_uom in rows}
