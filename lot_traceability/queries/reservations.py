"""Reads for Stock Reservation Entries that respect lots: the open reservations holding lots, what
other reservations hold of each lot, a reservation's order line.

Open means what ERPNext counts as open (`get_sre_reserved_batch_nos_details`): submitted, not
delivered or cancelled, reserved by lot."""

import frappe
from frappe.query_builder.functions import Sum


def _open_reservations():
	reservation = frappe.qb.DocType("Stock Reservation Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	query = (
		frappe.qb.from_(reservation)
		.join(entry)
		.on((reservation.name == entry.parent) & (entry.parenttype == "Stock Reservation Entry"))
		.where(
			(reservation.docstatus == 1)
			& reservation.status.notin(["Delivered", "Cancelled"])
			& (reservation.reservation_based_on == "Serial and Batch")
		)
	)
	return reservation, entry, query


def get_reservations_of_lots(lots, for_update: bool = False) -> list[str]:
	"""Names of the open reservations holding any of these lots (their rows locked `for_update`)."""
	lots = sorted({lot for lot in lots or () if lot})
	if not lots:
		return []
	reservation, entry, query = _open_reservations()
	query = (
		query.select(reservation.name).distinct().where(entry.batch_no.isin(lots)).orderby(reservation.name)
	)
	return [row[0] for row in (query.for_update() if for_update else query).run()]


def get_reserved_elsewhere(item_code: str, warehouse: str, exclude: str | None = None) -> dict[str, float]:
	"""Lot → what open reservations other than `exclude` hold of it (not yet delivered) in the
	warehouse."""
	reservation, entry, query = _open_reservations()
	query = (
		query.select(entry.batch_no, Sum(entry.qty - entry.delivered_qty))
		.where((reservation.item_code == item_code) & (reservation.warehouse == warehouse))
		.groupby(entry.batch_no)
	)
	if exclude:
		query = query.where(reservation.name != exclude)
	return {batch: float(qty or 0) for batch, qty in query.run()}


def get_order_line(voucher_type: str, voucher_detail_no: str) -> frappe._dict:
	"""The order line a reservation is for: its number, delivery date, the order's customer, delivery
	date, company and owner."""
	if voucher_type != "Sales Order" or not voucher_detail_no:
		return frappe._dict()
	line = frappe.qb.DocType("Sales Order Item")
	order = frappe.qb.DocType("Sales Order")
	rows = (
		frappe.qb.from_(line)
		.join(order)
		.on(order.name == line.parent)
		.select(
			line.idx,
			line.delivery_date,
			order.name.as_("order"),
			order.customer,
			order.company,
			order.owner,
			order.delivery_date.as_("order_delivery_date"),
		)
		.where(line.name == voucher_detail_no)
		.run(as_dict=True)
	)
	return rows[0] if rows else frappe._dict()


def get_entries_locked(name: str) -> tuple[frappe._dict | None, list[frappe._dict]]:
	"""A reservation (docstatus, status, delivered_qty) and its lots (row name, batch_no, qty, delivered_qty), read
	as last committed and locked: a delivery committed against it a moment ago is seen."""
	header = frappe.db.sql(
		"""select name, docstatus, status, delivered_qty from `tabStock Reservation Entry` where name = %s for update""",
		name,
		as_dict=True,
	)
	rows = frappe.db.sql(
		"""select name, batch_no, qty, delivered_qty from `tabSerial and Batch Entry`
		where parent = %s and parenttype = 'Stock Reservation Entry' order by idx for update""",
		name,
		as_dict=True,
	)
	return (header[0] if header else None), rows


def get_reserved_for_others(item_code: str, warehouses, orders=()) -> dict[tuple[str, str], float]:
	"""(lot, warehouse) → what open reservations of orders other than `orders` hold of the item's
	lots (not yet delivered) in the warehouses."""
	warehouses = sorted({w for w in warehouses or () if w})
	if not warehouses:
		return {}
	reservation, entry, query = _open_reservations()
	query = (
		query.select(entry.batch_no, reservation.warehouse, Sum(entry.qty - entry.delivered_qty))
		.where((reservation.item_code == item_code) & reservation.warehouse.isin(warehouses))
		.groupby(entry.batch_no, reservation.warehouse)
	)
	orders = sorted({order for order in orders or () if order})
	if orders:
		query = query.where(
			~(reservation.voucher_type == "Sales Order") | reservation.voucher_no.notin(orders)
		)
	return {(batch, warehouse): float(qty or 0) for batch, warehouse, qty in query.run() if qty}


def get_orders_of_voucher(voucher_type: str | None, voucher_no: str | None) -> list[str]:
	"""The Sales Orders a selling voucher's rows are made against."""
	field = {"Delivery Note": "against_sales_order", "Sales Invoice": "sales_order"}.get(voucher_type or "")
	if not field or not voucher_no:
		return []
	return sorted(
		set(
			frappe.get_all(
				f"{voucher_type} Item", filters={"parent": voucher_no, field: ("is", "set")}, pluck=field
			)
		)
	)
