"""Genealogy records captured from real production documents, removed on cancel, rebuilt from the ledger."""

import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability.genealogy import records as lineage
from lot_traceability.genealogy.trace import walk
from lot_traceability.tests.utils import (
	company_defaults,
	get_received_batches,
	make_lot,
	make_lot_item,
	send_to_subcontractor,
	subcontracting_order,
	subcontracting_receipt,
)
from lot_traceability.traceability.genealogy import FORWARD, spread_forward


def produce(purpose, consumed, made):
	"""A submitted Stock Entry consuming [(lot, qty)] into [(item, qty)]; returns it and its new lots."""
	d = company_defaults()
	common = {"conversion_factor": 1, "uom": "Nos", "stock_uom": "Nos", "cost_center": d.cost_center}
	rows = [
		{
			**common,
			"item_code": lot.item,
			"qty": qty,
			"s_warehouse": lot.warehouse,
			"batch_no": lot.batch,
			"use_serial_batch_fields": 1,
			"basic_rate": 10,
		}
		for lot, qty in consumed
	]
	rows += [
		{
			**common,
			"item_code": item,
			"qty": qty,
			"t_warehouse": d.warehouse,
			"is_finished_item": int(purpose == "Manufacture"),
			"basic_rate": 10,
			"set_basic_rate_manually": 1,
		}
		for item, qty in made
	]
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": purpose,
			"stock_entry_type": purpose,
			"company": d.company,
			"items": rows,
		}
	)
	entry.insert()
	entry.submit()
	made_lots = get_received_batches(entry.name, "Stock Entry")
	return entry, [
		frappe._dict(item=frappe.db.get_value("Batch", b, "item"), batch=b, warehouse=d.warehouse)
		for b in made_lots
	]


def stored(voucher):
	return {
		(r.parent_lot, r.child_lot): round(r.qty, 6)
		for r in frappe.get_all(
			"Lot Genealogy", filters={"voucher_no": voucher}, fields=["parent_lot", "child_lot", "qty"]
		)
	}


def forward_trace(lot):
	return walk([lot], FORWARD)


class TestLineage(FrappeTestCase):
	def test_three_level_manufacture(self):
		raw_a, raw_b = make_lot(qty=50), make_lot(qty=50)
		first, (intermediate,) = produce("Manufacture", [(raw_a, 10), (raw_b, 5)], [(make_lot_item(), 15)])
		second, (finished,) = produce("Manufacture", [(intermediate, 15)], [(make_lot_item(), 30)])
		self.assertEqual(
			stored(first.name), {(raw_a.batch, intermediate.batch): 10, (raw_b.batch, intermediate.batch): 5}
		)
		self.assertEqual(stored(second.name), {(intermediate.batch, finished.batch): 15})
		trace = forward_trace(raw_a.batch)
		self.assertEqual(trace.depth, {raw_a.batch: 0, intermediate.batch: 1, finished.batch: 2})
		content = spread_forward(
			raw_a.batch, 50, trace.edges, {raw_a.batch: 50, intermediate.batch: 15, finished.batch: 30}
		)
		self.assertAlmostEqual(content[finished.batch], 10)
		record = frappe.get_all("Lot Genealogy", filters={"voucher_no": first.name}, fields=["*"])[0]
		self.assertEqual(
			(record.relation, record.company, record.voucher_type),
			("Manufacture", first.company, "Stock Entry"),
		)
		self.assertEqual(lineage.check({"Stock Entry": [first.name, second.name]}), [])

	def test_repack_split_and_merge(self):
		source, other = make_lot(qty=40), make_lot(qty=40)
		portion_item = make_lot_item()
		split, parts = produce("Repack", [(source, 30)], [(portion_item, 10), (portion_item, 20)])
		by_qty = {
			round(
				frappe.db.get_value("Lot Genealogy", {"voucher_no": split.name, "child_lot": p.batch}, "qty")
			): p
			for p in parts
		}
		self.assertEqual(sorted(by_qty), [10, 20])
		merge, (blend,) = produce("Repack", [(by_qty[10], 10), (other, 5)], [(make_lot_item(), 15)])
		self.assertEqual(
			stored(merge.name), {(by_qty[10].batch, blend.batch): 10, (other.batch, blend.batch): 5}
		)

	def test_cancel_removes_and_amend_recreates(self):
		raw = make_lot(qty=20)
		entry, (made,) = produce("Manufacture", [(raw, 8)], [(make_lot_item(), 8)])
		self.assertTrue(stored(entry.name))
		entry = frappe.get_doc("Stock Entry", entry.name)
		entry.cancel()
		self.assertEqual(stored(entry.name), {})
		amended = frappe.copy_doc(entry)
		amended.amended_from = entry.name
		amended.docstatus = 0
		for row in amended.items:
			row.serial_and_batch_bundle = None
		amended.insert()
		amended.submit()
		(new_lot,) = get_received_batches(amended.name, "Stock Entry")
		self.assertEqual(stored(amended.name), {(raw.batch, new_lot): 8})
		self.assertEqual(lineage.check({"Stock Entry": [entry.name, amended.name]}), [])

	def test_subcontracting_receipt_links_supplied_lots_to_received_lots(self):
		raw = make_lot(qty=10)
		sco = subcontracting_order(raw)
		sent = send_to_subcontractor(raw, sco)
		sent.insert()
		sent.submit()
		receipt = subcontracting_receipt(sco.name)
		receipt.insert()
		receipt.submit()
		(received,) = get_received_batches(receipt.name, "Subcontracting Receipt")
		self.assertEqual(stored(receipt.name), {(raw.batch, received): 2})
		self.assertEqual(
			frappe.db.get_value("Lot Genealogy", {"voucher_no": receipt.name}, "relation"), "Subcontracting"
		)

	def test_check_reports_a_record_that_differs_from_the_ledger(self):
		raw = make_lot(qty=20)
		entry, _ = produce("Manufacture", [(raw, 4)], [(make_lot_item(), 4)])
		frappe.db.delete("Lot Genealogy", {"voucher_no": entry.name})
		problems = lineage.check({"Stock Entry": [entry.name]})
		self.assertEqual(len(problems), 1)
		self.assertTrue(problems[0].startswith("missing"))
		lineage.record_voucher("Stock Entry", entry.name)
		self.assertEqual(lineage.check({"Stock Entry": [entry.name]}), [])


