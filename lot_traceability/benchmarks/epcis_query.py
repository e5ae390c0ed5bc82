"""The EPCIS REST query with a filter nothing matches, over at least `events` events: as the app
answers it (the filter part of the read, pages by key: one read), against the baseline, the query as
it was answered before (pages of documents read with a growing OFFSET, each page's events built and
then filtered, until the last page: every document read, and read again by every later OFFSET).

	bench --site <site> execute lot_traceability.benchmarks.epcis_query.run --kwargs "{'runs': 5}"

Where the site holds fewer than `events` lot ledger documents, one-row deliveries are written
straight to the lot ledger until it does (`add_synthetic_deliveries`, a few seconds), and removed
at the end unless `'keep': 1`. Both answers must be the same (no events, no next page). Prints
min / median / max seconds of `runs` runs of each, alternating (of the baseline only the first
`baseline_runs` when given: it takes minutes a run over 100,000 events). Recorded figures:
docs/benchmarks.md.
"""

import statistics
import time
from unittest.mock import patch

import frappe
from frappe.utils import add_days, getdate, nowdate

from lot_traceability.exports import epcis as epcis_export
from lot_traceability.exports.scopes import readable_companies
from lot_traceability.queries import epcis as epcis_queries

PREFIX = "LT-SYNTH-"
NO_MATCH = "disassembling"  # a business step no generated or demo document makes


def add_synthetic_deliveries(count: int, batch_size: int = 10_000, prefix: str = PREFIX) -> None:
	"""`count` one-row deliveries written straight to the lot ledger, each its own document (so its
	own event), of a lot, place and customer a real delivery of the site moved: the event reads see
	them as they see real ones."""
	row = frappe.db.get_value(
		"Lot Ledger Entry",
		{"voucher_type": "Delivery Note"},
		["batch_no", "item_code", "warehouse", "company", "party_type", "party"],
		as_dict=True,
	)
	if not row:
		frappe.throw("The site has no delivery to copy: load the demo first.")
	start = getdate(nowdate())
	columns = (
		"name, creation, modified, modified_by, owner, docstatus, batch_no, item_code, warehouse, qty, "
		"posting_date, voucher_type, voucher_no, party_type, party, company"
	)
	placeholder = (
		"(%s, now(), now(), 'Administrator', 'Administrator', 0, %s, %s, %s, -1, %s, 'Delivery Note', %s, "
		"%s, %s, %s)"
	)
	for first in range(0, count, batch_size):
		numbers = range(first, min(count, first + batch_size))
		values = []
		for number in numbers:
			values += [
				f"{prefix}{number:06d}",
				row.batch_no,
				row.item_code,
				row.warehouse,
				add_days(start, -(number % 2000)),
				f"{prefix}DN-{number:06d}",
				row.party_type,
				row.party,
				row.company,
			]
		frappe.db.sql(
			f"insert into `tabLot Ledger Entry` ({columns}) values {', '.join([placeholder] * len(numbers))}",
			values,
		)


def remove_synthetic_deliveries(prefix: str = PREFIX) -> None:
	frappe.db.sql("delete from `tabLot Ledger Entry` where name like %s", (f"{prefix}%",))


def offset_walk(biz_step: str, per_page: int) -> list[dict]:
	"""The baseline: the query as it was answered before, pages read by OFFSET and filtered after."""
	companies = readable_companies()
	ids = epcis_export.identifiers()
	captured = []

	def capture(query, values=None, *args, **kwargs):
		captured.append((query, values))
		return []

	with patch.object(frappe.db, "sql", capture):  # the read as it was: the same statement, no filter
		epcis_queries.get_event_sources(companies=companies)
	query, values = captured[0]

	def sources_from(offset: int, limit: int) -> list[tuple]:
		return [
			tuple(row)
			for row in frappe.db.sql(
				query + " limit %(limit)s offset %(start)s", {**values, "limit": limit, "start": offset}
			)
		]

	events, taken = [], 0
	while True:
		sources = sources_from(taken, per_page)
		if not sources:
			break
		by_document: dict[str, list[dict]] = {}
		for event in epcis_export.events_of(sources, None, companies):
			by_document.setdefault(event["bizTransactionList"][0]["bizTransaction"], []).append(event)
		for _time, doctype, name in sources:
			events += [
				event
				for event in by_document.get(ids.document(doctype, name), ())
				if event.get("bizStep") == biz_step
			]
			taken += 1
		if len(sources) < per_page or len(events) >= per_page:
			break
	return events


def run(
	events: int = 100_000,
	runs: int = 5,
	per_page: int = 1000,
	keep: int = 0,
	baseline_runs: int | None = None,
) -> dict:
	documents = frappe.db.sql(
		"select count(*) from (select 1 from `tabLot Ledger Entry` group by voucher_type, voucher_no) d"
	)[0][0]
	added = max(0, events - documents)
	if added:
		add_synthetic_deliveries(added)
		frappe.db.commit()  # the baseline's reads and the app's see the same committed history
	try:
		timings = {"app": [], "baseline": []}
		for number in range(runs):
			for mode in ("app", "baseline") if number % 2 == 0 else ("baseline", "app"):
				if mode == "baseline" and number >= (runs if baseline_runs is None else baseline_runs):
					continue
				started = time.perf_counter()
				if mode == "app":
					answer = epcis_export.query(biz_step=NO_MATCH, per_page=per_page)
					found = answer["document"]["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
					assert not found and answer["nextPageToken"] is None, answer
				else:
					assert offset_walk(NO_MATCH, per_page) == []
				timings[mode].append(time.perf_counter() - started)
	finally:
		if added and not keep:
			remove_synthetic_deliveries()
			frappe.db.commit()
	figures = {
		"documents": documents + added,
		"synthetic": added,
		"per_page": per_page,
		**{
			mode: {
				"min_s": round(min(values), 4),
				"median_s": round(statistics.median(values), 4),
				"max_s": round(max(values), 4),
			}
			for mode, values in timings.items()
			if values
		},
	}
	print(figures)
	return figures
