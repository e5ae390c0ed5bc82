"""Genealogy of a Work Order whose raw lots are consumed by Material Consumption for Manufacture entries."""

import frappe
from erpnext.manufacturing.doctype.production_plan.test_production_plan import make_bom
from erpnext.manufacturing.doctype.work_order.test_work_order import make_wo_order_test_record
from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry
from frappe.tests.utils import FrappeTestCase, change_settings

from lot_traceability.genealogy import records as lineage
from lot_traceability.genealogy.trace import trace_lot
from lot_traceability.tests.utils import (
	company_defaults,
	get_received_batches,
	make_lot_item,
	make_warehouse,
	receive,
)

CONSUMPTION = "Material Consumption for Manufacture"
WIP_WAREHOUSE = "_Lot WIP"


def work_order_with_two_lots(qty: float = 10) -> frappe._dict:
	"""A submitted Work Order for `qty` of a lot-controlled finished item (one raw unit per unit) whose
	raw item has two received lots, A (6 of it for this order) and B (4)."""
	d = company_defaults()
	raw = make_lot_item()
	lot_a, lot_b = (get_received_batches(receive(raw, qty=received).name)[0] for received in (8, 5))
	finished = make_lot_item(create_new_batch=1)
	make_bom(item=finished, raw_materials=[raw], company=d.company, currency=d.default_currency, rate=10)
	order = make_wo_order_test_record(
		production_item=finished,
		qty=qty,
		company=d.company,
		source_warehouse=d.warehouse,
		wip_warehouse=make_warehouse(WIP_WAREHOUSE, d.company),
		fg_warehouse=d.warehouse,
		stock_uom="Nos",
	)
	return frappe._dict(order=order, raw=raw, a=lot_a, b=lot_b, finished=finished)


def by_lot(entry, item: str, lots: list[tuple[str, float]]):
	"""Replace the rows of `item` on an unsaved Stock Entry by one row per (lot, qty)."""
	(template,) = [row for row in entry.items if row.item_code == item]
	values = template.as_dict(no_default_fields=True)
	values.pop("serial_and_batch_bundle", None)
	others = [row for row in entry.items if row.item_code != item]
	entry.set("items", [])
	for lot, qty in lots:
		entry.append(
			"items",
			{**values, "qty": qty, "transfer_qty": qty, "batch_no": lot, "use_serial_batch_fields": 1},
		)
	for row in others:
		entry.append("items", row.as_dict(no_default_fields=True))
	return entry


def submit(entry):
	entry.insert()
	entry.submit()
	return entry


def transfer(wo, lots):
	entry = frappe.get_doc(make_stock_entry(wo.order.name, "Material Transfer for Manufacture", wo.order.qty))
	return submit(by_lot(entry, wo.raw, lots))


def consume(wo, lot: str, qty: float):
	entry = frappe.get_doc(make_stock_entry(wo.order.name, CONSUMPTION, qty))
	return submit(by_lot(entry, wo.raw, [(lot, qty)]))


def manufacture(wo, qty: float, finished_only: bool = False):
	"""The Manufacture entry ERPNext maps for the Work Order; with `finished_only`, its raw rows are
	dropped so that its raw lots come from the consumption entries alone."""
	entry = frappe.get_doc(make_stock_entry(wo.order.name, "Manufacture", qty))
	if finished_only:
		entry.set("items", [row for row in entry.items if row.is_finished_item])
	submit(entry)
	(made,) = get_received_batches(entry.name, "Stock Entry")
	return entry, made


def stored(voucher: str) -> dict:
	return {
		(r.parent_lot, r.child_lot): round(r.qty, 6)
		for r in frappe.get_all(
			"Lot Genealogy", filters={"voucher_no": voucher}, fields=["parent_lot", "child_lot", "qty"]
		)
	}


def cancel(entry):
	entry = frappe.get_doc("Stock Entry", entry.name)
	entry.cancel()
	return entry


class TestLineageWithConsumptionEntries(FrappeTestCase):
	def setUp(self):
		self.enterContext(
			change_settings(
				"Manufacturing Settings",
				{
					"material_consumption": 1,
					"backflush_raw_materials_based_on": "BOM",
					"get_rm_cost_from_consumption_entry": 0,
				},
			)
		)

	def assert_ledger_agrees(self, *entries):
		self.assertEqual(lineage.check({"Stock Entry": [e.name for e in entries]}), [])

	def test_manufacture_takes_the_lots_consumed_for_its_work_order(self):
		wo = work_order_with_two_lots()
		moved = transfer(wo, [(wo.a, 6), (wo.b, 4)])
		first, second = consume(wo, wo.a, 6), consume(wo, wo.b, 4)
		entry, made = manufacture(wo, 10)
		self.assertEqual([row.item_code for row in entry.items], [wo.finished])
		self.assertEqual(frappe.db.get_value("Batch", made, "item"), wo.finished)

		self.assertEqual(stored(entry.name), {(wo.a, made): 6, (wo.b, made): 4})
		records = frappe.get_all(
			"Lot Genealogy",
			filters={"voucher_no": entry.name},
			fields=["work_order", "relation", "child_item"],
		)
		self.assertEqual(
			{(r.work_order, r.relation, r.child_item) for r in records},
			{(wo.order.name, "Manufacture", wo.finished)},
		)
		for voucher in (moved, first, second):
			self.assertEqual(stored(voucher.name), {})
		self.assert_ledger_agrees(moved, first, second, entry)

		backward = trace_lot(batch=made, direction="Backward")["directions"]["backward"]
		traced = {node["lot"]: round(node["qty"], 6) for node in backward["nodes"]}
		self.assertEqual(traced, {made: 10, wo.a: 6, wo.b: 4})

		forward = trace_lot(batch=wo.a, direction="Forward")["directions"]["forward"]
		self.assertIn(made, {node["lot"] for node in forward["nodes"]})

		cancel(entry)
		self.assertEqual(stored(entry.name), {})
		self.assertEqual(frappe.db.count("Lot Genealogy", {"work_order": wo.order.name}), 0)
		self.assert_ledger_agrees(moved, first, second, entry)

		cancel(second)
		self.assertEqual(frappe.db.count("Lot Genealogy", {"work_order": wo.order.name}), 0)
		self.assert_ledger_agrees(moved, first, second, entry)

	def test_consumption_entries_refresh_the_manufacture_records(self):
		wo = work_order_with_two_lots()
		transfer(wo, [(wo.a, 6), (wo.b, 4)])
		first = consume(wo, wo.a, 6)
		entry, made = manufacture(wo, 6, finished_only=True)
		self.assertEqual(stored(entry.name), {(wo.a, made): 6})
		self.assertEqual(frappe.db.get_value("Work Order", wo.order.name, "status"), "In Process")

		second = consume(wo, wo.b, 4)
		self.assertEqual(stored(entry.name), {(wo.a, made): 6, (wo.b, made): 4})
		self.assert_ledger_agrees(first, second, entry)

		cancel(second)
		self.assertEqual(stored(entry.name), {(wo.a, made): 6})
		self.assert_ledger_agrees(first, second, entry)

		cancel(first)
		self.assertEqual(stored(entry.name), {})
		self.assert_ledger_agrees(first, second, entry)
