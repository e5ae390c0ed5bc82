"""What a stock voucher locks before it posts, so that every decision on its lots reads the latest
committed status and stock, and submissions that compete for the same stock queue instead of
deadlocking.

One lock order for every transaction the app takes part in:

1. ERPNext's **Bin** rows of every (item, warehouse) a batch-item row moves stock in or out of, in
   name order (ERPNext locks and updates them later in the same submit anyway);
2. the **Lot Balance** rows of the (item, warehouse) pairs from which a row picks its lots
   automatically (which lots an automatic pick may take);
3. the **Batch** rows of every lot the voucher may move (lots chosen on its rows or bundles, and
   the lots an automatic pick may take), in name order;
4. then ERPNext posts; each bundle's status and expiry check and balance update read rows already
   held, so they see what was last committed.

A Lot Status Change locks only Batch rows, in name order (step 3's order). So a status change that
commits before a movement locks its lots is seen by the movement and refuses it; a movement that
locked first makes the change wait until the movement has committed, and the change then records
the lot as the movement left it. A Pick List (it moves no stock) locks only its lots (step 3).
"""

import frappe
from frappe.utils import flt

from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries import locks as lock_queries
from lot_traceability.queries.vouchers import get_bundle_batches, get_voucher_lot_moves
from lot_traceability.traceability.movements import OUTWARD

WAREHOUSE_FIELDS = ("warehouse", "s_warehouse", "t_warehouse", "target_warehouse", "rejected_warehouse")


def lock_voucher(doc, rows, cancelling: bool = False) -> None:
	"""Steps 1 to 3 above, for a stock voucher about to post (from `before_validate` of a submit:
	ERPNext picks some lots during validate, e.g. a Stock Entry's bundles) or to reverse (cancel).
	Called again from `before_submit`, it locks only what is new (lots chosen during validate).
	`rows` yields (row, direction, target warehouse) for the rows that move lots."""
	rows = [entry for entry in rows if is_batch_item(entry[0].get("item_code"))]
	if not rows:
		return
	held = voucher_locks()
	pairs = {
		(row.item_code, row.get(field))
		for row, _direction, _target in rows
		for field in WAREHOUSE_FIELDS
		if row.get(field)
	} - held["pairs"]
	if pairs:
		lock_queries.lock_bins(pairs)
		held["pairs"] |= pairs
	picking = {
		(row.item_code, row.get("s_warehouse") or row.get("warehouse"))
		for row, direction, _target in rows
		if direction == OUTWARD
		and picks_automatically(row)
		and (row.get("s_warehouse") or row.get("warehouse"))
	} - held["picking"]
	lots = set()
	if picking and not cancelling:
		lots |= set(lock_queries.lock_lots_in_stock(picking))
		held["picking"] |= picking
	lots |= named_lots([row for row, *_ in rows])
	if cancelling:
		lots |= {move.batch_no for move in get_voucher_lot_moves(doc.doctype, [doc.name])}
	lots -= held["lots"]
	if lots:
		lock_queries.lock_lots(lots)
		held["lots"] |= lots


def lock_if_submitting(doc, rows) -> None:
	"""From `before_validate`: when the document is being submitted, take its locks before ERPNext's
	own validation reads or picks anything."""
	if doc.docstatus == 1:
		lock_voucher(doc, rows)


def voucher_locks() -> dict:
	"""What this transaction locked so far (forgotten when it commits or rolls back)."""
	held = getattr(frappe.local, "lot_voucher_locks", None)
	if held is None:
		held = frappe.local.lot_voucher_locks = {"pairs": set(), "picking": set(), "lots": set()}
		frappe.db.after_commit.add(forget_voucher_locks)
		frappe.db.after_rollback.add(forget_voucher_locks)
	return held


def forget_voucher_locks() -> None:
	frappe.local.lot_voucher_locks = None


def holds_voucher_locks() -> bool:
	"""Whether this transaction took a voucher's locks (an automatic pick may then read as last
	committed: the rows it reads are held already, no lock is taken out of order)."""
	held = getattr(frappe.local, "lot_voucher_locks", None)
	return bool(held and held["pairs"])


def lock_lots_of_rows(rows) -> None:
	"""A Pick List: only the Batch rows of the lots on its rows (it moves no stock)."""
	lock_queries.lock_lots(named_lots([row for row, *_ in rows]))


def named_lots(rows) -> set[str]:
	"""Lots chosen on rows: the row's lot field and the entries of its bundles."""
	bundles = [
		row.get(field)
		for row in rows
		for field in ("serial_and_batch_bundle", "rejected_serial_and_batch_bundle")
		if row.get(field)
	]
	lots = {row.get("batch_no") for row in rows if row.get("batch_no")}
	for batches in get_bundle_batches(bundles).values():
		lots.update(batches)
	return lots


def picks_automatically(row) -> bool:
	"""A row whose lots ERPNext or the app will choose at submit: no lot and no bundle on it, or a lot
	that an automatic pick put there (and that may be picked again, see `allocation.repick`)."""
	if row.get("serial_and_batch_bundle"):
		return False
	return not row.get("batch_no") or row.get("batch_no") == row.get("lot_picked_automatically")


def is_batch_item(item_code: str | None) -> bool:
	return bool(item_code) and bool(frappe.get_cached_value("Item", item_code, "has_batch_no"))


def kept_balances(batch_warehouses) -> dict[tuple[str, str], float]:
	"""Kept quantities of (lot, warehouse) pairs as last committed (the caller holds the Bin gate)."""
	return {key: flt(qty) for key, qty in lock_queries.get_kept_balances_locked(batch_warehouses).items()}


def ledger_balance(batch: str, warehouse: str) -> float:
	"""The ledger's quantity of a lot in a warehouse, read as last committed: asked when the kept
	balance says less (a movement written without the app's hooks, such as a pre-bundle entry)."""
	return flt(balance_queries.get_ledger_lot_balance_locked(batch, warehouse)[0])
