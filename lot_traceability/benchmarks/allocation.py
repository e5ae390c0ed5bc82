"""Allocation speed: the app's allocation (status, expiry and a customer's 90-day minimum remaining
shelf life at the posting date, FEFO) against ERPNext's own `get_auto_batch_nos` (FEFO by expiry,
no status or shelf-life filtering), on the same item, warehouse and lots, alternately, in one run.

	bench --site <site> execute lot_traceability.benchmarks.allocation.run --kwargs "{'sizes': [2000, 10000]}"

For each size an item `BENCH-ALLOC-<size>` is made once (kept for later runs) with that many lots in
one warehouse, received through ERPNext's controllers (500 lots to a Material Receipt row), with
seeded expiry dates (from 20 days ago to 700 days ahead) and one lot in ten quarantined. Each run asks for the
quantity of `pick_lots` lots. Once per size, where the two sides' rules coincide, their picks are
compared (`same_picks`). Recorded figures: docs/benchmarks.md.
"""

import random
import statistics
import time

import frappe
from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import get_auto_batch_nos
from frappe.utils import add_days, nowdate

from lot_traceability.allocation import allocate_lots
from lot_traceability.demo import builders as b
from lot_traceability.demo.scale import bundle

COMPANY = "Allocation Bench Foods"
ABBR = "ABF"
CUSTOMER = "Allocation Bench Customer"
LOT_QTY = 10
CHUNK = 500


def run(sizes=(2000, 10000), runs: int = 20, pick_lots: int = 20, seed: int = 11) -> dict:
	figures = {}
	for size in sizes:
		item, warehouse = setup(int(size), seed)
		qty = pick_lots * LOT_QTY
		kwargs = frappe._dict(
			item_code=item, warehouse=warehouse, qty=qty, based_on="Expiry", posting_date=nowdate()
		)
		ours, theirs = [], []
		for _ in range(runs):
			start = time.perf_counter()
			allocation = allocate_lots(item, [warehouse], qty, nowdate(), CUSTOMER, COMPANY)
			ours.append(time.perf_counter() - start)
			start = time.perf_counter()
			erpnext = get_auto_batch_nos(frappe._dict(kwargs))
			theirs.append(time.perf_counter() - start)
		figures[size] = {
			"where_the_rules_coincide": same_picks(item, warehouse, qty, kwargs),
			"lots_in_warehouse": frappe.db.count("Lot Balance", {"item": item, "qty": (">", 0)}),
			"app_ms": summary(ours),
			"erpnext_ms": summary(theirs),
			"speedup_median": round(statistics.median(theirs) / statistics.median(ours), 1),
			"app_lots_taken": len(allocation.picks),
			"app_lots_skipped": len(allocation.skipped),
			"erpnext_lots_taken": len(erpnext),
		}
		frappe.db.commit()
	print(figures)
	return figures


def same_picks(item: str, warehouse: str, qty: float, kwargs) -> dict:
	"""Where the two sides' rules coincide — no customer requirement (the item's rule asks none), the
	lots the app holds back (quarantined) set aside — both take lots of the same expiry dates in the
	same order, and the same lots wherever the order is defined: ERPNext orders lots of equal expiry
	as its query returns them, the app by its tie-breaks, so only the last expiry date taken (which
	both may take part of) may hold different lots."""
	picked = allocate_lots(item, [warehouse], qty, nowdate(), None, COMPANY).picks
	ours = [(candidate.lot, candidate.expiry_date) for candidate, _qty in picked]
	held = set(frappe.get_all("Batch", filters={"item": item, "lot_status": "Quarantined"}, pluck="name"))
	expiry = dict(
		frappe.get_all("Batch", filters={"item": item}, fields=["name", "expiry_date"], as_list=True)
	)
	theirs = [
		(row.batch_no, expiry[row.batch_no])
		for row in get_auto_batch_nos(frappe._dict({**kwargs, "qty": 3 * qty}))
		if row.batch_no not in held
	][: len(ours)]
	last = ours[-1][1] if ours else None
	return {
		"same_expiry_order": [day for _lot, day in ours] == [day for _lot, day in theirs],
		"same_lots_before_the_last_expiry": {lot for lot, day in ours if day != last}
		== {lot for lot, day in theirs if day != last},
	}


def summary(seconds):
	ordered = sorted(seconds)
	return {
		"median": round(statistics.median(ordered) * 1000, 1),
		"p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000, 1),
	}


def setup(size: int, seed: int) -> tuple[str, str]:
	"""The benchmark item with `size` lots in one warehouse (made once)."""
	company = b.company(COMPANY, ABBR)
	warehouse = f"Stores - {ABBR}"
	group = b.item_group("Allocation Bench Items")
	item = b.item(f"BENCH-ALLOC-{size}", f"Allocation bench item ({size} lots)", group, {company: warehouse})
	if not frappe.db.exists("Lot Rule", {"item": item}):
		b.lot_rule(applies_to="Item", item=item, receipt_status="Approved", allocation_policy="FEFO")
	b.party("Customer", CUSTOMER, min_remaining_shelf_life=90)
	have = frappe.db.count("Lot Balance", {"item": item, "qty": (">", 0)})
	rng = random.Random(seed + size)
	for start in range(have, size, CHUNK):
		count = min(CHUNK, size - start)
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
	return item, warehouse
