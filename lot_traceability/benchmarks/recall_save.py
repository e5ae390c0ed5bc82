"""Saving and submitting a Lot Recall of a large scope, the app against its baseline in one run.

	bench --site <site> execute lot_traceability.benchmarks.recall_save.run --kwargs "{'seed': 100}"

Raw lots of a generated history (prefix `S<seed>-0-`) are taken, in a seeded order, as the recall's
source lots until the scope holds at least `min_lots` affected lots (a lot that would take it past
`max_lots`, 20 % more unless given, is passed over). Then, `runs` times each and
alternating: a drill (insert, then submit) and a real recall (insert, then submit: its lots moved
to Recalled in one Lot Status Change, tasks, containment), each rolled back afterwards.

- **app**: the scope's tables and the status change's lots written in bulk, the scope computed at
  the save and, at the submit, checked with the lots locked (what it was computed from unchanged)
  instead of computed again, and reused for the first containment figures;
- **baseline**: the same code with Frappe's own writing of child rows (one statement a row), the
  scope computed again at every save, at a real recall's locked submit and at the first
  containment — what the app did before.

The submit is timed in the request (the background job a large recall used to go to runs the same
`_submit`). Recorded figures: docs/benchmarks.md.
"""

import random
import statistics
import time
from contextlib import contextmanager
from unittest.mock import patch

import frappe
from frappe.utils import nowdate

from lot_traceability.lot_traceability.doctype.lot_recall.lot_recall import LotRecall
from lot_traceability.lot_traceability.doctype.lot_status_change.lot_status_change import LotStatusChange
from lot_traceability.recall.scope import compute_scope


def run(
	seed: int = 100,
	min_lots: int = 4000,
	runs: int = 3,
	candidates: int = 200,
	max_lots: int | None = None,
	min_customers: int = 2000,
) -> dict:
	sources = pick_sources(seed, min_lots, candidates, max_lots, min_customers)
	scope = compute_scope(sources, with_demand=False, with_contacts=False)
	figures = {
		"sources": sources,
		"affected_lots": scope.summary.lots,
		"customers": scope.summary.customers,
		"locations": len(scope.stock),
	}
	timings: dict[str, dict[str, list[float]]] = {}
	for number in range(runs):
		for mode in ("app", "baseline") if number % 2 == 0 else ("baseline", "app"):
			for mock in (1, 0):
				with baseline() if mode == "baseline" else nothing():
					times = timed_recall(sources, mock)
				kind = "drill" if mock else "real"
				for step, seconds in times.items():
					timings.setdefault(f"{mode} {kind}", {}).setdefault(step, []).append(seconds)
	figures["median_s"] = {
		key: {step: round(statistics.median(values), 3) for step, values in steps.items()}
		for key, steps in timings.items()
	}
	figures["total_min_median_max_s"] = {
		key: [
			round(min(steps["total"]), 3),
			round(statistics.median(steps["total"]), 3),
			round(max(steps["total"]), 3),
		]
		for key, steps in timings.items()
	}
	print(figures)
	return figures


def pick_sources(
	seed: int, min_lots: int, candidates: int, max_lots: int | None = None, min_customers: int = 2000
) -> list[str]:
	"""Raw lots in a seeded order, each kept if the scope stays within `max_lots` (20 % above
	`min_lots` unless given), until the scope holds at least `min_lots` lots and `min_customers`
	customers."""
	raw = frappe.get_all("Batch", filters={"batch_id": ("like", f"S{seed}-0-%")}, pluck="name")
	if not raw:
		frappe.throw(f"No generated raw lots with prefix S{seed}-0-: run lot-traceability generate first.")
	max_lots = max_lots or int(min_lots * 1.2)
	sources = []
	for lot in random.Random(seed).sample(raw, min(candidates, len(raw))):
		summary = compute_scope([*sources, lot], with_demand=False, with_contacts=False).summary
		if summary.lots > max_lots:
			continue
		sources.append(lot)
		if summary.lots >= min_lots and summary.customers >= min_customers:
			return sources
	frappe.throw(
		f"{candidates} raw lots do not make a scope of {min_lots} to {max_lots} lots and {min_customers} "
		"customers together: try more of them ('candidates'), or a wider scope ('max_lots')."
	)


def timed_recall(sources, mock: int) -> dict[str, float]:
	frappe.db.commit()
	try:
		doc = frappe.get_doc(
			{
				"doctype": "Lot Recall",
				"title": "Benchmark recall",
				"reason": "Benchmark",
				"recall_date": nowdate(),
				"is_mock": mock,
				"source_lots": [{"batch": lot} for lot in sources],
			}
		)
		start = time.perf_counter()
		doc.insert(ignore_permissions=True)
		inserted = time.perf_counter()
		doc._submit()  # what the request, or a background job, runs
		submitted = time.perf_counter()
		return {"insert": inserted - start, "submit": submitted - inserted, "total": submitted - start}
	finally:
		frappe.db.rollback()


@contextmanager
def nothing():
	yield


@contextmanager
def baseline():
	"""The app as it was: Frappe writes every child row on its own, the scope is computed again at
	every save, at a real recall's submit and for the first containment figures."""
	validate, update_containment = LotRecall.validate, LotRecall.update_containment

	def validate_always(self):
		self.validate_sources()
		self.set_target_status()
		self.capture_scope()
		if self.docstatus == 0:
			self.status = "Draft"

	def containment_afresh(self, requested=None, scope=None):
		return update_containment(self, requested)

	def never_holds(self, lots=None):
		return False

	with (
		patch.object(LotRecall, "bulk_tables", ()),
		patch.object(LotStatusChange, "bulk_tables", ()),
		patch.object(LotRecall, "validate", validate_always),
		patch.object(LotRecall, "update_containment", containment_afresh),
		patch.object(LotRecall, "scope_still_holds", never_holds),
	):
		yield
	assert LotRecall.validate is validate
