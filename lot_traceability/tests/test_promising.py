"""Promisable stock on real documents: one item with a lot of every class, the API and the Lot
Availability report agreeing with each other and with the figure worked out by hand; the company
walls (in the service and over REST).

The scene, delivered on D = today + 20 to a customer who wants 30 days of shelf life left:
  USABLE    100 Approved, expires in a year — 10 of it reserved for another customer's order
  HELD       40 Quarantined
  EXPIRED    30 Approved, expires today + 10: expired on D (still fine today)
  SHORT      20 Approved, expires today + 40: 20 days left on D, the customer wants 30
  QUARANTINE 50 Approved, in a quarantine warehouse
  OTHER      25 Restricted to another customer
  MINE       15 Restricted to this customer
ERPNext's actual quantity: 280. Promisable on D: 100 − 10 + 15 = 105."""

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_test_client, nowdate

from lot_traceability import api
from lot_traceability.lot_traceability.report.lot_availability import lot_availability
from lot_traceability.overrides import erpnext_planning
from lot_traceability.tests.test_restrictions import restrict
from lot_traceability.tests.utils import (
	api_token,
	company_defaults,
	get_company,
	get_received_batches,
	make_customer,
	make_lot_item,
	make_lot_rule,
	make_user,
	make_warehouse,
	receive,
	set_lot_status,
)

MINE = "_Lot Promise Customer"
OTHER = "_Lot Promise Other Customer"
HOLDING = "_Lot Promise Holding"
OUTSIDER = "lt-promise-outsider@example.com"
SALES_ONLY = "lt-promise-sales@example.com"
REFUSED = "outside the companies you may read"


def lot_of(item, qty, status="Approved", expires_in=365, warehouse=None) -> str:
	receipt = receive(item, qty=qty, **({"warehouse": warehouse} if warehouse else {}))
	(batch,) = get_received_batches(receipt.name)
	set_lot_status(batch, status)
	frappe.db.set_value("Batch", batch, "expiry_date", add_days(nowdate(), expires_in))
	return batch


def reserve(item, batch, qty, warehouse, customer):
	"""A submitted Sales Order of `customer` with `qty` of `batch` reserved for it (no batch: a
	reservation by quantity, naming no lot; ERPNext's automatic choice of lots must be off)."""
	from erpnext.selling.doctype.sales_order.test_sales_order import make_sales_order

	d = company_defaults()
	frappe.db.set_single_value("Stock Settings", "enable_stock_reservation", 1)
	order = make_sales_order(
		item_code=item,
		qty=qty,
		warehouse=warehouse,
		company=d.company,
		customer=customer,
		currency=d.default_currency,
	)
	entry = frappe.get_doc(
		{
			"doctype": "Stock Reservation Entry",
			"item_code": item,
			"warehouse": warehouse,
			"voucher_type": "Sales Order",
			"voucher_no": order.name,
			"voucher_detail_no": order.items[0].name,
			"voucher_qty": qty,
			"available_qty": qty,
			"reserved_qty": qty,
			"stock_uom": "Nos",
			"company": d.company,
			"has_batch_no": 1,
			"reservation_based_on": "Serial and Batch" if batch else "Qty",
			"sb_entries": [{"batch_no": batch, "qty": qty, "warehouse": warehouse}] if batch else [],
		}
	)
	entry.insert()
	entry.submit()
	return order, entry


