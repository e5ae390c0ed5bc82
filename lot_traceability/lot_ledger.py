"""The kept lot ledger (Lot Ledger Entry): every submitted movement of a lot, one row per Serial and
Batch Entry, with what traces and recall scopes need beside it — the Stock Entry purpose, the
customer or supplier of the document and, on a selling document, the net sales amount of the lot's
quantity. Reading it takes one index range per lot instead of a join from each bundle entry to its
bundle, document and document row.

ERPNext's ledger stays the truth: a bundle's rows are written when it is submitted and removed when
it is cancelled, by the same statement the rebuild uses; `differences` compares the kept rows with
the ledger and a daily job repairs (and logs) any lot that differs. Stock values are not kept (a
repost may change them); readers that need them ask the ledger for the lots that have stock.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime

from lot_traceability.queries import lot_ledger as queries
from lot_traceability.traceability.movements import LedgerMove

TOLERANCE = 1e-6
COMPARED = ("batch_no", "warehouse", "voucher_type", "voucher_no", "posting_date", "purpose", "party")


def record_bundle(bundle) -> None:
	"""Add the rows of a submitted bundle."""
	if not bundle.has_batch_no or bundle.voucher_type == "Pick List" or frappe.flags.defer_lot_balances:
		return
	queries.insert_bundle_movements(bundle.name)


def remove_bundle(bundle) -> None:
	"""Remove the rows of a cancelled bundle."""
	if frappe.flags.defer_lot_balances:
		return
	queries.delete_bundle_movements(bundle.name)


def rebuild(out=None) -> int:
	"""Replace every kept row by the ledger's; returns the number of rows."""
	count = queries.replace_all_movements()
	if out:
		out(f"{count} lot ledger entries rebuilt from the ledger")
	return count


def rebuild_if_empty() -> None:
	"""A site with stock history that has no kept rows yet (the app installed on it, or upgraded)."""
	if not queries.has_kept_movements() and queries.has_ledger_movements():
		rebuild()


def set_lots_from_ledger(batches) -> None:
	"""Set the kept rows of these lots to the ledger's (after writes that bypass the hooks)."""
	batches = list(batches)
	for start in range(0, len(batches), 5000):
		queries.set_lot_movements_from_ledger(batches[start : start + 5000])


def differences(batches=None) -> list[dict]:
	"""Rows the ledger has and the kept lot ledger lacks (or the reverse), or that differ: for these
	lots, or for every lot (read a few thousand lots at a time)."""
	if batches is None:
		lots = sorted(queries.get_all_lots())
		return [row for start in range(0, len(lots), 2000) for row in differences(lots[start : start + 2000])]
	ledger = {row.name: row for row in queries.get_ledger_movements(batches)}
	kept = {row.name: row for row in queries.get_kept_movements(batches)}
	found = []
	for name in sorted(set(ledger) | set(kept)):
		expected, actual = ledger.get(name), kept.get(name)
		if expected is None or actual is None:
			row = expected or actual
			found.append(
				frappe._dict(
					name=name,
					batch_no=row.batch_no,
					voucher_no=row.voucher_no,
					problem=_("missing from the lot ledger") if actual is None else _("not in the ledger"),
				)
			)
			continue
		changed = [
			field for field in COMPARED if (expected.get(field) or None) != (actual.get(field) or None)
		]
		changed += [
			field
			for field in ("qty", "sales_amount")
			if abs(flt(expected.get(field)) - flt(actual.get(field)))
			> TOLERANCE * max(1.0, abs(flt(expected.get(field))))
		]
		if changed:
			found.append(
				frappe._dict(
					name=name,
					batch_no=expected.batch_no,
					voucher_no=expected.voucher_no,
					problem=_("differs in {0}").format(", ".join(changed)),
				)
			)
	return found


CHUNK = 2000  # lots compared and repaired at a time


def repair_in_chunks(find, repair, chunk_size: int, commit: bool = False, on_chunk=None) -> list:
	"""Every lot, a chunk at a time: `find(lots)` what differs, `repair(rows)` it; each chunk committed
	(`commit`) and reported (`on_chunk(done, total)`). Returns everything found."""
	lots = sorted(queries.get_all_lots())
	found = []
	for start in range(0, len(lots), chunk_size):
		chunk = find(lots[start : start + chunk_size])
		if chunk:
			repair(chunk)
			found += chunk
		if commit:
			frappe.db.commit()  # nosemgrep: a daily job's chunk, kept if the job dies later
		if on_chunk:
			on_chunk(min(start + chunk_size, len(lots)), len(lots))
	return found


def reconcile(chunk_size: int = CHUNK, commit: bool = False, on_chunk=None) -> list[dict]:
	"""Repair the lots whose kept rows differ from the ledger, a chunk of lots at a time; returns what
	differed (the daily job). With `commit` each chunk's repair is committed as it is done, so a job
	killed midway keeps what it repaired, and running it again (it compares everything afresh and
	sets rows from the ledger) ends where one uninterrupted run ends. `on_chunk(done, total)` is told
	after each chunk (the job's progress)."""
	found = repair_in_chunks(
		differences,
		lambda rows: set_lots_from_ledger({row.batch_no for row in rows}),
		chunk_size,
		commit,
		on_chunk,
	)
	if found:
		frappe.log_error(
			title=_("Lot ledger repaired from the stock ledger"),
			message="\n".join(f"{row.batch_no} / {row.voucher_no}: {row.problem}" for row in found[:200]),
		)
	return found


def moves_of(rows) -> list[LedgerMove]:
	"""Lot ledger rows read with their posting time (`posted`) and, for a Stock Entry, its work order,
	as the pure core's moves."""
	return [
		LedgerMove(
			lot=row.batch_no,
			qty=float(row.qty or 0),
			voucher_type=row.voucher_type,
			voucher_no=row.voucher_no,
			posted=get_datetime(row.posted),
			warehouse=row.warehouse,
			company=row.company,
			purpose=row.purpose,
			party_type=row.party_type,
			party=row.party,
			work_order=row.work_order,
		)
		for row in rows
	]
