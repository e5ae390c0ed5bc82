"""Allocation speed: the app's allocation (status, expiry and a customer's 90-day minimum remaining
shelf life at the posting date, FEFO) against ERPNext's own `get_auto_batch_nos` (FEFO by expiry,
no status or shelf-life filtering), on the same item, warehouses and lots, alternately, in one run;
between them the app's allocation as it read before the Batch index (sorting every eligible lot of
the item on each page instead of those up to the page's last expiry date).

	bench --site <site> execute lot_traceability.benchmarks.allocation.run --kwargs "{'sizes': [2000, 10000]}"

For each size an item `BENCH-ALLOC-<size>-W<warehouses>` is made once (kept for later runs) with that
many lots spread over `warehouses` warehouses, received through ERPNext's controllers (500 lots to a
Material Receipt), with seeded expiry dates (from 20 days ago to 700 days ahead) and one lot in ten
quarantined. Each run asks for the quantity of `pick_lots` lots. Once per size the picks are checked
over `checks` random quantities and customers (`checked_picks`): against the core's allocation over
every lot of the item read at once (no paging), and, where the two sides' rules coincide, against
ERPNext's. Recorded figures: docs/benchmarks.md.
"""

import random
import statistics
import time
from unittest.mock import patch

import frappe
from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import get_auto_batch_nos
from frappe.utils import add_days, nowdate

from lot_traceability.allocation import allocate_lots, candidates, request_for
from lot_traceability.demo import builders as b
from lot_traceability.demo.scale import bundle
from lot_traceability.queries import balances as balance_queries
from lot_traceability.traceability import allocation as core

COMPANY = "Allocation Bench Foods"
ABBR = "ABF"
CUSTOMER = "Allocation Bench Customer"
# customers whose requirements the picks are checked under: none, days, a share of the shelf life
CUSTOMERS = {
	CUSTOMER: {"min_remaining_shelf_life": 90},
	"Allocation Bench Walk-in": {"min_remaining_shelf_life": 0},
	"Allocation Bench Caterer": {
		"min_remaining_shelf_life": 40,
		"min_remaining_shelf_life_unit": "% of Shelf Life",
	},
}
LOT_QTY = 10
CHUNK = 500


def run(
	sizes=(2000, 10000),
	runs: int = 20,
	pick_lots: int = 20,
	seed: int = 11,
	warehouses: int = 10,
	checks: int = 200,
) -> dict:
	figures = {}
	for size in sizes:
		item, stores = setup(int(size), seed, int(warehouses))
		qty = pick_lots * LOT_QTY
		kwargs = frappe._dict(
			item_code=item, warehouse=stores, qty=qty, based_on="Expiry", posting_date=nowdate()
		)
		ours, unbounded, theirs = [], [], []
		for _ in range(runs):
			start = time.perf_counter()
			allocation = allocate_lots(item, stores, qty, nowdate(), CUSTOMER, COMPANY)
			ours.append(time.perf_counter() - start)
			with patch.object(balance_queries, "has_batch_index", lambda: False):
				start = time.perf_counter()
				allocate_lots(item, stores, qty, nowdate(), CUSTOMER, COMPANY)
				unbounded.append(time.perf_counter() - start)
			start = time.perf_counter()
			erpnext = get_auto_batch_nos(frappe._dict(kwargs))
			theirs.append(time.perf_counter() - start)
		figures[size] = {
			"checked_picks": checked_picks(item, stores, kwargs, random.Random(seed), int(checks)),
			"lots_in_stock": frappe.db.count("Lot Balance", {"item": item, "qty": (">", 0)}),
			"warehouses": len(stores),
			"app_ms": summary(ours),
			"app_sorting_every_lot_ms": summary(unbounded),
			"erpnext_ms": summary(theirs),
			"speedup_median": round(statistics.median(theirs) / statistics.median(ours), 1),
			"app_lots_taken": len(allocation.picks),
			"erpnext_lots_taken": len(erpnext),
		}
		frappe.db.commit()
	print(figures)
	return figures


