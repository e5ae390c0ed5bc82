"""What the app adds to the submit time of large stock documents.

Measures insert + submit of a 50-row Delivery Note (the lots picked automatically), of a Manufacture
Stock Entry consuming 50 lots, of a 50-row Purchase Receipt making 50 governed lots, of one whose
lots' rule requires a certificate of analysis (all 50 held for want of it, in one recorded change;
its tasks are queued for after the commit, as a request queues them), of a 50-row Material Transfer
(lots picked automatically) and of a 50-row Stock Reconciliation of lots, alternately with the app
and without it (the same site, the same data, the same process), and prints the min, median, 90th
percentile and max of each. Every item is governed by a Lot Rule (FEFO, a minimum remaining shelf
life at shipment) and has `lots_per_item` lots in stock with expiry dates a week apart, so picking
has a choice to make; the customer has a minimum remaining shelf life of its own, so the app's
allocation and checks run in full. With the app, the time spent keeping the lot balances and the lot
ledger (the bundle hooks' `balances.apply_bundle` and `lot_ledger.record_bundle`) is also timed on
its own, per submit.

*With the app* means all of it: its doc_events and everything it installs at request start (the
batch picker query, the allocation in ERPNext's picking, the request error answer), as a request
would have them. *Without* means none of it: its doc_events left out of Frappe's hooks and ERPNext's
own functions put back, as if the app were not installed. Everything it creates is rolled back.

	bench --site <site> execute lot_traceability.benchmarks.hook_overhead.run --kwargs "{'runs': 10, 'lots_per_item': 20}"

Recorded figures: docs/benchmarks.md.
"""

import math
import statistics
import time

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability.tests.utils import (
	company_defaults,
	delivery_note,
	make_customer,
	make_lot_item,
	make_lot_rule,
	make_warehouse,
	receive,
)


def run(runs: int = 10, rows: int = 50, lots_per_item: int = 20, kinds: str | None = None) -> dict:
	"""`kinds`: some of the kinds only, comma-separated (e.g. "Purchase Receipt,Receipt, held" is
	read as the two receipt kinds); all six by default."""
	frappe.flags.in_test = True  # ERPNext's test builders expect it
	wanted = chosen_kinds(kinds)
	items = stock_items(rows, lots_per_item=lots_per_item) if wanted & STOCKED_KINDS else []
	customer = customer_with_requirements() if "Delivery Note" in wanted else None
	received = items_needing_documents(rows) if "Receipt, held" in wanted else []
	plain = stock_items(rows, receive_stock=False) if "Purchase Receipt" in wanted else []
	elsewhere = make_warehouse("_Lot Overhead Transfer Target")
	builders = {
		"Delivery Note": lambda: delivery_of(items, customer),
		"Manufacture": lambda: manufacture_of(items),
		"Purchase Receipt": lambda: receipt_of(plain),
		"Receipt, held": lambda: receipt_of(received),
		"Material Transfer": lambda: transfer_of(items, elsewhere),
		"Stock Reconciliation": lambda: reconciliation_of(items),
	}
	kinds = {kind: build for kind, build in builders.items() if kind in wanted}
	results = {kind: {"with": [], "without": [], "upkeep": []} for kind in kinds}
	for i in range(runs):
		modes = ("with", "without") if i % 2 == 0 else ("without", "with")
		for mode in modes:
			for kind, build in kinds.items():
				seconds, upkeep = timed(build, mode)
				results[kind][mode].append(seconds)
				if mode == "with":
					results[kind]["upkeep"].append(upkeep)
	frappe.db.rollback()
	report = summarise(results, runs, rows)
	report["figures"]["lots_per_item"] = lots_per_item
	print(report["text"])
	return report["figures"]


KINDS = (
	"Delivery Note",
	"Manufacture",
	"Purchase Receipt",
	"Receipt, held",
	"Material Transfer",
	"Stock Reconciliation",
)
STOCKED_KINDS = {"Delivery Note", "Manufacture", "Material Transfer", "Stock Reconciliation"}


def chosen_kinds(kinds: str | None) -> set[str]:
	if not kinds:
		return set(KINDS)
	chosen = {kind for kind in KINDS if kind in kinds}
	if not chosen:
		frappe.throw(f"No kind of document in {kinds!r}; the kinds are: {', '.join(KINDS)}")
	return chosen


