"""Lot genealogy records: captured when production vouchers are submitted, removed when they are
cancelled, and rebuilt or checked from the ledger, which is the truth.

Sources: Stock Entries of purpose Manufacture, Repack and Disassemble (a Manufacture entry of a
Work Order also takes the lots its Material Consumption for Manufacture entries consumed) and
Subcontracting Receipts (supplied lots consumed → lots received). Attribution: `traceability.genealogy`.
"""

from collections import defaultdict

import frappe
from frappe.utils import now_datetime

from lot_traceability.queries import genealogy as genealogy_queries
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.traceability.genealogy import attribute

PRODUCTION_PURPOSES = ("Manufacture", "Repack", "Disassemble")
CONSUMPTION_PURPOSE = "Material Consumption for Manufacture"
FIELDS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"parent_lot",
	"parent_item",
	"child_lot",
	"child_item",
	"qty",
	"voucher_type",
	"voucher_no",
	"work_order",
	"posting_date",
	"company",
	"relation",
)


def edges_for(voucher_type: str, vouchers: list[dict]) -> list[dict]:
	"""The genealogy records these submitted vouchers make, read from their bundles."""
	if not vouchers:
		return []
	moves = defaultdict(list)
	for move in voucher_queries.get_voucher_lot_moves(voucher_type, [v.name for v in vouchers]):
		moves[move.voucher_no].append(move)
	consumption = consumed_by_work_order(vouchers) if voucher_type == "Stock Entry" else {}
	records = []
	for voucher in vouchers:
		rows = moves.get(voucher.name, [])
		inputs = [(m.batch_no, -m.qty) for m in rows if m.qty < 0]
		outputs = [(m.batch_no, m.qty) for m in rows if m.qty > 0 and not m.get("is_rejected")]
		if voucher.get("purpose") == "Manufacture" and voucher.get("work_order"):
			inputs += consumption.get(voucher.work_order, [])
		relation = voucher.get("purpose") or "Subcontracting"
		items = {m.batch_no: m.item_code for m in rows}
		for edge in attribute(inputs, outputs, voucher.name):
			records.append(
				{
					"parent_lot": edge.parent,
					"parent_item": items.get(edge.parent),
					"child_lot": edge.child,
					"child_item": items.get(edge.child),
					"qty": edge.qty,
					"voucher_type": voucher_type,
					"voucher_no": voucher.name,
					"work_order": voucher.get("work_order"),
					"posting_date": voucher.posting_date,
					"company": voucher.company,
					"relation": relation,
				}
			)
	missing = {r["parent_lot"] for r in records if not r["parent_item"]}
	if missing:
		items = lot_queries.get_lot_items(missing)
		for record in records:
			record["parent_item"] = record["parent_item"] or items.get(record["parent_lot"])
	return records


def consumed_by_work_order(vouchers) -> dict[str, list[tuple[str, float]]]:
	work_orders = {
		v.work_order for v in vouchers if v.get("purpose") == "Manufacture" and v.get("work_order")
	}
	consumed = defaultdict(list)
	for work_order in work_orders:
		entries = genealogy_queries.get_genealogy_vouchers(
			"Stock Entry", [CONSUMPTION_PURPOSE], work_order=work_order
		)
		for move in voucher_queries.get_voucher_lot_moves("Stock Entry", [e.name for e in entries]):
			if move.qty < 0:
				consumed[work_order].append((move.batch_no, -move.qty))
	return consumed


def write(records: list[dict]) -> None:
	if not records:
		return
	stamp, user = now_datetime(), frappe.session.user
	rows = [
		(frappe.generate_hash(length=10), stamp, stamp, user, user, *(record[f] for f in FIELDS[5:]))
		for record in records
	]
	frappe.db.bulk_insert("Lot Genealogy", FIELDS, rows)


def record_voucher(voucher_type: str, voucher_no: str) -> list[dict]:
	"""Replace the records of one voucher by what its submitted bundles say."""
	genealogy_queries.delete_edges(voucher_type, [voucher_no])
	voucher = frappe.db.get_value(
		voucher_type,
		voucher_no,
		["name", "company", "posting_date", "docstatus"]
		+ (["purpose", "work_order"] if voucher_type == "Stock Entry" else []),
		as_dict=True,
	)
	if not voucher or voucher.docstatus != 1:
		return []
	if voucher_type == "Stock Entry" and voucher.purpose not in PRODUCTION_PURPOSES:
		return []
	records = edges_for(voucher_type, [voucher])
	write(records)
	return records


def record_vouchers(voucher_type: str, names: list[str], chunk: int = 500) -> int:
	"""Replace the records of many submitted production vouchers (written without their hooks)."""
	count = 0
	for start in range(0, len(names), chunk):
		part = names[start : start + chunk]
		genealogy_queries.delete_edges(voucher_type, part)
		vouchers = genealogy_queries.get_genealogy_vouchers(voucher_type, PRODUCTION_PURPOSES, names=part)
		records = edges_for(voucher_type, vouchers)
		write(records)
		count += len(records)
	return count


def refresh_work_order(work_order: str) -> None:
	"""A consumption entry changed: the work order's Manufacture entries' records follow."""
	for entry in genealogy_queries.get_genealogy_vouchers(
		"Stock Entry", ["Manufacture"], work_order=work_order
	):
		record_voucher("Stock Entry", entry.name)


def all_vouchers() -> list[tuple[str, list[dict]]]:
	return [
		("Stock Entry", genealogy_queries.get_genealogy_vouchers("Stock Entry", PRODUCTION_PURPOSES)),
		("Subcontracting Receipt", genealogy_queries.get_genealogy_vouchers("Subcontracting Receipt")),
	]


def expected_records(only: dict[str, list[str]] | None = None, chunk: int = 500):
	"""(voucher type, vouchers, records) per chunk; `only` limits it to some vouchers by type."""
	for voucher_type, vouchers in all_vouchers():
		if only is not None:
			wanted = set(only.get(voucher_type, ()))
			vouchers = [v for v in vouchers if v.name in wanted]
		for start in range(0, len(vouchers), chunk):
			part = vouchers[start : start + chunk]
			yield voucher_type, part, edges_for(voucher_type, part)


def rebuild(out=None) -> int:
	"""Replace every genealogy record by what the ledger says. Returns the number of records."""
	frappe.db.delete("Lot Genealogy")
	count = 0
	for _voucher_type, _vouchers, records in expected_records():
		write(records)
		count += len(records)
		if out:
			out(f"genealogy: {count} records")
	return count


def key(record) -> tuple:
	return (
		record["voucher_type"],
		record["voucher_no"],
		record["parent_lot"],
		record["child_lot"],
		round(record["qty"], 6),
	)


def check(only: dict[str, list[str]] | None = None) -> list[str]:
	"""Differences between the stored records and a rebuild from the ledger (empty when they agree),
	for every production voucher or, with `only`, for those vouchers."""
	expected, stored = set(), set()
	names = []
	for _voucher_type, vouchers, records in expected_records(only):
		expected.update(key(r) for r in records)
		names += [v.name for v in vouchers]
	records = genealogy_queries.get_stored_edges(
		None if only is None else names + [n for v in only.values() for n in v]
	)
	stored.update(key(r) for r in records)
	return [f"missing: {k}" for k in sorted(expected - stored)] + [
		f"unexpected: {k}" for k in sorted(stored - expected)
	]
