"""The FSMA 204 sortable spreadsheet of a lot's trace, against the trace it is built from.

For raw lots of a generated history (default: the widest of the trace benchmark's raw lots), the
lot's item is put on the Food Traceability List (inside the run's transaction, rolled back at the
end), so that the lot and everything made from it is covered. `runs` times each, alternating: the
app's spreadsheet of the lot's trace as .xlsx (`fsma204_export.download`: coverage through the
genealogy, the Critical Tracking Events of every covered lot with their KDEs, the places described,
the file written by Frappe's writer) — and its rows alone (`rows_in_scope`) — against the baseline,
the Lot Trace of the same lot (`tracing.trace_lot`, what a person would otherwise export by hand and
complete with addresses). Prints the medians, the rows, lots and the file's size.

	bench --site <site> execute lot_traceability.benchmarks.fsma204_export.run --kwargs "{'lots': ['S100-0-0002236']}"

Recorded figures: docs/benchmarks.md.
"""

import statistics
import time

import frappe

from lot_traceability.fsma204_export import download, rows_in_scope
from lot_traceability.tracing import trace_lot

WIDEST = ("S100-0-0002236",)


def run(lots=WIDEST, runs: int = 3) -> dict:
	figures = {}
	try:
		for lot in lots:
			if not frappe.db.exists("Batch", lot):
				frappe.throw(f"Lot {lot} does not exist on this site: run lot-traceability generate first.")
			item = frappe.db.get_value("Batch", lot, "item")
			frappe.db.set_value("Item", item, "on_food_traceability_list", 1, update_modified=False)
			app, rows_only, baseline, content, rows = [], [], [], b"", []
			for number in range(runs):
				for mode in ("app", "rows", "baseline") if number % 2 == 0 else ("baseline", "rows", "app"):
					start = time.perf_counter()
					if mode == "app":
						_name, content = download("xlsx", lot=lot)
						app.append(time.perf_counter() - start)
					elif mode == "rows":
						rows, _name = rows_in_scope(lot=lot)
						rows_only.append(time.perf_counter() - start)
					else:
						trace_lot(batch=lot, direction="Both")
						baseline.append(time.perf_counter() - start)
			figures[lot] = {
				"rows": len(rows),
				"lots": len({row["lot"] for row in rows}),
				"by_event": {
					event: sum(1 for row in rows if row["cte"] == event)
					for event in ("Receiving", "Transformation", "Shipping")
				},
				"with_missing_kdes": sum(1 for row in rows if row["missing"]),
				"xlsx_bytes": len(content),
				"app_xlsx_s": round(statistics.median(app), 3),
				"app_rows_s": round(statistics.median(rows_only), 3),
				"baseline_trace_s": round(statistics.median(baseline), 3),
			}
	finally:
		frappe.db.rollback()
	print(figures)
	return figures
