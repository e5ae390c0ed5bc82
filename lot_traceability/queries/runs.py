"""Reads and writes of production runs (Lot Production Run) and of the Job Cards behind them."""

from collections import defaultdict

import frappe
from frappe.query_builder.functions import Max

from lot_traceability.traceability.runs import JobCard, TimeLog

RUN_FIELDS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"lot",
	"role",
	"item",
	"qty",
	"stock_entry",
	"work_order",
	"company",
	"workstation",
	"operation",
	"job_card",
	"employees",
	"from_time",
	"to_time",
	"span_seconds",
)


def get_production_entries(names=None) -> list[dict]:
	"""Submitted Manufacture entries, and Repack entries of a Work Order (all, or these)."""
	entry = frappe.qb.DocType("Stock Entry")
	query = (
		frappe.qb.from_(entry)
		.select(
			entry.name,
			entry.company,
			entry.purpose,
			entry.work_order,
			entry.posting_date,
			entry.posting_time,
		)
		.where(
			(entry.docstatus == 1)
			& (
				(entry.purpose == "Manufacture")
				| ((entry.purpose == "Repack") & entry.work_order.isnotnull() & (entry.work_order != ""))
			)
		)
	)
	if names is not None:
		query = query.where(entry.name.isin(list(names) or [""]))
	return query.orderby(entry.posting_date).orderby(entry.creation).run(as_dict=True)


def get_job_cards(work_orders) -> dict[str, list[JobCard]]:
	"""The submitted Job Cards of these Work Orders with their time logs and employees, by order."""
	work_orders = [w for w in set(work_orders) if w]
	if not work_orders:
		return {}
	card = frappe.qb.DocType("Job Card")
	cards = (
		frappe.qb.from_(card)
		.select(card.name, card.work_order, card.workstation, card.operation)
		.where(card.work_order.isin(work_orders) & (card.docstatus == 1))
		.orderby(card.name)
		.run(as_dict=True)
	)
	if not cards:
		return {}
	log = frappe.qb.DocType("Job Card Time Log")
	logs, employees = defaultdict(list), defaultdict(list)
	for row in (
		frappe.qb.from_(log)
		.select(log.parent, log.parentfield, log.from_time, log.to_time, log.employee, log.completed_qty)
		.where(log.parent.isin([c.name for c in cards]) & (log.parenttype == "Job Card"))
		.orderby(log.idx)
		.run(as_dict=True)
	):
		if row.parentfield == "time_logs":
			logs[row.parent].append(
				TimeLog(row.from_time, row.to_time, row.employee, float(row.completed_qty or 0))
			)
		elif row.employee:
			employees[row.parent].append(row.employee)
	by_order = defaultdict(list)
	for c in cards:
		by_order[c.work_order].append(
			JobCard(c.name, c.workstation, c.operation, tuple(logs[c.name]), tuple(employees[c.name]))
		)
	return by_order


def get_employee_names(employees) -> dict[str, str]:
	employees = [e for e in set(employees) if e]
	if not employees:
		return {}
	return dict(
		frappe.get_all(
			"Employee", filters={"name": ("in", employees)}, fields=["name", "employee_name"], as_list=True
		)
	)


def insert_runs(rows: list[dict]) -> None:
	if not rows:
		return
	from frappe.utils import now_datetime

	stamp, user = now_datetime(), frappe.session.user
	frappe.db.bulk_insert(
		"Lot Production Run",
		RUN_FIELDS,
		[
			(frappe.generate_hash(length=10), stamp, stamp, user, user, *(row.get(f) for f in RUN_FIELDS[5:]))
			for row in rows
		],
	)


def delete_runs(stock_entries) -> None:
	if stock_entries:
		frappe.db.delete("Lot Production Run", {"stock_entry": ("in", list(stock_entries))})


