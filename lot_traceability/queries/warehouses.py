"""Reads of warehouses: quarantine warehouses, companies."""

import frappe


def is_quarantine_warehouse(warehouse: str | None) -> bool:
	return bool(warehouse) and bool(
		frappe.get_cached_value("Warehouse", warehouse, "is_quarantine_warehouse")
	)


def get_quarantine_warehouse(company: str | None) -> str | None:
	"""The company's first quarantine warehouse (not a group)."""
	if not company:
		return None
	warehouses = frappe.get_all(
		"Warehouse",
		filters={"company": company, "is_quarantine_warehouse": 1, "is_group": 0, "disabled": 0},
		pluck="name",
		order_by="name",
		limit=1,
	)
	return warehouses[0] if warehouses else None


def get_quarantine_warehouses(companies) -> list[str]:
	"""Every quarantine warehouse (not a group, not disabled) of these companies, by name."""
	if not companies:
		return []
	return frappe.get_all(
		"Warehouse",
		filters={
			"company": ("in", sorted(set(companies))),
			"is_quarantine_warehouse": 1,
			"is_group": 0,
			"disabled": 0,
		},
		pluck="name",
		order_by="name",
	)


def get_companies(warehouses) -> list[str]:
	"""The companies of these warehouses."""
	if not warehouses:
		return []
	return frappe.get_all(
		"Warehouse", filters={"name": ("in", sorted(set(warehouses)))}, pluck="company", distinct=True
	)
