"""Reads behind the company walls: which companies a lot belongs to, and where warehouses stand."""

import frappe

from lot_traceability.queries.quoting import value_list


def get_lot_companies(lots) -> dict[str, set[str]]:
	"""The companies whose kept lot ledger moved each lot (a lot never moved: none)."""
	lots = {lot for lot in lots or () if lot}
	found: dict[str, set[str]] = {lot: set() for lot in lots}
	if not lots:
		return found
	for lot, company in frappe.db.sql(
		"""select distinct batch_no, company from `tabLot Ledger Entry`
		where batch_no in %(lots)s and company is not null and company != ''""",
		{"lots": value_list(lots)},
	):
		found[lot].add(company)
	return found


def get_reference_companies(lots) -> dict[str, str]:
	"""The company of the document each lot was made by (its Batch's reference), where that
	document has a company."""
	rows = frappe.get_all(
		"Batch",
		filters={"name": ("in", sorted(lots)), "reference_doctype": ("is", "set")},
		fields=["name", "reference_doctype", "reference_name"],
	)
	found = {}
	for row in rows:
		if not row.reference_name or not frappe.db.exists("DocType", row.reference_doctype):
			continue
		if not frappe.get_meta(row.reference_doctype).has_field("company"):
			continue
		company = frappe.db.get_value(row.reference_doctype, row.reference_name, "company")
		if company:
			found[row.name] = company
	return found


def get_warehouse_companies(warehouses) -> dict[str, str | None]:
	"""The company of each warehouse."""
	warehouses = {name for name in warehouses or () if name}
	if not warehouses:
		return {}
	return dict(
		frappe.get_all(
			"Warehouse",
			filters={"name": ("in", sorted(warehouses))},
			fields=["name", "company"],
			as_list=True,
		)
	)
