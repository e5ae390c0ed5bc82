"""What the app adds to the submit time of large stock documents.

Measures insert + submit of a 50-row Delivery Note (the lots picked automatically), of a
Manufacture Stock Entry consuming 50 lots, of a 50-row Purchase Receipt making 50 governed lots, and
of one whose lots' rule requires a certificate of analysis (all 50 held for want of it, in one
recorded change with its tasks), alternately with the app and without it (the same site,
the same data, the same process), and prints the median and 90th percentile of each. Every item is
governed by a Lot Rule (FEFO, a minimum remaining shelf life at shipment) and the customer has a
minimum remaining shelf life of its own, so the app's allocation and checks run in full.

*With the app* means all of it: its doc_events and everything it installs at request start (the
batch picker query, the allocation in ERPNext's picking, the request error answer), as a request
would have them. *Without* means none of it: its doc_events left out of Frappe's hooks and ERPNext's
own functions put back, as if the app were not installed. Everything it creates is rolled back.

	bench --site <site> execute lot_traceability.benchmarks.hook_overhead.run --kwargs "{'runs': 10}"

Recorded figures: docs/benchmarks.md.
"""

import math
import statistics
import time

import frappe

from lot_traceability.tests.utils import (
	company_defaults,
	delivery_note,
	make_customer,
	make_lot_item,
	make_lot_rule,
	receive,
)


def run(runs: int = 10, rows: int = 50) -> dict:
	frappe.flags.in_test = True  # ERPNext's test builders expect it
	items = stock_items(rows)
	customer = customer_with_requirements()
	received = items_needing_documents(rows)
	plain = stock_items(rows, receive_stock=False)
	results = {
		"Delivery Note": {"with": [], "without": []},
		"Manufacture": {"with": [], "without": []},
		"Purchase Receipt": {"with": [], "without": []},
		"Receipt, held": {"with": [], "without": []},
	}
	for i in range(runs):
		modes = ("with", "without") if i % 2 == 0 else ("without", "with")
		for mode in modes:
			results["Delivery Note"][mode].append(timed(lambda: delivery_of(items, customer), mode))
			results["Manufacture"][mode].append(timed(lambda: manufacture_of(items), mode))
			results["Purchase Receipt"][mode].append(timed(lambda: receipt_of(plain), mode))
			results["Receipt, held"][mode].append(timed(lambda: receipt_of(received), mode))
	frappe.db.rollback()
	report = summarise(results, runs, rows)
	print(report["text"])
	return report["figures"]


def stock_items(rows: int, receive_stock: bool = True) -> list[str]:
	"""Items under a FEFO Lot Rule with a minimum remaining shelf life, 1,000 of each in stock."""
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
	receipt = receive(items[0], qty=1000, do_not_save=True)
	template = receipt.items[0].as_dict()
	for item in items[1:]:
		row = {k: v for k, v in template.items() if k not in ("name", "idx", "item_code", "item_name")}
		receipt.append("items", {**row, "item_code": item, "item_name": item, "description": item})
	receipt.insert()
	receipt.submit()
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


def timed(build, mode) -> float:
	frappe.db.savepoint("hook_overhead")
	set_app_hooks(mode == "with")
	try:
		doc = build()
		start = time.perf_counter()
		doc.insert()
		doc.submit()
		return time.perf_counter() - start
	finally:
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
	figures, lines = {}, [f"{runs} runs, {rows} rows each (seconds: median / p90)"]
	for doc, modes in results.items():
		stats = {
			mode: (statistics.median(times), sorted(times)[min(len(times), math.ceil(len(times) * 0.9)) - 1])
			for mode, times in modes.items()
		}
		overhead = (stats["with"][0] - stats["without"][0]) / stats["without"][0] * 100
		figures[doc] = {
			"with": stats["with"],
			"without": stats["without"],
			"overhead_percent": round(overhead, 1),
		}
		lines.append(
			f"{doc:16} with app hooks {stats['with'][0]:.3f} / {stats['with'][1]:.3f}   "
			f"without {stats['without'][0]:.3f} / {stats['without'][1]:.3f}   overhead {overhead:+.1f} %"
		)
	return {"figures": figures, "text": "\n".join(lines)}
