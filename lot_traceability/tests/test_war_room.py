"""A recall's war room on real documents: the demo milk-powder recall's figures are those of Recall
Impact for the same scope; a customer return of an affected lot changes them and tells the recall's
open forms to redraw (Frappe realtime, after the commit)."""

from unittest.mock import patch

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from frappe.tests.utils import FrappeTestCase

from lot_traceability import api, demo
from lot_traceability.recall.war_room import EVENT
from lot_traceability.tests.test_recall import new_recall

CONTAMINATED = "DC-5531"
COMPANY = "Demo Food Ingredients"


class TestWarRoom(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_the_war_room_shows_recall_impacts_figures_and_a_return_redraws_it(self):
		recall = new_recall(supplier_lot_no=CONTAMINATED)
		recall.submit()
		room = api.get_recall_war_room(recall.name)
		impact = api.get_recall_impact(supplier_lot_no=CONTAMINATED)
		summary = impact["summary"]
		for figure, key in (
			("on_hand", "on_hand_qty"),
			("in_transit", "in_transit_qty"),
			("shipped", "shipped_qty"),
			("revenue", "shipped_value"),
			("lots", "lots"),
		):
			self.assertAlmostEqual(room[figure], summary[key], msg=figure)
		by_warehouse = {}
		for row in impact["stock"]:
			by_warehouse[row["warehouse"]] = by_warehouse.get(row["warehouse"], 0.0) + row["qty"]
		self.assertEqual({site["warehouse"]: site["qty"] for site in room["sites"]}, by_warehouse)
		self.assertEqual(
			{row["customer"]: row["outstanding"] for row in room["customers"]},
			{row["customer"]: row["shipped_qty"] - row["returned_qty"] for row in impact["customers"]},
		)
		self.assertEqual(room["recovered"], 0)
		self.assertGreater(room["tasks"]["open"], 0)
		self.assertEqual(room["containment"][0]["recovered"], 0)

		sold = frappe.db.get_value(
			"Delivery Note",
			{"customer": "Demo Bakery North", "docstatus": 1, "is_return": 0, "company": COMPANY},
		)
		customer_return = make_sales_return(sold)
		customer_return.items[0].qty = -30
		customer_return.insert()
		with patch("frappe.publish_realtime") as published:
			customer_return.submit()
		told = [call for call in published.call_args_list if call.args and call.args[0] == EVENT]
		self.assertTrue(told, published.call_args_list)
		# every open recall of the returned lot is told (other recalls of the demo lots may be open)
		mine = [call for call in told if call.args[1] == {"recall": recall.name}]
		self.assertTrue(mine, told)
		self.assertEqual(mine[0].kwargs.get("docname"), recall.name)
		self.assertTrue(mine[0].kwargs.get("after_commit"))
		room = api.get_recall_war_room(recall.name)
		self.assertAlmostEqual(room["recovered"], 30)
		north = next(row for row in room["customers"] if row["customer"] == "Demo Bakery North")
		self.assertAlmostEqual(north["recovered"], 30)
		self.assertAlmostEqual(room["containment"][-1]["recovered"], 30)

	def test_a_task_of_the_recall_redraws_it(self):
		recall = new_recall(supplier_lot_no=CONTAMINATED)
		recall.submit()
		task = frappe.get_last_doc(
			"ToDo", filters={"reference_type": "Lot Recall", "reference_name": recall.name}
		)
		with patch("frappe.publish_realtime") as published:
			task.status = "Closed"
			task.save(ignore_permissions=True)
		self.assertIn(
			(EVENT, {"recall": recall.name}),
			[(call.args[0], call.args[1]) for call in published.call_args_list if len(call.args) > 1],
		)
		self.assertGreaterEqual(api.get_recall_war_room(recall.name)["tasks"]["closed"], 1)
