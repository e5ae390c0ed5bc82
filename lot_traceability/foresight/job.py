"""The foresight job: the expiry forecast, the supplier scores and the anomalies computed daily on the
long queue (and on request) from the whole history and stored for the reports (Expiry Risk, Supplier
Lot Risk, Lot Exceptions), which say when it last ran."""

import frappe
from frappe import _
from frappe.utils import format_datetime, getdate, now_datetime, nowdate

from lot_traceability.foresight.anomalies import compute_anomalies
from lot_traceability.foresight.expiry import compute_expiry_forecasts
from lot_traceability.foresight.supplier_scores import compute_supplier_scores
from lot_traceability.queries import foresight as queries

JOB_ID = "lot_traceability_foresight"


def compute_all(today=None, publish=None) -> dict:
	"""Every forecast, score and anomaly, stored; returns how many of each. `publish(done, total,
	step)` hears of each step (the job's progress)."""
	today = getdate(today or nowdate())
	first_seen = queries.get_first_movements()  # the forecast and the anomalies both need it
	steps = (
		(_("Expiry forecast"), "expiry_forecasts", lambda: compute_expiry_forecasts(today, first_seen)),
		(_("Supplier risk"), "supplier_scores", lambda: compute_supplier_scores(today)),
		(_("Anomalies"), "anomalies", lambda: compute_anomalies(today, first_seen)),
	)
	counts = {}
	for done, (label, name, step) in enumerate(steps):
		if publish:
			publish(done, len(steps), label)
		counts[name] = step()
	frappe.db.set_single_value("Lot Traceability Settings", "foresight_computed_on", now_datetime())
	if publish:
		publish(len(steps), len(steps), _("Done"))
	return counts


def computed_note() -> str:
	"""When foresight was last computed, or that it never was, and how to compute it: said by every
	report that reads the stored forecast, scores or anomalies."""
	# read as stored: a Single's empty datetime is cast to the year 1
	computed_on = frappe.db.get_value(
		"Singles",
		{"doctype": "Lot Traceability Settings", "field": "foresight_computed_on"},
		"value",
		order_by=None,
	)
	if not computed_on:
		return _(
			"Foresight (forecasts, supplier scores, anomalies) has not been computed yet: it runs daily, or now with Compute Foresight."
		)
	return _("Foresight last computed on {0}; it runs daily, or now with Compute Foresight.").format(
		format_datetime(computed_on)
	)


def enqueue_compute() -> str:
	"""Compute now on the long queue (once at a time: a second request joins the first)."""
	frappe.enqueue(
		"lot_traceability.foresight.job.compute_with_progress",
		queue="long",
		timeout=7200,
		job_id=JOB_ID,
		deduplicate=True,
	)
	return JOB_ID


def compute_with_progress():
	def publish(done, total, step):
		frappe.publish_progress(
			100 * done / total if total else 100,
			title=_("Foresight"),
			description=_("{0} ({1} of {2})").format(step, done, total),
		)

	return compute_all(publish=publish)
