"""Reads of the open demand on lots: their stock reservations, open pick lists, and the open sales order
lines of items in warehouses (locking reads where the caller decides)."""

import frappe
from frappe.query_builder.functions import Sum

from lot_traceability.queries.locks import locking


def get_reservations(lots) -> list[dict]:
	"""Open Stock Reservation Entries holding the lots (reserved by lot). Read from the open
	reservations (few) and matched to the lots here: a recall's scope can hold thousands of lots."""
	if not lots:
		return []
	lots = set(lots)
	reservation = frappe.qb.DocType("Stock Reservation Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	query = (
		frappe.qb.from_(reservation)
		.join(entry)
		.on((reservation.name == entry.parent) & (entry.parenttype == "Stock Reservation Entry"))
		.select(
			reservation.name,
			reservation.voucher_type,
			reservation.voucher_no,
			reservation.item_code,
			reservation.warehouse,
			reservation.status,
			entry.batch_no,
			(entry.qty - entry.delivered_qty).as_("qty"),
		)
		.where((reservation.docstatus == 1) & reservation.status.notin(["Delivered", "Cancelled"]))
	)
	rows = (query.for_update() if locking() else query).run(as_dict=True)
	return [row for row in rows if row.batch_no in lots]


def get_open_pick_lists(lots) -> list[dict]:
	"""Pick Lists not yet delivered that pick the lots: submitted ones through their bundles, drafts
	through the lot chosen on the row. Read from the open pick lists (few) and matched to the lots
	here: a recall's scope can hold thousands of lots."""
	if not lots:
		return []
	lots = set(lots)
	pick_list = frappe.qb.DocType("Pick List")
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	submitted = (
		frappe.qb.from_(pick_list)
		.join(bundle)
		.on((bundle.voucher_no == pick_list.name) & (bundle.voucher_type == "Pick List"))
		.join(entry)
		.on(entry.parent == bundle.name)
		.select(
			pick_list.name,
			pick_list.docstatus,
			pick_list.status,
			pick_list.customer,
			bundle.item_code,
			bundle.warehouse,
			entry.batch_no,
			Sum(-entry.qty).as_("qty"),
		)
		.where(
			(bundle.is_cancelled == 0)
			& (pick_list.docstatus == 1)
			& pick_list.status.notin(["Completed", "Cancelled"])
		)
		.groupby(pick_list.name, bundle.item_code, bundle.warehouse, entry.batch_no)
	)
	submitted = (submitted.for_update() if locking() else submitted).run(as_dict=True)
	row = frappe.qb.DocType("Pick List Item")
	drafts = (
		frappe.qb.from_(pick_list)
		.join(row)
		.on(row.parent == pick_list.name)
		.select(
			pick_list.name,
			pick_list.docstatus,
			pick_list.status,
			pick_list.customer,
			row.item_code,
			row.warehouse,
			row.batch_no,
			Sum(row.stock_qty).as_("qty"),
		)
		.where(pick_list.docstatus == 0)
		.groupby(pick_list.name, row.item_code, row.warehouse, row.batch_no)
	)
	drafts = (drafts.for_update() if locking() else drafts).run(as_dict=True)
	for found in submitted:
		found.qty = abs(found.qty or 0)
	return [found for found in submitted + drafts if found.batch_no in lots]


def get_open_sales_order_lines(item_warehouses) -> list[dict]:
	"""Undelivered lines of open Sales Orders for (item, warehouse) pairs that hold affected stock:
	their deliveries would draw on the affected lots."""
	if not item_warehouses:
		return []
	order = frappe.qb.DocType("Sales Order")
	line = frappe.qb.DocType("Sales Order Item")
	items = list({item for item, _ in item_warehouses})
	rows = (
		frappe.qb.from_(line)
		.join(order)
		.on(order.name == line.parent)
		.select(
			order.name,
			order.customer,
			order.delivery_date,
			line.name.as_("row"),
			line.item_code,
			line.warehouse,
			((line.qty - line.delivered_qty) * line.conversion_factor).as_("pending_qty"),
		)
		.where(
			(order.docstatus == 1)
			& order.status.notin(["Closed", "Completed", "On Hold"])
			& line.item_code.isin(items)
			& (line.delivered_qty < line.qty)
		)
		.run(as_dict=True)
	)
	wanted = set(item_warehouses)
	return [row for row in rows if (row.item_code, row.warehouse) in wanted]
