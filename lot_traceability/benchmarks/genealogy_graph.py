"""The Lot Genealogy page's answer for raw lots of a generated history (default: the widest of the
trace benchmark's raw lots), against the Lot Trace of the same lot.

`runs` times each, alternating: the graph the page asks for (`api.get_lot_graph`: both walks, lot
details, stock on hand, receipts and deliveries, grouped), and the baseline, the Lot Trace
(`tracing.trace_lot`, the same walks as a tree). Prints the medians, the lots of the trace and the
nodes and edges the page draws; with `layout_json`, writes the graph there for timing its layout
(`node lot_traceability/benchmarks/graph_layout.mjs <file>` with dagre installed).

	bench --site <site> execute lot_traceability.benchmarks.genealogy_graph.run --kwargs "{'lots': ['S100-0-0002236']}"

Recorded figures: docs/benchmarks.md.
"""

import json
import statistics
import time

import frappe

from lot_traceability.genealogy.graph import graph_of
from lot_traceability.genealogy.trace import trace_lot

WIDEST = ("S100-0-0002236",)


def run(lots=WIDEST, runs: int = 3, layout_json: str | None = None) -> dict:
	figures = {}
	for lot in lots:
		if not frappe.db.exists("Batch", lot):
			frappe.throw(f"Lot {lot} does not exist on this site: run lot-traceability generate first.")
		app, baseline, graph = [], [], None
		for number in range(runs):
			for mode in ("app", "baseline") if number % 2 == 0 else ("baseline", "app"):
				start = time.perf_counter()
				if mode == "app":
					graph = graph_of(lot)
					app.append(time.perf_counter() - start)
				else:
					trace_lot(batch=lot, direction="Both")
					baseline.append(time.perf_counter() - start)
		figures[lot] = {
			"lots": graph["lots"],
			"nodes": len(graph["nodes"]),
			"edges": len(graph["edges"]),
			"bytes": len(json.dumps(graph, default=str)),
			"app_s": round(statistics.median(app), 3),
			"baseline_trace_s": round(statistics.median(baseline), 3),
		}
		if layout_json:
			with open(layout_json, "w") as out:
				json.dump(graph, out, default=str)
	print(figures)
	return figures