def get_stored_runs(stock_entries=None) -> list[dict]:
	run = frappe.qb.DocType("Lot Production Run")
	query = frappe.qb.from_(run).select(
		run.stock_entry, run.lot, run.role, run.job_card, run.workstation, run.from_time, run.to_time, run.qty
	)
	if stock_entries is not None:
		query = query.where(run.stock_entry.isin(list(stock_entries) or [""]))
	return query.run(as_dict=True)


def get_longest_span(workstations) -> int:
	"""The longest run on these workstations, in seconds (one index look-up per workstation)."""
	run = frappe.qb.DocType("Lot Production Run")
	longest = (
		frappe.qb.from_(run)
		.select(Max(run.span_seconds))
		.where(run.workstation.isin(list(workstations)))
		.run()
	)
	return int(longest[0][0] or 0) if longest else 0


def get_runs_in_window(workstations, start, end) -> list[dict]:
	"""Runs on these workstations that overlap [start, end) (the rule of `traceability.runs`):
	started before the end and ended after the start, or an instant run at a moment of the window.
	A run that ended after the start began at most the workstations' longest span before it, so
	the (workstation, from_time) index is read from there to the end only."""
	from datetime import timedelta

	run = frappe.qb.DocType("Lot Production Run")
	earliest = start - timedelta(seconds=get_longest_span(workstations))
	return (
		frappe.qb.from_(run)
		.select(
			run.lot,
			run.role,
			run.item,
			run.qty,
			run.stock_entry,
			run.work_order,
			run.company,
			run.workstation,
			run.operation,
			run.job_card,
			run.employees,
			run.from_time,
			run.to_time,
		)
		.where(
			run.workstation.isin(list(workstations))
			& (run.from_time >= earliest)
			& (run.from_time < end)
			& ((run.to_time > start) | ((run.to_time <= run.from_time) & (run.from_time >= start)))
		)
		.orderby(run.from_time)
		.orderby(run.lot)
		.run(as_dict=True)
	)


def get_runs_of_lots(lots, role: str | None = None) -> list[dict]:
	filters = {"lot": ("in", list(lots) or [""])}
	if role:
		filters["role"] = role
	return frappe.get_all(
		"Lot Production Run",
		filters=filters,
		fields=[
			"lot",
			"role",
			"item",
			"qty",
			"stock_entry",
			"work_order",
			"workstation",
			"operation",
			"job_card",
			"employees",
			"from_time",
			"to_time",
		],
		order_by="from_time asc, lot asc",
	)


# The lot's batch record


def get_lot_header(lot: str) -> dict | None:
	return frappe.db.get_value(
		"Batch",
		lot,
		[
			"name",
			"item",
			"item_name",
			"batch_qty",
			"stock_uom",
			"manufacturing_date",
			"expiry_date",
			"lot_status",
			"supplier_lot_no",
			"supplier",
			"reference_doctype",
			"reference_name",
		],
		as_dict=True,
	)


def get_input_edges(lot: str) -> list[dict]:
	"""The lots this lot was made from (its genealogy's parents), with their supplier lot no and status."""
	edge = frappe.qb.DocType("Lot Genealogy")
	batch = frappe.qb.DocType("Batch")
	return (
		frappe.qb.from_(edge)
		.left_join(batch)
		.on(batch.name == edge.parent_lot)
		.select(
			edge.parent_lot,
			edge.parent_item,
			edge.qty,
			edge.voucher_type,
			edge.voucher_no,
			edge.work_order,
			edge.posting_date,
			edge.company,
			batch.supplier_lot_no,
			batch.supplier,
			batch.lot_status,
		)
		.where(edge.child_lot == lot)
		.orderby(edge.voucher_no)
		.orderby(edge.parent_lot)
		.run(as_dict=True)
	)


