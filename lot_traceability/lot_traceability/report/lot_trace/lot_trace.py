# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from frappe import _
from frappe.utils import cint

from lot_traceability.traceability.genealogy import FORWARD
from lot_traceability.tracing import DEFAULT_DEPTH, trace_lot

HEADINGS = {FORWARD: _("Used in"), "backward": _("Made from")}


def execute(filters=None):
	filters = filters or {}
	if not filters.get("batch") and not filters.get("supplier_lot_no"):
		return get_columns(), [], _("Choose a lot or a supplier lot no to trace.")
	result = trace_lot(
		batch=filters.get("batch"),
		supplier_lot_no=filters.get("supplier_lot_no"),
		direction=filters.get("direction") or "Both",
		max_depth=cint(filters.get("max_depth")) or DEFAULT_DEPTH,
	)
	return get_columns(), get_data(result), None, None, get_summary(result)


def get_columns():
	return [
		{"fieldname": "relation", "label": _("Relation"), "fieldtype": "Data", "width": 150},
		{"fieldname": "lot", "label": _("Lot"), "fieldtype": "Link", "options": "Batch", "width": 190},
		{"fieldname": "item", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 150},
		{
			"fieldname": "lot_status",
			"label": _("Status"),
			"fieldtype": "Link",
			"options": "Lot Status",
			"width": 120,
		},
		{"fieldname": "qty", "label": _("Traced Quantity"), "fieldtype": "Float", "width": 120},
		{"fieldname": "link_qty", "label": _("Linked Quantity"), "fieldtype": "Float", "width": 120},
		{
			"fieldname": "document_type",
			"label": _("Document Type"),
			"fieldtype": "Link",
			"options": "DocType",
			"width": 130,
		},
		{
			"fieldname": "document",
			"label": _("Document"),
			"fieldtype": "Dynamic Link",
			"options": "document_type",
			"width": 170,
		},
		{"fieldname": "posting_date", "label": _("Date"), "fieldtype": "Date", "width": 100},
		{"fieldname": "party", "label": _("Supplier / Customer"), "fieldtype": "Data", "width": 170},
		{"fieldname": "on_hand", "label": _("On Hand"), "fieldtype": "Float", "width": 100},
		{"fieldname": "expiry_date", "label": _("Expiry"), "fieldtype": "Date", "width": 100},
	]


def get_data(result):
	rows = []
	roots = {way: root_map(found["nodes"]) for way, found in result["directions"].items()}
	for root in result["roots"]:
		for way, found in result["directions"].items():
			rows += direction_rows(root, way, found, roots[way])
	return rows


def direction_rows(root, way, found, roots):
	nodes = [n for n in found["nodes"] if roots[n["lot"]] == root]
	documents = {}
	for document in found["documents"]:
		documents.setdefault(document.batch_no, []).append(document)
	rows = []
	for node in nodes:
		indent = node["depth"]
		rows.append(
			{
				"relation": _("Traced lot") if node["depth"] == 0 else HEADINGS[way],
				"lot": node["lot"],
				"item": node["item"],
				"lot_status": node["lot_status"],
				"qty": node["qty"],
				"link_qty": node["link_qty"] or None,
				"document_type": "Stock Entry" if node["voucher"] else None,
				"document": node["voucher"],
				"on_hand": node["on_hand"],
				"expiry_date": node["expiry_date"],
				"indent": indent,
			}
		)
		for document in documents.get(node["lot"], []):
			rows.append(
				{
					"relation": _("Delivered") if way == FORWARD else _("Received"),
					"item": node["item"],
					"link_qty": abs(document.qty),
					"document_type": document.voucher_type,
					"document": document.voucher_no,
					"posting_date": document.posting_date,
					"party": document.party,
					"indent": indent + 1,
				}
			)
	if rows and way != FORWARD:
		rows[0]["relation"] = _("Traced lot (made from)")
	elif rows:
		rows[0]["relation"] = _("Traced lot (used in)")
	return rows


def root_map(nodes) -> dict[str, str]:
	"""Lot → the traced lot it hangs under (nodes come depth first: a parent before its children)."""
	roots = {}
	for node in nodes:
		roots[node["lot"]] = roots[node["parent"]] if node["parent"] else node["lot"]
	return roots


def get_summary(result):
	summary = []
	for way, found in result["directions"].items():
		customers = {d.party for d in found["documents"] if d.party}
		summary.append(
			{
				"label": HEADINGS[way] + " — " + _("lots"),
				"value": found["lots"] - len(result["roots"]),
				"indicator": "blue",
			}
		)
		summary.append(
			{
				"label": _("Customers") if way == FORWARD else _("Suppliers"),
				"value": len(customers),
				"indicator": "orange" if way == FORWARD else "green",
			}
		)
	return summary
