"""Reads behind recall impact: the lots' ledger, open demand on them, and the customers reached."""

import frappe
from frappe.query_builder.functions import Sum

from lot_traceability.queries import SELLING_DOCTYPES, ledger_entries

SELLING_ITEM_TABLES = {
	"Delivery Note": "Delivery Note Item",
	"Sales Invoice": "Sales Invoice Item",
	"POS Invoice": "POS Invoice Item",
}


def get_lot_ledger(lots) -> list[dict]:
	"""Every submitted stock movement of the lots with warehouse and value: bundle entries (one read,
	by the indexed `batch_no`) and legacy `SLE.batch_no` rows without a bundle."""
	if not lots:
		return []
	lots = list(set(lots))
	query, bundle, entry = ledger_entries(lots)
	stock_entry = frappe.qb.DocType("Stock Entry")
	bundled = (
		query.left_join(stock_entry)
		.on((bundle.voucher_type == "Stock Entry") & (stock_entry.name == bundle.voucher_no))
		.select(
			entry.batch_no,
			bundle.voucher_type,
			bundle.voucher_no,
			bundle.voucher_detail_no,
			bundle.posting_date,
			entry.warehouse,
			bundle.warehouse.as_("bundle_warehouse"),
			entry.qty,
			entry.stock_value_difference.as_("value"),
			stock_entry.purpose,
		)
		.run(as_dict=True)
	)
	sle = frappe.qb.DocType("Stock Ledger Entry")
	legacy = (
		frappe.qb.from_(sle)
		.left_join(stock_entry)
		.on((sle.voucher_type == "Stock Entry") & (stock_entry.name == sle.voucher_no))
		.select(
			sle.batch_no,
			sle.voucher_type,
			sle.voucher_no,
			sle.voucher_detail_no,
			sle.posting_date,
			sle.warehouse,
			sle.actual_qty.as_("qty"),
			sle.stock_value_difference.as_("value"),
			stock_entry.purpose,
		)
		.where(
			sle.batch_no.isin(lots)
			& (sle.is_cancelled == 0)
			& (sle.serial_and_batch_bundle.isnull() | (sle.serial_and_batch_bundle == ""))
		)
		.run(as_dict=True)
	)
	for row in bundled:
		row.warehouse = row.warehouse or row.bundle_warehouse
	return bundled + legacy


def get_selling_rows(ledger_rows) -> dict[tuple[str, str], dict]:
	"""(voucher type, row name) → the selling row's customer, stock qty and net amount (company
	currency), for the selling documents among `ledger_rows`. One read per selling doctype."""
	found = {}
	for voucher_type in SELLING_DOCTYPES:
		names = list(
			{
				r.voucher_detail_no
				for r in ledger_rows
				if r.voucher_type == voucher_type and r.voucher_detail_no
			}
		)
		if not names:
			continue
		parent = frappe.qb.DocType(voucher_type)
		child = frappe.qb.DocType(SELLING_ITEM_TABLES[voucher_type])
		for chunk in _chunks(names):
			rows = (
				frappe.qb.from_(child)
				.join(parent)
				.on(parent.name == child.parent)
				.select(
					child.name,
					parent.customer,
					parent.is_return,
					child.stock_qty,
					child.qty,
					child.base_net_amount,
				)
				.where(child.name.isin(chunk))
				.run(as_dict=True)
			)
			for row in rows:
				found[(voucher_type, row.name)] = row
	return found


def _chunks(values, size: int = 5000):
	for start in range(0, len(values), size):
		yield values[start : start + size]


def get_warehouses(names) -> dict[str, dict]:
	"""Company and transit flag of each warehouse (a Transit type, or a company's in-transit one)."""
	if not names:
		return {}
	warehouse = frappe.qb.DocType("Warehouse")
	rows = (
		frappe.qb.from_(warehouse)
		.select(warehouse.name, warehouse.company, warehouse.warehouse_type)
		.where(warehouse.name.isin(list(set(names))))
		.run(as_dict=True)
	)
	in_transit = set(
		frappe.get_all(
			"Company",
			filters={"default_in_transit_warehouse": ("is", "set")},
			pluck="default_in_transit_warehouse",
		)
	)
	return {
		row.name: frappe._dict(
			company=row.company, in_transit=row.warehouse_type == "Transit" or row.name in in_transit
		)
		for row in rows
	}


def get_customer_contacts(customers) -> dict[str, dict]:
	"""Name, primary contact, e-mail, phone and address of each customer."""
	if not customers:
		return {}
	customer = frappe.qb.DocType("Customer")
	rows = (
		frappe.qb.from_(customer)
		.select(
			customer.name,
			customer.customer_name,
			customer.customer_primary_contact,
			customer.email_id,
			customer.mobile_no,
			customer.customer_primary_address,
			customer.primary_address,
		)
		.where(customer.name.isin(list(set(customers))))
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}


def get_last_delivery_contacts(voucher_nos) -> dict[str, dict]:
	"""Contact person, e-mail and shipping address of Delivery Notes (a fallback where the customer
	has no primary contact)."""
	if not voucher_nos:
		return {}
	note = frappe.qb.DocType("Delivery Note")
	rows = (
		frappe.qb.from_(note)
		.select(
			note.name,
			note.customer,
			note.posting_date,
			note.contact_person,
			note.contact_email,
			note.contact_mobile,
			note.shipping_address_name,
			note.shipping_address,
		)
		.where(note.name.isin(list(set(voucher_nos))))
		.orderby(note.posting_date)
		.run(as_dict=True)
	)
	latest = {}
	for row in rows:
		latest[row.customer] = row
	return latest


def get_reservations(lots) -> list[dict]:
	"""Open Stock Reservation Entries holding the lots (reserved by lot)."""
	if not lots:
		return []
	reservation = frappe.qb.DocType("Stock Reservation Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	return (
		frappe.qb.from_(entry)
		.join(reservation)
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
		.where(
			entry.batch_no.isin(list(lots))
			& (reservation.docstatus == 1)
			& reservation.status.notin(["Delivered", "Cancelled"])
		)
		.run(as_dict=True)
	)


def get_open_pick_lists(lots) -> list[dict]:
	"""Pick Lists not yet delivered that pick the lots: submitted ones through their bundles, drafts
	through the lot chosen on the row."""
	if not lots:
		return []
	lots = list(lots)
	pick_list = frappe.qb.DocType("Pick List")
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	submitted = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.join(pick_list)
		.on(pick_list.name == bundle.voucher_no)
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
			entry.batch_no.isin(lots)
			& (bundle.voucher_type == "Pick List")
			& (bundle.is_cancelled == 0)
			& (pick_list.docstatus == 1)
			& pick_list.status.notin(["Completed", "Cancelled"])
		)
		.groupby(pick_list.name, bundle.item_code, bundle.warehouse, entry.batch_no)
		.run(as_dict=True)
	)
	row = frappe.qb.DocType("Pick List Item")
	drafts = (
		frappe.qb.from_(row)
		.join(pick_list)
		.on(pick_list.name == row.parent)
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
		.where(row.batch_no.isin(lots) & (pick_list.docstatus == 0))
		.groupby(pick_list.name, row.item_code, row.warehouse, row.batch_no)
		.run(as_dict=True)
	)
	for found in submitted:
		found.qty = abs(found.qty or 0)
	return submitted + drafts


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
