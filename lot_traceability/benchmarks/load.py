"""Many users at once: the real site served by gunicorn (several workers) and RQ workers, a few
dozen REST clients for a fixed time, then the invariants checked from the database.

	bench --site <site> execute lot_traceability.benchmarks.load.run \\
		--kwargs "{'seconds': 40, 'clients': '4,8,16,24', 'rounds': 5}"

Run by hand (not in CI); it needs the bench's Redis running, listens on 127.0.0.1 only and stops
every server it started: gunicorn with 2 x cores + 1 workers and two RQ workers unless told
otherwise. `clients` is one number or a curve ("4,8,16,24"): each point is run `rounds` times. Each
round runs two modes on fresh data of their own, in alternating order:

- **erpnext**: the app switched off in every server process (`benchmarks/app_off.py`: none of its
  doc_events, request-start overrides, whitelisted overrides or jobs run; only its schema is there);
- **app**: the site as installed.

The mix, per client (weights in MIX): Delivery Notes of one unit with automatic picks on three hot
items (two under a FEFO Lot Rule, one under none) with 40 lots each; Material Transfers between two
warehouses; Purchase Receipts (a new lot each); Pick Lists; Repacks (a lot into portions: genealogy);
holds and releases of lots of the hot items (the lots being shipped), traces and recall reads.
Documents are created and submitted in one request, as an integration would. The mix is the same in
both modes: where the app would answer, ERPNext alone answers with its nearest own (`drive`,
`read`): a hold is the lot's Batch disabled and enabled again, a trace the Stock Ledger report of
the lot, a recall read the Batch-Wise Balance History of the lot.

Reported (`benchmarks/load_report.py`): documents per minute (the ERPNext documents only, the same
in both modes), p50 / p95 latency per kind, per point each mode's documents per minute (min /
median / max over the rounds) and the ratio of the two modes round by round, every response that
was not a success (with Frappe's exception type), and the invariants: no lot below zero in the
ledger or the kept balances, kept balances and lot ledger equal to ERPNext's ledger, genealogy
equal to its rebuild, and no movement of a lot posted after a hold of that lot committed (both
lock the lot's row, so the hold's *Changed On* and the movement's bundle submit time are in commit
order). Figures: docs/benchmarks.md.
"""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import frappe
import requests
from frappe.utils import add_days, now_datetime, today

from lot_traceability.benchmarks.load_checks import verify
from lot_traceability.benchmarks.load_report import DOCUMENTS, curve_table, describe, summarise
from lot_traceability.tests.loopback import free_port, port_open

MIX = {  # operation: weight, per client iteration
	"delivery": 45,
	"transfer": 12,
	"receipt": 8,
	"pick_list": 8,
	"repack": 5,
	"hold": 8,
	"trace": 7,
	"recall_impact": 7,
}


LOTS_PER_ITEM = 40


LOT_QTY = 100


CLERK = "load.clerk@example.com"


QUALITY = "load.quality@example.com"


def run(
	seconds: int = 60,
	clients: int | str = 24,
	workers: int | None = None,
	rounds: int = 1,
	seed: int = 1,
	modes: str = "erpnext,app",
	rq_workers: int = 2,
) -> dict:
	frappe.flags.in_test = True  # the test builders reused here expect it
	random.seed(seed)
	workers = workers or 2 * (os.cpu_count() or 1) + 1
	sites = Path(frappe.get_site_path("..")).resolve()
	check_redis(sites)
	check_queues_empty()
	order = [mode.strip() for mode in modes.split(",") if mode.strip()]
	results, figures = [], {}
	for point in curve(clients):
		runs = []
		for round_no in range(rounds):
			for mode in order if round_no % 2 == 0 else reversed(order):
				data = prepare(mode)
				with servers(sites, mode, workers, rq_workers) as url:
					stats = drive(url, data, seconds, point, mode)
					stats["drain"] = drain()
				stats["checks"] = verify(data, mode, stats)
				stats.update(mode=mode, round=round_no + 1, seconds=seconds, clients=point, workers=workers)
				runs.append(stats)
				print(describe(stats), flush=True)
		summary = summarise(runs)
		print(summary["text"], flush=True)
		figures[point] = summary["figures"]
		results.extend(runs)
	if len(figures) > 1:
		print(curve_table(figures), flush=True)
	for stats in results:
		stats.pop("records")  # every response was counted above; the answer stays small
	return {"runs": results, "summary": figures}


