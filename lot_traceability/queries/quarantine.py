"""Reads a release out of a quarantine warehouse is decided on: when each lot's stock last arrived in
the warehouse (the kept lot ledger's rows, stamped with the server's time when they were posted),
and when each lot's latest signed-off status change was recorded.

Raw SQL: a grouped locking read on a named index. The caller holds the lots' Batch rows already
(`locks.py`): a locking read sees what was last committed, where a plain one may answer from the
transaction's older snapshot. A shared lock, on the lots' own index range: rows of these lots are
added only by movements and status changes that lock the same Batch rows, so it makes nobody wait
who would not wait anyway (a status change waits at its insert instead of at its read)."""

import frappe

from lot_traceability.queries.quoting import value_list

LOCKED = " lock in share mode"


def get_arrivals(batches, warehouse: str, for_update: bool = False) -> dict:
	"""Lot → when its stock last came into the warehouse."""
	batches = sorted({name for name in batches or () if name})
	if not batches or not warehouse:
		return {}
	rows = frappe.db.sql(
		f"""select batch_no, max(creation) from `tabLot Ledger Entry` force index (lot_movements)
		where batch_no in %(batches)s and warehouse = %(warehouse)s and qty > 0
		group by batch_no{LOCKED if for_update else ""}""",
		{"batches": value_list(batches), "warehouse": warehouse},
	)
	return dict(rows)


def get_last_changes(batches, for_update: bool = False) -> dict:
	"""Lot → when its latest submitted Lot Status Change was recorded."""
	batches = sorted({name for name in batches or () if name})
	if not batches:
		return {}
	rows = frappe.db.sql(
		f"""select lot.batch, max(status_change.change_datetime) from `tabLot Status Change Lot` lot
		join `tabLot Status Change` status_change on status_change.name = lot.parent
		where lot.batch in %(batches)s and lot.parenttype = 'Lot Status Change'
			and status_change.docstatus = 1
		group by lot.batch{LOCKED if for_update else ""}""",
		{"batches": value_list(batches)},
	)
	return dict(rows)


def get_quarantine_stock(batches) -> list[dict]:
	"""The lots' kept stock in quarantine warehouses: lot, warehouse, qty."""
	batches = sorted({name for name in batches or () if name})
	if not batches:
		return []
	return frappe.db.sql(
		"""select balance.batch, balance.warehouse, balance.qty from `tabLot Balance` balance
		join `tabWarehouse` warehouse on warehouse.name = balance.warehouse
		where balance.batch in %(batches)s and balance.qty > 0 and warehouse.is_quarantine_warehouse = 1
		order by balance.batch, balance.warehouse""",
		{"batches": value_list(batches)},
		as_dict=True,
	)
