"""Locking reads: what a stock decision must read as last committed, and the rows it locks to do so.

Under REPEATABLE READ a plain SELECT answers from the snapshot the transaction took at its first
read, so a status or a balance committed by another user since then is invisible to it; a locking
read (`for update`) answers from the latest committed rows and holds them until the transaction
ends. The order in which these functions are called is the app's lock order (see `locks.py`)."""

from contextlib import contextmanager

import frappe

from lot_traceability.messages import Refusal, bold


def lock_bins(item_warehouses) -> None:
	"""Lock ERPNext's Bin row of each (item, warehouse), making the missing ones, in name order.
	ERPNext itself locks and updates these rows when the voucher posts: taking them first, in one
	order, makes submissions of the same items and warehouses queue instead of deadlocking."""
	pairs = set(item_warehouses)
	if not pairs:
		return
	found = {
		(item, warehouse): name
		for item, warehouse, name in frappe.db.sql(
			"select item_code, warehouse, name from `tabBin` where (item_code, warehouse) in %(pairs)s",
			{"pairs": sorted(pairs)},
		)
	}
	names = sorted({found.get(pair) or bin_name(*pair) for pair in pairs})
	if names:
		frappe.db.sql(
			"select name from `tabBin` where name in %(names)s order by name for update", {"names": names}
		)


def bin_name(item_code: str, warehouse: str) -> str:
	"""ERPNext's Bin of an item and warehouse, made if missing. When another user made it a moment
	ago (after this transaction's snapshot), ERPNext's own look-up cannot see it: it is read as last
	committed instead."""
	from erpnext.stock.utils import get_or_make_bin

	try:
		return get_or_make_bin(item_code, warehouse)
	except frappe.DoesNotExistError:
		# Another user's transaction made the Bin and committed after this one began: ERPNext's
		# own look-ups in this transaction cannot see it and would fail later in the posting.
		frappe.clear_last_message()
		raise TryAgainError(
			frappe._(
				"The stock of item {0} in warehouse {1} was set up by another user at the same moment. Nothing was saved: please try again."
			).format(bold(item_code), bold(warehouse))
		) from None


class TryAgainError(Refusal, frappe.ValidationError):
	"""Nothing was posted, and the same request made again will go through (answered as HTTP 508,
	which the desk shows as "Please try again")."""

	http_status_code = 508


def lock_lots_in_stock(item_warehouses) -> list[str]:
	"""Lots with kept stock in these (item, warehouse) pairs, read and locked (Lot Balance rows)."""
	pairs = sorted(set(item_warehouses))
	if not pairs:
		return []
	return frappe.db.sql(
		"""select batch from `tabLot Balance` where (item, warehouse) in %(pairs)s and qty > 0
		order by item, warehouse, name for update""",
		{"pairs": pairs},
		pluck=True,
	)


def lock_lots(batch_nos) -> None:
	"""Lock the Batch rows of these lots in name order (the order a Lot Status Change uses)."""
	names = sorted({name for name in batch_nos or () if name})
	if names:
		frappe.db.sql(
			"select name from `tabBatch` where name in %(names)s order by name for update", {"names": names}
		)


def lot_names_in_stock(item_code: str, warehouses) -> list[str]:
	"""Lots of an item with kept stock in these warehouses (a plain read: which rows to lock)."""
	if not warehouses:
		return []
	return frappe.get_all(
		"Lot Balance",
		filters={"item": item_code, "warehouse": ("in", list(warehouses)), "qty": (">", 0)},
		pluck="batch",
	)


def get_kept_balances_locked(batch_warehouses) -> dict[tuple[str, str], float]:
	"""The kept quantity of each (lot, warehouse), read as last committed (rows locked)."""
	keys = sorted(set(batch_warehouses))
	if not keys:
		return {}
	rows = frappe.db.sql(
		"""select batch, warehouse, qty from `tabLot Balance` where (batch, warehouse) in %(keys)s
		order by batch, warehouse for update""",
		{"keys": keys},
	)
	found = dict.fromkeys(keys, 0.0)
	found.update({(batch, warehouse): float(qty) for batch, warehouse, qty in rows})
	return found


@contextmanager
def locking_reads():
	"""Inside, the reads that support it (`lock_clause`) are locking reads: they see what other
	transactions committed after this one began, and hold it (shared locks, next-key on the index
	ranges read) until this transaction ends. For a decision made after its lots are locked (a real
	recall's scope, `Lot Recall.before_submit`)."""
	previous = getattr(frappe.local, "lot_locking_reads", False)
	frappe.local.lot_locking_reads = True
	try:
		yield
	finally:
		frappe.local.lot_locking_reads = previous


def locking() -> bool:
	return bool(getattr(frappe.local, "lot_locking_reads", False))


def lock_clause() -> str:
	"""`lock in share mode` inside `locking_reads`, else nothing (a plain read of the snapshot)."""
	return " lock in share mode" if locking() else ""
