"""Reads and writes of production runs (Lot Production Run) and of the Job Cards behind them."""

from collections import defaultdict

import frappe

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


def get_runs_in_window(workstations, start, end) -> list[dict]:
	"""Runs on these workstations that overlap [start, end) (the rule of `traceability.runs`):
	started before the end and ended after the start, or an instant run at a moment of the window.
	Reads the (workstation, from_time) index."""
	run = frappe.qb.DocType("Lot Production Run")
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
