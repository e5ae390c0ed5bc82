"""Picking and scanning: allocation explanations, label scans and lot lookup, promisable stock of an item
and of a lot. (whitelisted: see `lot_traceability.api`)."""

import frappe
from frappe import _

from lot_traceability import access
from lot_traceability.messages import bold


@frappe.whitelist()
@frappe.read_only()
def check_allocation(
	item_code: str,
	warehouse: str | list,
	qty: float,
	posting_date: str | None = None,
	customer: str | None = None,
	company: str | None = None,
) -> dict:
	"""Which lots the app's allocation takes for a line (policy order, status, expiry and shelf life
	at the posting date, the customer's requirements) and why every other lot was passed over."""
	from frappe.utils import flt, getdate, nowdate

	from lot_traceability.allocation import allocate_lots, explain, policy_for

	frappe.has_permission("Batch", "read", throw=True)
	if not frappe.db.exists("Item", item_code):
		frappe.throw(_("Item {0} does not exist.").format(bold(item_code)), frappe.DoesNotExistError)
	if flt(qty) <= 0:
		frappe.throw(_("Quantity must be greater than zero, not {0}.").format(qty))
	warehouses = (
		frappe.parse_json(warehouse)
		if isinstance(warehouse, str) and warehouse.startswith("[")
		else warehouse
	)
	walled = access.check_stock_access(company, warehouses)
	on_date = getdate(posting_date or nowdate())
	allocation = allocate_lots(item_code, warehouses, flt(qty), on_date, customer, company, explain=True)
	return {
		"item_code": item_code,
		"uom": frappe.get_cached_value("Item", item_code, "stock_uom"),
		"policy": policy_for(item_code, company),
		"qty": flt(qty),
		"allocated": allocation.qty,
		"shortfall": allocation.shortfall,
		"lots": [row for row in explain(allocation, on_date) if walled.reads_warehouse(row["warehouse"])],
	}


@frappe.whitelist()
def scan_lot_label(
	text: str, doctype: str, purpose: str | None = None, posting_date: str | None = None
) -> dict:
	"""The row a scanned GS1 lot label gives on a stock form (refused at once when the lot may not
	make the form's movement)."""
	from lot_traceability.scanning import scan

	frappe.has_permission(doctype, "write", throw=True)
	return scan(text, doctype, purpose, posting_date)


@frappe.whitelist()
@frappe.read_only()
def lookup_lot(text: str) -> dict:
	"""A lot found by its GS1 label or its name: status, expiry, supplier lot and stock by warehouse."""
	from lot_traceability.scanning import lookup

	frappe.has_permission("Batch", "read", throw=True)
	return lookup(text)


@frappe.whitelist()
def scan_barcode(search_value: str) -> dict:
	"""ERPNext's barcode scan field, understanding GS1 lot labels too: the label's item and lot (a
	lot that may not leave stock at all is refused at once); anything else as ERPNext reads it."""
	from erpnext.stock.utils import scan_barcode as erpnext_scan_barcode

	from lot_traceability.scanning import scan_for_any_form

	found = scan_for_any_form(search_value)
	return found if found is not None else erpnext_scan_barcode(search_value)


@frappe.whitelist()
@frappe.read_only()
def promisable(
	item_code: str,
	warehouses: str | list | None = None,
	date: str | None = None,
	customer: str | None = None,
	company: str | None = None,
	sales_order: str | None = None,
) -> dict:
	"""How much of an item may be promised to an order delivered on `date` (default today) for the
	customer: on-hand stock split into usable, restricted, held, in quarantine warehouse, expired,
	short shelf life and reserved for other orders (`sales_order`'s own reservations excepted), with
	the lots behind each figure and ERPNext's actual quantity beside it."""
	from lot_traceability.promising import promisable_for_user

	if isinstance(warehouses, str) and warehouses.startswith("["):
		warehouses = frappe.parse_json(warehouses)
	return promisable_for_user(item_code, warehouses, date, customer, company, sales_order)


@frappe.whitelist()
@frappe.read_only()
def lot_promisable(batch: str, date: str | None = None, customer: str | None = None) -> dict:
	"""One lot's share of its item's promisable stock on `date` (default today) for the customer: per
	warehouse its class, what may be promised and why, with the item's totals beside it."""
	from lot_traceability.promising import lot_promise_for_user

	return lot_promise_for_user(batch, date, customer)
