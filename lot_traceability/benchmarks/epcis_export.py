"""Exporting a lot's trace as EPCIS 2.0 events, against the trace it is built from.

For raw lots of a generated history (default: the widest of the trace benchmark's raw lots), `runs`
times each, alternating: the app's EPCIS document of the lot's trace (`epcis_export.export_for`:
every lot made from it and every lot it was made from, their movements and status changes as
events), and the baseline, the Lot Trace of the same lot (`tracing.trace_lot`, what a person would
otherwise export by hand). Prints the min / median / max of each, the events and the document's size.

	bench --site <site> execute lot_traceability.benchmarks.epcis_export.run --kwargs "{'lots': ['S100-0-0002236']}"

Recorded figures: docs/benchmarks.md.
"""

import json
import statistics
import time

import frappe

from lot_traceability.exports.epcis import export_for
from lot_traceability.genealogy.trace import trace_lot

WIDEST = ("S100-0-0002236",)


def run(lots=WIDEST, runs: int = 3) -> dict:
	figures = {}
	for lot in lots:
		if not frappe.db.exists("Batch", lot):
			frappe.throw(f"Lot {lot} does not exist on this site: run lot-traceability generate first.")
		app, baseline, document = [], [], None
		for number in range(runs):
			for mode in ("app", "baseline") if number % 2 == 0 else ("baseline", "app"):
				start = time.perf_counter()
				if mode == "app":
					document, _name = export_for(lot=lot)
					app.append(time.perf_counter() - start)
				else:
					trace_lot(batch=lot, direction="Both")
					baseline.append(time.perf_counter() - start)
		events = document["epcisBody"]["eventList"]
		figures[lot] = {
			"events": len(events),
			"by_type": {
				kind: sum(1 for event in events if event["type"] == kind)
				for kind in ("ObjectEvent", "TransformationEvent")
			},
			"bytes": len(json.dumps(document)),
			"app_s": round(statistics.median(app), 3),
			"baseline_trace_s": round(statistics.median(baseline), 3),
			"app_min_median_max_s": min_median_max(app),
			"baseline_min_median_max_s": min_median_max(baseline),
		}
	print(figures)
	return figures


def min_median_max(seconds: list[float]) -> list[float]:
	return [round(value, 3) for value in (min(seconds), statistics.median(seconds), max(seconds))]