class TestPromisableStock(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.store = company_defaults().warehouse
		cls.holding = make_warehouse(HOLDING)
		frappe.db.set_value("Warehouse", cls.holding, "is_quarantine_warehouse", 1)
		for name in (MINE, OTHER):
			make_customer(name)
		customer = frappe.get_doc("Customer", MINE)
		customer.min_remaining_shelf_life = 30
		customer.min_remaining_shelf_life_unit = "Days"
		customer.save()
		cls.item = make_lot_item()
		cls.lots = {
			"usable": lot_of(cls.item, 100),
			"held": lot_of(cls.item, 40, "Quarantined"),
			"expired": lot_of(cls.item, 30, expires_in=10),
			"short": lot_of(cls.item, 20, expires_in=40),
			"in_quarantine": lot_of(cls.item, 50, warehouse=cls.holding),
			"other": lot_of(cls.item, 25),
			"mine": lot_of(cls.item, 15),
		}
		restrict(cls.lots["other"], [("Customer", OTHER)])
		restrict(cls.lots["mine"], [("Customer", MINE)])
		cls.order, _entry = reserve(cls.item, cls.lots["usable"], 10, cls.store, OTHER)
		cls.on = add_days(nowdate(), 20)

	def promise(self, **kwargs):
		return api.promisable(self.item, date=self.on, customer=MINE, **kwargs)

	def test_the_api_splits_the_stock_as_worked_out_by_hand(self):
		answer = self.promise()
		self.assertEqual(answer["actual_qty"], 280)
		self.assertEqual(answer["promisable"], 105)
		totals = answer["totals"]
		expected = {
			"usable": 90,
			"reserved": 10,
			"held": 40,
			"expired": 30,
			"short": 20,
			"in_quarantine": 50,
			"restricted": 40,
		}
		self.assertEqual({klass: totals[klass] for klass in expected}, expected)
		self.assertEqual(sum(expected.values()), answer["on_hand"])
		classes = {}
		for row in answer["lots"]:
			classes.setdefault(row["lot"], set()).add(row["class"])
		lots = self.lots
		self.assertEqual(classes[lots["usable"]], {"usable", "reserved"})
		for name in ("held", "expired", "short", "in_quarantine"):
			self.assertEqual(classes[lots[name]], {name}, name)
		self.assertEqual(classes[lots["other"]], {"restricted"})
		by_lot = {row["lot"]: row for row in answer["lots"] if row["class"] != "reserved"}
		self.assertEqual(by_lot[lots["mine"]]["promisable"], 15)
		self.assertEqual(by_lot[lots["other"]]["promisable"], 0)
		self.assertIn("not for this customer", by_lot[lots["other"]]["reason"])
		self.assertIn("below the required minimum (30", by_lot[lots["short"]]["reason"])
		self.assertIn("expired on", by_lot[lots["expired"]]["reason"])
		self.assertIn(f"in quarantine warehouse {self.holding}", by_lot[lots["in_quarantine"]]["reason"])

	def test_today_the_expiring_lot_still_counts_and_without_a_customer_no_restricted_lot_does(self):
		answer = api.promisable(self.item)
		# today: nothing expired; no customer: no shelf-life requirement, no restricted lot in scope
		self.assertEqual(answer["promisable"], 90 + 30 + 20)
		self.assertEqual(answer["totals"]["restricted"], 40)

	def test_the_orders_own_reservation_is_not_subtracted_from_it(self):
		answer = self.promise(sales_order=self.order.name)
		self.assertEqual(answer["promisable"], 115)
		self.assertEqual(answer["totals"]["reserved"], 0)

	def test_the_order_rows_short_read_gives_the_full_splits_figure(self):
		"""`promisable_by_warehouse` (the order rows' read: plain lots summed in SQL) against the full
		split, warehouse by warehouse, over dates, customers (none; in scope of one restricted lot; of
		the other), a percentage rule no lot here can meet (no manufacturing date), the order's own
		reservation left out or not, and with a reservation naming no lot larger than the usable
		stock (the rest is taken from the restricted lot in scope)."""
		from lot_traceability.order_rows import promisable_by_warehouse
		from lot_traceability.promising import promisable_stock

		d = company_defaults()
		places = [self.store, self.holding]

		def compare(label):
			seen = 0
			for days in (0, 20, 60, 400):
				on_date = add_days(nowdate(), days)
				for customer in (None, MINE, OTHER):
					for order in (None, self.order.name):
						full, _hidden = promisable_stock(
							[self.item], places, on_date, customer, d.company, order
						)
						short = promisable_by_warehouse(
							self.item, places, on_date, customer, d.company, order
						)
						for place in places:
							expected = full[self.item].promise.promisable_in(place)
							got = short.get(place, 0.0)
							self.assertAlmostEqual(got, expected, 6, (label, days, customer, order, place))
							seen += expected > 0
			self.assertGreater(seen, 0, label)  # not only zeros compared

		compare("as set up")
		frappe.db.set_value(
			"Customer",
			MINE,
			{"min_remaining_shelf_life": 50, "min_remaining_shelf_life_unit": "% of Shelf Life"},
		)
		frappe.clear_document_cache("Customer", MINE)
		try:
			compare("a percentage")
		finally:
			frappe.db.set_value(
				"Customer", MINE, {"min_remaining_shelf_life": 30, "min_remaining_shelf_life_unit": "Days"}
			)
			frappe.clear_document_cache("Customer", MINE)
		automatic = frappe.db.get_single_value("Stock Settings", "auto_reserve_serial_and_batch")
		frappe.db.set_single_value("Stock Settings", "auto_reserve_serial_and_batch", 0)  # stays by Qty
		self.addCleanup(
			frappe.db.set_single_value, "Stock Settings", "auto_reserve_serial_and_batch", automatic or 0
		)
		big, entry = reserve(self.item, None, 95, self.store, OTHER)
		try:
			self.assertEqual(
				frappe.db.get_value("Stock Reservation Entry", entry.name, "reservation_based_on"), "Qty"
			)
			full, _hidden = promisable_stock([self.item], [self.store], self.on, MINE, d.company)
			# 90 usable beyond the lot's reservation, 95 naming no lot: 5 come off the lot in scope
			self.assertAlmostEqual(full[self.item].promise.promisable_in(self.store), 10)
			compare("a reservation naming no lot")
		finally:
			entry.reload()
			entry.cancel()
			big.reload()
			big.cancel()

	def test_one_warehouse(self):
		answer = self.promise(warehouses=[self.holding])
		self.assertEqual((answer["actual_qty"], answer["promisable"]), (50, 0))
		self.assertEqual(answer["totals"]["in_quarantine"], 50)

	def test_a_group_warehouse_covers_those_below_it(self):
		group = frappe.db.get_value("Warehouse", self.store, "parent_warehouse")
		by_group = {row["warehouse"]: row for row in self.promise(warehouses=[group])["warehouses"]}
		alone = self.promise(warehouses=[self.store])
		self.assertEqual(by_group[self.store]["promisable"], alone["promisable"])
		self.assertEqual(alone["promisable"], 105)

	def test_the_report_agrees_with_the_api(self):
		columns, rows, _message, chart, summary = lot_availability.execute(
			{"item_code": self.item, "date": self.on, "customer": MINE, "days": 400}
		)
		by_warehouse = {row["warehouse"]: row for row in rows}
		answer = self.promise()
		for figures in answer["warehouses"]:
			row = by_warehouse[figures["warehouse"]]
			for key in (
				"actual_qty",
				"promisable",
				"usable",
				"restricted",
				"held",
				"in_quarantine",
				"expired",
				"short",
				"reserved",
			):
				self.assertEqual(row[key], figures[key], (figures["warehouse"], key))
		self.assertEqual(by_warehouse[self.store]["promisable"], 105)
		self.assertEqual(by_warehouse[self.store]["expiring"], 105)  # all within 400 days
		self.assertEqual(by_warehouse[self.holding]["in_quarantine"], 50)
		figures = {entry["label"]: entry["value"] for entry in summary}
		self.assertEqual(figures["Promisable"], 105)
		self.assertEqual(figures["ERPNext Actual Qty"], 280)
		self.assertEqual(figures["Held"], 40)
		self.assertEqual(
			dict(zip(chart["data"]["labels"], chart["data"]["datasets"][0]["values"], strict=True))["Usable"],
			90,
		)
		self.assertIn("promisable", {column["fieldname"] for column in columns})

	def test_expiring_within_counts_only_promisable_stock_expiring_by_then(self):
		_columns, rows, *_rest = lot_availability.execute(
			{"item_code": self.item, "date": self.on, "customer": MINE, "days": 30}
		)
		store = next(row for row in rows if row["warehouse"] == self.store)
		self.assertEqual(store["expiring"], 0)  # the promisable lots expire in a year (or never)


class TestPromisableWalls(FrappeTestCase):
	"""A Stock User whose User Permission names another company."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company = get_company()
		make_user(OUTSIDER, ["Stock User", "Sales User"])
		# the company an earlier run gave the outsider, else another than the test company
		cls.other_company = (
			frappe.db.get_value("User Permission", {"user": OUTSIDER, "allow": "Company"}, "for_value")
			or frappe.get_all("Company", filters={"name": ("!=", cls.company)}, pluck="name")[0]
		)
		if not frappe.db.exists("User Permission", {"user": OUTSIDER, "allow": "Company"}):
			frappe.get_doc(
				{
					"doctype": "User Permission",
					"user": OUTSIDER,
					"allow": "Company",
					"for_value": cls.other_company,
				}
			).insert(ignore_permissions=True)
		cls.token = api_token(OUTSIDER)
		# an item with stock outside the outsider's company (whichever ran before: not any item in stock)
		cls.item = frappe.db.sql(
			"""select balance.item from `tabLot Balance` balance
			join `tabWarehouse` warehouse on warehouse.name = balance.warehouse
			where balance.qty > 0 and warehouse.company != %s order by balance.item limit 1""",
			cls.other_company,
		)[0][0]
		frappe.db.commit()  # the REST call reads the user from its own connection

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_another_companys_stock_is_refused_and_left_out(self):
		frappe.set_user(OUTSIDER)
		with self.assertRaises(frappe.PermissionError) as raised:
			api.promisable(self.item, company=self.company)
		self.assertIn("You may not read company", str(raised.exception))
		self.assertIn(REFUSED, str(raised.exception))
		store = company_defaults(self.company).warehouse
		with self.assertRaises(frappe.PermissionError) as raised:
			api.promisable(self.item, warehouses=[store])
		self.assertIn("You may not read warehouse", str(raised.exception))
		answer = api.promisable(self.item)  # no place named: other companies' stock left out, counted
		frappe.set_user("Administrator")
		everything = api.promisable(self.item)
		self.assertGreater(everything["on_hand"], answer["on_hand"])
		self.assertGreater(answer["hidden"], 0)
		self.assertIn("at companies you may not read are not shown", answer["hidden_note"])

	def test_a_user_who_may_not_read_lots_gets_the_figures_without_them(self):
		make_user(SALES_ONLY, ["Sales User"])
		frappe.set_user(SALES_ONLY)
		answer = api.promisable(self.item)
		self.assertNotIn("lots", answer)
		self.assertIn("promisable", answer["totals"])
		frappe.set_user("Administrator")
		self.assertIn("lots", api.promisable(self.item))

	def test_the_report_refuses_another_company(self):
		frappe.set_user(OUTSIDER)
		with self.assertRaises(frappe.PermissionError) as raised:
			lot_availability.execute({"company": self.company})
		self.assertIn(REFUSED, str(raised.exception))

	def test_over_rest_another_company_is_forbidden(self):
		response = make_request(
			target=get_test_client().get,
			args=("/api/method/lot_traceability.api.promisable",),
			kwargs={
				"query_string": {"item_code": self.item, "company": self.company},
				"headers": {"Authorization": f"token {self.token}"},
			},
		)
		self.assertEqual(response.status_code, 403)
		self.assertIn("You may not read company", response.get_data(as_text=True))


class TestPlanningCountsUsableStock(FrappeTestCase):
	"""A Production Plan for 40 of a product whose raw material has 40 on hand, 30 of it in a
	quarantined lot: with the switch on it proposes a Material Request for the 30 held; off, none
	(ERPNext sees 40 in stock)."""

	@classmethod
	def setUpClass(cls):
		from erpnext.manufacturing.doctype.production_plan.test_production_plan import make_bom

		super().setUpClass()
		erpnext_planning.apply()  # as every request does at its start
		d = company_defaults()
		cls.company, cls.store = d.company, d.warehouse
		cls.material = make_lot_item()
		make_lot_rule(item=cls.material, receipt_status="Approved")
		lot_of(cls.material, 10)
		lot_of(cls.material, 30, "Quarantined")
		cls.product = make_lot_item(valuation_rate=10)
		cls.bom = make_bom(
			item=cls.product, raw_materials=[cls.material], company=cls.company, currency=d.default_currency
		).name

	@classmethod
	def tearDownClass(cls):
		erpnext_planning.unapply()
		super().tearDownClass()

	def tearDown(self):
		frappe.db.set_single_value("Lot Traceability Settings", "planning_uses_usable_stock", 1)

	def proposed(self) -> float:
		from erpnext.manufacturing.doctype.production_plan.production_plan import (
			get_items_for_material_requests,
		)

		plan = frappe._dict(
			company=self.company,
			for_warehouse=self.store,
			posting_date=nowdate(),
			po_items=[
				{"item_code": self.product, "bom_no": self.bom, "planned_qty": 40, "warehouse": self.store}
			],
		)
		rows = get_items_for_material_requests(plan)
		return sum(row["quantity"] for row in rows if row["item_code"] == self.material)

	def test_on_the_held_quantity_is_requested(self):
		self.assertEqual(self.proposed(), 30)

	def test_off_erpnext_counts_the_held_lot_as_stock(self):
		frappe.db.set_single_value("Lot Traceability Settings", "planning_uses_usable_stock", 0)
		self.assertEqual(self.proposed(), 0)

	def test_an_item_no_rule_governs_is_left_to_erpnext(self):
		frappe.db.savepoint("before_no_rule")
		try:
			frappe.db.delete("Lot Rule", {"item": self.material})
			self.assertEqual(self.proposed(), 0)
		finally:
			frappe.db.rollback(save_point="before_no_rule")
