# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

"""Suppliers by the risk learned from what happened to their lots, per item group, with the evidence:
stored by the daily job (`foresight`), read here as they are."""

import json

import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability.config import get_settings
from lot_traceability.foresight.job import computed_note
from lot_traceability.foresight.supplier_scores import OUTCOME_LABELS
from lot_traceability.queries.supplier_scores import get_supplier_scores

MAX_LISTED = 5


def execute(filters=None):
	filters = frappe._dict(filters or {})
	data = get_data(filters)
	return get_columns(), data, get_message(), get_chart(data), get_summary(data)


def get_data(filters) -> list[dict]:
	threshold = flt(get_settings().supplier_risk_hold_score)
	rows = get_supplier_scores(
		filters.get("supplier"), filters.get("item_group"), flt(filters.get("min_score"))
	)
	for row in rows:
		evidence = json.loads(row.evidence or "[]")
		row.evidence = "; ".join(
			f"{entry['lot']}: {OUTCOME_LABELS.get(entry['kind'], entry['kind'])} "
			f"({_(entry['reference_doctype'])} {entry['reference_name']})"
			for entry in evidence[:MAX_LISTED]
		) + (" " + _("and {0} more").format(len(evidence) - MAX_LISTED) if len(evidence) > MAX_LISTED else "")
		row.holds = int(threshold > 0 and flt(row.score) >= threshold)
	return rows


def get_message() -> str:
	settings = get_settings()
	threshold = flt(settings.supplier_risk_hold_score)
	if threshold > 0 and settings.supplier_risk_status:
		holds = _(
			"Receipts from a supplier scoring {0} or more for the item's group are held as {1}."
		).format(threshold, _(settings.supplier_risk_status))
	else:
		holds = _(
			"The scores recommend; no receipt is held by them (Settings → Hold Receipts at Risk Score)."
		)
	return f"{computed_note()} {holds}"


def get_chart(data) -> dict | None:
	top = data[:10]
	if not top:
		return None
	return {
		"data": {
			"labels": [f"{row.supplier} · {row.item_group}" for row in top],
			"datasets": [{"name": _("Risk Score"), "values": [flt(row.score) for row in top]}],
		},
		"type": "bar",
		"colors": ["#e24c4c"],
	}


def get_summary(data) -> list[dict]:
	return [
		{"label": _("Supplier and Item Groups"), "value": len(data), "indicator": "blue", "datatype": "Int"},
		{
			"label": _("Held at Receipt"),
			"value": sum(row.holds for row in data),
			"indicator": "red",
			"datatype": "Int",
		},
	]


def get_columns():
	return [
		{
			"fieldname": "supplier",
			"label": _("Supplier"),
			"fieldtype": "Link",
			"options": "Supplier",
			"width": 180,
		},
		{
			"fieldname": "item_group",
			"label": _("Item Group"),
			"fieldtype": "Link",
			"options": "Item Group",
			"width": 140,
		},
		{"fieldname": "score", "label": _("Risk Score"), "fieldtype": "Float", "precision": 1, "width": 100},
		{"fieldname": "lots", "label": _("Lots"), "fieldtype": "Int", "width": 70},
		{"fieldname": "failed_lots", "label": _("Lots with Outcomes"), "fieldtype": "Int", "width": 140},
		{"fieldname": "raw_rate", "label": _("Own Rate %"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "prior_rate", "label": _("Average Rate %"), "fieldtype": "Percent", "width": 110},
		{"fieldname": "holds", "label": _("Held at Receipt"), "fieldtype": "Check", "width": 110},
		{"fieldname": "evidence", "label": _("Evidence"), "fieldtype": "Data", "width": 420},
		{"fieldname": "computed_on", "label": _("Computed On"), "fieldtype": "Datetime", "width": 150},
	]
