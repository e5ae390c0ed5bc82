"""Reads for deviations: a warehouse's lots today and their movements since a window began, the stock
of lots in a company."""

from collections import defaultdict

import frappe
from frappe.query_builder.functions import Sum


def get_warehouse_balances(warehouse: str) -> dict[str, float]:
	"""Lot → its stock in the warehouse today (kept lot balances)."""
	balance = frappe.qb.DocType("Lot Balance")
	return {
		lot: qty
		for lot, qty in frappe.qb.from_(balance)
		.select(balance.batch, balance.qty)
		.where((balance.warehouse == warehouse) & (balance.qty != 0))
		.run()
	}


def get_moves_since(warehouse: str, since_date) -> list[dict]:
	"""Every movement of a lot in the warehouse posted on or after `since_date` (kept lot ledger, by its
	warehouse index), with the posting time of its bundle."""
	ledger = frappe.qb.DocType("Lot Ledger Entry")
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	return (
		frappe.qb.from_(ledger)
		.left_join(bundle)
		.on(bundle.name == ledger.serial_and_batch_bundle)
		.select(
			ledger.batch_no,
			ledger.qty,
			ledger.posting_date,
			bundle.posting_time,
			ledger.voucher_type,
			ledger.voucher_no,
			ledger.voucher_detail_no,
			ledger.party_type,
			ledger.party,
			ledger.purpose,
		)
		.where((ledger.warehouse == warehouse) & (ledger.posting_date >= since_date))
		.run(as_dict=True)
	)


def get_company_stock(batch_nos, company: str) -> dict[str, list[tuple[str, float]]]:
	"""Lot → [(warehouse, qty)] of its stock in the company's warehouses today."""
	batch_nos = sorted({name for name in batch_nos or () if name})
	if not batch_nos:
		return {}
	balance = frappe.qb.DocType("Lot Balance")
	warehouse = frappe.qb.DocType("Warehouse")
	found = defaultdict(list)
	for lot, name, qty in (
		frappe.qb.from_(balance)
		.join(warehouse)
		.on(warehouse.name == balance.warehouse)
		.select(balance.batch, balance.warehouse, Sum(balance.qty))
		.where(balance.batch.isin(batch_nos) & (warehouse.company == company))
		.groupby(balance.batch, balance.warehouse)
		.having(Sum(balance.qty) > 0)
		.orderby(balance.warehouse)
		.run()
	):
		found[lot].append((name, qty))
	return dict(found)


def get_transfer_targets(row_names) -> dict[str, str]:
	"""Stock Entry row → the warehouse it moved its goods to."""
	row_names = sorted({name for name in row_names or () if name})
	if not row_names:
		return {}
	row = frappe.qb.DocType("Stock Entry Detail")
	return {
		name: target
		for name, target in frappe.qb.from_(row)
		.select(row.name, row.t_warehouse)
		.where(row.name.isin(row_names) & row.t_warehouse.isnotnull())
		.run()
	}
