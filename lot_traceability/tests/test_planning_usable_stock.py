"""Planning counts usable stock beyond the Production Plan: ERPNext's automatic re-order and the Stock
Projected Qty report, with the switch on (held, expired and quarantine-warehouse lots of governed
items left out) and off (ERPNext's own figures).

The scene: a governed item with 10 approved and 30 quarantined in the store, a re-order level of 35
and a re-order quantity of 20 in the store. ERPNext sees 40 projected: above the level, no request.
Counting usable stock, 10 are projected: a request for 35 − 10 = 25 (more than the re-order
quantity). An ungoverned item with a quarantined lot is left to ERPNext either way."""

import frappe
from erpnext.stock import reorder_item
from frappe.desk.query_report import run as run_report
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate

from lot_traceability.overrides import erpnext_planning
from lot_traceability.tests.test_promising import lot_of
from lot_traceability.tests.utils import company_defaults, make_lot_item, make_lot_rule

LEVEL, REORDER_QTY = 35, 20
SWITCH = ("Lot Traceability Settings", "planning_uses_usable_stock")


class TestReorderAndProjectedQtyCountUsableStock(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		erpnext_planning.apply()  # as every request and job does at its start
		d = company_defaults()
		cls.company, cls.store = d.company, d.warehouse
		cls.group = frappe.db.get_value("Warehouse", cls.store, "parent_warehouse")
		cls.item = make_lot_item()
		make_lot_rule(item=cls.item, receipt_status="Approved")
		cls.approved = lot_of(cls.item, 10)
		cls.held = lot_of(cls.item, 30, "Quarantined")
		cls.ungoverned = make_lot_item()
		lot_of(cls.ungoverned, 10)
		lot_of(cls.ungoverned, 30, "Quarantined")
		for item in (cls.item, cls.ungoverned):
			doc = frappe.get_doc("Item", item)
			doc.append(
				"reorder_levels",
				{
					"warehouse": cls.store,
					"warehouse_reorder_level": LEVEL,
					"warehouse_reorder_qty": REORDER_QTY,
					"material_request_type": "Purchase",
				},
			)
			doc.save()

	@classmethod
	def tearDownClass(cls):
		erpnext_planning.unapply()
		super().tearDownClass()

	def tearDown(self):
		frappe.db.set_single_value(*SWITCH, 1)
		frappe.local.lot_unusable_bins = None

	def switch_off(self):
		frappe.db.set_single_value(*SWITCH, 0)

	def reorder(self) -> dict[str, float]:
		"""ERPNext's automatic re-order run for this class's two items only: item → requested qty."""
		erpnext_items = reorder_item.get_items_for_reorder
		ours = {self.item, self.ungoverned}
		reorder_item.get_items_for_reorder = lambda: {
			item: levels for item, levels in erpnext_items().items() if item in ours
		}
		try:
			requests = reorder_item._reorder_item() or []
		finally:
			reorder_item.get_items_for_reorder = erpnext_items
		requested = dict.fromkeys(ours, 0.0)
		for request in requests:
			for row in request.items:
				if row.item_code in ours:
					self.assertEqual(row.warehouse, self.store)
					requested[row.item_code] += row.stock_qty
		return requested

	def test_the_reorder_requests_the_shortfall_of_usable_stock(self):
		self.assertEqual(self.reorder(), {self.item: LEVEL - 10, self.ungoverned: 0})

	def test_switched_off_the_reorder_sees_erpnexts_projected_qty(self):
		self.switch_off()
		self.assertEqual(self.reorder(), {self.item: 0, self.ungoverned: 0})

	def test_the_group_warehouse_loses_what_its_warehouse_loses(self):
		levels = {self.item: [], self.ungoverned: []}
		on = reorder_item.get_item_warehouse_projected_qty(levels)
		self.switch_off()
		off = reorder_item.get_item_warehouse_projected_qty(levels)
		for place in (self.store, self.group):
			self.assertEqual(off[self.item][place] - on[self.item][place], 30, place)
			self.assertEqual(off[self.ungoverned][place], on[self.ungoverned][place], place)
		self.assertEqual(on[self.item][self.store], 10)

	def report(self, item) -> tuple[dict, dict]:
		result = run_report("Stock Projected Qty", {"company": self.company, "item_code": item})
		rows = [row for row in result["result"] if isinstance(row, dict)]  # not the total row
		(row,) = [row for row in rows if row["warehouse"] == self.store]
		return row, result

	def test_the_projected_qty_report_counts_usable_stock_and_says_what_it_left_out(self):
		row, result = self.report(self.item)
		self.assertEqual((row["actual_qty"], row["projected_qty"]), (10, 10))
		self.assertEqual(row["lot_not_usable_qty"], 30)
		self.assertEqual(row["shortage_qty"], LEVEL - 10)
		self.assertIn("leave out 30", result["message"])
		row, _result = self.report(self.ungoverned)
		self.assertEqual((row["actual_qty"], row["lot_not_usable_qty"]), (40, 0))

	def test_switched_off_the_report_is_erpnexts(self):
		self.switch_off()
		row, result = self.report(self.item)
		self.assertEqual((row["actual_qty"], row["projected_qty"], row["shortage_qty"]), (40, 40, 0))
		self.assertNotIn("lot_not_usable_qty", row)
		self.assertFalse(result.get("message"))

	def test_a_lot_expired_by_today_counts_as_not_usable(self):
		frappe.db.savepoint("before_expiry")
		try:
			frappe.db.set_value("Batch", self.approved, "expiry_date", add_days(nowdate(), -1))
			row, _result = self.report(self.item)
			self.assertEqual((row["actual_qty"], row["lot_not_usable_qty"]), (0, 40))
		finally:
			frappe.db.rollback(save_point="before_expiry")
