"""Recall impact speed on a generated history: the full scope of raw lots whose descendants reached at
least `min_deliveries` deliveries (affected lots, stock by warehouse with value, open demand, every
shipment with its customer and sales value, upstream receipts), timed in the server process.

	bench --site <site> execute lot_traceability.benchmarks.recall.run --kwargs "{'seed': 100}"

Raw lots (prefix `S<seed>-0-`) are tried in a seeded random order until `lots` of them reach
`min_deliveries`; each is then scoped `runs` times. With `'report': 1`, each section of the Recall
Impact report is also run `runs` times per lot through Frappe's report runner (what the browser
calls, rows and all). Recorded figures: docs/benchmarks.md.
"""

import random
import statistics
import time

import frappe

from lot_traceability.recall_scope import compute_scope


def run(
	seed: int = 100,
	lots: int = 5,
	min_deliveries: int = 10_000,
	runs: int = 5,
	candidates: int = 200,
	report: int = 0,
) -> dict:
	raw = frappe.get_all("Batch", filters={"batch_id": ("like", f"S{seed}-0-%")}, pluck="name")
	if not raw:
		frappe.throw(f"No generated raw lots with prefix S{seed}-0-: run lot-traceability generate first.")
	picked, tried = [], 0
	for lot in random.Random(seed).sample(raw, min(candidates, len(raw))):
		tried += 1
		scope = compute_scope([lot])
		if deliveries(scope) >= min_deliveries:
			picked.append(lot)
			if len(picked) == lots:
				break
	if not picked:
		frappe.throw(f"None of {tried} raw lots reaches {min_deliveries} deliveries.")
	timings, rows = [], []
	for lot in picked:
		seconds = []
		for _ in range(runs):
			start = time.perf_counter()
			scope = compute_scope([lot])
			seconds.append(time.perf_counter() - start)
		timings += seconds
		rows.append(
			{
				"lot": lot,
				"affected_lots": scope.summary.lots,
				"deliveries": deliveries(scope),
				"customers": scope.summary.customers,
				"shipped_qty": round(scope.summary.shipped_qty, 1),
				"sites": scope.summary.sites,
				"median_s": round(statistics.median(seconds), 3),
			}
		)
		if report:
			rows[-1]["report_median_s"] = report_seconds(lot, runs)
	ordered = sorted(timings)
	figures = {
		"raw_lots_tried": tried,
		"lots": rows,
		"p50_s": round(statistics.median(ordered), 3),
		"p95_s": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3),
		"max_s": round(ordered[-1], 3),
	}
	print(figures)
	return figures


def deliveries(scope) -> int:
	return len({(row.voucher_type, row.voucher_no) for row in scope.shipments if row.shipped_qty})


def report_seconds(lot: str, runs: int) -> dict[str, float]:
	"""Median seconds of each Recall Impact section for the lot, through Frappe's report runner."""
	from frappe.desk.query_report import run as run_report

	from lot_traceability.lot_traceability.report.recall_impact.recall_impact import SECTIONS

	medians = {}
	for section in SECTIONS:
		seconds = []
		for _ in range(runs):
			start = time.perf_counter()
			run_report(
				"Recall Impact", filters={"batch": lot, "section": section}, ignore_prepared_report=True
			)
			seconds.append(time.perf_counter() - start)
		medians[section] = round(statistics.median(seconds), 3)
	return medians
