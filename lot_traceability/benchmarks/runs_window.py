"""Speed of a workstation window: the lots made and consumed on one busy workstation during one day,
read from the lots' production runs, on a synthetic year of runs.

	bench --site <site> execute lot_traceability.benchmarks.runs_window.run --kwargs "{'runs': 200000}"

Writes `runs` Lot Production Runs (a year of them, spread over `workstations` workstations, the
first of them taking `busy_share` of all runs; each run has one made lot and three consumed lots,
as a Job Card's run of a Manufacture entry gives them), then times `windows` one-day windows on the
busy workstation, each `repeat` times, alternately with the baseline: the same statement told to
ignore the (workstation, from_time) index. Both must find the same lots. Everything written is
rolled back at the end (the site keeps nothing). Recorded figures: docs/benchmarks.md.
"""

import random
import statistics
import time
from datetime import datetime, timedelta

import frappe

from lot_traceability.production_runs import window_runs
from lot_traceability.queries.runs import RUN_FIELDS

YEAR_START = datetime(2025, 1, 1)


def synthetic_runs(runs: int, workstations: list[str], busy_share: float, seed: int):
	rng = random.Random(seed)
	stamp = datetime(2026, 1, 1)
	for n in range(runs):
		station = workstations[0] if rng.random() < busy_share else rng.choice(workstations[1:])
		start = YEAR_START + timedelta(minutes=rng.randrange(365 * 24 * 60))
		end = start + timedelta(minutes=rng.randrange(20, 240))
		entry, card = f"BENCH-SE-{n}", f"BENCH-JC-{n}"
		for role, lot in [("Made", f"BENCH-F-{n}")] + [
			("Consumed", f"BENCH-R-{rng.randrange(runs)}") for _ in range(3)
		]:
			yield (
				frappe.generate_hash(length=12),
				stamp,
				stamp,
				"Administrator",
				"Administrator",
				lot,
				role,
				None,
				1.0,
				entry,
				None,
				None,
				station,
				None,
				card,
				None,
				start,
				end,
				int((end - start).total_seconds()),
			)


def plain_lots(stations, start, end) -> set[str]:
	"""The baseline: the window's rule as one statement, without the span bound or the index."""
	return {
		row[0]
		for row in frappe.db.sql(
			"""select lot from `tabLot Production Run`
			ignore index (workstation_from_time_index, workstation_span_seconds_index)
			where workstation in %(stations)s and from_time < %(end)s
			and (to_time > %(start)s or (to_time <= from_time and from_time >= %(start)s))""",
			{"stations": stations, "start": start, "end": end},
		)
	}


def run(
	runs: int = 200_000,
	workstations: int = 20,
	busy_share: float = 0.3,
	windows: int = 10,
	repeat: int = 3,
	seed: int = 1,
) -> dict:
	stations = [f"BENCH-WS-{n}" for n in range(workstations)]
	try:
		for name in stations:  # window_runs checks that the workstation exists
			if not frappe.db.exists("Workstation", name):
				frappe.get_doc({"doctype": "Workstation", "workstation_name": name}).insert(
					ignore_permissions=True
				)
		rows = synthetic_runs(runs, stations, busy_share, seed)
		batch = []
		for row in rows:
			batch.append(row)
			if len(batch) == 10_000:
				frappe.db.bulk_insert("Lot Production Run", RUN_FIELDS, batch)
				batch = []
		frappe.db.bulk_insert("Lot Production Run", RUN_FIELDS, batch)
		rng = random.Random(seed + 1)
		ours, plain, found = [], [], []
		for _ in range(windows):
			start = YEAR_START + timedelta(days=rng.randrange(364))
			end = start + timedelta(days=1)
			for _ in range(repeat):
				began = time.perf_counter()
				window = window_runs([stations[0]], start, end)
				ours.append(time.perf_counter() - began)
				began = time.perf_counter()
				lots = plain_lots([stations[0]], start, end)
				plain.append(time.perf_counter() - began)
			if set(window.lots) != lots:
				frappe.throw(f"the plain statement finds other lots for {start}")
			found.append(len(window.lots))
		return {
			"runs": runs,
			"rows": runs * 4,
			"busy_workstation_runs": frappe.db.count(
				"Lot Production Run", {"workstation": stations[0], "role": "Made"}
			),
			"windows": windows,
			"lots_per_window_median": statistics.median(found),
			"window_p50_s": round(statistics.median(ours), 4),
			"window_max_s": round(max(ours), 4),
			"without_index_p50_s": round(statistics.median(plain), 4),
		}
	finally:
		frappe.db.rollback()
