"""Turn a scale plan (`traceability.scale`) into real ERPNext documents, through ERPNext's own
controllers, so every Stock Ledger Entry, Serial and Batch Bundle / Entry and Batch is exactly what
ERPNext makes.

	bench --site <site> lot-traceability generate --lots 10000 --depth 5 --deliveries 5000

Wide bundles keep the document count down: raw lots are received 500 to a Material Receipt row,
deliveries draw several lots per row. Progress is printed and committed every `commit_every`
documents, so a long run can be watched (and its work is kept if it is stopped). The fast path
(`bulk.py`, on by default) writes most documents by cloning ERPNext-made ones.
"""

import time

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from erpnext.stock.serial_batch_bundle import SerialBatchCreation
from frappe.utils import nowdate, nowtime

from lot_traceability.demo import builders as b
from lot_traceability.demo.bulk import BulkWriter
from lot_traceability.traceability.scale import ScalePlan, make_plan

COMPANY = "Scale Test Foods"
ABBR = "STF"
ITEM_GROUP = "Scale Test Items"
RECEIPT_CHUNK = 500


class Progress:
	def __init__(self, total: int, commit_every: int, out=print):
		self.total, self.done, self.commit_every, self.out = total, 0, commit_every, out
		self.started = time.monotonic()

	def step(self, label: str, n: int = 1, flush=None):
		self.done += n
		if self.done % self.commit_every < n or self.done == self.total:
			if flush:
				flush.flush()
			frappe.db.commit()
			elapsed = time.monotonic() - self.started
			rate = self.done / elapsed if elapsed else 0
			eta = (self.total - self.done) / rate if rate else 0
			self.out(f"{label}: {self.done}/{self.total} documents, {elapsed:.0f} s, ETA {eta:.0f} s")


def generate(
	lots: int,
	depth: int,
	deliveries: int,
	customers: int = 100,
	seed: int = 1,
	commit_every: int = 200,
	fast: bool = True,
	prefix: str | None = None,
	max_lots_per_row: int = 5,
	return_every: int = 50,
	out=print,
	**shape,
) -> dict:
	"""Make the planned history. With `fast`, only the first document of each kind (and every
	receipt and return) goes through ERPNext's controllers; the rest are written by the fast path."""
	started = time.monotonic()
	plan = make_plan(
		lots,
		depth,
		deliveries,
		customers=customers,
		seed=seed,
		prefix=prefix or f"S{seed}",
		max_lots_per_row=max_lots_per_row,
		return_every=return_every,
		**shape,
	)
	warehouse = setup_masters(plan, customers)
	# most documents are written without their hooks: the kept lot balances and lot ledger are set
	# from the ledger at the end instead of document by document
	frappe.flags.defer_lot_balances = True
	from lot_traceability import balances, lot_ledger

	try:
		documents = len(plan.lots) + len(plan.productions) + len(plan.deliveries) + len(plan.items[0])
		progress = Progress(documents, commit_every, out)
		writer = BulkWriter(COMPANY, warehouse) if fast else None
		batches = make_batches(plan, progress)
		receive_raw_lots(plan, batches, warehouse, progress)
		for production in plan.productions:
			if not made_already(production, batches):  # a run stopped after this point made it
				produce(production, plan, batches, warehouse, writer)
			progress.step("production", flush=writer)
		customer_names = [customer_name(n) for n in range(customers)]
		for delivery in plan.deliveries:
			deliver(delivery, batches, warehouse, customer_names, writer)
			progress.step("deliveries", flush=writer)
		if writer:
			writer.finish()
			frappe.db.commit()
			from lot_traceability.genealogy import records as lineage

			entries = frappe.get_all(
				"Stock Entry",
				filters={
					"company": COMPANY,
					"docstatus": 1,
					"purpose": ("in", list(lineage.PRODUCTION_PURPOSES)),
				},
				pluck="name",
			)
			count = lineage.record_vouchers("Stock Entry", entries)
			out(f"genealogy of the production entries recorded from the ledger: {count} records")
		balances.set_lot_balances_from_ledger(list(batches.values()))
		lot_ledger.set_lots_from_ledger(batches.values())
		out("lot balances and lot ledger of the generated lots set from the ledger")
		if writer:  # what the receipt and production hooks record, for the documents written in bulk
			from lot_traceability.exports.fsma204 import record_tlc_sources_from_ledger

			record_tlc_sources_from_ledger(batches.values())
	finally:
		frappe.flags.defer_lot_balances = False
	frappe.db.commit()
	seconds = time.monotonic() - started
	figures = {
		"lots": len(plan.lots),
		"planned_entry_rows": plan.entry_rows,
		"productions": len(plan.productions),
		"deliveries": len(plan.deliveries),
		"seconds": round(seconds, 1),
	}
	out(f"done: {figures}")
	return figures


def made_already(production, batches) -> bool:
	return bool(frappe.db.exists("Serial and Batch Entry", {"batch_no": batches[production.outputs[0][0]]}))


