"""Recall impact and the recall workflow on real documents: the seed scenario replayed on the demo
(contaminated milk powder lot DC-5531), mock and real recalls, returns into quarantine, containment,
reservations and pick lists released, permissions over REST."""

from decimal import Decimal
from unittest.mock import patch

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, flt, get_test_client, getdate, now_datetime, nowdate

from lot_traceability import demo
from lot_traceability.enforcement import LotNotAllowedError
from lot_traceability.lot_traceability.doctype.lot_recall.lot_recall import SCOPE_TABLES, LotRecall
from lot_traceability.lot_traceability.report.lot_trace import lot_trace
from lot_traceability.lot_traceability.report.recall_impact import recall_impact
from lot_traceability.tests.utils import (
	TEST_CUSTOMER,
	api_token,
	attempt,
	company_defaults,
	delivery_note,
	get_received_batches,
	make_customer,
	make_lot,
	make_lot_item,
	make_user,
	make_warehouse,
	pick_list,
	receive,
)

MARKUP = "<img src=x onerror=alert(1)>"
CONTAMINATED = "DC-5531"  # the demo's skimmed milk powder lot, used in both cake-mix runs
COMPANY = "Demo Food Ingredients"
QUARANTINE = "Quarantine - DFI"
WAREHOUSE_USER = "lt-recall-warehouse@example.com"
SERVICE_USER = "lt-recall-service@example.com"


def new_recall(**values):
	doc = frappe.get_doc(
		{
			"doctype": "Lot Recall",
			"title": "Salmonella in milk powder",
			"reason": "Supplier notice: salmonella found in retained sample",
			"recall_date": nowdate(),
			**values,
		}
	)
	doc.insert()
	return doc


def statuses(lots):
	return dict(
		frappe.get_all(
			"Batch", filters={"name": ("in", list(lots))}, fields=["name", "lot_status"], as_list=True
		)
	)


def ledger_customers(lots):
	"""Customers who received the lots, straight from the stock ledger (not through the app)."""
	return set(
		frappe.db.sql_list(
			"""select distinct dn.customer
			from `tabStock Ledger Entry` sle
			join `tabSerial and Batch Entry` sbe on sbe.parent = sle.serial_and_batch_bundle
			join `tabDelivery Note` dn on dn.name = sle.voucher_no
			where sle.voucher_type = 'Delivery Note' and sle.is_cancelled = 0 and sle.actual_qty < 0
			and sbe.batch_no in %(lots)s""",
			{"lots": list(lots)},
		)
	)