class TestLotTrace(FrappeTestCase):
	"""The Lot Trace report and API on a real three-level history with a split and deliveries."""

	def test_trace_both_ways_with_quantities_and_ends(self):
		from lot_traceability.api import get_lot_trace
		from lot_traceability.lot_traceability.report.lot_trace.lot_trace import execute
		from lot_traceability.tests.utils import delivery_note

		raw = make_lot(qty=100)
		other = make_lot(qty=100)
		_, (intermediate,) = produce("Manufacture", [(raw, 40), (other, 40)], [(make_lot_item(), 80)])
		portion_item = make_lot_item()
		_, parts = produce("Repack", [(intermediate, 80)], [(portion_item, 60), (portion_item, 20)])
		big = max(parts, key=lambda p: frappe.db.get_value("Lot Genealogy", {"child_lot": p.batch}, "qty"))
		note = delivery_note(big.item, 15, big.batch)
		note.insert()
		note.submit()

		forward = get_lot_trace(batch=raw.batch, direction="Forward")["directions"]["forward"]
		qty = {node["lot"]: round(node["qty"], 6) for node in forward["nodes"]}
		# 40 of the 100 of raw went into the 80 of intermediate (half of it), then 60/80 of that into big
		self.assertEqual(qty[raw.batch], 100)
		self.assertEqual(qty[intermediate.batch], 40)
		self.assertEqual(qty[big.batch], 30)
		self.assertEqual(
			{node["lot"] for node in forward["nodes"]},
			{raw.batch, intermediate.batch, *(p.batch for p in parts)},
		)
		(delivered,) = forward["documents"]
		self.assertEqual(
			(delivered.voucher_no, delivered.party, -delivered.qty), (note.name, note.customer, 15)
		)

		backward = get_lot_trace(batch=big.batch, direction="Backward")["directions"]["backward"]
		back_qty = {node["lot"]: round(node["qty"], 6) for node in backward["nodes"]}
		self.assertEqual(back_qty, {big.batch: 60, intermediate.batch: 60, raw.batch: 30, other.batch: 30})
		suppliers = {d.party for d in backward["documents"]}
		self.assertEqual(suppliers, {frappe.db.get_value("Purchase Receipt", raw.receipt.name, "supplier")})

		columns, data, *_rest, summary = execute({"batch": raw.batch, "direction": "Both"})
		self.assertTrue(
			any(row.get("document") == note.name and row.get("party") == note.customer for row in data)
		)
		self.assertTrue(all("indent" in row for row in data))
		self.assertEqual([c["fieldname"] for c in columns][:2], ["relation", "lot"])
		self.assertTrue(summary)

	def test_a_trace_reading_only_end_and_making_movements_answers_as_one_reading_them_all(self):
		from unittest.mock import patch

		from lot_traceability.genealogy.trace import trace_lot
		from lot_traceability.queries import lot_ledger as lot_ledger_queries

		raw = make_lot(qty=100)
		_, (made,) = produce("Manufacture", [(raw, 40)], [(make_lot_item(), 40)])
		others = frappe.db.sql_list(
			"""select distinct g.parent_lot from `tabLot Genealogy` g join `tabBatch` b on b.name = g.parent_lot
			order by g.creation desc limit 40"""
		)
		for root in (raw.batch, made.batch, *others):
			answer = trace_lot(batch=root)
			with patch.object(lot_ledger_queries, "ENDS_AND_MAKINGS", None):  # every movement read
				self.assertEqual(answer, trace_lot(batch=root), root)
			nodes = [node for way in answer["directions"].values() for node in way["nodes"]]
			ledger = dict(
				frappe.db.sql(
					"""select batch_no, sum(qty) from `tabLot Ledger Entry` where batch_no in %(lots)s
					group by batch_no""",
					{"lots": [node["lot"] for node in nodes]},
				)
			)
			for node in nodes:  # on hand from the kept balances: the sum of every movement
				self.assertAlmostEqual(node["on_hand"], float(ledger.get(node["lot"]) or 0), 6, node["lot"])

	def test_trace_by_supplier_lot_and_bad_input(self):
		from lot_traceability.api import get_lot_trace

		with self.assertRaisesRegex(frappe.DoesNotExistError, "NO-SUCH-LOT"):
			get_lot_trace(batch="NO-SUCH-LOT")
		with self.assertRaisesRegex(
			frappe.ValidationError, "Direction must be Backward, Forward or Both, not Sideways"
		):
			get_lot_trace(direction="Sideways", batch=make_lot().batch)
		lot = make_lot()
		frappe.db.set_value("Batch", lot.batch, "supplier_lot_no", "SUP-TRACE-1")
		self.assertEqual(get_lot_trace(supplier_lot_no="SUP-TRACE-1")["roots"], [lot.batch])