def curve(clients: int | str) -> list[int]:
	"""`24` or `"4,8,16,24"`: the numbers of clients to run, each a point of the curve."""
	points = [int(part) for part in str(clients).split(",") if part.strip()]
	if not points or any(point < 1 for point in points):
		raise ValueError(f"clients must be positive numbers, not {clients!r}")
	return points


# ------------------------------------------------------------------------------------------- data
def prepare(mode: str) -> frappe._dict:
	"""Fresh items and lots for one run (each run has its own, so no run's stock feeds another)."""
	from lot_traceability.tests.utils import (
		api_token,
		company_defaults,
		make_customer,
		make_lot_item,
		make_lot_rule,
		make_supplier,
		make_user,
		make_warehouse,
		receive,
	)

	d = company_defaults()
	make_user(
		CLERK, ["Stock User", "Stock Manager", "Item Manager", "Sales User", "Purchase User", "Accounts User"]
	)
	make_user(QUALITY, ["Quality Manager", "Stock User"])
	east = make_warehouse("_Load East")
	items = []
	for governed in (True, True, False):
		item = make_lot_item()
		if governed:
			make_lot_rule(item=item, receipt_status="Approved", allocation_policy="FEFO")
		items.append(item)
	portion = make_lot_item()
	lots = {}
	for item in items:
		receipt = receive(item, qty=LOT_QTY, do_not_save=True)
		row = {k: v for k, v in receipt.items[0].as_dict().items() if k not in ("name", "idx")}
		for _ in range(LOTS_PER_ITEM - 1):
			receipt.append("items", dict(row))
		receipt.insert()
		receipt.submit()
		lots[item] = sorted(
			frappe.get_all("Batch", filters={"item": item}, pluck="name"),
		)
		for days, lot in enumerate(lots[item]):
			frappe.db.set_value("Batch", lot, "expiry_date", add_days(today(), 60 + days))
	data = frappe._dict(
		mode=mode,
		company=d.company,
		warehouse=d.warehouse,
		east=east,
		cost_center=d.cost_center,
		customer=make_customer(),
		supplier=make_supplier(),
		hot_items=items,
		portion=portion,
		lots=lots,
		from_date=str(add_days(today(), -1)),  # the reads' dates, set here: the clients' threads have no site
		to_date=str(add_days(today(), 1)),
		item_of={lot: item for item, item_lots in lots.items() for lot in item_lots},
		clerk=api_token(CLERK),
		quality=api_token(QUALITY),
		started=now_datetime(),
	)
	frappe.db.commit()
	return data


# ---------------------------------------------------------------------------------------- servers
def check_redis(sites: Path) -> None:
	config = json.loads((sites / "common_site_config.json").read_text())
	for key in ("redis_cache", "redis_queue"):
		port = int(str(config.get(key, "")).rsplit(":", 1)[-1] or 0)
		if not port or not port_open(port):
			frappe.throw(f"{key} does not answer on 127.0.0.1:{port}: start the bench's Redis first")


def waiting_jobs() -> int:
	"""Jobs queued or running in the bench's queues (every site's)."""
	from frappe.utils.background_jobs import get_queues

	return sum(queue.count + queue.started_job_registry.count for queue in get_queues())


def check_queues_empty() -> None:
	"""The run's RQ workers serve the bench's queues: jobs already waiting there (left by tests or
	other sites) would be run inside the timed window and take its CPU."""
	waiting = waiting_jobs()
	if waiting:
		frappe.throw(
			f"{waiting} jobs wait in the bench's queues: a load run would run them inside its timed "
			"window. Let a worker finish them, or remove them (`bench purge-jobs --queue default`, "
			"then `--queue long` and `--queue short`) before measuring."
		)


