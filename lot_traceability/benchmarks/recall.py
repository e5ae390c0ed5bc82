"""Recall impact speed on a generated history: the full scope of raw lots whose descendants reached at
least `min_deliveries` deliveries (affected lots, stock by warehouse with value, open demand, every
shipment with its customer and sales value, upstream receipts), timed in the server process.

	bench --site <site> execute lot_traceability.benchmarks.recall.run --kwargs "{'seed': 100}"

Raw lots (prefix `S<seed>-0-`) are tried in a seeded random order until `lots` of them reach
`min_deliveries`; each is then scoped `runs` times, alternately with the baseline: the same scope's
core answered from ERPNext's own tables with the best plain queries (`plain_scope`: the lots made
from it, a level per statement; then every delivery with its customer, the stock by warehouse with
value, and the upstream receipts, one statement each). Both must find the same lots, deliveries and
customers. With `together` > 1, each scope is of that many raw lots recalled at once (each reaching
`min_deliveries` / `together` on its own, together at least `min_deliveries`): a recall wider than
any one lot of the history reaches. With `'report': 1`, each section of the Recall
Impact report is also run `runs` times per lot through Frappe's report runner (what the browser
calls, rows and all). With `'floor': 1`, the scope's reads are also made by the server alone, their
rows counted there and none sent (`floor_ms`: the physical cost of what a scope reads, on the same
machine in the same run). Recorded figures: docs/benchmarks.md.
"""

import random
import statistics
import time

import frappe

from lot_traceability.recall.scope import compute_scope


def run(
	seed: int = 100,
	lots: int = 5,
	min_deliveries: int = 10_000,
	runs: int = 5,
	candidates: int = 200,
	report: int = 0,
	together: int = 1,
	floor: int = 0,
) -> dict:
	raw = frappe.get_all("Batch", filters={"batch_id": ("like", f"S{seed}-0-%")}, pluck="name")
	if not raw:
		frappe.throw(f"No generated raw lots with prefix S{seed}-0-: run lot-traceability generate first.")
	picked, wide, tried = [], [], 0
	for lot in random.Random(seed).sample(raw, min(candidates, len(raw))):
		tried += 1
		if deliveries(compute_scope([lot])) * together < min_deliveries:
			continue
		wide.append(lot)
		if len(wide) < together:
			continue
		group, wide = wide, []
		if together == 1 or deliveries(compute_scope(group)) >= min_deliveries:
			picked.append(group)
			if len(picked) == lots:
				break
	if not picked:
		frappe.throw(f"No {together} of {tried} raw lots reach {min_deliveries} deliveries together.")
	timings, plain_timings, rows = [], [], []
	for group in picked:
		seconds, plain_seconds = [], []
		for _ in range(runs):
			start = time.perf_counter()
			scope = compute_scope(group)
			seconds.append(time.perf_counter() - start)
			start = time.perf_counter()
			plain = plain_scope(group)
			plain_seconds.append(time.perf_counter() - start)
		timings += seconds
		plain_timings += plain_seconds
		ours = (scope.summary.lots, deliveries(scope), scope.summary.customers)
		if ours != (plain["lots"], plain["deliveries"], plain["customers"]):
			frappe.throw(f"the plain scope of {group} differs: {plain} against {ours}")
		rows.append(
			{
				"lot": ", ".join(group),
				"affected_lots": scope.summary.lots,
				"deliveries": deliveries(scope),
				"customers": scope.summary.customers,
				"shipped_qty": round(scope.summary.shipped_qty, 1),
				"sites": scope.summary.sites,
				"min_s": round(min(seconds), 3),
				"median_s": round(statistics.median(seconds), 3),
				"max_s": round(max(seconds), 3),
				"plain_queries_min_s": round(min(plain_seconds), 3),
				"plain_queries_median_s": round(statistics.median(plain_seconds), 3),
				"plain_queries_max_s": round(max(plain_seconds), 3),
			}
		)
		if report and together == 1:
			rows[-1]["report_median_s"] = report_seconds(group[0], runs)
		if floor:
			rows[-1]["floor_ms"] = floor_ms(group, scope, runs)
	ordered = sorted(timings)
	figures = {
		"raw_lots_tried": tried,
		"lots": rows,
		"p50_s": round(statistics.median(ordered), 3),
		"p95_s": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3),
		"max_s": round(ordered[-1], 3),
		"plain_queries_p50_s": round(statistics.median(plain_timings), 3),
	}
	print(figures)
	return figures


