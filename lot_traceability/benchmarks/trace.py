"""Trace speed: the app's genealogy against walking ERPNext's ledger voucher by voucher.

For `samples` random lots of a generated history (prefix `S<seed>-`): a full backward and forward
trace with quantities and end documents (`tracing.trace_lot`), timed in the server process; then
the same question answered without the genealogy records, the way one would on plain ERPNext:
find the production entries that consumed (made) the lot, read each entry's other lots, repeat,
then read the lots' deliveries and receipts. Prints p50 / p95 / max of both and the speed-up.

	bench --site <site> execute lot_traceability.benchmarks.trace.run --kwargs "{'seed': 100, 'samples': 200}"

Recorded figures: docs/benchmarks.md.
"""

import random
import statistics
import time

import frappe

from lot_traceability.queries import ledger as ledger_queries
from lot_traceability.tracing import trace_lot

PRODUCTION = ("Manufacture", "Repack", "Disassemble")


def run(seed: int = 100, samples: int = 200, rng_seed: int = 7, raw_only: bool = False) -> dict:
	"""`raw_only` samples received lots only (the recall question: everything made from a raw lot)."""
	pattern = f"S{seed}-0-%" if raw_only else f"S{seed}-%"
	lots = frappe.get_all("Batch", filters={"batch_id": ("like", pattern)}, pluck="name")
	if not lots:
		frappe.throw(f"No generated lots with prefix S{seed}-: run lot-traceability generate first.")
	picked = random.Random(rng_seed).sample(lots, min(samples, len(lots)))
	app, baseline, sizes = [], [], []
	for lot in picked:
		start = time.perf_counter()
		result = trace_lot(batch=lot, direction="Both")
		app.append(time.perf_counter() - start)
		sizes.append(sum(d["lots"] for d in result["directions"].values()))
		start = time.perf_counter()
		walked = ledger_walk(lot)
		baseline.append(time.perf_counter() - start)
		found = {n["lot"] for d in result["directions"].values() for n in d["nodes"]}
		if walked != found:
			frappe.throw(f"ledger walk and genealogy disagree for {lot}: {sorted(walked ^ found)[:5]}")
	figures = {
		"sample": "raw lots" if raw_only else "all lots",
		"lots_in_history": len(lots),
		"samples": len(picked),
		"mean_lots_per_trace": round(statistics.mean(sizes), 1),
		"max_lots_per_trace": max(sizes),
		"app_ms": percentiles(app),
		"ledger_walk_ms": percentiles(baseline),
	}
	figures["speedup_p50"] = round(figures["ledger_walk_ms"]["p50"] / figures["app_ms"]["p50"], 1)
	figures["speedup_p95"] = round(figures["ledger_walk_ms"]["p95"] / figures["app_ms"]["p95"], 1)
	print(figures)
	return figures


def percentiles(seconds: list[float]) -> dict:
	ordered = sorted(seconds)
	at = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
	return {
		"p50": round(at(0.5) * 1000, 1),
		"p95": round(at(0.95) * 1000, 1),
		"max": round(ordered[-1] * 1000, 1),
	}


def ledger_walk(lot: str) -> set[str]:
	"""Both closures from the ledger alone, one production entry at a time."""
	seen = {lot}
	for direction in ("forward", "backward"):
		frontier = [lot]
		while frontier:
			next_frontier = []
			for current in frontier:
				for voucher in production_entries(current, "Outward" if direction == "forward" else "Inward"):
					for other in entry_lots(voucher, "Inward" if direction == "forward" else "Outward"):
						if other not in seen:
							seen.add(other)
							next_frontier.append(other)
			frontier = next_frontier
	for found in seen:  # the deliveries and receipts at the ends, lot by lot
		ledger_queries.get_lot_documents([found], ledger_queries.SELLING_DOCTYPES, "customer")
		ledger_queries.get_lot_documents([found], ledger_queries.RECEIVING_DOCTYPES, "supplier")
	return seen


def production_entries(lot: str, transaction: str) -> list[str]:
	return [
		row[0]
		for row in frappe.db.sql(
			"""select distinct b.voucher_no from `tabSerial and Batch Entry` e
			join `tabSerial and Batch Bundle` b on b.name = e.parent
			join `tabStock Entry` s on s.name = b.voucher_no
			where e.batch_no = %s and b.voucher_type = 'Stock Entry' and b.type_of_transaction = %s
			and b.docstatus = 1 and b.is_cancelled = 0 and s.purpose in %s""",
			(lot, transaction, PRODUCTION),
		)
	]


def entry_lots(voucher: str, transaction: str) -> list[str]:
	return [
		row[0]
		for row in frappe.db.sql(
			"""select distinct e.batch_no from `tabSerial and Batch Entry` e
			join `tabSerial and Batch Bundle` b on b.name = e.parent
			where b.voucher_no = %s and b.type_of_transaction = %s and b.docstatus = 1 and b.is_cancelled = 0""",
			(voucher, transaction),
		)
	]
