"""A lot's batch record (the "Lot Batch Record" print format on Batch): what was made, when, where
(the workstations and times of its runs), by whom, from which input lots (with their supplier lot
nos and statuses), the quality inspections of the lot and of the entries that made it, the lot's
status changes and the yield against the BOM."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, get_datetime

from lot_traceability import access
from lot_traceability.messages import bold
from lot_traceability.queries import runs as queries
from lot_traceability.traceability import runs as core


def lot_batch_record(batch: str) -> dict:
	"""Everything the batch record prints, for a lot the user may read (Jinja method)."""
	lot = queries.get_lot_header(batch)
	if not lot:
		frappe.throw(_("Lot {0} does not exist.").format(bold(batch)), frappe.DoesNotExistError)
	frappe.has_permission("Batch", "read", doc=batch, throw=True)
	walled = access.wall()
	access.check_lot_access(batch, walled)
	runs = queries.get_runs_of_lots([batch], core.MADE)
	inputs = [row for row in queries.get_input_edges(batch) if walled.reads_company(row.company)]
	entries = list(
		dict.fromkeys(
			[run.stock_entry for run in runs]
			+ [row.voucher_no for row in inputs if row.voucher_type == "Stock Entry"]
		)
	)
	boms = queries.get_entry_boms(entries)
	productions = []
	for entry in entries:
		entry_runs = [run for run in runs if run.stock_entry == entry]
		entry_inputs = [row for row in inputs if row.voucher_no == entry]
		made_qty = flt(entry_runs[0].qty) if entry_runs else 0.0
		consumed = defaultdict(float)
		for row in entry_inputs:
			consumed[row.parent_item] += flt(row.qty)
		bom = boms.get(entry, {})
		found = core.bom_yield(made_qty, dict(consumed), bom.get("quantity") or 0.0, bom.get("items") or {})
		productions.append(
			frappe._dict(
				stock_entry=entry,
				work_order=entry_runs[0].work_order
				if entry_runs
				else (entry_inputs[0].work_order if entry_inputs else None),
				posted=get_datetime(f"{bom.get('posting_date')} {bom.get('posting_time') or '00:00:00'}")
				if bom.get("posting_date")
				else None,
				made_qty=made_qty,
				bom=bom.get("bom"),
				runs=[run for run in entry_runs if run.workstation or run.job_card] or entry_runs,
				inputs=entry_inputs,
				yield_ratio=found.ratio,
				expected_qty=found.expected_qty,
				yield_inputs=[
					frappe._dict(
						item=i.item, standard_qty=i.standard_qty, actual_qty=i.actual_qty, variance=i.variance
					)
					for i in found.inputs
				],
			)
		)
	operators = list(
		dict.fromkeys(line for run in runs for line in (run.employees or "").split("\n") if line)
	)
	return frappe._dict(
		lot=lot,
		productions=productions,
		operators=operators,
		workstations=list(dict.fromkeys(run.workstation for run in runs if run.workstation)),
		inspections=queries.get_quality_inspections(batch, entries),
		status_changes=queries.get_status_changes(batch),
		hidden_inputs=len(queries.get_input_edges(batch)) - len(inputs),
	)