def stock_items(rows: int, receive_stock: bool = True, lots_per_item: int = 1) -> list[str]:
	"""Items under a FEFO Lot Rule with a minimum remaining shelf life; with stock, `lots_per_item`
	lots of each (1,000 units of the item in all), the n-th lots of every item expiring 60 + 7n days
	from today."""
	items = [make_lot_item() for _ in range(rows)]
	for item in items:
		make_lot_rule(
			item=item,
			receipt_status="Approved",
			allocation_policy="FEFO",
			shelf_life=2,
			shelf_life_unit="Years",
			min_remaining_shelf_life=30,
			min_remaining_shelf_life_unit="Days",
		)
	if not receive_stock:
		return items
	for n in range(max(1, int(lots_per_item))):
		receipt = receive(items[0], qty=1000 / max(1, int(lots_per_item)), do_not_save=True)
		template = receipt.items[0].as_dict()
		for item in items[1:]:
			row = {k: v for k, v in template.items() if k not in ("name", "idx", "item_code", "item_name")}
			receipt.append("items", {**row, "item_code": item, "item_name": item, "description": item})
		receipt.insert()
		receipt.submit()
		lots = frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": ("in", [row.serial_and_batch_bundle for row in receipt.items])},
			pluck="batch_no",
		)
		frappe.db.set_value("Batch", {"name": ("in", lots)}, "expiry_date", add_days(nowdate(), 60 + 7 * n))
	return items


def items_needing_documents(rows: int) -> list[str]:
	"""Items whose Lot Rule requires a certificate of analysis: every lot a receipt makes of them is
	held for want of it (one recorded change for the receipt)."""
	items = [make_lot_item() for _ in range(rows)]
	for item in items:
		make_lot_rule(
			item=item,
			receipt_status="Approved",
			required_documents=[{"document_type": "Certificate of Analysis"}],
		)
	return items


def receipt_of(items):
	"""A 50-row Purchase Receipt, each row a new lot."""
	receipt = receive(items[0], qty=10, do_not_save=True)
	template = receipt.items[0].as_dict()
	for item in items[1:]:
		row = {k: v for k, v in template.items() if k not in ("name", "idx", "item_code", "item_name")}
		receipt.append("items", {**row, "item_code": item, "item_name": item, "description": item})
	return receipt


def customer_with_requirements() -> str:
	name = make_customer("_Lot Overhead Customer")
	frappe.db.set_value(
		"Customer", name, {"min_remaining_shelf_life": 50, "min_remaining_shelf_life_unit": "% of Shelf Life"}
	)
	return name


def delivery_of(items, customer):
	dn = delivery_note(items[0], 2, customer=customer)
	template = dn.items[0].as_dict()
	for item in items[1:]:
		row = {k: v for k, v in template.items() if k not in ("name", "idx", "item_code", "item_name")}
		dn.append("items", {**row, "item_code": item, "item_name": item})
	return dn


def manufacture_of(items):
	d = company_defaults()
	common = {"conversion_factor": 1, "uom": "Nos", "stock_uom": "Nos", "cost_center": d.cost_center}
	rows = [{**common, "item_code": item, "qty": 2, "s_warehouse": d.warehouse} for item in items]
	rows.append(
		{**common, "item_code": make_lot_item(), "qty": 1, "t_warehouse": d.warehouse, "is_finished_item": 1}
	)
	return frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": "Manufacture",
			"stock_entry_type": "Manufacture",
			"company": d.company,
			"items": rows,
		}
	)


def transfer_of(items, target):
	"""A 50-row Material Transfer of 2 of each item to another warehouse, lots picked automatically."""
	d = company_defaults()
	common = {"conversion_factor": 1, "uom": "Nos", "stock_uom": "Nos", "cost_center": d.cost_center}
	return frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": "Material Transfer",
			"stock_entry_type": "Material Transfer",
			"company": d.company,
			"items": [
				{**common, "item_code": item, "qty": 2, "s_warehouse": d.warehouse, "t_warehouse": target}
				for item in items
			],
		}
	)


def reconciliation_of(items):
	"""A 50-row Stock Reconciliation: each item's first lot counted one unit over its book."""
	from erpnext.stock.doctype.batch.batch import get_batch_qty

	d = company_defaults()
	rows = []
	for item in items:
		lot = frappe.get_all(
			"Batch", filters={"item": item}, order_by="expiry_date asc, name asc", pluck="name", limit=1
		)[0]
		book = get_batch_qty(batch_no=lot, warehouse=d.warehouse, item_code=item)
		rows.append(
			{
				"item_code": item,
				"warehouse": d.warehouse,
				"batch_no": lot,
				"use_serial_batch_fields": 1,
				"qty": book + 1,
				"valuation_rate": 10,
			}
		)
	return frappe.get_doc(
		{
			"doctype": "Stock Reconciliation",
			"purpose": "Stock Reconciliation",
			"company": d.company,
			"expense_account": frappe.get_cached_value("Company", d.company, "stock_adjustment_account"),
			"cost_center": d.cost_center,
			"items": rows,
		}
	)


