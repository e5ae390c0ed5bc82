"""Trace speed: the app's genealogy against walking ERPNext's ledger, two ways.

For `samples` random lots of a generated history (prefix `S<seed>-`): a full backward and forward
trace with quantities and end documents (`tracing.trace_lot`), timed in the server process; then
the same question answered without the genealogy records on plain ERPNext, in the same run:
- **batched by level** (the fair baseline: what a competent developer would write): one statement
  per level and direction finds every lot the frontier's production entries made (or consumed),
  then one statement each reads all the found lots' deliveries and receipts;
- voucher by voucher (the naive walk): each lot's production entries, each entry's other lots, each
  lot's deliveries and receipts.
All three must find the same lots. Prints p50 / p95 / max of each and the speed-ups.

	bench --site <site> execute lot_traceability.benchmarks.trace.run --kwargs "{'seed': 100, 'samples': 200, 'runs': 5}"
	bench --site <site> execute lot_traceability.benchmarks.trace.run --kwargs "{'seed': 100, 'widest': 50, 'runs': 5, 'naive': 0}"

Recorded figures: docs/benchmarks.md.
"""

import random
import statistics
import time

import frappe

from lot_traceability.genealogy.trace import trace_lot
from lot_traceability.queries import ledger as ledger_queries

PRODUCTION = ("Manufacture", "Repack", "Disassemble")


def run(
	seed: int = 100,
	samples: int = 200,
	rng_seed: int = 7,
	raw_only: bool = False,
	widest: int = 0,
	runs: int = 1,
	naive: bool = True,
	floor: bool = False,
) -> dict:
	"""`raw_only` samples received lots only (the recall question: everything made from a raw lot);
	`widest` takes instead the received lots whose forward closure holds the most lots (found
	through the genealogy once, before timing). `runs`: each sample is traced that many times, the
	app and the baselines alternating lot by lot; the figures are each run's p50 / p95 / max, given as
	min / median / max over the runs. `naive`: time the voucher-by-voucher walk too. `floor`: time
	also the reads a trace cannot do without, on their own (`bare_reads`: the closure's recursive
	read, the end-document and making movements of the lots it reached and their kept balances, as
	the trace reads them), the physical cost of the answer on the same machine."""
	pattern = f"S{seed}-0-%" if raw_only or widest else f"S{seed}-%"
	lots = frappe.get_all("Batch", filters={"batch_id": ("like", pattern)}, pluck="name")
	if not lots:
		frappe.throw(f"No generated lots with prefix S{seed}-: run lot-traceability generate first.")
	if widest:
		picked = widest_lots(lots, widest)
	else:
		picked = random.Random(rng_seed).sample(lots, min(samples, len(lots)))
	timed = {"app": [], "bare_reads": [], "level_walk": [], "ledger_walk": []}
	sizes = []
	for n in range(max(1, int(runs))):
		this = {name: [] for name in timed}
		for lot in picked:
			start = time.perf_counter()
			result = trace_lot(batch=lot, direction="Both")
			this["app"].append(time.perf_counter() - start)
			if floor:
				start = time.perf_counter()
				bare_reads(lot)
				this["bare_reads"].append(time.perf_counter() - start)
			start = time.perf_counter()
			by_level = level_walk(lot)
			this["level_walk"].append(time.perf_counter() - start)
			found = {node["lot"] for d in result["directions"].values() for node in d["nodes"]}
			compared = [("level walk", by_level)]
			if naive:
				start = time.perf_counter()
				compared.append(("ledger walk", ledger_walk(lot)))
				this["ledger_walk"].append(time.perf_counter() - start)
			for name, other in compared:
				if other != found:
					frappe.throw(f"{name} and genealogy disagree for {lot}: {sorted(other ^ found)[:5]}")
			if n == 0:
				sizes.append(sum(d["lots"] for d in result["directions"].values()))
		for name, seconds in this.items():
			if seconds:
				timed[name].append(percentiles(seconds))
	figures = {
		"sample": f"the {len(picked)} widest raw lots"
		if widest
		else ("raw lots" if raw_only else "all lots"),
		"lots_in_history": len(lots),
		"samples": len(picked),
		"runs": max(1, int(runs)),
		"mean_lots_per_trace": round(statistics.mean(sizes), 1),
		"max_lots_per_trace": max(sizes),
	}
	for name, per_run in timed.items():
		if per_run:
			figures[f"{name}_ms"] = spread(per_run)
	for name in ("level_walk", "ledger_walk"):
		if f"{name}_ms" in figures:
			for q in ("p50", "p95"):
				figures[f"speedup_vs_{name}_{q}"] = round(
					figures[f"{name}_ms"][q]["median"] / figures["app_ms"][q]["median"], 1
				)
	print(figures)
	return figures


