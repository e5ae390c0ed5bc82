"""Planning counts usable stock (Settings → Planning Counts Usable Stock Only, on by default).

ERPNext's Production Plan proposes material requests from the Bin's projected quantity
(`production_plan.get_bin_details` → `get_material_request_items`), and held lots, expired lots and
stock in quarantine warehouses are in that figure: a plan short of flour that sits in quarantine
orders none. For items a Lot Rule governs, `get_material_request_items` is wrapped at request and
job start (idempotent) so that the warehouse's figures it is given leave that stock out
(`promising.unusable_qty`); the wrapped function is not whitelisted, so ERPNext's own API is
untouched. Switched off, or for an item no rule governs, ERPNext decides alone.

Under the same switch, the automatic re-order (`stock.reorder_item`, daily: Material Requests from
the items' re-order levels) reads its projected quantities through `get_item_warehouse_projected_qty`,
and the Stock Projected Qty report its Bin rows through `get_bin_list`: both are wrapped the same way
(`promising.unusable_by_place`), a group warehouse's figure losing what its warehouses lose; the
report says what it left out in a column and a message.
"""

import erpnext.manufacturing.doctype.production_plan.production_plan as production_plan
import erpnext.stock.reorder_item as reorder_item
import erpnext.stock.report.stock_projected_qty.stock_projected_qty as stock_projected_qty
import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability.config import get_lot_rule, get_settings
from lot_traceability.promising import unusable_by_place, unusable_qty
from lot_traceability.queries.promising import get_warehouse_ancestors

erpnext_material_request_items = production_plan.get_material_request_items
erpnext_reorder_projected_qty = reorder_item.get_item_warehouse_projected_qty
erpnext_bin_list = stock_projected_qty.get_bin_list
erpnext_stock_projected_qty = stock_projected_qty.execute


def apply():
	if production_plan.get_material_request_items is not get_material_request_items:
		production_plan.get_material_request_items = get_material_request_items
	if reorder_item.get_item_warehouse_projected_qty is not get_item_warehouse_projected_qty:
		reorder_item.get_item_warehouse_projected_qty = get_item_warehouse_projected_qty
	if stock_projected_qty.get_bin_list is not get_bin_list:
		stock_projected_qty.get_bin_list = get_bin_list
		stock_projected_qty.execute = execute_stock_projected_qty


def unapply():
	production_plan.get_material_request_items = erpnext_material_request_items
	reorder_item.get_item_warehouse_projected_qty = erpnext_reorder_projected_qty
	stock_projected_qty.get_bin_list = erpnext_bin_list
	stock_projected_qty.execute = erpnext_stock_projected_qty


def get_material_request_items(
	doc, row, sales_order, company, ignore_existing_ordered_qty, include_safety_stock, warehouse, bin_dict
):
	"""ERPNext's material request row, from the warehouse's usable stock only."""
	return erpnext_material_request_items(
		doc,
		row,
		sales_order,
		company,
		ignore_existing_ordered_qty,
		include_safety_stock,
		warehouse,
		usable_bin(doc, row, company, bin_dict),
	)


def usable_bin(doc, row, company, bin_dict):
	"""The Bin figures ERPNext plans from, without the stock production may not use."""
	if not bin_dict or not bin_dict.get("warehouse") or not get_settings().planning_uses_usable_stock:
		return bin_dict
	item_code = row.get("item_code")
	if not item_code or not get_lot_rule(item_code, company):
		return bin_dict
	held = unusable_qty(item_code, bin_dict["warehouse"], company, doc.get("posting_date"))
	if held <= 0:
		return bin_dict
	return {
		**bin_dict,
		"projected_qty": flt(bin_dict.get("projected_qty")) - held,
		"actual_qty": flt(bin_dict.get("actual_qty")) - held,
	}


def counts_usable_stock() -> bool:
	return bool(get_settings().planning_uses_usable_stock)


def get_item_warehouse_projected_qty(items_to_consider):
	"""ERPNext's projected quantity per item and warehouse (and group warehouse) for the re-order,
	less each governed item's held, expired and quarantine-warehouse stock."""
	projected = erpnext_reorder_projected_qty(items_to_consider)
	if not projected or not counts_usable_stock():
		return projected
	ancestors = {}
	for (item, warehouse), qty in unusable_by_place(list(projected)).items():
		figures = projected.get(item) or {}
		if warehouse not in ancestors:
			ancestors[warehouse] = get_warehouse_ancestors(warehouse)
		for place in (warehouse, *ancestors[warehouse]):
			if place in figures:
				figures[place] = flt(figures[place]) - qty
	return projected


def get_bin_list(filters):
	"""The Stock Projected Qty report's Bin rows, actual and projected quantity less each governed
	item's held, expired and quarantine-warehouse stock (what was left out is kept for `execute`)."""
	bins = erpnext_bin_list(filters)
	frappe.local.lot_unusable_bins = left_out = {}
	if not bins or not counts_usable_stock():
		return bins
	unusable = unusable_by_place({row.item_code for row in bins})
	for row in bins:
		qty = unusable.get((row.item_code, row.warehouse))
		if qty:
			row.actual_qty = flt(row.actual_qty) - qty
			row.projected_qty = flt(row.projected_qty) - qty
			left_out[(row.item_code, row.warehouse)] = qty
	return bins


def execute_stock_projected_qty(filters=None):
	"""ERPNext's report; with the switch on, a last column with what each row leaves out and a
	message saying so."""
	frappe.local.lot_unusable_bins = None
	columns, data = erpnext_stock_projected_qty(filters)
	left_out = getattr(frappe.local, "lot_unusable_bins", None)
	frappe.local.lot_unusable_bins = None
	if left_out is None or not counts_usable_stock():
		return columns, data
	columns.append(
		{
			"label": _("Not Usable (Lots)"),
			"fieldname": "lot_not_usable_qty",
			"fieldtype": "Float",
			"width": 120,
		}
	)
	for row in data:
		row.append(left_out.get((row[0], row[5]), 0.0))
	if not left_out:
		return columns, data
	message = _(
		"Actual and projected quantities leave out {0} of held, expired or quarantined lots of"
		" lot-governed items (column Not Usable (Lots); Lot Traceability Settings → Planning Counts"
		" Usable Stock Only)."
	).format(flt(sum(left_out.values()), 3))
	return columns, data, message