def get_quality_inspections(lot: str, references) -> list[dict]:
	"""Submitted Quality Inspections of the lot, or of the documents that made it."""
	qi = frappe.qb.DocType("Quality Inspection")
	condition = qi.batch_no == lot
	references = [r for r in references if r]
	if references:
		condition = condition | qi.reference_name.isin(references)
	inspections = (
		frappe.qb.from_(qi)
		.select(
			qi.name,
			qi.report_date,
			qi.inspection_type,
			qi.status,
			qi.inspected_by,
			qi.reference_type,
			qi.reference_name,
			qi.item_code,
			qi.batch_no,
		)
		.where((qi.docstatus == 1) & condition)
		.orderby(qi.report_date)
		.orderby(qi.name)
		.run(as_dict=True)
	)
	if not inspections:
		return []
	reading = frappe.qb.DocType("Quality Inspection Reading")
	readings = defaultdict(list)
	for row in (
		frappe.qb.from_(reading)
		.select(
			reading.parent, reading.specification, reading.status, reading.reading_1, reading.reading_value
		)
		.where(reading.parent.isin([i.name for i in inspections]))
		.orderby(reading.idx)
		.run(as_dict=True)
	):
		readings[row.parent].append(row)
	for inspection in inspections:
		inspection.readings = readings.get(inspection.name, [])
	return inspections


def get_status_changes(lot: str) -> list[dict]:
	"""Submitted Lot Status Changes of the lot, oldest first: who asked, who approved, from → to."""
	change = frappe.qb.DocType("Lot Status Change")
	row = frappe.qb.DocType("Lot Status Change Lot")
	return (
		frappe.qb.from_(change)
		.join(row)
		.on((row.parent == change.name) & (row.parenttype == "Lot Status Change"))
		.select(
			change.name,
			change.change_datetime,
			row.from_status,
			change.to_status,
			change.owner,
			change.requested_by,
			change.approved_by,
			change.reason,
			change.source,
		)
		.where((row.batch == lot) & (change.docstatus == 1))
		.orderby(change.change_datetime)
		.orderby(change.name)
		.run(as_dict=True)
	)


def get_entry_boms(entries) -> dict[str, dict]:
	"""Each entry's BOM (its own, else its Work Order's): quantity and input items in stock units."""
	entries = [e for e in entries if e]
	if not entries:
		return {}
	entry = frappe.qb.DocType("Stock Entry")
	order = frappe.qb.DocType("Work Order")
	rows = (
		frappe.qb.from_(entry)
		.left_join(order)
		.on(order.name == entry.work_order)
		.select(
			entry.name, entry.bom_no, order.bom_no.as_("order_bom"), entry.posting_date, entry.posting_time
		)
		.where(entry.name.isin(entries))
		.run(as_dict=True)
	)
	boms = {row.name: row.bom_no or row.order_bom for row in rows}
	quantities = dict(
		frappe.get_all(
			"BOM",
			filters={"name": ("in", list(set(boms.values()) - {None}) or [""])},
			fields=["name", "quantity"],
			as_list=True,
		)
	)
	items = defaultdict(dict)
	for item in frappe.get_all(
		"BOM Item",
		filters={"parent": ("in", list(quantities) or [""]), "parenttype": "BOM"},
		fields=["parent", "item_code", "stock_qty"],
	):
		items[item.parent][item.item_code] = items[item.parent].get(item.item_code, 0.0) + float(
			item.stock_qty or 0
		)
	return {
		row.name: {
			"bom": boms[row.name],
			"quantity": float(quantities.get(boms[row.name]) or 0),
			"items": items.get(boms[row.name], {}),
			"posting_date": row.posting_date,
			"posting_time": row.posting_time,
		}
		for row in rows
	}


def get_made_runs_since(since) -> list[dict]:
	"""The runs of lots made on a Job Card that began on or after `since`."""
	return frappe.get_all(
		"Lot Production Run",
		filters={"role": "Made", "job_card": ("is", "set"), "from_time": (">=", since)},
		fields=[
			"job_card",
			"stock_entry",
			"workstation",
			"item",
			"company",
			"lot",
			"qty",
			"from_time",
			"to_time",
		],
		order_by="from_time asc, job_card asc, lot asc",
	)
