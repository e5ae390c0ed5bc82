"""Planning counts usable stock (Settings → Planning Counts Usable Stock Only, on by default).

ERPNext's Production Plan proposes material requests from the Bin's projected quantity
(`production_plan.get_bin_details` → `get_material_request_items`), and held lots, expired lots and
stock in quarantine warehouses are in that figure: a plan short of flour that sits in quarantine
orders none. For items a Lot Rule governs, `get_material_request_items` is wrapped at request and
job start (idempotent) so that the warehouse's figures it is given leave that stock out
(`promising.unusable_qty`); the wrapped function is not whitelisted, so ERPNext's own API is
untouched. Switched off, or for an item no rule governs, ERPNext decides alone.
"""

import erpnext.manufacturing.doctype.production_plan.production_plan as production_plan
from frappe.utils import flt

from lot_traceability.config import get_lot_rule, get_settings
from lot_traceability.promising import unusable_qty

erpnext_material_request_items = production_plan.get_material_request_items


def apply():
	if production_plan.get_material_request_items is not get_material_request_items:
		production_plan.get_material_request_items = get_material_request_items


def unapply():
	production_plan.get_material_request_items = erpnext_material_request_items


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