def timed(build, mode) -> tuple[float, float]:
	"""Seconds of the insert + submit, and of them the kept balances' and lot ledger's upkeep."""
	from lot_traceability import lot_ledger
	from lot_traceability.overrides import serial_and_batch_bundle as bundle_hooks

	frappe.db.savepoint("hook_overhead")
	set_app_hooks(mode == "with")
	spent = [0.0]
	# the bundle hooks' kept balances (`apply_bundle`) and lot ledger (`lot_ledger.record_bundle`)
	originals = {
		(bundle_hooks, "apply_bundle"): bundle_hooks.apply_bundle,
		(lot_ledger, "record_bundle"): lot_ledger.record_bundle,
	}

	def clocked(function):
		def inner(*args, **kwargs):
			start = time.perf_counter()
			try:
				return function(*args, **kwargs)
			finally:
				spent[0] += time.perf_counter() - start

		return inner

	for (module, name), function in originals.items():
		setattr(module, name, clocked(function))
	try:
		doc = build()
		# timed as a request runs it: not as a test (ERPNext re-reads its account maps in tests, and
		# the work a request queues after its commit would run inline); nothing here is committed
		frappe.flags.in_test = False
		frappe.flags.pop("warehouse_account_map", None)  # as a new request starts without it
		start = time.perf_counter()
		doc.insert()
		doc.submit()
		return time.perf_counter() - start, spent[0]
	finally:
		frappe.flags.in_test = True
		for (module, name), function in originals.items():
			setattr(module, name, function)
		frappe.db.rollback(save_point="hook_overhead")
		set_app_hooks(True)


def set_app_hooks(enabled: bool) -> None:
	"""The whole app (doc_events and request-start overrides), or none of it."""
	from lot_traceability.overrides import erpnext_allocation, erpnext_queries, frappe_app

	overrides = (erpnext_queries, erpnext_allocation, frappe_app)
	for module in overrides:
		module.apply() if enabled else module.unapply()
	if hasattr(frappe.local, "doc_events_hooks"):
		del frappe.local.doc_events_hooks
	hooks = frappe.get_doc_hooks()
	if enabled:
		return
	frappe.local.doc_events_hooks = {
		doctype: {
			event: [handler for handler in handlers if not handler.startswith("lot_traceability.")]
			for event, handlers in events.items()
		}
		for doctype, events in hooks.items()
	}


def summarise(results, runs, rows) -> dict:
	figures = {}
	lines = [
		f"{runs} runs, {rows} rows each (seconds: min / median / p90 / max; overhead: of the medians, and "
		"min / median / max of each round's pair; upkeep: median ms)"
	]
	for doc, modes in results.items():
		stats = {mode: spread(modes[mode]) for mode in ("with", "without")}
		overhead = (stats["with"]["median"] - stats["without"]["median"]) / stats["without"]["median"] * 100
		upkeep = round(statistics.median(modes["upkeep"]) * 1000, 1) if modes["upkeep"] else None
		# the same round's two submits side by side: the machine's drift between rounds cancels out
		rounds = sorted(
			(with_app - without) / without * 100
			for with_app, without in zip(modes["with"], modes["without"], strict=True)
		)
		by_round = {"min": rounds[0], "median": statistics.median(rounds), "max": rounds[-1]}
		figures[doc] = {
			"with": stats["with"],
			"without": stats["without"],
			"overhead_percent": round(overhead, 1),
			"overhead_by_round": {key: round(value, 1) for key, value in by_round.items()},
			"upkeep_ms": upkeep,
		}
		w, o = stats["with"], stats["without"]
		lines.append(
			f"{doc:20} with {w['min']:.3f} / {w['median']:.3f} / {w['p90']:.3f} / {w['max']:.3f}   "
			f"without {o['min']:.3f} / {o['median']:.3f} / {o['p90']:.3f} / {o['max']:.3f}   "
			f"overhead {overhead:+.1f} % (round by round {by_round['min']:+.1f} / "
			f"{by_round['median']:+.1f} / {by_round['max']:+.1f} %)   upkeep {upkeep} ms"
		)
	return {"figures": figures, "text": "\n".join(lines)}


def spread(times: list[float]) -> dict:
	ordered = sorted(times)
	return {
		"min": ordered[0],
		"median": statistics.median(ordered),
		"p90": ordered[min(len(ordered), math.ceil(len(ordered) * 0.9)) - 1],
		"max": ordered[-1],
	}
