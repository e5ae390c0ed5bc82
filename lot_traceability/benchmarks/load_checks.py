"""What a load run must leave true, checked after it (`load.run`): no lot below zero, nothing moved
while held, no needless refusal."""

from collections import defaultdict

import frappe
from frappe.utils import flt

AUTOMATIC = ("delivery", "transfer", "pick_list", "repack")  # the lots are picked by ERPNext or the app


# -------------------------------------------------------------------------------------- checking
def verify(data, mode: str, stats: dict) -> dict:
	"""The invariants, read from the database once the servers have stopped."""
	from lot_traceability import balances, lot_ledger
	from lot_traceability.genealogy import records as lineage
	from lot_traceability.queries import balances as balance_queries

	frappe.db.rollback()
	lots = frappe.get_all("Batch", filters={"item": ("in", [*data.hot_items, data.portion])}, pluck="name")
	ledger = balance_queries.get_ledger_lot_balances(lots)
	checks = {"lots": len(lots), "negative_in_ledger": sum(1 for row in ledger if flt(row.qty) < -1e-9)}
	if mode == "app":
		kept = balance_queries.get_kept_lot_balances(lots)
		checks["negative_kept"] = sum(1 for row in kept if flt(row.qty) < -1e-9)
		checks["kept_balances_differ"] = len(balances.differences(lots))
		checks["lot_ledger_differs"] = len(lot_ledger.differences(lots))
		repacks = frappe.get_all(
			"Stock Entry",
			filters={"purpose": "Repack", "docstatus": 1, "creation": (">=", data.started)},
			pluck="name",
		)
		checks["genealogy_differs"] = len(lineage.check({"Stock Entry": repacks})) if repacks else 0
		checks["moved_while_held"] = moved_while_held(lots, data.started)
		checks["automatic_picks_refused"] = sum(
			1 for record in stats["records"] if record["op"] in AUTOMATIC and refused(record)
		)
	else:
		# the app was off: its kept balances and lot ledger of these lots missed the run
		balances.set_lot_balances_from_ledger(lots)
		lot_ledger.set_lots_from_ledger(lots)
		frappe.db.commit()
	checks["answered_try_again"] = sum(1 for record in stats["records"] if record["status"] == 508)
	checks["server_errors"] = sum(
		1 for record in stats["records"] if record["status"] >= 500 and record["status"] != 508
	)
	return checks


def moved_while_held(lots, since) -> list[str]:
	"""Movements submitted while their lot was in a status that does not allow them. A hold and a
	movement of the same lot both lock its row until they commit, so the hold's Changed On and the
	bundle's submit time (`modified`) are in the order the two committed."""
	from lot_traceability.config import get_lot_status
	from lot_traceability.traceability.movements import classify

	changes = frappe.db.sql(
		"""select l.batch, c.change_datetime, c.to_status from `tabLot Status Change Lot` l
		join `tabLot Status Change` c on c.name = l.parent
		where c.docstatus = 1 and l.batch in %(lots)s and c.change_datetime >= %(since)s
		order by c.change_datetime""",
		{"lots": lots, "since": since},
		as_dict=True,
	)
	timeline = defaultdict(list)
	for change in changes:
		timeline[change.batch].append((change.change_datetime, change.to_status))
	if not timeline:
		return []
	moves = frappe.db.sql(
		"""select e.batch_no, b.modified, b.voucher_type, b.voucher_no, b.type_of_transaction
		from `tabSerial and Batch Entry` e join `tabSerial and Batch Bundle` b on b.name = e.parent
		where b.docstatus = 1 and b.is_cancelled = 0 and e.batch_no in %(lots)s
			and b.type_of_transaction = 'Outward' and b.modified >= %(since)s""",
		{"lots": list(timeline), "since": since},
		as_dict=True,
	)
	found = []
	for move in moves:
		status = None
		for when, to_status in timeline[move.batch_no]:
			if when < move.modified:
				status = to_status
		if status is None:
			continue
		purpose = (
			frappe.db.get_value("Stock Entry", move.voucher_no, "purpose")
			if move.voucher_type == "Stock Entry"
			else None
		)
		movement = classify(move.voucher_type, move.type_of_transaction, purpose)
		if movement and not get_lot_status(status).allows(movement):
			found.append(f"{move.batch_no}: {move.voucher_type} {move.voucher_no} while {status}")
	return found


def refused(record) -> bool:
	"""A refusal the app's rules gave (not a "try again", not a server error)."""
	return 400 <= record["status"] < 500
