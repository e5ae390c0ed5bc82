"""Production runs of lots (Lot Production Run): which workstation made or consumed each lot, when
and by whom, read from the Work Order's Job Cards when a Manufacture entry (or a Repack of a Work
Order) is submitted, removed when it is cancelled, and rebuilt or checked from ERPNext's records,
which are the truth. Rules: `traceability.runs`."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import format_datetime, get_datetime

from lot_traceability import access
from lot_traceability.genealogy.records import consumed_by_work_order
from lot_traceability.messages import Refusal, bold, esc
from lot_traceability.queries import runs as queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.traceability import runs as core

CHUNK = 500


class RunWindowError(Refusal, frappe.ValidationError):
	pass


def is_production_entry(doc) -> bool:
	return doc.purpose == "Manufacture" or (doc.purpose == "Repack" and bool(doc.work_order))


def expected_runs(entries: list[dict]) -> list[tuple[dict, core.Run]]:
	"""(entry, run) for every run these submitted production entries give their lots."""
	if not entries:
		return []
	moves = defaultdict(list)
	for move in voucher_queries.get_voucher_lot_moves("Stock Entry", [e.name for e in entries]):
		moves[move.voucher_no].append(move)
	consumption = consumed_by_work_order(entries)
	cards = queries.get_job_cards({e.work_order for e in entries})
	found = []
	for entry in entries:
		rows = moves.get(entry.name, [])
		made = [(m.batch_no, m.qty) for m in rows if m.qty > 0 and not m.get("is_rejected")]
		consumed = [(m.batch_no, -m.qty) for m in rows if m.qty < 0]
		if entry.purpose == "Manufacture" and entry.work_order:
			consumed += consumption.get(entry.work_order, [])
		posted = get_datetime(f"{entry.posting_date} {entry.posting_time or '00:00:00'}")
		for run in core.runs_for(made, consumed, cards.get(entry.work_order, []), posted):
			found.append((entry, run))
	return found


def as_rows(pairs: list[tuple[dict, core.Run]]) -> list[dict]:
	names = queries.get_employee_names({e for _entry, run in pairs for e in run.employees})
	items = {}
	for _entry, run in pairs:
		items.setdefault(run.lot, None)
	items.update(
		dict(
			frappe.get_all(
				"Batch", filters={"name": ("in", list(items) or [""])}, fields=["name", "item"], as_list=True
			)
		)
	)
	return [
		{
			"lot": run.lot,
			"role": run.role,
			"item": items.get(run.lot),
			"qty": run.qty,
			"stock_entry": entry.name,
			"work_order": entry.work_order or None,
			"company": entry.company,
			"workstation": run.workstation,
			"operation": run.operation,
			"job_card": run.job_card,
			"employees": "\n".join(f"{e}: {names[e]}" if names.get(e) else e for e in run.employees) or None,
			"from_time": run.from_time,
			"to_time": run.to_time,
			"span_seconds": max(0, int((run.to_time - run.from_time).total_seconds())),
		}
		for entry, run in pairs
	]


def record_entry(doc) -> None:
	"""Replace the runs of one Stock Entry by what its bundles and Job Cards say (none once it is
	cancelled); a Material Consumption entry refreshes its Work Order's Manufacture entries."""
	if doc.purpose == "Material Consumption for Manufacture" and doc.work_order:
		names = [
			e.name
			for e in queries.get_production_entries()
			if e.work_order == doc.work_order and e.purpose == "Manufacture"
		]
		record_entries(names)
		return
	if not is_production_entry(doc):
		return
	record_entries([doc.name])


def record_entries(names: list[str]) -> int:
	count = 0
	for start in range(0, len(names), CHUNK):
		part = names[start : start + CHUNK]
		queries.delete_runs(part)
		rows = as_rows(expected_runs(queries.get_production_entries(part)))
		queries.insert_runs(rows)
		count += len(rows)
	return count


def rebuild(out=None) -> int:
	"""Replace every run by what ERPNext's entries and Job Cards say. Returns the number of runs."""
	frappe.db.delete("Lot Production Run")
	names = [e.name for e in queries.get_production_entries()]
	count = record_entries(names)
	if out:
		out(f"production runs: {count} runs of {len(names)} entries")
	return count


def stored_key(row) -> tuple:
	return core.key(
		core.Run(
			row.lot,
			row.role,
			float(row.qty or 0),
			get_datetime(row.from_time),
			get_datetime(row.to_time),
			row.workstation,
			job_card=row.job_card,
		),
		row.stock_entry,
	)


