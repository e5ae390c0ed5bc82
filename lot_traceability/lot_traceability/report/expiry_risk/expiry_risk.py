# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

from lot_traceability.config import get_settings
from lot_traceability.kpis import expiry_risk


def execute(filters=None):
	filters = frappe._dict(filters or {})
	today = getdate(filters.get("as_of") or nowdate())
	days = cint(filters.get("days")) or cint(get_settings().near_expiry_days) or 30
	data = get_data(today, days, filters)
	return get_columns(), data, None, None, get_summary(data)


def get_data(today, days, filters) -> list[dict]:
	rows = expiry_risk(
		today, days, filters.get("company"), filters.get("warehouse"), filters.get("item_code")
	)
	for row in rows:
		row["demand_note"] = "" if row.demand_known else _("No demand known")
	return rows


def get_summary(data) -> list[dict]:
	known = [row for row in data if row.at_risk_value is not None]
	return [
		{"label": _("Lots"), "value": len(data), "indicator": "blue", "datatype": "Int"},
		{
			"label": _("Stock Value Expiring"),
			"value": sum(row.value for row in data),
			"indicator": "orange",
			"datatype": "Currency",
		},
		{
			"label": _("Projected Write-off Value (demand known)"),
			"value": sum(row.at_risk_value for row in known),
			"indicator": "red",
			"datatype": "Currency",
		},
		{
			"label": _("Stock Value with No Demand Known"),
			"value": sum(row.value for row in data if row.at_risk_value is None),
			"indicator": "gray",
			"datatype": "Currency",
		},
	]


def get_columns():
	money = {"fieldtype": "Currency", "options": "currency"}  # each row in its company's currency
	return [
		{"fieldname": "lot", "label": _("Lot"), "fieldtype": "Link", "options": "Batch", "width": 170},
		{"fieldname": "item", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 150},
		{
			"fieldname": "warehouse",
			"label": _("Warehouse"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 160,
		},
		{
			"fieldname": "lot_status",
			"label": _("Status"),
			"fieldtype": "Link",
			"options": "Lot Status",
			"width": 110,
		},
		{"fieldname": "expiry_date", "label": _("Expiry"), "fieldtype": "Date", "width": 100},
		{"fieldname": "days_to_expiry", "label": _("Days to Expiry"), "fieldtype": "Int", "width": 110},
		{"fieldname": "qty", "label": _("On Hand"), "fieldtype": "Float", "width": 100},
		{"fieldname": "uom", "label": _("Unit"), "fieldtype": "Link", "options": "UOM", "width": 70},
		{"fieldname": "value", "label": _("Stock Value"), "width": 120, **money},
		{"fieldname": "demand", "label": _("Open Orders Before Expiry"), "fieldtype": "Float", "width": 150},
		{"fieldname": "demand_note", "label": _("Demand"), "fieldtype": "Data", "width": 130},
		{"fieldname": "at_risk_qty", "label": _("Projected Write-off"), "fieldtype": "Float", "width": 140},
		{"fieldname": "at_risk_value", "label": _("Projected Write-off Value"), "width": 160, **money},
	]
