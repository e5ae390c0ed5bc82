# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_months, get_first_day, getdate, nowdate

from lot_traceability import access, kpis
from lot_traceability.messages import esc

MONTHLY_VIEWS = (
	"Expiry Loss by Month",
	"Quarantine Cycle Time by Month",
	"Write-offs by Reason",
	"Inventory Accuracy by Warehouse and Month",
)
VIEWS = (
	"Summary",
	"Expiry Loss by Month",
	"Quarantine Cycle Time by Month",
	"Write-offs by Reason",
	"Lots by Status and Site",
	"Inventory Accuracy by Warehouse and Month",
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	view = filters.get("view") or "Summary"
	if view not in VIEWS:
		frappe.throw(_("View must be one of {0}, not {1}.").format(", ".join(VIEWS), esc(view)))
	from_date = filters.get("from_date")
	if not from_date and view in MONTHLY_VIEWS:
		# the workspace's charts pass no dates: a year of months, not the current month alone
		from_date = get_first_day(add_months(getdate(filters.get("to_date") or nowdate()), -11))
	from_date, to_date = kpis.period(from_date, filters.get("to_date"))
	company = filters.get("company")
	if company:
		access.check_company_access(company)
	if view == "Summary":
		columns = [
			{"fieldname": "kpi", "label": _("KPI"), "fieldtype": "Data", "width": 320},
			{"fieldname": "value", "label": _("Value"), "fieldtype": "Float", "width": 120, "precision": 2},
			{"fieldname": "unit", "label": _("Unit"), "fieldtype": "Data", "width": 120},
			{"fieldname": "basis", "label": _("Computed From"), "fieldtype": "Data", "width": 420},
		]
		return columns, kpis.summary(from_date, to_date, company)
	if view == "Expiry Loss by Month":
		loss = kpis.expiration_loss(from_date, to_date, company)
		currency = kpis.currency_of(company)
		data = [
			{"month": month, "value": value, "currency": currency}
			for month, value in loss["by_month"].items()
		]
		chart = bar_chart(data, "value", name=_("Expiration Loss"), fieldtype="Currency")
		return month_columns(_("Expiration Loss"), "Currency"), data, None, chart
	if view == "Quarantine Cycle Time by Month":
		by_month: dict[str, list[float]] = {}
		for cycle in kpis.quarantine_cycles(from_date, to_date, company):
			by_month.setdefault(cycle.released_at.strftime("%Y-%m"), []).append(cycle.days)
		data = [
			{"month": month, "value": sum(days) / len(days), "count": len(days)}
			for month, days in sorted(by_month.items())
		]
		columns = [
			*month_columns(_("Mean Days on Hold"), "Float"),
			{"fieldname": "count", "label": _("Holds Released"), "fieldtype": "Int", "width": 120},
		]
		return columns, data, None, bar_chart(data, "value", name=_("Mean Days on Hold"), fieldtype="Float")
	if view == "Write-offs by Reason":
		reasons = kpis.write_offs_by_reason(from_date, to_date, company)
		currency = kpis.currency_of(company)
		# lots and value, not a quantity: the lots are of different items and units
		data = [
			{"reason": _(reason), "lots": figures["lots"], "value": figures["value"], "currency": currency}
			for reason, figures in reasons.items()
		]
		columns = [
			{"fieldname": "reason", "label": _("Reason"), "fieldtype": "Data", "width": 200},
			{"fieldname": "lots", "label": _("Lots"), "fieldtype": "Int", "width": 80},
			{
				"fieldname": "value",
				"label": _("Value"),
				"fieldtype": "Currency",
				"options": "currency",
				"width": 130,
			},
		]
		return (
			columns,
			data,
			None,
			bar_chart(data, "value", label="reason", name=_("Value"), fieldtype="Currency"),
		)
	if view == "Inventory Accuracy by Warehouse and Month":
		return count_accuracy(from_date, to_date, company)
	data = kpis.lots_by_status_and_site(company)
	statuses = kpis.chart_statuses()
	columns = [
		{
			"fieldname": "warehouse",
			"label": _("Warehouse"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 200,
		}
	]
	columns += [
		{"fieldname": frappe.scrub(s), "label": _(s), "fieldtype": "Int", "width": 110} for s in statuses
	]
	rows = [
		{"warehouse": row["warehouse"], **{frappe.scrub(s): int(row.get(s, 0)) for s in statuses}}
		for row in data
	]
	return columns, rows, None, status_chart(data, statuses)


MAX_CHART_SITES = 8


def status_chart(data, statuses):
	"""Lots per site, stacked by status (every status, in the order and colours of
	`kpis.status_chart_options`): the sites with the most lots, by their short names so the labels
	fit, in whole numbers."""
	if not data:
		return None
	top = sorted(data, key=lambda row: (-sum(row.get(s, 0) for s in statuses), row["warehouse"]))
	top = sorted(top[:MAX_CHART_SITES], key=lambda row: row["warehouse"])
	return {
		"data": {
			"labels": [row.get("site") or row["warehouse"] for row in top],
			"datasets": [{"name": _(s), "values": [int(row.get(s, 0)) for row in top]} for s in statuses],
		},
		"type": "bar",
		"fieldtype": "Int",
		**kpis.status_chart_options(statuses),
	}


def month_columns(label, fieldtype):
	value = {"fieldname": "value", "label": label, "fieldtype": fieldtype, "width": 150}
	if fieldtype == "Currency":
		value["options"] = "currency"  # each row carries the company's currency
	return [{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 100}, value]


def bar_chart(data, field, label="month", name="", fieldtype="Float"):
	if not data:
		return None
	return {
		"data": {
			"labels": [row[label] for row in data],
			"datasets": [{"name": name, "values": [row[field] for row in data]}],
		},
		"type": "bar",
		"fieldtype": fieldtype,
	}


def count_accuracy(from_date, to_date, company):
	"""Lot-level inventory accuracy of the cycle counts, by warehouse and month."""
	from lot_traceability.cycle_counts import accuracy

	currency = kpis.currency_of(company)
	data = [
		{
			"warehouse": row.location,
			"month": row.month,
			"counted": row.counted,
			"within": row.within,
			"accuracy": row.pct,
			"variance_value": row.variance_value,
			"currency": currency,
		}
		for row in accuracy(from_date, to_date, company)
	]
	columns = [
		{
			"fieldname": "warehouse",
			"label": _("Warehouse"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 200,
		},
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 100},
		{"fieldname": "counted", "label": _("Lot × Location Counts"), "fieldtype": "Int", "width": 160},
		{"fieldname": "within", "label": _("Within Tolerance"), "fieldtype": "Int", "width": 130},
		{"fieldname": "accuracy", "label": _("Accuracy (%)"), "fieldtype": "Percent", "width": 120},
		{
			"fieldname": "variance_value",
			"label": _("Variance Value"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 140,
		},
	]
	by_month: dict[str, list[int]] = {}
	for row in data:
		figures = by_month.setdefault(row["month"], [0, 0])
		figures[0] += row["counted"]
		figures[1] += row["within"]
	chart_rows = [
		{"month": month, "value": 100.0 * within / counted if counted else 0}
		for month, (counted, within) in sorted(by_month.items())
	]
	return columns, data, None, bar_chart(chart_rows, "value", name=_("Accuracy (%)"), fieldtype="Percent")
