"""The SQL statements of a document's insert + submit, by who sent them: the app function (the
outermost hook of the app on the call stack, and the innermost function of the app outside its
queries) or ERPNext and Frappe, with the app and without it, alternating, on the documents the
hook-overhead benchmark builds (`benchmarks/hook_overhead.py`). It says where a document's per-row
and fixed costs go, statement by statement; the time of each statement is the client's (sent to
answered).

	bench --site <site> execute lot_traceability.benchmarks.statements.run \\
		--kwargs "{'kind': 'Purchase Receipt', 'rows': 1, 'runs': 10}"

Everything it creates is rolled back. Recorded figures: docs/benchmarks.md (Hook overhead).
"""

import os
import statistics
import sys
import time
from collections import defaultdict

import frappe

import lot_traceability
from lot_traceability.benchmarks import hook_overhead

APP_PATH = os.path.dirname(lot_traceability.__file__) + os.sep
NOT_COUNTED = ("/benchmarks/", "/tests/")
ERPNEXT = "ERPNext and Frappe"


def run(kind: str = "Purchase Receipt", rows: int = 1, runs: int = 10, top: int = 30) -> dict:
	frappe.flags.in_test = True  # ERPNext's test builders expect it
	build = builder(kind, rows)
	for mode in ("with", "without"):  # warm both sides' caches
		hook_overhead.timed(build, mode)
	counted: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0.0])
	seconds: dict[str, list[float]] = {"with": [], "without": []}
	original = frappe.db.sql
	for i in range(runs):
		for mode in ("with", "without") if i % 2 == 0 else ("without", "with"):

			def sql(*args, _mode=mode, **kwargs):
				start = time.perf_counter()
				try:
					return original(*args, **kwargs)
				finally:
					entry = counted[(_mode, sender())]
					entry[0] += 1
					entry[1] += time.perf_counter() - start

			frappe.db.sql = sql
			try:
				seconds[mode].append(hook_overhead.timed(build, mode)[0])
			finally:
				frappe.db.sql = original
	frappe.db.rollback()
	figures = {
		"kind": kind,
		"rows": rows,
		"median_ms": {mode: round(statistics.median(times) * 1000, 1) for mode, times in seconds.items()},
		"statements": [
			{
				"mode": mode,
				"sender": who,
				"per_submit": count / runs,
				"ms_per_submit": round(spent / runs * 1000, 2),
			}
			for (mode, who), (count, spent) in sorted(counted.items(), key=lambda item: -item[1][1])
		],
	}
	print(f"{kind}, {rows} rows, {runs} runs: median ms {figures['median_ms']}")
	for mode in ("with", "without"):
		for own in (True, False):
			chosen = [
				row
				for row in figures["statements"]
				if row["mode"] == mode and (row["sender"] != ERPNEXT) == own
			]
			print(
				f"{mode:8} {'the app' if own else ERPNEXT}: "
				f"{sum(row['per_submit'] for row in chosen):.1f} statements, "
				f"{sum(row['ms_per_submit'] for row in chosen):.1f} ms per submit"
			)
	for row in figures["statements"][:top]:
		print(f"{row['mode']:8} {row['per_submit']:7.1f} {row['ms_per_submit']:8.2f} ms  {row['sender']}")
	return figures


def builder(kind: str, rows: int):
	"""The hook-overhead benchmark's document of this kind (stock of 2 lots an item where it picks)."""
	if kind == "Purchase Receipt":
		items = hook_overhead.stock_items(rows, receive_stock=False)
		return lambda: hook_overhead.receipt_of(items)
	items = hook_overhead.stock_items(rows, lots_per_item=2)
	if kind == "Material Transfer":
		target = hook_overhead.make_warehouse("_Lot Overhead Transfer Target")
		return lambda: hook_overhead.transfer_of(items, target)
	if kind == "Delivery Note":
		customer = hook_overhead.customer_with_requirements()
		return lambda: hook_overhead.delivery_of(items, customer)
	if kind == "Manufacture":
		return lambda: hook_overhead.manufacture_of(items)
	frappe.throw(f"No such kind: {kind!r} (Purchase Receipt, Material Transfer, Delivery Note, Manufacture)")


def sender() -> str:
	"""`hook < function` for a statement the app sent, else ERPNext's or Frappe's."""
	frame, outermost, innermost = sys._getframe(2), None, None
	while frame:
		path = frame.f_code.co_filename
		if APP_PATH in path and not any(part in path for part in NOT_COUNTED):
			name = f"{path.split(APP_PATH, 1)[1]}:{frame.f_code.co_name}"
			outermost = name
			if innermost is None and "/queries/" not in path:
				innermost = name
		frame = frame.f_back
	return f"{outermost} < {innermost}" if outermost else ERPNEXT
