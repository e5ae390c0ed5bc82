"""The daily foresight job on a whole site, and the reports that read what it stores.

	bench --site <site> execute lot_traceability.benchmarks.foresight.run --kwargs "{'runs': 3}"

Times each step of the job (expiry forecast with rebalancing, supplier scores, anomalies) as the
scheduler runs it, `runs` times, committing the last run's results; then, side by side in the same
run, each report answered from the stored results against the same answer recomputed for the page
view (what a report without stored results would have to do): Expiry Risk's forecast view, Supplier
Lot Risk and Lot Exceptions' unusual quantities. Recorded figures: docs/benchmarks.md.
"""

import statistics
import time

import frappe
from frappe.utils import getdate, nowdate

from lot_traceability.foresight import anomalies, expiry, supplier_scores
from lot_traceability.lot_traceability.report.expiry_risk import expiry_risk
from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions
from lot_traceability.lot_traceability.report.supplier_lot_risk import supplier_lot_risk

STEPS = (
	("expiry_forecast", expiry.compute_expiry_forecasts),
	("supplier_scores", supplier_scores.compute_supplier_scores),
	("anomalies", anomalies.compute_anomalies),
)


def timed(call):
	start = time.perf_counter()
	result = call()
	return time.perf_counter() - start, result


def summary(seconds: list[float]) -> dict:
	return {
		"median_s": round(statistics.median(seconds), 3),
		"min_s": round(min(seconds), 3),
		"max_s": round(max(seconds), 3),
	}


def run(runs: int = 3, report_runs: int = 3, today: str | None = None) -> dict:
	"""`today`: the day the job runs as of (default: today) — e.g. half a year after a generated
	history, when much of its stock has stopped selling."""
	today = getdate(today or nowdate())
	figures = {
		"as_of": str(today),
		"lot_movements": frappe.db.estimate_count("Lot Ledger Entry"),
		"lots_with_stock": frappe.db.count("Lot Balance", {"qty": (">", 0)}),
	}
	for name, step in STEPS:
		times, rows = [], 0
		for _ in range(runs):
			seconds, rows = timed(lambda step=step: step(today))
			times.append(seconds)
		figures[name] = {"rows_stored": rows, **summary(times)}
		frappe.db.commit()
	figures["whole_job_median_s"] = round(sum(figures[name]["median_s"] for name, _step in STEPS), 3)

	reports = {
		"expiry_risk_forecast": (
			lambda: expiry_risk.execute({"forecast_at_risk": 1}),
			lambda: expiry.compute_expiry_forecasts(today),
		),
		"supplier_lot_risk": (
			lambda: supplier_lot_risk.execute({}),
			lambda: supplier_scores.compute_supplier_scores(today),
		),
		"lot_exceptions_quantities": (
			lambda: lot_exceptions.execute({"kind": "Unusual Movement Quantity"}),
			lambda: anomalies.compute_anomalies(today),
		),
	}
	for name, (read, recompute) in reports.items():
		stored, fresh, rows = [], [], 0
		for _ in range(report_runs):
			seconds, result = timed(read)
			stored.append(seconds)
			rows = len(result[1])
			seconds, _ = timed(recompute)
			fresh.append(seconds)
			frappe.db.rollback()  # the recomputation's writes are not kept: the stored rows stay
		figures[name] = {
			"rows": rows,
			"from_stored": summary(stored),
			"recomputed_per_view": summary(fresh),
		}
	print(figures)
	return figures
