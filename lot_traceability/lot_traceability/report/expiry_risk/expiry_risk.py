# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, getdate, nowdate

from lot_traceability.config import get_settings
from lot_traceability.queries import kpis as kpi_queries
from lot_traceability.traceability.kpis import project_expiry


def execute(filters=None):
	filters = frappe._dict(filters or {})
	today = getdate(filters.get("as_of") or nowdate())
	days = cint(filters.get("days")) or cint(get_settings().near_expiry_days) or 30
	until = add_days(today, days)
	lots = kpi_queries.get_stock_expiring(
		until, filters.get("company"), filters.get("warehouse"), filters.get("item_code")
	)
	pairs = {(row.item, row.warehouse) for row in lots}
	demand = defaultdict(list)
	for order in kpi_queries.get_open_order_demand(pairs, until):
		demand[(order.item_code, order.warehouse)].append((getdate(order.due), flt(order.qty)))
	groups = defaultdict(list)
	for row in lots:
		groups[(row.item, row.warehouse)].append(row)
	data = []
	for key, rows in groups.items():
		covered = project_expiry(
			[
				(row.batch, getdate(row.expiry_date), flt(row.qty))
				for row in rows
				if getdate(row.expiry_date) >= today
			],
			demand.get(key, []),
		)
		for row in rows:
			qty, value = flt(row.qty), flt(row.value)
			taken = covered.get(row.batch, 0.0)
			at_risk = qty - taken
			data.append(
				{
					"lot": row.batch,
					"item": row.item,
					"warehouse": row.warehouse,
					"lot_status": row.lot_status,
					"expiry_date": row.expiry_date,
					"days_to_expiry": (getdate(row.expiry_date) - today).days,
					"qty": qty,
					"value": value,
					"demand": taken,
					"at_risk_qty": at_risk,
					"at_risk_value": value * at_risk / qty if qty else 0.0,
				}
			)
	data.sort(key=lambda r: (r["days_to_expiry"], -r["at_risk_value"], r["lot"]))
	summary = [
		{"label": _("Lots"), "value": len(data), "indicator": "blue", "datatype": "Int"},
		{
			"label": _("Stock Value Expiring"),
			"value": sum(r["value"] for r in data),
			"indicator": "orange",
			"datatype": "Currency",
		},
		{
			"label": _("Projected Write-off Value"),
			"value": sum(r["at_risk_value"] for r in data),
			"indicator": "red",
			"datatype": "Currency",
		},
	]
	return get_columns(), data, None, None, summary


def get_columns():
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
		{"fieldname": "value", "label": _("Stock Value"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "demand", "label": _("Open Orders Before Expiry"), "fieldtype": "Float", "width": 150},
		{"fieldname": "at_risk_qty", "label": _("Projected Write-off"), "fieldtype": "Float", "width": 140},
		{
			"fieldname": "at_risk_value",
			"label": _("Projected Write-off Value"),
			"fieldtype": "Currency",
			"width": 160,
		},
	]
