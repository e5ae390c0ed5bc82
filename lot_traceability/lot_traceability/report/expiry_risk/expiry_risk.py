# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, nowdate

from lot_traceability import access
from lot_traceability.config import get_settings
from lot_traceability.foresight.job import computed_note
from lot_traceability.kpis import expiry_risk
from lot_traceability.queries.foresight import get_expiry_forecasts, get_forecast_at_risk


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if filters.get("company"):
		access.check_company_access(filters.company)
	today = getdate(filters.get("as_of") or nowdate())
	days = cint(filters.get("days")) or cint(get_settings().near_expiry_days) or 30
	data = get_data(today, days, filters)
	return (
		get_columns(),
		data,
		computed_note(),
		None,
		get_summary(data, bool(filters.get("forecast_at_risk"))),
	)


def get_data(today, days, filters) -> list[dict]:
	if filters.get("forecast_at_risk"):
		return forecast_rows(filters)
	rows = expiry_risk(
		today, days, filters.get("company"), filters.get("warehouse"), filters.get("item_code")
	)
	for row in rows:
		row["demand_note"] = "" if row.demand_known else _("No demand known")
	with_forecasts(rows)
	return rows


def with_forecasts(rows) -> list[dict]:
	"""Each row with its lot's stored forecast (the daily job's: no recomputation here)."""
	forecasts = get_expiry_forecasts({(row.lot, row.warehouse) for row in rows})
	for row in rows:
		forecast = forecasts.get((row.lot, row.warehouse))
		if not forecast:
			continue
		row.update(
			sell_by=forecast.deadline,
			demand_per_week=forecast.demand_per_week,
			demand_basis=_("{0} weeks, {1} with demand").format(
				forecast.demand_weeks, forecast.demand_weeks_with_demand
			),
			forecast_unsold=forecast.leftover_qty,
			forecast_unsold_value=forecast.leftover_value,
			move_to=forecast.suggested_warehouse,
			move_qty=forecast.suggested_qty or None,
			value_saved=forecast.value_saved or None,
			suggestions=forecast.suggestions,
		)
	return rows


def forecast_rows(filters) -> list[dict]:
	"""Every lot forecast to be left unsold at its sell-by date, whatever its expiry, largest value
	first: straight from the stored forecast."""
	rows = get_forecast_at_risk(filters.get("company"), filters.get("warehouse"), filters.get("item_code"))
	for row in rows:
		row.currency = frappe.get_cached_value("Company", row.company, "default_currency")
		row.days_to_expiry = (getdate(row.expiry_date) - getdate(nowdate())).days
	return with_forecasts(rows)


def get_summary(data, forecast_only: bool = False) -> list[dict]:
	known = [row for row in data if row.get("at_risk_value") is not None]
	forecast = [
		{
			"label": _("Forecast Unsold Value"),
			"value": sum(flt(row.get("forecast_unsold_value")) for row in data),
			"indicator": "red",
			"datatype": "Currency",
		},
		{
			"label": _("Value a Move Would Save"),
			"value": sum(flt(row.get("value_saved")) for row in data),
			"indicator": "green",
			"datatype": "Currency",
		},
	]
	lots = {
		"label": _("Lots"),
		"value": len({row.get("lot") for row in data}),
		"indicator": "blue",
		"datatype": "Int",
	}
	if forecast_only:
		return [lots, *forecast]
	return [
		lots,
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
		*forecast,
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
		{"fieldname": "sell_by", "label": _("Sell By"), "fieldtype": "Date", "width": 100},
		{
			"fieldname": "demand_per_week",
			"label": _("Learned Demand / Week"),
			"fieldtype": "Float",
			"width": 150,
		},
		{"fieldname": "demand_basis", "label": _("Learned From"), "fieldtype": "Data", "width": 150},
		{"fieldname": "forecast_unsold", "label": _("Forecast Unsold"), "fieldtype": "Float", "width": 130},
		{"fieldname": "forecast_unsold_value", "label": _("Forecast Unsold Value"), "width": 160, **money},
		{
			"fieldname": "move_to",
			"label": _("Sells in Time at"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 160,
		},
		{"fieldname": "move_qty", "label": _("Quantity to Move"), "fieldtype": "Float", "width": 130},
		{"fieldname": "value_saved", "label": _("Value Saved"), "width": 120, **money},
	]