def floor_ms(group: list[str], scope, runs: int) -> dict[str, float]:
	"""The physical cost of the scope's reads: each read the scope makes, of the same rows through the
	same indexes, made by the server alone and counted there (no row sent to Python), median
	milliseconds of `runs`; the genealogy walk as the scope makes it (one recursive statement, its
	edges sent), the stock values as the scope reads them (summed on the server, a row per place);
	their sum beside the whole scope's median in the same runs."""
	from lot_traceability.genealogy.trace import BACKWARD, DEFAULT_DEPTH, FORWARD
	from lot_traceability.queries import balances
	from lot_traceability.queries import genealogy as genealogy_queries
	from lot_traceability.queries.lot_ledger import ENDS_MAKINGS_AND_WRITE_OFFS
	from lot_traceability.queries.quoting import value_list

	lots = value_list(row.lot for row in scope.lots)
	customers = value_list(row.customer for row in scope.customers) if scope.customers else None
	stock_lots = {row.lot for row in scope.stock}
	reads = {
		"genealogy walk": lambda: genealogy_queries.get_reachable_edges(
			group, (FORWARD, BACKWARD), DEFAULT_DEPTH
		),
		"movements": lambda: frappe.db.sql(
			f"""select count(*), sum(qty), max(voucher_type), max(voucher_no), max(posting_date),
				max(purpose), max(party), max(warehouse), sum(sales_amount)
			from `tabLot Ledger Entry` where batch_no in %(lots)s and {ENDS_MAKINGS_AND_WRITE_OFFS}""",
			{"lots": lots},
		),
		"on hand": lambda: frappe.db.sql(
			"""select count(*), sum(qty), max(warehouse) from `tabLot Balance`
			where batch in %(lots)s and qty != 0""",
			{"lots": lots},
		),
		"lot details": lambda: frappe.db.sql(
			"""select count(*), max(item), max(item_name), max(lot_status), max(expiry_date),
				max(supplier_lot_no)
			from `tabBatch` where name in %(lots)s""",
			{"lots": lots},
		),
		"stock values": lambda: balances.get_ledger_lot_balances(stock_lots),
		"customers": lambda: (
			customers
			and frappe.db.sql(
				"""select count(*), max(customer_name), max(customer_primary_contact), max(email_id),
				max(mobile_no), max(customer_primary_address), max(primary_address)
			from `tabCustomer` where name in %(customers)s""",
				{"customers": customers},
			)
		),
	}
	figures = {}
	for name, read in reads.items():
		seconds = []
		for _ in range(runs):
			start = time.perf_counter()
			read()
			seconds.append(time.perf_counter() - start)
		figures[name] = round(statistics.median(seconds) * 1000, 1)
	figures["sum of the reads"] = round(sum(figures.values()), 1)
	return figures


def deliveries(scope) -> int:
	return len({(row.voucher_type, row.voucher_no) for row in scope.shipments if row.shipped_qty})


def report_seconds(lot: str, runs: int) -> dict[str, float]:
	"""Median seconds of each Recall Impact section for the lot, through Frappe's report runner."""
	from frappe.desk.query_report import run as run_report

	from lot_traceability.lot_traceability.report.recall_impact.recall_impact import SECTIONS

	medians = {}
	for section in SECTIONS:
		seconds = []
		for _ in range(runs):
			start = time.perf_counter()
			run_report(
				"Recall Impact", filters={"batch": lot, "section": section}, ignore_prepared_report=True
			)
			seconds.append(time.perf_counter() - start)
		medians[section] = round(statistics.median(seconds), 3)
	return medians


def plain_scope(sources: list[str]) -> dict:
	"""The core of a recall's scope from ERPNext's own tables, as a competent developer would query
	it without the app: the lots made from the source lots (a level per statement), every delivery of
	them with its customer, their stock by warehouse with value, and the receipts upstream of the
	source lots."""
	from lot_traceability.benchmarks.trace import level_lots

	affected, frontier = set(sources), set(sources)
	while frontier:
		frontier = set(level_lots(frontier, forward=True)) - affected
		affected |= frontier
	lots = sorted(affected)
	shipped = frappe.db.sql(
		"""select b.voucher_type, b.voucher_no, coalesce(dn.customer, si.customer, pos.customer) as customer,
			sum(e.qty) as qty
		from `tabSerial and Batch Entry` e
		join `tabSerial and Batch Bundle` b on b.name = e.parent
		left join `tabDelivery Note` dn on b.voucher_type = 'Delivery Note' and dn.name = b.voucher_no
		left join `tabSales Invoice` si on b.voucher_type = 'Sales Invoice' and si.name = b.voucher_no
		left join `tabPOS Invoice` pos on b.voucher_type = 'POS Invoice' and pos.name = b.voucher_no
		where e.batch_no in %(lots)s and b.docstatus = 1 and b.is_cancelled = 0
			and b.voucher_type in ('Delivery Note', 'Sales Invoice', 'POS Invoice')
		group by b.voucher_type, b.voucher_no, customer""",
		{"lots": lots},
		as_dict=True,
	)
	frappe.db.sql(
		"""select e.batch_no, e.warehouse, sum(e.qty), sum(e.stock_value_difference)
		from `tabSerial and Batch Entry` e
		join `tabSerial and Batch Bundle` b on b.name = e.parent
		where e.batch_no in %(lots)s and b.docstatus = 1 and b.is_cancelled = 0 and b.voucher_type != 'Pick List'
		group by e.batch_no, e.warehouse having sum(e.qty) > 0""",
		{"lots": lots},
	)
	upstream, frontier = set(sources), set(sources)
	while frontier:
		frontier = set(level_lots(frontier, forward=False)) - upstream
		upstream |= frontier
	frappe.db.sql(
		"""select distinct e.batch_no, b.voucher_type, b.voucher_no
		from `tabSerial and Batch Entry` e
		join `tabSerial and Batch Bundle` b on b.name = e.parent
		where e.batch_no in %(lots)s and b.docstatus = 1 and b.is_cancelled = 0
			and b.voucher_type in ('Purchase Receipt', 'Purchase Invoice', 'Subcontracting Receipt')""",
		{"lots": sorted(upstream)},
	)
	net = {}
	for row in shipped:
		key = (row.voucher_type, row.voucher_no)
		net[key] = net.get(key, 0.0) + float(row.qty or 0)
	return {
		"lots": len(affected),
		"deliveries": sum(1 for qty in net.values() if qty < 0),  # out; a return comes back in
		"customers": len({row.customer for row in shipped if row.customer}),
	}
