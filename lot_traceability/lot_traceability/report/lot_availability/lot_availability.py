# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

from lot_traceability.access import hidden_counts, hidden_note
from lot_traceability.config import get_settings
from lot_traceability.promising import availability, class_label
from lot_traceability.traceability import promising as core

# The classes as columns and summary figures, with the indicator each shows in.
SHOWN = (
	(core.USABLE, "green"),
	(core.RESTRICTED, "yellow"),
	(core.HELD, "red"),
	(core.IN_QUARANTINE, "red"),
	(core.EXPIRED_AT_DATE, "gray"),
	(core.SHORT, "orange"),
	(core.RESERVED, "blue"),
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	days = cint(filters.get("days")) or cint(get_settings().near_expiry_days) or 30
	rows, totals, hidden = availability(
		item_code=filters.get("item_code"),
		item_group=filters.get("item_group"),
		warehouse=filters.get("warehouse"),
		company=filters.get("company"),
		on_date=getdate(filters.get("date") or nowdate()),
		customer=filters.get("customer"),
		days=days,
	)
	message = hidden_note(hidden_counts(locations=hidden)) if hidden else None
	return get_columns(days), rows, message, get_chart(totals), get_summary(totals)


def get_summary(totals) -> list[dict]:
	return [
		{"label": _("ERPNext Actual Qty"), "value": totals["actual_qty"], "datatype": "Float"},
		{"label": _("Promisable"), "value": totals["promisable"], "indicator": "green", "datatype": "Float"},
		*(
			{"label": class_label(klass), "value": totals[klass], "indicator": colour, "datatype": "Float"}
			for klass, colour in SHOWN
		),
	]


def get_chart(totals) -> dict:
	return {
		"data": {
			"labels": [class_label(klass) for klass, _colour in SHOWN],
			"datasets": [{"name": _("Quantity"), "values": [totals[klass] for klass, _colour in SHOWN]}],
		},
		"type": "bar",
		"colors": ["#29cd42"],
	}


def get_columns(days: int) -> list[dict]:
	def qty(fieldname, label, width=110):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Float", "width": width}

	return [
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 160},
		{
			"fieldname": "warehouse",
			"label": _("Warehouse"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 170,
		},
		{
			"fieldname": "uom",
			"label": _("Unit"),
			"fieldtype": "Data",
			"width": 70,
		},  # text: a Sales User may not read UOM
		qty("actual_qty", _("ERPNext Actual Qty"), 130),
		qty("promisable", _("Promisable")),
		*(qty(klass, class_label(klass)) for klass, _colour in SHOWN),
		qty("expiring", _("Promisable Expiring Within {0} Days").format(days), 150),
	]