class TestLineageUnderRandomHistory(FrappeTestCase):
	def test_stored_records_equal_a_rebuild_after_random_submits_cancels_and_amends(self):
		import random

		for seed in (1, 2, 3):
			rng = random.Random(seed)
			raws = [make_lot(qty=200) for _ in range(3)]
			live, touched = [], []
			for _ in range(12):
				action = rng.choice(("submit", "submit", "cancel", "amend")) if live else "submit"
				if action == "submit":
					inputs = rng.sample(raws, rng.randint(1, 2))
					outputs = [(make_lot_item(), rng.randint(1, 5)) for _ in range(rng.randint(1, 2))]
					purpose = "Manufacture" if len(outputs) == 1 else "Repack"
					entry, _made = produce(purpose, [(lot, rng.randint(1, 3)) for lot in inputs], outputs)
					live.append(entry.name)
					touched.append(entry.name)
				else:
					name = live.pop(rng.randrange(len(live)))
					entry = frappe.get_doc("Stock Entry", name)
					entry.cancel()
					if action == "amend":
						amended = frappe.copy_doc(entry)
						amended.amended_from = name
						amended.docstatus = 0
						for row in amended.items:
							row.serial_and_batch_bundle = None
						amended.insert()
						amended.submit()
						live.append(amended.name)
						touched.append(amended.name)
			self.assertEqual(lineage.check({"Stock Entry": touched}), [], f"seed {seed}")
			self.assertEqual(
				frappe.db.count(
					"Lot Genealogy", {"voucher_no": ("in", [n for n in touched if n not in live])}
				),
				0,
			)