def setup_masters(plan: ScalePlan, customers: int) -> str:
	company = b.company(COMPANY, ABBR)
	warehouse = f"Stores - {ABBR}"
	group = b.item_group(ITEM_GROUP)
	for level_items in plan.items:
		for code in level_items:
			b.item(code, code, group, {company: warehouse}, create_new_batch=0, shelf_life_in_days=3650)
	for n in range(customers):
		b.party("Customer", customer_name(n))
	b.party("Supplier", "Scale Test Supplier")
	frappe.db.commit()
	return warehouse


def customer_name(n: int) -> str:
	return f"Scale Customer {n:05d}"


def make_batches(plan: ScalePlan, progress: Progress) -> dict[str, str]:
	batches = {}
	for key, lot in plan.lots.items():
		name = frappe.db.get_value("Batch", {"batch_id": key}) or (
			frappe.get_doc({"doctype": "Batch", "item": lot.item, "batch_id": key})
			.insert(ignore_permissions=True)
			.name
		)
		batches[key] = name
		progress.step("lots")
	return batches


def bundle(
	item: str,
	warehouse: str,
	voucher_type: str,
	lots: dict[str, float],
	inward: bool,
	rate=None,
	company: str = COMPANY,
) -> str:
	total = sum(lots.values())
	return (
		SerialBatchCreation(
			{
				"item_code": item,
				"warehouse": warehouse,
				"voucher_type": voucher_type,
				"total_qty": total if inward else -total,
				"batches": frappe._dict(lots),
				"type_of_transaction": "Inward" if inward else "Outward",
				"company": company,
				"posting_date": nowdate(),
				"posting_time": nowtime(),
				"rate": rate,
				"do_not_submit": True,
			}
		)
		.make_serial_and_batch_bundle()
		.name
	)


def receive_raw_lots(plan: ScalePlan, batches, warehouse, progress):
	"""One Material Receipt per 500 lots of an item, each committed (a receipt writes a lot per lot)."""
	by_item: dict[str, list[str]] = {}
	for key in plan.raw:
		by_item.setdefault(plan.lots[key].item, []).append(key)
	for item, keys in by_item.items():
		for start in range(0, len(keys), RECEIPT_CHUNK):
			chunk = {batches[key]: plan.lots[key].qty for key in keys[start : start + RECEIPT_CHUNK]}
			if frappe.db.exists("Serial and Batch Entry", {"batch_no": next(iter(chunk))}):
				continue  # received by an earlier, interrupted run
			row = {
				"item_code": item,
				"qty": sum(chunk.values()),
				"t_warehouse": warehouse,
				"basic_rate": 2,
				"serial_and_batch_bundle": bundle(item, warehouse, "Stock Entry", chunk, inward=True, rate=2),
			}
			b.stock_entry(COMPANY, "Material Receipt", nowdate(), [row], set_posting_time=0)
			frappe.db.commit()
		progress.step("receipts")


def produce(production, plan: ScalePlan, batches, warehouse, writer=None):
	finished = production.kind != "split"
	kind = "manufacture" if finished else "repack"
	if writer and writer.has_template(kind):
		rows = [("out", plan.lots[key].item, batches[key], qty) for key, qty in production.inputs]
		rows += [("in", plan.lots[key].item, batches[key], qty) for key, qty in production.outputs]
		writer.stock_entry(kind, rows)
		return
	if writer:
		writer.finish()
	rows = [
		b.lot_row(plan.lots[key].item, qty, batches[key], s_warehouse=warehouse)
		for key, qty in production.inputs
	]
	rows += [
		b.lot_row(
			plan.lots[key].item,
			qty,
			batches[key],
			t_warehouse=warehouse,
			is_finished_item=int(finished),
			basic_rate=2,
		)
		for key, qty in production.outputs
	]
	entry = b.stock_entry(
		COMPANY, "Manufacture" if finished else "Repack", nowdate(), rows, set_posting_time=0
	)
	if writer:
		writer.learn(kind, "Stock Entry", entry.name)


def deliver(delivery, batches, warehouse, customers, writer=None):
	if writer and writer.has_template("delivery") and not delivery.returned:
		writer.delivery_note(
			customers[delivery.customer],
			[(row.item, {batches[key]: qty for key, qty in row.lots}) for row in delivery.rows],
		)
		return
	if writer:
		writer.finish()
	rows = []
	for row in delivery.rows:
		lots = {batches[key]: qty for key, qty in row.lots}
		values = {"item_code": row.item, "qty": row.qty, "rate": 5, "warehouse": warehouse}
		if len(lots) == 1:
			values.update({"batch_no": next(iter(lots)), "use_serial_batch_fields": 1})
		else:
			values["serial_and_batch_bundle"] = bundle(
				row.item, warehouse, "Delivery Note", lots, inward=False
			)
		rows.append(values)
	note = b.delivery_note(COMPANY, customers[delivery.customer], nowdate(), rows, set_posting_time=0)
	if writer and not writer.has_template("delivery"):
		writer.learn("delivery", "Delivery Note", note.name)
	if delivery.returned:
		customer_return = make_sales_return(note.name)
		customer_return.items = customer_return.items[:1]
		customer_return.items[0].qty = -delivery.returned
		b.submit(customer_return)
