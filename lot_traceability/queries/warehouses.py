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


def get_warehouses(names) -> dict[str, dict]:
	"""Company and transit flag of each warehouse (a Transit type, or a company's in-transit one)."""
	if not names:
		return {}
	warehouse = frappe.qb.DocType("Warehouse")
	rows = (
		frappe.qb.from_(warehouse)
		.select(warehouse.name, warehouse.company, warehouse.warehouse_type)
		.where(warehouse.name.isin(list(set(names))))
		.run(as_dict=True)
	)
	in_transit = set(
		frappe.get_all(
			"Company",
			filters={"default_in_transit_warehouse": ("is", "set")},
			pluck="default_in_transit_warehouse",
		)
	)
	return {
		row.name: frappe._dict(
			company=row.company, in_transit=row.warehouse_type == "Transit" or row.name in in_transit
		)
		for row in rows
	}
