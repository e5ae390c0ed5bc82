"""How the app's kept tables grow next to ERPNext's own batch ledger, and what a fixed read costs.

For each kept table of the app and ERPNext's batch tables: rows (counted), data and index size
(InnoDB's figures after `ANALYZE TABLE`) and bytes per row; lot movements per lot, per Delivery Note and per production entry. Then a fixed read — the kept
movements of `lots` lots drawn at random (seeded) through `lot_movements`, the read traces and
recalls make — best of `runs`, with the plan MariaDB chose for it.

	bench --site <site> execute lot_traceability.benchmarks.growth.run --kwargs "{'lots': 200, 'runs': 5}"

`point` measures one point of the growth curve on a generated history: the tables and the fixed
read above, random traces (`trace`), the recall scopes of random raw lots (`recall`), allocation at
2,000 lots (`allocation`) and a 50-row Delivery Note's submit (`hook_overhead`), each with its own
baseline, and prints one line per figure:

	bench --site <site> execute lot_traceability.benchmarks.growth.point --kwargs "{'seed': 100}"

Recorded figures: docs/benchmarks.md.
"""

import random
import time

import frappe

from lot_traceability.queries import lot_ledger as lot_ledger_queries

TABLES = (
	"Lot Ledger Entry",
	"Lot Genealogy",
	"Lot Balance",
	"Serial and Batch Entry",
	"Serial and Batch Bundle",
	"Stock Ledger Entry",
)
PRODUCTION = ("Manufacture", "Repack", "Material Consumption for Manufacture")


def run(lots: int = 200, runs: int = 5, seed: int = 100) -> dict:
	figures = {"tables": {}}
	for doctype in TABLES:
		frappe.db.sql(f"analyze table `tab{doctype}`")
		rows = frappe.db.count(doctype)
		data, index = frappe.db.sql(
			"""select data_length, index_length from information_schema.tables
			where table_schema = database() and table_name = %s""",
			f"tab{doctype}",
		)[0]
		figures["tables"][doctype] = {
			"rows": rows,
			"mb": round((data + index) / 2**20, 1),
			"bytes_per_row": round((data + index) / rows) if rows else None,
		}
	movements = figures["tables"]["Lot Ledger Entry"]["rows"]
	figures["movements_per_lot"] = {
		"average": round(movements / max(1, _count_lots()), 1),
		"max": frappe.db.sql(
			"select count(*) c from `tabLot Ledger Entry` group by batch_no order by c desc limit 1"
		)[0][0],
	}
	for label, condition, values in (
		("per_delivery_note", "voucher_type = 'Delivery Note'", {}),
		(
			"per_production_entry",
			"voucher_type = 'Stock Entry' and purpose in %(purposes)s",
			{"purposes": PRODUCTION},
		),
	):
		rows, documents = frappe.db.sql(
			f"select count(*), count(distinct voucher_no) from `tabLot Ledger Entry` where {condition}",
			values,
		)[0]
		figures["movements_" + label] = round(rows / documents, 1) if documents else None
	every = frappe.db.sql_list("select distinct batch_no from `tabLot Ledger Entry`")
	sample = random.Random(seed).sample(sorted(every), min(lots, len(every)))
	plan = frappe.db.sql(
		"explain select batch_no, voucher_type, voucher_no, posting_date, qty from `tabLot Ledger Entry`"
		" where batch_no in %(lots)s",
		{"lots": sample},
		as_dict=True,
	)[0]
	times, returned = [], 0
	for _run in range(runs):
		start = time.perf_counter()
		returned = len(lot_ledger_queries.get_lot_movements(sample))
		times.append(time.perf_counter() - start)
	figures["fixed_read"] = {
		"lots": len(sample),
		"rows": returned,
		"best_ms": round(min(times) * 1000, 1),
		"us_per_row": round(min(times) * 1e6 / returned, 1) if returned else None,
		"plan": {"type": plan.get("type"), "key": plan.get("key"), "extra": plan.get("Extra")},
	}
	print(figures)
	return figures


def _count_lots() -> int:
	return frappe.db.sql("select count(distinct batch_no) from `tabLot Ledger Entry`")[0][0]


def point(seed: int = 100, samples: int = 200, runs: int = 3) -> dict:
	"""One point of the growth curve (what each figure is: the module docstring)."""
	from lot_traceability.benchmarks import allocation, hook_overhead, recall, trace

	tables = run(lots=200, runs=5)
	traced = trace.run(seed=seed, samples=samples, runs=runs, naive=False)
	scoped = recall.run(seed=seed, lots=5, min_deliveries=0, runs=runs)
	allocated = allocation.run(sizes=(2000,), runs=20, checks=50)[2000]
	submitted = hook_overhead.run(runs=runs, lots_per_item=5, kinds="Delivery Note")["Delivery Note"]
	summary = {
		"lot_movements": tables["tables"]["Lot Ledger Entry"]["rows"],
		"fixed_read_best_ms": tables["fixed_read"]["best_ms"],
		"trace_lots_mean_max": (traced["mean_lots_per_trace"], traced["max_lots_per_trace"]),
		"trace_p50_ms": traced["app_ms"]["p50"],
		"trace_p95_ms": traced["app_ms"]["p95"],
		"trace_level_walk_p95_ms": traced["level_walk_ms"]["p95"],
		# (deliveries in the scope, the app's median s, the plain queries' median s), per raw lot
		"recall_scopes": [
			(row["deliveries"], row["median_s"], row["plain_queries_median_s"]) for row in scoped["lots"]
		],
		"allocation_ms": allocated["app_ms"],
		"allocation_erpnext_ms": allocated["erpnext_ms"],
		"delivery_note_s": {mode: round(submitted[mode]["median"], 3) for mode in ("with", "without")},
	}
	print(summary)
	return summary