def bare_reads(lot: str) -> int:
	"""The reads behind a trace and nothing else: the closure both ways (one recursive read), the
	kept end-document and making movements of every lot it reached (one packed read, the trace's
	fields) and their kept balances. Returns the movements read."""
	from lot_traceability.genealogy.trace import DEFAULT_DEPTH, DIRECTIONS, WALLED_FIELDS
	from lot_traceability.queries import balances as balance_queries
	from lot_traceability.queries import genealogy as genealogy_queries
	from lot_traceability.queries import lot_ledger as lot_ledger_queries

	lots = {lot}
	for _direction, parent, child, *_rest in genealogy_queries.get_reachable_edges(
		[lot], DIRECTIONS["Both"], DEFAULT_DEPTH
	):
		lots.add(parent)
		lots.add(child)
	balance_queries.get_lots_on_hand(lots)
	return len(lot_ledger_queries.get_lot_movements(lots, WALLED_FIELDS, lot_ledger_queries.ENDS_AND_MAKINGS))


def spread(per_run: list[dict]) -> dict:
	"""Each figure (p50, p95, max) of the runs as min / median / max over them."""
	return {
		key: {
			"min": min(run[key] for run in per_run),
			"median": round(statistics.median(run[key] for run in per_run), 1),
			"max": max(run[key] for run in per_run),
		}
		for key in per_run[0]
	}


def widest_lots(lots: list[str], count: int) -> list[str]:
	"""The `count` lots whose forward closure holds the most lots (ties: by name)."""
	from lot_traceability.genealogy.trace import FORWARD, walks

	started = time.perf_counter()
	size = {lot: len(walks([lot], (FORWARD,))[FORWARD].lots) for lot in lots}
	chosen = sorted(lots, key=lambda lot: (-size[lot], lot))[: int(count)]
	print(
		f"widest {count} of {len(lots)} lots: forward closures of {size[chosen[-1]]} to "
		f"{size[chosen[0]]} lots (found in {time.perf_counter() - started:.1f} s)"
	)
	return chosen


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


def level_walk(lot: str) -> set[str]:
	"""Both closures from the ledger alone, a whole level per statement; then the end documents of
	all the lots found in one statement each."""
	seen = {lot}
	for direction in ("forward", "backward"):
		frontier = {lot}
		while frontier:
			found = set(level_lots(frontier, forward=direction == "forward")) - seen
			seen |= found
			frontier = found
	lots = sorted(seen)
	ledger_queries.get_lot_documents(lots, ledger_queries.SELLING_DOCTYPES, "customer")
	ledger_queries.get_lot_documents(lots, ledger_queries.RECEIVING_DOCTYPES, "supplier")
	return seen


def level_lots(frontier: set[str], forward: bool) -> list[str]:
	"""The lots that production entries consuming (forward) or making (backward) any lot of the
	frontier made (or consumed): one statement."""
	near, far = ("Outward", "Inward") if forward else ("Inward", "Outward")
	return [
		row[0]
		for row in frappe.db.sql(
			"""select distinct e2.batch_no
			from `tabSerial and Batch Entry` e1
			join `tabSerial and Batch Bundle` b1 on b1.name = e1.parent
			join `tabStock Entry` s on s.name = b1.voucher_no
			join `tabSerial and Batch Bundle` b2 on b2.voucher_type = 'Stock Entry' and b2.voucher_no = b1.voucher_no
				and b2.type_of_transaction = %(far)s and b2.docstatus = 1 and b2.is_cancelled = 0
			join `tabSerial and Batch Entry` e2 on e2.parent = b2.name
			where e1.batch_no in %(lots)s and b1.voucher_type = 'Stock Entry' and b1.type_of_transaction = %(near)s
				and b1.docstatus = 1 and b1.is_cancelled = 0 and s.purpose in %(purposes)s""",
			{"lots": sorted(frontier), "near": near, "far": far, "purposes": PRODUCTION},
		)
	]


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