def drain(timeout: int = 180) -> dict:
	"""After the clients stop, the run's workers finish the jobs its requests queued (so none is left
	to the next run, of the other mode); how long that took is reported apart from the timed window."""
	began = time.monotonic()
	while (left := waiting_jobs()) and time.monotonic() - began < timeout:
		time.sleep(0.5)
	return {"seconds": round(time.monotonic() - began, 1), "jobs_left": left}


@contextmanager
def servers(sites: Path, mode: str, workers: int, rq_workers: int = 1):
	"""Gunicorn (`workers` processes) and `rq_workers` RQ workers, on loopback, in their own process
	groups."""
	port = free_port()
	env = {
		**os.environ,
		"FRAPPE_SITE": frappe.local.site,
		"LOT_TRACEABILITY_OFF": "1" if mode == "erpnext" else "0",
	}
	python = sys.executable
	gunicorn = str(Path(python).parent / "gunicorn")
	config = str(Path(__file__).with_name("load_server.py"))
	started = [
		subprocess.Popen(
			[
				gunicorn,
				"--config",
				config,
				"--bind",
				f"127.0.0.1:{port}",
				"--workers",
				str(workers),
				"--timeout",
				"300",
				"--preload",
				"frappe.app:application",
			],
			cwd=sites,
			env=env,
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			start_new_session=True,
		),
		*(
			subprocess.Popen(
				[python, "-m", "lot_traceability.benchmarks.app_off", "worker"]
				if mode == "erpnext"
				else [python, "-m", "frappe.utils.bench_helper", "frappe", "worker"],
				cwd=sites,
				env=env,
				stdout=subprocess.DEVNULL,
				stderr=subprocess.DEVNULL,
				start_new_session=True,
			)
			for _ in range(rq_workers)
		),
	]
	try:
		deadline = time.monotonic() + 120
		while not port_open(port):
			if time.monotonic() > deadline or started[0].poll() is not None:
				raise RuntimeError(f"gunicorn did not start on 127.0.0.1:{port}")
			time.sleep(0.2)
		yield f"http://127.0.0.1:{port}"
	finally:
		for process in started:
			try:
				os.killpg(process.pid, signal.SIGTERM)
			except ProcessLookupError:
				continue
		for process in started:
			try:
				process.wait(timeout=60)
			except subprocess.TimeoutExpired:
				os.killpg(process.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------- clients
class Client:
	def __init__(self, url: str, token: str):
		self.url = url
		self.session = requests.Session()
		self.session.headers.update({"Authorization": f"token {token}", "Accept": "application/json"})

	def insert(self, doc: dict):
		return self.session.post(f"{self.url}/api/resource/{doc['doctype']}", json=doc, timeout=300)

	def call(self, method: str, http: str = "GET", **params):
		if http == "GET":
			return self.session.get(f"{self.url}/api/method/{method}", params=params, timeout=300)
		return self.session.post(f"{self.url}/api/method/{method}", json=params, timeout=300)


def documents(data, rng: random.Random) -> dict:
	"""One document of each kind, as an integration would post it."""
	item = rng.choice(data.hot_items)
	common = {"company": data.company, "docstatus": 1}
	return {
		"delivery": {
			**common,
			"doctype": "Delivery Note",
			"customer": data.customer,
			"items": [{"item_code": item, "qty": 1, "rate": 20, "warehouse": data.warehouse}],
		},
		"transfer": {
			**common,
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"items": [{"item_code": item, "qty": 2, "s_warehouse": data.warehouse, "t_warehouse": data.east}],
		},
		"receipt": {
			**common,
			"doctype": "Purchase Receipt",
			"supplier": data.supplier,
			"items": [{"item_code": item, "qty": 30, "rate": 10, "warehouse": data.warehouse}],
		},
		"pick_list": {
			**common,
			"doctype": "Pick List",
			"purpose": "Material Transfer",
			"locations": [{"item_code": item, "qty": 1, "stock_qty": 1, "warehouse": data.warehouse}],
		},
		"repack": {
			**common,
			"doctype": "Stock Entry",
			"stock_entry_type": "Repack",
			"purpose": "Repack",
			"items": [
				{"item_code": item, "qty": 1, "s_warehouse": data.warehouse},
				{
					"item_code": data.portion,
					"qty": 4,
					"t_warehouse": data.warehouse,
					"is_finished_item": 1,
				},
			],
		},
	}


def drive(url: str, data, seconds: int, clients: int, mode: str) -> dict:
	"""`clients` threads posting the mix until `seconds` have passed; every response recorded."""
	operations = list(MIX)
	weights = [MIX[op] for op in operations]
	records, lock = [], threading.Lock()
	deadline = time.monotonic() + seconds
	held: list[str] = []

	def worker(number: int):
		rng = random.Random(number * 7919 + data.started.microsecond)
		clerk, quality = Client(url, data.clerk), Client(url, data.quality)
		while time.monotonic() < deadline:
			op = rng.choices(operations, weights)[0]
			started = time.perf_counter()
			if op in DOCUMENTS:
				response = clerk.insert(documents(data, rng)[op])
			elif op == "hold":
				with lock:
					release = held.pop(0) if held and rng.random() < 0.6 else None
				lot = release or rng.choice(data.lots[rng.choice(data.hot_items)])
				if mode == "app":
					response = quality.call(
						"lot_traceability.api.change_lot_status",
						"POST",
						batches=[lot],
						to_status="Approved" if release else "Quarantined",
						reason="Load test: temperature check" if not release else "Load test: released",
					)
				else:
					response = clerk.call(
						"frappe.client.set_value",
						"POST",
						doctype="Batch",
						name=lot,
						fieldname="disabled",
						value=0 if release else 1,
					)
				if response.ok and not release:
					with lock:
						held.append(lot)
			else:
				lot = rng.choice(data.lots[rng.choice(data.hot_items)])
				response = read(clerk, data, op, mode, lot)
			elapsed = time.perf_counter() - started
			record = {"op": op, "seconds": elapsed, "status": response.status_code}
			if not response.ok:
				record["error"] = error_of(response)
			with lock:
				records.append(record)

	threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
	began = time.monotonic()
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=seconds + 600)
	wall = time.monotonic() - began
	return {"records": records, "wall": wall}


