# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _

from lot_traceability import kpis

VIEWS = (
	"Summary",
	"Expiry Loss by Month",
	"Quarantine Cycle Time by Month",
	"Write-offs by Reason",
	"Lots by Status and Site",
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	view = filters.get("view") or "Summary"
	if view not in VIEWS:
		frappe.throw(_("View must be one of {0}, not {1}.").format(", ".join(VIEWS), view))
	from_date, to_date = kpis.period(filters.get("from_date"), filters.get("to_date"))
	company = filters.get("company")
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
		data = [{"month": month, "value": value} for month, value in loss["by_month"].items()]
		return month_columns(_("Expiration Loss"), "Currency"), data, None, bar_chart(data, "value")
	if view == "Quarantine Cycle Time by Month":
		by_month: dict[str, list[float]] = {}
		for cycle in kpis.quarantine_cycles(from_date, to_date):
			by_month.setdefault(cycle.released_at.strftime("%Y-%m"), []).append(cycle.days)
		data = [
			{"month": month, "value": sum(days) / len(days), "count": len(days)}
			for month, days in sorted(by_month.items())
		]
		columns = [
			*month_columns(_("Mean Days on Hold"), "Float"),
			{"fieldname": "count", "label": _("Holds Released"), "fieldtype": "Int", "width": 120},
		]
		return columns, data, None, bar_chart(data, "value")
	if view == "Write-offs by Reason":
		reasons = kpis.write_offs_by_reason(from_date, to_date, company)
		data = [{"reason": reason, **figures} for reason, figures in reasons.items()]
		columns = [
			{"fieldname": "reason", "label": _("Status When Written Off"), "fieldtype": "Data", "width": 200},
			{"fieldname": "lots", "label": _("Lots"), "fieldtype": "Int", "width": 80},
			{"fieldname": "qty", "label": _("Quantity"), "fieldtype": "Float", "width": 110},
			{"fieldname": "value", "label": _("Value"), "fieldtype": "Currency", "width": 130},
		]
		return columns, data, None, bar_chart(data, "value", label="reason")
	data = kpis.lots_by_status_and_site(company)
	statuses = sorted({status for row in data for status in row if status not in ("warehouse",)})
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
		{"warehouse": row["warehouse"], **{frappe.scrub(s): row.get(s, 0) for s in statuses}} for row in data
	]
	chart = {
		"data": {
			"labels": [row["warehouse"] for row in rows],
			"datasets": [{"name": _(s), "values": [row[frappe.scrub(s)] for row in rows]} for s in statuses],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
	return columns, rows, None, chart


def month_columns(label, fieldtype):
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 100},
		{"fieldname": "value", "label": label, "fieldtype": fieldtype, "width": 150},
	]


def bar_chart(data, field, label="month"):
	if not data:
		return None
	return {
		"data": {
			"labels": [row[label] for row in data],
			"datasets": [{"values": [row[field] for row in data]}],
		},
		"type": "bar",
	}
