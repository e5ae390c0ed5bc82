"""Stock of each lot in each warehouse (Lot Balance), kept by the app and proven against the ledger.

Every submitted Serial and Batch Bundle (except Pick Lists, which reserve and do not move) changes
the balance of its lots, in the voucher's transaction, by one atomic statement per lot and
warehouse. An outward change is conditional — it applies only while the balance stays at or above
zero — and is evaluated on the latest committed balance with the row locked, so two submissions
racing for the last quantity of a lot cannot both take it: the second is refused and posts nothing.
Cancelling the bundle reverses it. `rebuild` recomputes every balance from the ledger (bundles and
legacy `SLE.batch_no` rows) and `differences` lists where the kept balances and the ledger disagree
(a daily job repairs and reports them).
"""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability.messages import Refusal, bold, esc
from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries import lots as lot_queries

TOLERANCE = 1e-6


class LotBalanceError(Refusal, frappe.ValidationError):
	pass


def bundle_deltas(bundle, sign: int = 1) -> dict[tuple[str, str], tuple[float, float]]:
	"""(lot, warehouse) → (quantity, value) change of a bundle's entries."""
	deltas: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
	for entry in bundle.entries:
		if not entry.batch_no:
			continue
		delta = deltas[(entry.batch_no, entry.warehouse or bundle.warehouse)]
		delta[0] += sign * flt(entry.qty)
		delta[1] += sign * flt(entry.stock_value_difference)
	return {key: (qty, value) for key, (qty, value) in deltas.items() if qty or value}


def apply_bundle(bundle, sign: int = 1) -> None:
	"""Apply a submitted (sign 1) or cancelled (sign -1) bundle to the lot balances."""
	if not bundle.has_batch_no or bundle.voucher_type == "Pick List" or frappe.flags.defer_lot_balances:
		return
	allow_negative = negative_stock_allowed(bundle.item_code)
	# a fixed order (lot, warehouse) so concurrent submissions lock rows in the same order
	for (batch, warehouse), (qty, value) in sorted(bundle_deltas(bundle, sign).items()):
		if qty >= -TOLERANCE or allow_negative:
			balance_queries.add_to_lot_balance(batch, bundle.item_code, warehouse, qty, value)
		elif not balance_queries.take_from_lot_balance(batch, warehouse, -qty, value, TOLERANCE):
			resync_or_refuse(bundle, batch, warehouse, -qty)


def negative_stock_allowed(item_code: str) -> bool:
	return bool(
		frappe.db.get_single_value("Stock Settings", "allow_negative_stock")
		or frappe.get_cached_value("Item", item_code, "allow_negative_stock")
	)


def resync_or_refuse(bundle, batch, warehouse, wanted) -> None:
	"""The kept balance says the lot is short. Ask the ledger, with a locking read that sees what
	other transactions committed (this bundle included): if it still has the stock, the kept balance
	had missed a movement (stock written without the app's hooks, such as pre-bundle batch entries) and
	is set to the ledger's figure; otherwise the lot is short and the submission is refused."""
	qty, value = balance_queries.get_ledger_lot_balance_locked(batch, warehouse)
	if qty >= -TOLERANCE:
		balance_queries.set_lot_balance(batch, bundle.item_code, warehouse, qty, value)
		return
	refuse(bundle, batch, warehouse, wanted)


def refuse(bundle, batch, warehouse, wanted):
	lot = lot_queries.get_lots([batch]).get(batch) or frappe._dict()
	available = balance_queries.get_lot_balance_for_update(batch, warehouse)
	frappe.throw(
		_(
			"Lot {0} of item {1} ({2}) has {3} in warehouse {4}, not the {5} that {6} {7} takes. Nothing was posted."
		).format(
			bold(batch),
			bold(bundle.item_code),
			_(lot.lot_status or ""),
			frappe.format(available, {"fieldtype": "Float"}),
			bold(warehouse),
			frappe.format(wanted, {"fieldtype": "Float"}),
			_(bundle.voucher_type),
			esc(bundle.voucher_no),
		),
		LotBalanceError,
		title=_("Not Enough Stock of Lot"),
	)


def rebuild(out=None) -> int:
	"""Replace every Lot Balance by the ledger's figures; returns the number of rows."""
	frappe.db.delete("Lot Balance")
	count = balance_queries.insert_lot_balances_from_ledger()
	if out:
		out(f"{count} lot balances rebuilt from the ledger")
	return count


def differences(batches=None) -> list[dict]:
	"""Lots and warehouses whose kept balance differs from the ledger (quantity)."""
	ledger = {(r.batch, r.warehouse): r for r in balance_queries.get_ledger_lot_balances(batches)}
	kept = {(r.batch, r.warehouse): r for r in balance_queries.get_kept_lot_balances(batches)}
	found = []
	for key in sorted(set(ledger) | set(kept)):
		expected = flt(ledger[key].qty) if key in ledger else 0.0
		actual = flt(kept[key].qty) if key in kept else 0.0
		if abs(expected - actual) > TOLERANCE:
			found.append(
				frappe._dict(
					batch=key[0],
					warehouse=key[1],
					item=(ledger.get(key) or kept.get(key)).item,
					ledger_qty=expected,
					kept_qty=actual,
				)
			)
	return found


def set_lot_balances_from_ledger(batches) -> None:
	"""Set the kept balances of these lots to the ledger's (after writes that bypass the hooks)."""
	for start in range(0, len(batches), 5000):
		balance_queries.set_lot_balances_from_ledger(batches[start : start + 5000])


def reconcile(chunk_size: int = 5000, commit: bool = False, on_chunk=None) -> list[dict]:
	"""Repair the balances that differ from the ledger, a chunk of lots at a time; returns what was
	repaired (the daily job). `commit` and `on_chunk` as `lot_ledger.reconcile`: a job killed midway
	keeps the chunks it repaired, and running it again ends where one uninterrupted run ends."""
	from lot_traceability.lot_ledger import repair_in_chunks

	found = repair_in_chunks(
		differences,
		lambda rows: balance_queries.set_lot_balances_from_ledger(sorted({row.batch for row in rows})),
		chunk_size,
		commit,
		on_chunk,
	)
	if found:
		frappe.log_error(
			title=_("Lot balances repaired from the ledger"),
			message="\n".join(
				f"{row.batch} @ {row.warehouse}: kept {row.kept_qty}, ledger {row.ledger_qty}"
				for row in found[:200]
			),
		)
	return found