def checked_picks(item: str, stores: list, kwargs, rng: random.Random, checks: int) -> dict:
	"""Over random quantities (1 to 200 lots' worth) and customers: the app's picks (read a page at a
	time) equal the core's allocation over every lot of the item at once; and where the two sides'
	rules coincide (no customer requirement, the lots the app holds back set aside) ERPNext's picks
	have the same expiry dates in the same order, and the same lots before the last expiry date
	(ERPNext orders lots of equal expiry as its query returns them)."""
	every_lot = candidates(item, stores)
	held = set(frappe.get_all("Batch", filters={"item": item, "lot_status": "Quarantined"}, pluck="name"))
	expiry = dict(
		frappe.get_all("Batch", filters={"item": item}, fields=["name", "expiry_date"], as_list=True)
	)
	same_as_core = same_as_erpnext = compared_with_erpnext = 0
	for _ in range(checks):
		qty = rng.randint(1, 200 * LOT_QTY)
		customer = rng.choice([None, *CUSTOMERS])
		picked = allocate_lots(item, stores, qty, nowdate(), customer, COMPANY).picks
		reference = core.allocate(every_lot, request_for(item, qty, nowdate(), customer, COMPANY)).picks
		same_as_core += [(c.lot, c.warehouse, q) for c, q in picked] == [
			(c.lot, c.warehouse, q) for c, q in reference
		]
		if customer is None or not CUSTOMERS[customer].get("min_remaining_shelf_life"):
			compared_with_erpnext += 1
			ours = [(candidate.lot, candidate.expiry_date) for candidate, _qty in picked]
			theirs = [
				(row.batch_no, expiry[row.batch_no])
				for row in get_auto_batch_nos(frappe._dict({**kwargs, "qty": 3 * qty}))
				if row.batch_no not in held
			][: len(ours)]
			last = ours[-1][1] if ours else None
			same_as_erpnext += [day for _lot, day in ours] == [day for _lot, day in theirs] and {
				lot for lot, day in ours if day != last
			} == {lot for lot, day in theirs if day != last}
	return {
		"checks": checks,
		"same_as_the_core_over_every_lot": same_as_core,
		"compared_with_erpnext": compared_with_erpnext,
		"same_as_erpnext": same_as_erpnext,
	}


def summary(seconds):
	ordered = sorted(seconds)
	return {
		"min": round(ordered[0] * 1000, 1),
		"median": round(statistics.median(ordered) * 1000, 1),
		"p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000, 1),
		"max": round(ordered[-1] * 1000, 1),
	}


def setup(size: int, seed: int, warehouses: int = 10) -> tuple[str, list[str]]:
	"""The benchmark item with `size` lots over `warehouses` warehouses (made once)."""
	company = b.company(COMPANY, ABBR)
	stores = [f"Stores - {ABBR}"] + [
		b.warehouse(f"Bench Store {n}", company) for n in range(2, warehouses + 1)
	]
	group = b.item_group("Allocation Bench Items")
	item = b.item(
		f"BENCH-ALLOC-{size}-W{warehouses}",
		f"Allocation bench item ({size} lots, {warehouses} warehouses)",
		group,
		{company: stores[0]},
	)
	if not frappe.db.exists("Lot Rule", {"item": item}):
		b.lot_rule(applies_to="Item", item=item, receipt_status="Approved", allocation_policy="FEFO")
	for customer, fields in CUSTOMERS.items():
		b.party("Customer", customer, **fields)
	have = frappe.db.count("Lot Balance", {"item": item, "qty": (">", 0)})
	rng = random.Random(seed + size)
	for start in range(have, size, CHUNK):
		by_store = {store: {} for store in stores}
		for n in range(start, min(start + CHUNK, size)):
			lot = frappe.get_doc(
				{
					"doctype": "Batch",
					"item": item,
					"batch_id": f"{item}-{n:06d}",
					"manufacturing_date": add_days(nowdate(), -rng.randint(1, 200)),
					"expiry_date": add_days(nowdate(), rng.randint(-20, 700)),
				}
			).insert(ignore_permissions=True)
			by_store[stores[n % len(stores)]][lot.name] = LOT_QTY
		rows = [
			{
				"item_code": item,
				"qty": sum(lots.values()),
				"t_warehouse": store,
				"basic_rate": 2,
				"serial_and_batch_bundle": bundle(
					item, store, "Stock Entry", lots, inward=True, rate=2, company=company
				),
			}
			for store, lots in by_store.items()
			if lots
		]
		b.stock_entry(company, "Material Receipt", nowdate(), rows, set_posting_time=0)
		names = [name for lots in by_store.values() for name in lots]
		frappe.db.set_value("Batch", {"name": ("in", names[::10])}, "lot_status", "Quarantined")
		frappe.db.commit()
	return item, stores