def differences(only: list[str] | None = None) -> list[frappe._dict]:
	"""Runs ERPNext's records give and the stored runs lack (`missing`), or the reverse
	(`unexpected`): for every production entry, or for these entries."""
	entries = queries.get_production_entries(only)
	expected = set()
	for start in range(0, len(entries), CHUNK):
		expected.update(
			core.key(run, entry.name) for entry, run in expected_runs(entries[start : start + CHUNK])
		)
	stored = {stored_key(row) for row in queries.get_stored_runs(only)}
	return [
		frappe._dict(problem="missing", key=k, stock_entry=k[0]) for k in sorted(expected - stored, key=str)
	] + [
		frappe._dict(problem="unexpected", key=k, stock_entry=k[0])
		for k in sorted(stored - expected, key=str)
	]


def describe(row) -> str:
	entry, lot, role, job_card, workstation, start, end, qty = row.key
	return f"{row.problem}: {entry} {role} {lot} {qty:g} on {workstation or '-'} ({job_card or '-'}) {start} – {end}"


def reconcile() -> list[frappe._dict]:
	"""The daily check: re-record every entry whose runs differ from ERPNext's records, and log it."""
	found = differences()
	record_entries(sorted({row.stock_entry for row in found}))
	if found:
		frappe.log_error(
			title=_("Production runs repaired from the Job Cards and entries"),
			message="\n".join(describe(row) for row in found[:200]),
		)
	return found


# Windows


def parse_workstations(workstations) -> list[str]:
	if isinstance(workstations, str):
		text = workstations.strip()
		workstations = frappe.parse_json(text) if text.startswith("[") else text.split("\n")
	return list(dict.fromkeys(w.strip() for w in workstations or () if w and w.strip()))


def check_window(workstations, from_datetime, to_datetime) -> tuple[list[str], object, object]:
	"""The workstations and bounds of a window, or a refusal that says what is wrong."""
	stations = parse_workstations(workstations)
	start = get_datetime(from_datetime) if from_datetime else None
	end = get_datetime(to_datetime) if to_datetime else None
	for problem in core.window_problems(stations, start, end):
		if problem.code == "no_workstation":
			frappe.throw(_("Choose the workstation(s) of the window."), RunWindowError)
		if problem.code == "no_bounds":
			frappe.throw(_("Give the window's beginning (From) and end (To)."), RunWindowError)
		if problem.code == "ends_before_start":
			frappe.throw(
				_("The window ends ({0}) before or when it begins ({1}).").format(
					bold(format_datetime(end)), bold(format_datetime(start))
				),
				RunWindowError,
			)
		frappe.throw(
			_("The window from {0} to {1} is longer than {2} days: split it.").format(
				bold(format_datetime(start)), bold(format_datetime(end)), bold(problem.params["days"])
			),
			RunWindowError,
		)
	for station in stations:
		if not frappe.db.exists("Workstation", station):
			frappe.throw(_("Workstation {0} does not exist.").format(bold(station)), RunWindowError)
	return stations, start, end


def window_runs(
	workstations, from_datetime, to_datetime, company: str | None = None, walled=None
) -> frappe._dict:
	"""The runs on these workstations overlapping [from, to) and the lots they made and consumed,
	of `company` if given, within the user's company walls (others' lots left out and counted)."""
	stations, start, end = check_window(workstations, from_datetime, to_datetime)
	runs = [
		row
		for row in queries.get_runs_in_window(stations, start, end)
		if not company or row.company == company
	]
	walled = walled or access.wall()
	shown = walled.readable_lots({row.lot for row in runs})
	hidden = len({row.lot for row in runs} - shown)
	runs = [row for row in runs if row.lot in shown]
	return frappe._dict(
		workstations=stations,
		start=start,
		end=end,
		runs=runs,
		made=sorted({row.lot for row in runs if row.role == core.MADE}),
		consumed=sorted({row.lot for row in runs if row.role == core.CONSUMED}),
		lots=sorted({row.lot for row in runs}),
		hidden=access.hidden_counts(lots=hidden),
		hidden_note=access.hidden_note(access.hidden_counts(lots=hidden)),
	)


def describe_window(window) -> str:
	return _("{0}, {1} – {2}").format(
		", ".join(esc(w) for w in window.workstations),
		format_datetime(window.start),
		format_datetime(window.end),
	)


def timed_runs(since) -> tuple[list[core.TimedRun], dict[str, str]]:
	"""Each Job Card's run of each production entry since `since` (the lots it made, the quantity
	they sum to, its minutes), for the duration anomalies; and the company of each Job Card."""
	grouped = {}
	companies = {}
	for row in queries.get_made_runs_since(since):
		key = (row.job_card, row.stock_entry)
		if key not in grouped:
			minutes = (get_datetime(row.to_time) - get_datetime(row.from_time)).total_seconds() / 60
			grouped[key] = [row, minutes, 0.0, []]
		grouped[key][2] += float(row.qty or 0)
		grouped[key][3].append(row.lot)
		companies[row.job_card] = row.company
	return [
		core.TimedRun(
			row.job_card,
			row.stock_entry,
			row.workstation,
			row.item,
			get_datetime(row.from_time).date(),
			minutes,
			qty,
			tuple(lots),
		)
		for row, minutes, qty, lots in grouped.values()
	], companies