def read(clerk: Client, data, op: str, mode: str, lot: str):
	"""A trace or a recall read of `lot`: the app's, or ERPNext's nearest report (a trace: the Stock
	Ledger of the lot; a recall read: its Batch-Wise Balance History)."""
	if mode == "app":
		if op == "trace":
			return clerk.call("lot_traceability.api.get_lot_trace", batch=lot)
		return clerk.call("lot_traceability.api.get_recall_impact", batches=json.dumps([lot]))
	filters = {
		"company": data.company,
		"from_date": data.from_date,
		"to_date": data.to_date,
		"item_code": data.item_of[lot],
		"batch_no": lot,
	}
	report = "Stock Ledger" if op == "trace" else "Batch-Wise Balance History"
	return clerk.call("frappe.desk.query_report.run", report_name=report, filters=json.dumps(filters))


def error_of(response) -> str:
	try:
		body = response.json()
	except ValueError:
		return f"HTTP {response.status_code}"
	kind = body.get("exc_type") or f"HTTP {response.status_code}"
	messages = body.get("_server_messages")
	text = ""
	if messages:
		try:
			text = json.loads(json.loads(messages)[0]).get("message", "")
		except (ValueError, TypeError, AttributeError, IndexError):
			text = str(messages)[:200]
	return f"{kind}: {frappe.utils.strip_html(text)[:160]}"