class TestRecallSeedScenario(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()  # loads it once (afresh if an earlier install left its companies)
		make_user(WAREHOUSE_USER, ["Stock Manager", "Stock User"])
		make_user(SERVICE_USER, ["Sales Manager", "Sales User"])
		frappe.db.commit()
		cls.milk = frappe.db.get_value("Batch", {"supplier_lot_no": CONTAMINATED})
		cls.cakes = sorted(
			frappe.get_all("Lot Genealogy", filters={"parent_lot": cls.milk}, pluck="child_lot")
		)

	def test_seed_scenario_mock_then_real_recall_then_a_return(self):
		affected = {self.milk, *self.cakes}
		self.assertEqual(len(self.cakes), 2)
		before = statuses(affected)
		changes = frappe.db.count("Lot Status Change")

		# a drill computes everything and changes nothing
		mock = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		mock.submit()
		self.assertEqual(mock.status, "Drill")
		self.assertEqual({row.batch for row in mock.affected_lots}, affected)
		self.assertGreater(mock.time_to_scope, 0)
		self.assertEqual(statuses(affected), before)
		self.assertEqual(frappe.db.count("Lot Status Change"), changes)
		self.assertFalse(
			frappe.db.exists("ToDo", {"reference_type": "Lot Recall", "reference_name": mock.name})
		)

		recall = new_recall(supplier_lot_no=CONTAMINATED)
		recall.submit()
		recall.reload()
		self.assertEqual(recall.status, "Open")
		self.assertGreater(recall.time_to_scope, 0)
		self.assertEqual(statuses(affected), dict.fromkeys(affected, "Recalled"))
		change = frappe.get_doc("Lot Status Change", recall.status_change)
		self.assertEqual((change.source, change.reference_name), ("Recall", recall.name))
		self.assertEqual({row.batch for row in change.lots}, affected)
		self.assertEqual({row.status_after for row in recall.affected_lots}, {"Recalled"})

		# the customer list is the ledger's list of customers who received descendant lots
		self.assertEqual({row.customer for row in recall.customers}, ledger_customers(self.cakes))
		self.assertEqual(
			{row.customer for row in recall.customers}, {"Demo Bakery North", "Demo Bakery South"}
		)
		# quantity-weighted: cake lot 1 holds 40 of the 200 kg it was made from: 20 % milk powder
		north = next(row for row in recall.customers if row.customer == "Demo Bakery North")
		self.assertAlmostEqual(north.shipped_qty, 120)
		self.assertAlmostEqual(north.affected_qty, 120 * 40 / 200)

		# value figures equal the ledger's: stock value of each item and warehouse (only affected
		# lots are left there), and the sales value of the delivery rows of the lots
		for row in recall.locations:
			bin_value = frappe.db.get_value(
				"Bin", {"item_code": row.item, "warehouse": row.warehouse}, "stock_value"
			)
			self.assertAlmostEqual(flt(row.stock_value, 2), flt(bin_value, 2), msg=row.warehouse)
		self.assertAlmostEqual(sum(r.qty for r in recall.locations), 120 + 150)
		sales = frappe.db.sql(
			"""select sum(i.base_net_amount) from `tabDelivery Note Item` i
			join `tabDelivery Note` dn on dn.name = i.parent
			where dn.docstatus = 1 and dn.is_return = 0 and i.batch_no in %(lots)s""",
			{"lots": self.cakes},
		)[0][0]
		self.assertAlmostEqual(flt(recall.shipped_value, 2), flt(sales, 2))

		# assignments went to the warehouse, quality and customer service roles
		assigned = set(
			frappe.get_all(
				"ToDo",
				filters={"reference_type": "Lot Recall", "reference_name": recall.name},
				pluck="allocated_to",
			)
		)
		self.assertTrue({WAREHOUSE_USER, SERVICE_USER} <= assigned, assigned)

		# a delivery of any descendant lot is refused
		for cake in self.cakes:
			_doc, error = attempt(
				lambda cake=cake: frappe.get_doc(
					{
						"doctype": "Delivery Note",
						"company": COMPANY,
						"customer": "Demo Bakery North",
						"items": [
							{
								"item_code": "DEMO-CAKE-MIX",
								"qty": 1,
								"rate": 4,
								"warehouse": "Finished Goods - DFI",
								"batch_no": cake,
								"use_serial_batch_fields": 1,
							}
						],
					}
				)
			)
			self.assertIsInstance(error, LotNotAllowedError)
			self.assertIn(cake, str(error))
			self.assertIn("Recalled", str(error))

		# a customer return of a recalled lot lands in quarantine and counts in containment
		self.assertAlmostEqual(recall.recovered_qty, 0)
		outstanding = recall.outstanding_qty
		sold = frappe.db.get_value(
			"Delivery Note",
			{"customer": "Demo Bakery North", "docstatus": 1, "is_return": 0, "company": COMPANY},
		)
		customer_return = make_sales_return(sold)
		customer_return.items[0].qty = -30
		customer_return.insert()
		customer_return.submit()
		self.assertEqual(customer_return.items[0].warehouse, QUARANTINE)
		back = frappe.db.sql(
			"""select sum(sbe.qty) from `tabSerial and Batch Entry` sbe
			join `tabSerial and Batch Bundle` b on b.name = sbe.parent
			where b.voucher_no = %s and b.is_cancelled = 0 and sbe.warehouse = %s""",
			(customer_return.name, QUARANTINE),
		)[0][0]
		self.assertAlmostEqual(flt(back), 30)
		recall.reload()
		self.assertAlmostEqual(recall.recovered_qty, 30)
		self.assertAlmostEqual(recall.outstanding_qty, outstanding - 30)
		self.assertEqual(recall.status, "Open")

		# Closing needs the affected stock gone: refused with the quantity still on hand
		from lot_traceability.api import update_recall

		with self.assertRaises(frappe.ValidationError) as refused:
			update_recall(recall.name, "Closed")
		self.assertIn("on hand", str(refused.exception))
		update_recall(recall.name, "Contained")
		self.assertEqual(frappe.db.get_value("Lot Recall", recall.name, "status"), "Contained")

	def test_a_scope_reading_fewer_movements_and_the_kept_stock_answers_as_one_reading_them_all(self):
		from lot_traceability.queries import lot_ledger as lot_ledger_queries
		from lot_traceability.recall.scope import compute_scope

		others = frappe.db.sql_list(
			"""select distinct g.parent_lot from `tabLot Genealogy` g join `tabBatch` b on b.name = g.parent_lot
			order by g.creation desc limit 25"""
		)
		for sources in ([self.milk], *([lot] for lot in others)):
			scope = compute_scope(sources, recall_date=nowdate())
			with patch.object(lot_ledger_queries, "ENDS_MAKINGS_AND_WRITE_OFFS", None):  # every movement
				every = compute_scope(sources, recall_date=nowdate())
			for key in ("lots", "stock", "shipments", "customers", "summary", "disposed_qty", "upstream"):
				self.assertEqual(scope[key], every[key], (sources, key))
			ledger = {
				(warehouse, lot): qty
				for warehouse, lot, qty in frappe.db.sql(
					"""select warehouse, batch_no, sum(qty) from `tabLot Ledger Entry` where batch_no in %(lots)s
					group by warehouse, batch_no having sum(qty) > 0""",
					{"lots": [row.lot for row in scope.lots]},
				)
			}
			stock = {(row.warehouse, row.lot): row.qty for row in scope.stock if row.warehouse}
			self.assertEqual(set(stock), set(ledger), sources)
			for place, qty in stock.items():  # on hand from the kept balances: the ledger's sum
				self.assertAlmostEqual(qty, float(ledger[place]), 6, (sources, place))

	def test_the_customer_notice_is_a_letter_to_each_customer_with_products_units_and_sender(self):
		drill = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		# started from a supplier lot no: the lot it stands for is shown among the sources
		self.assertEqual([row.batch for row in drill.source_lots], [self.milk])
		self.assertEqual(drill.source_lots[0].supplier_lot_no, CONTAMINATED)
		north = next(row for row in drill.customers if row.customer == "Demo Bakery North")
		self.assertEqual(north.company, COMPANY)
		self.assertIn("DEMO-CAKE-MIX", north.products)
		self.assertIn("120 Kg", north.products)
		html = frappe.get_print(
			"Lot Recall", drill.name, print_format="Lot Recall Customer Notice", doc=drill
		)
		letters = html.count('class="recall-letter"')
		self.assertEqual(letters, len(drill.customers))
		for row in drill.customers:
			self.assertIn(row.customer_name or row.customer, html)
		self.assertIn(COMPANY, html)
		self.assertIn("120 Kg", html)
		self.assertIn(drill.customer_instructions, html)
		self.assertIn("Recall drill — not a real recall", html)
		if frappe.db.get_value("Customer", "Demo Bakery North", "customer_primary_contact"):
			self.assertIn("Anna Berg", html)  # the demo's customers have contacts and addresses
			self.assertIn("Duluth", html)

	def test_report_sections_agree_with_the_recall(self):
		columns, rows, _message, chart, summary = recall_impact.execute(
			{"supplier_lot_no": CONTAMINATED, "section": "Customers"}
		)
		self.assertEqual({row["customer"] for row in rows}, {"Demo Bakery North", "Demo Bakery South"})
		self.assertIn("email", [c["fieldname"] for c in columns])
		self.assertEqual(chart["type"], "bar")
		labels = {item["label"]: item["value"] for item in summary}
		self.assertEqual(labels["Customers"], 2)
		# gross shipments and the part that came from the milk are both shown, named, per item with units
		self.assertEqual(labels["Shipped"], "250 Kg")  # only cake mix was shipped
		self.assertEqual(labels["Affected Part Shipped"], "50 Kg")
		self.assertEqual([d["name"] for d in chart["data"]["datasets"]], ["Shipped", "Affected Part"])
		self.assertTrue(all(label.endswith("(Kg)") for label in chart["data"]["labels"]))
		self.assertIn("Affected Part", _message)  # says what the two figures mean
		self.assertTrue(all(row["uom"] for row in rows))
		self.assertIn("uom", [c["fieldname"] for c in columns])
		_c, stock, _m, stock_chart, stock_summary = recall_impact.execute(
			{"supplier_lot_no": CONTAMINATED, "section": "Stock"}
		)
		self.assertEqual(
			{(r["warehouse"], r["qty"], r["uom"]) for r in stock},
			{("Stores - DFI", 120, "Kg"), ("Finished Goods - DFI", 150, "Kg")},
		)
		self.assertEqual({r["location"] for r in stock}, {"In stock"})  # words, not a checkbox
		self.assertNotIn("Check", [c["fieldtype"] for c in _c])
		stock_labels = {item["label"]: item["value"] for item in stock_summary}
		self.assertEqual(stock_labels["Affected Lots"], 3)
		# two items on hand: not added up into 270, shown per item in the chart
		self.assertNotIn("On Hand", stock_labels)
		self.assertEqual(stock_labels["Items"], 2)
		on_hand = dict(
			zip(stock_chart["data"]["labels"], stock_chart["data"]["datasets"][0]["values"], strict=True)
		)
		self.assertEqual(sorted(on_hand.values()), [120, 150])
		self.assertEqual(len(on_hand), 2)
		# each section has its own figures: the stock's are not repeated under the customers
		self.assertNotIn("On Hand", labels)
		self.assertNotIn("Customers", stock_labels)
		_c, upstream, *_ = recall_impact.execute({"supplier_lot_no": CONTAMINATED, "section": "Upstream"})
		self.assertEqual(
			{(r["supplier"], r["lot"]) for r in upstream}, {("Demo Dairy Cooperative", self.milk)}
		)
		_c, lots, *_ = recall_impact.execute({"supplier_lot_no": CONTAMINATED, "section": "Affected Lots"})
		self.assertEqual([r["level"] for r in lots], [0, 1, 1])
		# every section, each with its own figures: two stock locations, two bakeries, three deliveries
		# (the first cake lot to North, both lots to South), no open demand, the milk and two cake
		# lots, one receipt upstream
		seen = {}
		for section in recall_impact.SECTIONS:
			columns, rows, *_ = recall_impact.execute({"supplier_lot_no": CONTAMINATED, "section": section})
			seen[section] = rows
			self.assertTrue(columns, section)
		self.assertEqual(
			{section: len(rows) for section, rows in seen.items()},
			{"Stock": 2, "Customers": 2, "Shipments": 3, "Open Demand": 0, "Affected Lots": 3, "Upstream": 1},
		)
		self.assertEqual(
			{r["customer"] for r in seen["Customers"]}, {"Demo Bakery North", "Demo Bakery South"}
		)
		self.assertEqual(
			sum(r["shipped_qty"] for r in seen["Shipments"]), sum(r["shipped_qty"] for r in seen["Customers"])
		)
		self.assertEqual({r["lot"] for r in seen["Affected Lots"]}, {self.milk, *self.cakes})
		self.assertEqual(recall_impact.execute({"section": "Stock"})[1], [])

	def test_lot_trace_shows_each_lot_once_with_supplier_lot_units_and_dates(self):
		cake = self.cakes[0]
		rows = lot_trace.execute({"batch": cake, "direction": "Both"})[1]
		lot_rows = [row for row in rows if row.get("lot")]
		self.assertEqual([row["lot"] for row in lot_rows].count(cake), 1)  # the traced lot, once
		self.assertEqual(rows[0]["lot"], cake)
		self.assertEqual(rows[0]["indent"], 0)
		headings = [row["relation"] for row in rows if row.get("is_heading")]
		self.assertEqual(headings, ["Made from", "Used in"])
		milk = next(row for row in lot_rows if row["lot"] == self.milk)
		# the first thing a recall asks for, and the unit of every quantity
		self.assertEqual((milk["supplier_lot_no"], milk["uom"]), (CONTAMINATED, "Kg"))
		self.assertEqual(rows[0]["uom"], "Kg")
		# the cake lot was made by a Stock Entry: its row has the entry's date
		made_by = frappe.db.get_value("Stock Entry", rows[0]["document"], "posting_date")
		self.assertEqual(rows[0]["posting_date"], made_by)
		received = next(row for row in rows if row["relation"] == "Received")
		delivered = next(row for row in rows if row["relation"] == "Delivered")
		for document_row in (received, delivered):
			self.assertNotIn("on_hand", document_row)  # no stock figure on a receipt or delivery
			self.assertTrue(document_row["posting_date"])
			self.assertEqual(document_row["uom"], "Kg")
		self.assertGreater(received["indent"], milk["indent"])
		self.assertTrue(received["link_qty"].endswith(" Kg"))
		self.assertTrue(milk["qty"].endswith(" Kg"))
		self.assertNotIn("link_qty", next(r for r in rows if r.get("is_heading")))  # headings hold no figures
		# one direction: its heading only
		forward = lot_trace.execute({"batch": self.milk, "direction": "Forward"})[1]
		self.assertEqual([row["relation"] for row in forward if row.get("is_heading")], ["Used in"])
		self.assertEqual({row["lot"] for row in forward if row.get("lot")}, {self.milk, *self.cakes})


class TestRecallReleasesDemand(FrappeTestCase):
	def assert_recall_releases(self, recall, lot, doctype, name, action):
		"""The document shows as open demand on the lot; submitting the recall cancels it and records
		the action."""
		_c, demand, *_ = recall_impact.execute({"batch": lot.batch, "section": "Open Demand"})
		self.assertIn((doctype, name), {(r["document_type"], r["document"]) for r in demand})
		recall.submit()
		recall.reload()
		self.assertEqual(frappe.db.get_value(doctype, name, "docstatus"), 2)
		self.assertIn(
			(doctype, name, action), {(a.document_type, a.document, a.action) for a in recall.actions}
		)

	def test_open_pick_lists_are_cancelled_and_the_return_warehouse_is_required(self):
		lot = make_lot(qty=10)
		make_customer()
		picked = pick_list(lot.item, 4, lot.batch)
		picked.submit()
		shipped = delivery_note(lot.item, 3, lot.batch)
		shipped.insert()
		shipped.submit()
		recall = new_recall(source_lots=[{"batch": lot.batch}])
		self.assertEqual(recall.locations[0].qty, 7)
		self.assert_recall_releases(recall, lot, "Pick List", picked.name, "Pick list cancelled")
		# this company has no quarantine warehouse yet: the return is refused, naming lot and status
		frappe.db.set_value("Warehouse", {"company": shipped.company}, "is_quarantine_warehouse", 0)
		customer_return = make_sales_return(shipped.name)
		_doc, error = attempt(lambda: customer_return)
		self.assertIsNotNone(error)
		self.assertIn(lot.batch, str(error))
		self.assertIn("Recalled", str(error))
		quarantine = make_warehouse("_Lot Recall Quarantine", shipped.company, is_quarantine_warehouse=1)
		customer_return = make_sales_return(shipped.name)
		customer_return.insert()
		customer_return.submit()
		self.assertEqual(customer_return.items[0].warehouse, quarantine)
		recall.reload()
		self.assertAlmostEqual(recall.recovered_qty, 3)
		self.assertEqual(recall.status, "Contained")  # everything shipped is back

	def test_stock_reservations_of_affected_lots_are_cancelled(self):
		from erpnext.selling.doctype.sales_order.test_sales_order import make_sales_order

		lot = make_lot(qty=10)
		defaults = company_defaults()
		make_customer()
		reserving = frappe.db.get_single_value("Stock Settings", "enable_stock_reservation")
		self.addCleanup(frappe.db.set_single_value, "Stock Settings", "enable_stock_reservation", reserving)
		frappe.db.set_single_value("Stock Settings", "enable_stock_reservation", 1)
		order = make_sales_order(
			item_code=lot.item,
			qty=4,
			company=defaults.company,
			warehouse=lot.warehouse,
			customer=TEST_CUSTOMER,
			currency=defaults.default_currency,
			cost_center=defaults.cost_center,
		)
		reservation = frappe.get_doc(
			{
				"doctype": "Stock Reservation Entry",
				"item_code": lot.item,
				"warehouse": lot.warehouse,
				"voucher_type": "Sales Order",
				"voucher_no": order.name,
				"voucher_detail_no": order.items[0].name,
				"available_qty": 10,
				"voucher_qty": 4,
				"reserved_qty": 4,
				"stock_uom": order.items[0].stock_uom,
				"company": order.company,
				"has_batch_no": 1,
				"reservation_based_on": "Serial and Batch",
				"sb_entries": [{"batch_no": lot.batch, "qty": 4, "warehouse": lot.warehouse}],
			}
		)
		reservation.insert()
		reservation.submit()
		recall = new_recall(source_lots=[{"batch": lot.batch}])
		self.assert_recall_releases(
			recall, lot, "Stock Reservation Entry", reservation.name, "Reservation cancelled"
		)
		self.assertEqual(statuses([lot.batch]), {lot.batch: "Recalled"})
		# the order's owner is told, as when a hold leaves no lot for a reservation
		(task,) = frappe.get_all(
			"ToDo",
			filters={"reference_type": "Sales Order", "reference_name": order.name},
			fields=["allocated_to", "description"],
		)
		self.assertEqual(task.allocated_to, order.owner)
		for words in (order.name, lot.batch, recall.name, reservation.name, "cancelled"):
			self.assertIn(words, task.description)

	def test_a_recall_needs_sources_and_a_holding_status(self):
		with self.assertRaisesRegex(
			frappe.ValidationError, "Name the source lots of the recall, or a supplier lot no"
		):
			new_recall()
		lot = make_lot(qty=2)
		with self.assertRaises(frappe.ValidationError) as refused:
			new_recall(source_lots=[{"batch": lot.batch}], target_status="Approved")
		self.assertIn("Approved", str(refused.exception))
		recall = new_recall(source_lots=[{"batch": lot.batch}])
		recall.submit()
		with self.assertRaisesRegex(
			frappe.ValidationError, f"Recall .*{recall.name}.* cannot be cancelled: its lots were moved"
		):
			recall.cancel()


class TestLotRecallOverREST(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(WAREHOUSE_USER, ["Stock Manager", "Stock User"])
		cls.token = api_token(WAREHOUSE_USER)
		cls.lot = make_lot(qty=3)
		frappe.db.commit()
		cls.client = get_test_client()

	def test_only_roles_granted_lot_recall_may_submit(self):
		response = make_request(
			target=self.client.post,
			args=("/api/resource/Lot Recall",),
			kwargs={
				"json": {
					"title": "x",
					"reason": "x",
					"docstatus": 1,
					"source_lots": [{"batch": self.lot.batch}],
				},
				"headers": {"Authorization": f"token {self.token}"},
			},
		)
		self.assertEqual(response.status_code, 403, response.json)
		self.assertEqual(frappe.db.get_value("Batch", self.lot.batch, "lot_status"), "Approved")
		self.assertFalse(frappe.db.exists("Lot Recall Source", {"batch": self.lot.batch}))


class TestRecallContacts(FrappeTestCase):
	def test_contacts_come_from_the_customer_else_its_latest_delivery_note(self):
		from frappe.utils import add_days

		from lot_traceability.recall.scope import compute_scope

		item = make_lot_item()
		(batch,) = get_received_batches(
			receive(item, qty=10, posting_date=add_days(nowdate(), -10), set_posting_time=1).name
		)
		bare = make_customer("_LT Recall Bare Customer")
		mailed = make_customer("_LT Recall Mailed Customer")
		frappe.db.set_value("Customer", bare, {"email_id": None, "mobile_no": None})
		frappe.db.set_value("Customer", mailed, {"email_id": "orders@mailed.example", "mobile_no": None})
		notes = {}
		for customer, label, days_ago in (
			(bare, "older", 3),
			(bare, "latest", 0),
			(mailed, "only", 1),
		):
			note = delivery_note(
				item,
				1,
				batch,
				customer=customer,
				posting_date=add_days(nowdate(), -days_ago),
				set_posting_time=1,
			)
			note.submit()
			frappe.db.set_value(
				"Delivery Note",
				note.name,
				{
					"contact_email": f"{label}@{customer[4:9].lower()}.example",
					"contact_mobile": f"+1-555-{days_ago}",
					"shipping_address": f"{label} dock",
				},
			)
			notes[label] = note.name

		scope = compute_scope([batch])
		by_customer = {c.customer: c for c in scope.customers}
		self.assertEqual(by_customer[bare].last_delivery_note, notes["latest"])
		self.assertEqual(
			(scope.contacts[bare].email, scope.contacts[bare].phone, scope.contacts[bare].address_display),
			("latest@recal.example", "+1-555-0", "latest dock"),
		)
		# the customer's own e-mail wins; what it lacks comes from its delivery note
		self.assertEqual(
			(scope.contacts[mailed].email, scope.contacts[mailed].phone),
			("orders@mailed.example", "+1-555-1"),
		)
		shown = {
			row["customer"]: row for row in recall_impact.execute({"batch": batch, "section": "Customers"})[1]
		}
		self.assertEqual(shown[bare]["email"], "latest@recal.example")
		self.assertEqual(shown[mailed]["phone"], "+1-555-1")


class TestLargeRecallSubmission(FrappeTestCase):
	def test_a_recall_above_the_row_limit_is_submitted_by_a_background_job(self):
		from unittest.mock import patch

		from frappe.model.document import execute_action

		from lot_traceability.lot_traceability.doctype.lot_recall import lot_recall

		lot = make_lot(qty=4)
		recall = new_recall(is_mock=1, source_lots=[{"batch": lot.batch}])
		with (
			patch.object(lot_recall, "QUEUED_SUBMIT_ROWS", 0),
			patch("frappe.utils.background_jobs.enqueue") as enqueue,
		):
			recall.submit()
		job = enqueue.call_args.kwargs
		self.assertEqual(
			(job["__doctype"], job["__name"], job["__action"]), ("Lot Recall", recall.name, "_submit")
		)
		self.assertEqual(frappe.db.get_value("Lot Recall", recall.name, "docstatus"), 0)

		execute_action(job["__doctype"], job["__name"], job["__action"])  # what the worker runs
		self.assertEqual(
			frappe.db.get_value("Lot Recall", recall.name, ["docstatus", "status"]), (1, "Drill")
		)

	def test_a_recall_within_the_row_limit_is_submitted_at_once(self):
		lot = make_lot(qty=4)
		recall = new_recall(is_mock=1, source_lots=[{"batch": lot.batch}])
		recall.submit()
		self.assertEqual(frappe.db.get_value("Lot Recall", recall.name, "docstatus"), 1)


def statements(kind: str) -> int:
	"""This connection's count of statements of a kind (`Com_insert`, `Com_update` …)."""
	return int(frappe.db.sql(f"show session status like 'Com_{kind}'")[0][1])


def stored_rows(recall: str, table: str) -> list[dict]:
	doctype = frappe.get_meta("Lot Recall").get_field(table).options
	return frappe.get_all(
		doctype,
		filters={"parent": recall, "parenttype": "Lot Recall", "parentfield": table},
		fields=["*"],
		order_by="idx asc",
	)


class TestLargeScopes(FrappeTestCase):
	"""A recall's scope and a status change of many lots are written in bulk, read back whole by the
	document (print format, containment), and paged in the form."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()  # loads it once (afresh if an earlier install left its companies)
		frappe.db.commit()

	def test_the_scope_is_kept_row_for_row_through_save_submit_cancel_and_delete(self):
		recall = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		kept = {
			table: stored_rows(recall.name, table) for table in ("affected_lots", "locations", "customers")
		}
		for table, rows in kept.items():
			self.assertEqual(len(rows), len(recall.get(table)), table)
			self.assertTrue(rows, table)
			for stored, row in zip(rows, recall.get(table), strict=True):
				self.assertEqual(stored.name, row.name)
				self.assertEqual(stored.idx, row.idx)
				for field in ("batch", "warehouse", "customer", "qty", "share", "email", "products"):
					if row.meta.has_field(field):
						self.assertEqual(stored[field], row.get(field), f"{table}.{field}")
		recall.save()  # saved again: the same rows, not twice
		self.assertEqual(
			[len(stored_rows(recall.name, t)) for t in kept], [len(rows) for rows in kept.values()]
		)
		recall.submit()
		reloaded = frappe.get_doc("Lot Recall", recall.name)
		self.assertEqual({row.docstatus for row in reloaded.customers}, {1})
		self.assertEqual(len(reloaded.affected_lots), len(kept["affected_lots"]))
		recall.cancel()
		self.assertEqual({row.docstatus for row in stored_rows(recall.name, "customers")}, {2})
		frappe.delete_doc("Lot Recall", recall.name)
		self.assertEqual(stored_rows(recall.name, "customers"), [])

	def test_thousands_of_rows_take_a_few_statements(self):
		from lot_traceability.bulk_rows import insert_rows

		recall = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		rows = [
			frappe.new_doc("Lot Recall Customer", parent_doc=recall, parentfield="customers")
			for _ in range(4500)
		]
		for number, row in enumerate(rows, start=1):
			row.update(
				{"customer": TEST_CUSTOMER, "customer_name": f"Customer {number:04}", "idx": 100 + number}
			)
			row.parent, row.parenttype = recall.name, "Lot Recall"
		before = statements("insert")
		insert_rows(rows)
		self.assertEqual(statements("insert") - before, 3)  # 2,000 rows a statement
		self.assertEqual(len(stored_rows(recall.name, "customers")), 4500 + len(recall.customers))

		# the form pages through them, and searches
		page = frappe.call(
			"lot_traceability.api.get_recall_rows",
			recall=recall.name,
			table="customers",
			start=50,
			page_length=50,
		)
		self.assertEqual(page["total"], 4500 + len(recall.customers))
		self.assertEqual(len(page["rows"]), 50)
		first = frappe.call(
			"lot_traceability.api.get_recall_rows", recall=recall.name, table="customers", page_length=50
		)
		by_key = frappe.call(  # the next page read from the key of the last row before it
			"lot_traceability.api.get_recall_rows",
			recall=recall.name,
			table="customers",
			page_length=50,
			after=first["after"],
		)
		self.assertEqual(by_key["rows"], page["rows"])
		found = frappe.call(
			"lot_traceability.api.get_recall_rows",
			recall=recall.name,
			table="customers",
			search="Customer 0042",
		)
		self.assertEqual([row.customer_name for row in found["rows"]], ["Customer 0042"])
		with self.assertRaisesRegex(frappe.ValidationError, "A recall's scope tables are .*, not actions"):
			frappe.call("lot_traceability.api.get_recall_rows", recall=recall.name, table="actions")

		# a form is sent the counts, not the rows
		from frappe.desk.form.load import getdoc

		frappe.local.response = frappe._dict({"docs": []})
		getdoc("Lot Recall", recall.name)
		sent = frappe.local.response.docs[0]
		self.assertEqual(sent.customers, [])
		self.assertEqual(sent.get("__onload").scope_rows["customers"], 4500 + len(recall.customers))

	def test_rows_written_in_bulk_are_stored_as_frappe_stores_them(self):
		"""Whatever the values (one in every row, quotes, backslashes, nulls, numbers of mixed kinds in
		a text column, dates as dates or text, SQL in text), the bulk insert stores what Frappe's
		row-by-row insert stores."""
		from lot_traceability.bulk_rows import insert_rows

		recall = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		names = (
			*("A", "B", "C", "D", "it's", "back\\slash", "%s", "\\'", "IFNULL(x, y)", "ifnull("),
			*(MARKUP, "<script>alert(1)</script>Fresh", "a < b > c", "<b>Bold</b> Foods"),
		)
		stamp = now_datetime()
		values = [
			{
				"customer": TEST_CUSTOMER,  # one value in every row
				"customer_name": name,
				"email": None if number % 2 else "o'hara\\x@example.com",
				"phone": (1, 1.0, "1", True)[number % 4],  # equal numbers in a text column
				"address_display": 'line 1\nline 2 "quoted" \u00e9\u4e2d',
				"shipped_qty": (2, 2.5, "3", None)[number % 4],
				"sales_value": 10.0,  # one number in every row
				"first_delivery": ("2026-01-05", getdate("2026-01-06"), "", None)[number % 4],
				"lots": f"{MARKUP}L-1" if number % 3 == 0 else "",  # markup in a second text field
				"owner": "Administrator",
				"modified_by": "Administrator",
				"creation": stamp,
				"modified": stamp,
			}
			for number, name in enumerate(names)
		]
		for equal_numbers in (False, True):
			if equal_numbers:
				for number, value in enumerate(values):
					value["phone"] = (1, Decimal("1.0"))[number % 2]  # equal, yet written "1" and "1.0"
			written = {}
			for way in ("bulk", "frappe"):
				parentfield = f"bulk_check_{way}"
				rows = []
				for number, value in enumerate(values, start=1):
					row = frappe.new_doc("Lot Recall Customer", parent_doc=recall, parentfield=parentfield)
					row.update({**value, "idx": number})
					row.parent, row.parenttype = recall.name, "Lot Recall"
					rows.append(row)
				if way == "bulk":
					insert_rows(rows)
				else:
					for row in rows:
						row._sanitize_content()  # as Frappe's save of a document does for each child row
						row.db_insert()
				written[way] = [
					{k: v for k, v in row.items() if k not in ("name", "parentfield")}
					for row in frappe.db.sql(
						"select * from `tabLot Recall Customer` where parent = %s and parentfield = %s order by idx",
						(recall.name, parentfield),
						as_dict=True,
					)
				]
				frappe.db.delete("Lot Recall Customer", {"parent": recall.name, "parentfield": parentfield})
			self.assertEqual(len(written["bulk"]), len(values))
			self.assertEqual(written["bulk"], written["frappe"])
		self.assertEqual([row["phone"] for row in written["bulk"][:2]], ["1", "1.0"])
		self.assertEqual(written["bulk"][8]["customer_name"], "IFNULL(x, y)")  # not rewritten on the way
		stored = " ".join(row["customer_name"] for row in written["bulk"][10:])
		self.assertNotIn("onerror", stored)
		self.assertNotIn("<script", stored)
		self.assertIn("Fresh", stored)

	def test_a_status_change_of_many_lots_writes_them_in_bulk(self):
		from lot_traceability.status_changes import change_lot_status

		item = make_lot_item()
		lots = []
		for _ in range(4):
			doc = receive(item, qty=1)
			lots += get_received_batches(doc.name)
		before = statements("insert")
		change = change_lot_status(lots, "Quarantined", reason="bulk")
		inserts = statements("insert") - before
		self.assertEqual(
			{row.batch for row in frappe.get_doc("Lot Status Change", change.name).lots}, set(lots)
		)
		self.assertEqual(frappe.db.count("Lot Status Change Lot", {"parent": change.name}), len(lots))
		# the same change of one lot costs as many inserts: the rows are one statement
		single = receive(item, qty=1)
		(one,) = get_received_batches(single.name)
		before = statements("insert")
		change_lot_status([one], "Quarantined", reason="bulk")
		self.assertEqual(statements("insert") - before, inserts)

	def recall_with_a_delivery(self, is_mock=0):
		lot = make_lot(qty=10)
		note = delivery_note(lot.item, 4, lot.batch)
		note.insert()
		note.submit()
		recall = new_recall(source_lots=[{"batch": lot.batch}], is_mock=is_mock)
		return lot, recall

	def submitted_from_the_form(self, recall):
		"""Submitted as the desk does: the form was sent without the scope's rows (`onload`)."""
		doc = frappe.get_doc("Lot Recall", recall.name)
		doc.run_method("onload")
		self.assertEqual((doc.affected_lots, doc.customers, doc.locations), ([], [], []))
		with patch.object(
			LotRecall, "capture_scope", autospec=True, side_effect=LotRecall.capture_scope
		) as spy:
			doc.submit()
		return doc, spy.call_count

	def test_a_submit_keeps_the_saved_scope_when_nothing_it_was_computed_from_changed(self):
		for is_mock in (1, 0):
			lot, recall = self.recall_with_a_delivery(is_mock)
			saved = {table: stored_rows(recall.name, table) for table in SCOPE_TABLES}
			doc, captured = self.submitted_from_the_form(recall)
			self.assertEqual(captured, 0, "the saved scope still holds: not computed again")
			for table, rows in saved.items():
				stored = stored_rows(recall.name, table)
				self.assertEqual([row.name for row in stored], [row.name for row in rows], table)
				self.assertEqual({row.docstatus for row in stored}, {1}, table)
			self.assertEqual(doc.customers_count, 1)
			self.assertEqual(flt(doc.shipped_qty), 4)
			if not is_mock:
				self.assertEqual(statuses([lot.batch]), {lot.batch: "Recalled"})
				self.assertEqual(
					[row.status_after for row in stored_rows(recall.name, "affected_lots")], ["Recalled"]
				)
				self.assertEqual(
					flt(doc.affected_on_hand_qty), 6
				)  # the containment figures of the saved scope
			doc.reload()
			self.assertEqual(len(doc.customers), 1)

	def test_a_submit_computes_the_scope_again_when_a_lot_moved_or_changed_status_since_the_save(self):
		from lot_traceability.status_changes import change_lot_status

		lot, recall = self.recall_with_a_delivery()
		more = delivery_note(lot.item, 1, lot.batch)
		more.insert()
		more.submit()
		doc, captured = self.submitted_from_the_form(recall)
		self.assertEqual(captured, 1)
		self.assertEqual(flt(doc.shipped_qty), 5)
		self.assertIn(more.name, stored_rows(recall.name, "customers")[0].documents)

		lot, recall = self.recall_with_a_delivery()
		change_lot_status([lot.batch], "Quarantined", reason="Held meanwhile", by_system=True)
		doc, captured = self.submitted_from_the_form(recall)
		self.assertEqual(captured, 1)
		self.assertEqual(
			[row.status_before for row in stored_rows(recall.name, "affected_lots")], ["Quarantined"]
		)

		lot, recall = self.recall_with_a_delivery(is_mock=1)
		recall.reload()
		recall.recall_date = add_days(nowdate(), -1)  # an input of the scope, changed in the submit
		with patch.object(
			LotRecall, "capture_scope", autospec=True, side_effect=LotRecall.capture_scope
		) as spy:
			recall.submit()
		self.assertEqual(spy.call_count, 1)


class TestBulkRowNames(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()  # loads it once (afresh if an earlier install left its companies)
		frappe.db.commit()  # kept whole: the class's rollback would undo part of a fresh load

	def test_a_chunk_whose_name_is_taken_is_written_again_with_new_names(self):
		from lot_traceability.bulk_rows import insert_rows

		recall = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		taken = recall.customers[0].name
		rows = [
			frappe.new_doc("Lot Recall Customer", parent_doc=recall, parentfield="customers")
			for _ in range(3)
		]
		for number, row in enumerate(rows):
			row.update({"customer": TEST_CUSTOMER, "idx": 50 + number, "parent": recall.name})
			row.parenttype = "Lot Recall"
		rows[1].name = taken  # as if a random name came out twice
		insert_rows(rows)
		self.assertNotEqual(rows[1].name, taken)
		self.assertEqual(
			frappe.db.count("Lot Recall Customer", {"parent": recall.name}), len(recall.customers) + 3
		)
