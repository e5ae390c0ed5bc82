"""What the rows' Promisable Qty (Lots) adds to saving a Sales Order: the save (ERPNext's validate, the
app's `set_order_rows_promisable` on its validate, the insert) of one draft order, with the app and
with ERPNext alone, alternately, in one run, on the same data.

	bench --site <site> execute lot_traceability.benchmarks.order_promise.run --kwargs "{'size': 10000, 'runs': 7}"

The order: the promising benchmark's item (`benchmarks.promising.setup`: `size` lots over 10
warehouses, one a quarantine warehouse, one lot in ten quarantined, seeded expiry dates) for its
customer (90 days of shelf life asked), delivered in 14 days, one row per warehouse (10 rows, so 10
reads of the kept balances). *With the app*: its doc_events and request-start overrides, the switch
on. *ERPNext alone*: the app's doc_events left out and ERPNext's functions put back
(`hook_overhead.set_app_hooks`). Each save is rolled back. Prints min / median / max in ms, and
checks the rows' figures (read the short way, `order_rows.promisable_by_warehouse`) against the full
split of every lot (`promising.promisable_stock`). Recorded figures: docs/benchmarks.md.
"""

import statistics
import time

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability.benchmarks.allocation import COMPANY, CUSTOMER
from lot_traceability.benchmarks.hook_overhead import set_app_hooks
from lot_traceability.benchmarks.promising import WAREHOUSES
from lot_traceability.benchmarks.promising import setup as promising_setup
from lot_traceability.promising import promisable_stock


def run(size: int = 10000, runs: int = 7, seed: int = 17, build: bool = True) -> dict:
	"""`build=False`: the benchmark item of that size as far as it was made (its lots are counted)."""
	frappe.flags.in_test = True  # ERPNext's selling controller asks fewer questions of a test order
	item = promising_setup(int(size), seed) if build else f"BENCH-PROMISE-{int(size)}"
	warehouses = sorted(
		frappe.get_all(
			"Lot Balance", filters={"item": item, "qty": (">", 0)}, pluck="warehouse", distinct=True
		)
	)[:WAREHOUSES]  # one row per warehouse holding the item
	timings = {"with": [], "without": []}
	figures = None
	for i in range(int(runs)):
		for mode in ("with", "without") if i % 2 == 0 else ("without", "with"):
			seconds, promised = timed(item, warehouses, mode)
			timings[mode].append(seconds)
			if mode == "with":
				figures = promised
	frappe.db.rollback()
	full, _hidden = promisable_stock([item], warehouses, add_days(nowdate(), 14), CUSTOMER, COMPANY)
	expected = [round(full[item].promise.promisable_in(warehouse), 6) for warehouse in warehouses]
	if [round(qty or 0, 6) for qty in figures] != expected:
		frappe.throw(f"The rows' figures {figures} differ from the full split's {expected}")
	result = {
		"lots": frappe.db.count("Lot Balance", {"item": item, "qty": (">", 0)}),
		"rows": len(warehouses),
		"runs": int(runs),
		"with_app_ms": spread(timings["with"]),
		"erpnext_alone_ms": spread(timings["without"]),
		"rows_promisable": figures,
		"rows_equal_the_full_split": True,
		"load_average": open("/proc/loadavg").read().split()[:3],
	}
	print(result)
	return result


def timed(item: str, warehouses: list[str], mode: str) -> tuple[float, list]:
	frappe.db.savepoint("order_promise")
	set_app_hooks(mode == "with")
	try:
		order = frappe.get_doc(
			{
				"doctype": "Sales Order",
				"company": COMPANY,
				"customer": CUSTOMER,
				"transaction_date": nowdate(),
				"delivery_date": add_days(nowdate(), 14),
				"currency": frappe.get_cached_value("Company", COMPANY, "default_currency"),
				"selling_price_list": "Standard Selling",
				"items": [
					{"item_code": item, "qty": 5, "rate": 3, "warehouse": warehouse, "conversion_factor": 1}
					for warehouse in warehouses
				],
			}
		)
		start = time.perf_counter()
		order.insert()
		seconds = time.perf_counter() - start
		return seconds, [row.get("promisable_qty") for row in order.items]
	finally:
		frappe.db.rollback(save_point="order_promise")
		set_app_hooks(True)


def spread(seconds: list[float]) -> dict:
	ms = sorted(round(value * 1000, 1) for value in seconds)
	return {"min": ms[0], "median": round(statistics.median(ms), 1), "max": ms[-1]}
