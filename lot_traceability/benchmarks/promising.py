"""Promisable stock speed: the app's split of an item's stock into classes for a customer on a date
(`promising.promisable_stock`: kept balances, lots, warehouses and reservations in one read, then
the core) against ERPNext's `get_batch_qty(item_code=…)` (every lot's quantity by warehouse, no
status, expiry, shelf-life, scope or reservation considered), on the same item, alternately, in one
run.

	bench --site <site> execute lot_traceability.benchmarks.promising.run --kwargs "{'size': 10000}"

An item `BENCH-PROMISE-<size>` is made once (kept for later runs) with `size` lots spread over 10
warehouses (one of them a quarantine warehouse), received through ERPNext's controllers (500 lots to
a Material Receipt row), with seeded expiry dates (from 20 days ago to 700 days ahead) and one lot in
ten quarantined; the customer asks for 90 days of shelf life. Recorded figures: docs/benchmarks.md.
"""

import random
import time

import frappe
from erpnext.stock.doctype.batch.batch import get_batch_qty
from frappe.utils import add_days, nowdate

from lot_traceability.benchmarks.allocation import ABBR, COMPANY, CUSTOMER, summary
from lot_traceability.demo import builders as b
from lot_traceability.demo.scale import bundle
from lot_traceability.promising import promisable_stock

WAREHOUSES = 10
LOT_QTY = 10
CHUNK = 500


def run(size: int = 10000, runs: int = 10, seed: int = 17) -> dict:
	item = setup(int(size), seed)
	on_date = add_days(nowdate(), 14)
	ours, theirs = [], []
	for _ in range(runs):
		start = time.perf_counter()
		found, _hidden = promisable_stock([item], None, on_date, CUSTOMER, COMPANY)
		ours.append(time.perf_counter() - start)
		start = time.perf_counter()
		erpnext = get_batch_qty(item_code=item)
		theirs.append(time.perf_counter() - start)
	totals = found[item].promise.totals()
	figures = {
		"lots": frappe.db.count("Lot Balance", {"item": item, "qty": (">", 0)}),
		"warehouses": len(found[item].warehouses()),
		"app_ms": summary(ours),
		"erpnext_get_batch_qty_ms": summary(theirs),
		"on_hand": totals["on_hand"],
		"erpnext_total": sum(row.qty for row in erpnext),
		"promisable": totals["promisable"],
		"held": totals["held"],
		"in_quarantine": totals["in_quarantine"],
		"expired": totals["expired"],
		"short": totals["short"],
	}
	print(figures)
	return figures


def setup(size: int, seed: int) -> str:
	"""The benchmark item with `size` lots over the warehouses (made once)."""
	company = b.company(COMPANY, ABBR)
	warehouses = [b.warehouse(f"Promise Bench {n}", company) for n in range(WAREHOUSES)]
	frappe.db.set_value("Warehouse", warehouses[-1], "is_quarantine_warehouse", 1)
	group = b.item_group("Allocation Bench Items")
	item = b.item(
		f"BENCH-PROMISE-{size}", f"Promising bench item ({size} lots)", group, {company: warehouses[0]}
	)
	if not frappe.db.exists("Lot Rule", {"item": item}):
		b.lot_rule(applies_to="Item", item=item, receipt_status="Approved", allocation_policy="FEFO")
	b.party("Customer", CUSTOMER, min_remaining_shelf_life=90)
	have = frappe.db.count("Lot Balance", {"item": item, "qty": (">", 0)})
	rng = random.Random(seed + size)
	for start in range(have, size, CHUNK):
		count = min(CHUNK, size - start)
		warehouse = warehouses[(start // CHUNK) % WAREHOUSES]
		lots = {}
		for n in range(start, start + count):
			lot = frappe.get_doc(
				{
					"doctype": "Batch",
					"item": item,
					"batch_id": f"{item}-{n:06d}",
					"manufacturing_date": add_days(nowdate(), -rng.randint(1, 200)),
					"expiry_date": add_days(nowdate(), rng.randint(-20, 700)),
				}
			).insert(ignore_permissions=True)
			lots[lot.name] = LOT_QTY
		row = {
			"item_code": item,
			"qty": sum(lots.values()),
			"t_warehouse": warehouse,
			"basic_rate": 2,
			"serial_and_batch_bundle": bundle(
				item, warehouse, "Stock Entry", lots, inward=True, rate=2, company=company
			),
		}
		b.stock_entry(company, "Material Receipt", nowdate(), [row], set_posting_time=0)
		names = list(lots)
		frappe.db.set_value("Batch", {"name": ("in", names[::10])}, "lot_status", "Quarantined")
		frappe.db.commit()
	return item
