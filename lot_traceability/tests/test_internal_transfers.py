"""Our own sites and companies are not customers: stock moved by ERPNext's internal customer and
supplier (a Delivery Note with a target warehouse; an inter-company Delivery Note and the Purchase
Receipt made from it) and by Stock Entries through a transit warehouse is traced on, shown where it
is now (or in transit), never counted as shipped or returned, and recalled in every company it
reached."""

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_inter_company_purchase_receipt
from erpnext.stock.doctype.stock_entry.stock_entry import make_stock_in_entry
from frappe.tests.utils import FrappeTestCase
from frappe.utils import nowdate

from lot_traceability import demo, kpis
from lot_traceability.demo import builders, distributor
from lot_traceability.findings import find_exceptions, get_thresholds
from lot_traceability.genealogy.trace import trace_lot
from lot_traceability.lot_traceability.report.lot_trace import lot_trace
from lot_traceability.lot_traceability.report.recall_impact import recall_impact
from lot_traceability.recall.scope import compute_scope
from lot_traceability.tests.utils import (
	attempt,
	company_defaults,
	delivery_note,
	get_received_batches,
	make_customer,
	make_lot_item,
	make_user,
	receive,
	stock_entry,
)
from lot_traceability.traceability.findings import Kind

FOODS, RETAIL = distributor.COMPANY, distributor.RETAIL_COMPANY
CENTRAL, NORTH = "Central DC - DSF", "North DC - DSR"
MARKET = "Demo Gourmet Market"
FOODS_STOCK = "lt-transfer-foods@example.com"
RETAIL_STOCK = "lt-transfer-retail@example.com"


def fresh_lot(qty=40):
	"""A new olive-oil-like item of both demo distributor companies, with one lot received at
	Central DC from a supplier."""
	item = make_lot_item(company=FOODS)
	frappe.get_doc("Item", item).append(
		"item_defaults", {"company": RETAIL, "default_warehouse": NORTH}
	).save(ignore_permissions=True)
	receipt = receive(item, qty=qty, company=FOODS, warehouse=CENTRAL)
	(batch,) = get_received_batches(receipt.name)
	return item, batch


def send(item, batch, qty, customer=None, **fields):
	"""A Delivery Note from Central DC (Demo Specialty Foods) to one of our companies."""
	d = company_defaults(FOODS)
	doc = delivery_note(
		item,
		qty,
		batch,
		company=FOODS,
		customer=customer or RETAIL,
		warehouse=CENTRAL,
		cost_center=d.cost_center,
		expense_account=d.default_expense_account,
		rate=10,
		**fields,
	)
	doc.selling_price_list = builders.INTER_COMPANY_PRICE_LIST
	doc.insert()
	doc.submit()
	return doc


def take_in(sent, warehouse=NORTH):
	receipt = make_inter_company_purchase_receipt(sent.name)
	for row in receipt.items:
		row.warehouse = warehouse
	receipt.insert()
	receipt.submit()
	return receipt


def sell(item, batch, qty, company, warehouse):
	d = company_defaults(company)
	doc = delivery_note(
		item,
		qty,
		batch,
		company=company,
		customer=MARKET,
		warehouse=warehouse,
		cost_center=d.cost_center,
		expense_account=d.default_expense_account,
		rate=30,
	)
	doc.insert()
	doc.submit()
	return doc


def stock_of(scope):
	return sorted((row.company, row.warehouse, row.qty, row.in_transit) for row in scope.stock)


class TestInternalTransfers(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()  # loads it once (afresh if an earlier install left its companies)
		frappe.db.commit()  # the demo kept whole, not undone by this class's rollback
		builders.internal_parties(FOODS, RETAIL)
		make_customer(MARKET)
		frappe.db.commit()

	def test_the_demo_retail_oil_came_from_the_other_company_and_its_recall_spans_both(self):
		lot = frappe.db.get_value("Batch", {"supplier_lot_no": "OE-780"})
		scope = compute_scope([lot])
		self.assertEqual(stock_of(scope), [(RETAIL, NORTH, 25, False)])
		self.assertEqual([c.customer for c in scope.customers], [MARKET])
		self.assertEqual((scope.summary.shipped_qty, scope.summary.returned_qty), (5, 0))
		self.assertEqual(scope.lots[0].made_qty, 30)  # received once from the supplier

	def test_same_company_delivery_into_a_transit_warehouse_is_a_transfer(self):
		item, batch = fresh_lot()
		transit = builders.warehouse("Goods In Transit", FOODS, warehouse_type="Transit")
		customer = builders.party(
			"Customer",
			"_LT Foods Internal",
			is_internal_customer=1,
			represents_company=FOODS,
			companies=[{"company": FOODS}],
		)
		send(item, batch, 8, customer=customer, target_warehouse=transit)
		scope = compute_scope([batch])
		self.assertEqual(stock_of(scope), [(FOODS, CENTRAL, 32, False), (FOODS, transit, 8, True)])
		self.assertEqual(scope.customers, [])
		self.assertEqual((scope.summary.shipped_qty, scope.summary.returned_qty), (0, 0))
		self.assertEqual(scope.summary.in_transit_qty, 8)
		self.assertEqual(scope.lots[0].made_qty, 40)

	def test_inter_company_delivery_is_in_transit_until_received_then_sold_on(self):
		item, batch = fresh_lot()
		sent = send(item, batch, 8)
		scope = compute_scope([batch])
		self.assertEqual(stock_of(scope), [(FOODS, CENTRAL, 32, False), (RETAIL, "", 8, True)])
		self.assertEqual(scope.summary.in_transit_qty, 8)
		self.assertEqual(scope.customers, [])
		# the notice list of a real report has no company in it
		_c, customers, *_ = recall_impact.execute({"batch": batch, "section": "Customers"})
		self.assertEqual(customers, [])

		receipt = take_in(sent)
		self.assertEqual(receipt.company, RETAIL)
		scope = compute_scope([batch])
		self.assertEqual(stock_of(scope), [(FOODS, CENTRAL, 32, False), (RETAIL, NORTH, 8, False)])
		self.assertEqual(scope.lots[0].made_qty, 40)  # the receipt from our company makes nothing
		self.assertEqual(frappe.db.get_value("Batch", batch, "supplier"), "_Lot Test Supplier")

		sell(item, batch, 3, RETAIL, NORTH)
		scope = compute_scope([batch])
		self.assertEqual(
			[(c.customer, c.shipped_qty, c.returned_qty) for c in scope.customers], [(MARKET, 3, 0)]
		)
		self.assertEqual(stock_of(scope), [(FOODS, CENTRAL, 32, False), (RETAIL, NORTH, 5, False)])

		# the trace goes on through the transfer: the transfer is listed, the customer counted once
		trace = trace_lot(batch, direction="Forward")
		documents = trace["directions"]["forward"]["documents"]
		transfers = {(d.voucher_no, d.party, d.qty) for d in documents if d.transfer}
		self.assertEqual(transfers, {(sent.name, RETAIL, -8), (receipt.name, FOODS, 8)})
		self.assertEqual({d.party for d in documents if not d.transfer}, {MARKET})
		_c, rows, _m, _chart, summary = lot_trace.execute({"batch": batch, "direction": "Forward"})
		self.assertIn("Transferred to", {row.get("relation") for row in rows})
		customers = next(s for s in summary if s["label"] == "Customers")
		self.assertEqual(customers["value"], 1)

	def test_stock_entries_through_a_transit_warehouse(self):
		item, batch = fresh_lot()
		transit = builders.warehouse("Goods In Transit", FOODS, warehouse_type="Transit")
		east = "East DC - DSF"
		out = stock_entry(
			item, 10, "Material Transfer", CENTRAL, transit, batch, company=FOODS, add_to_transit=1
		)
		out.insert()
		out.submit()
		self.assertIn((FOODS, transit, 10, True), stock_of(compute_scope([batch])))
		arrival = make_stock_in_entry(out.name)
		for row in arrival.items:
			row.t_warehouse = east
		arrival.insert()
		arrival.submit()
		scope = compute_scope([batch])
		self.assertEqual(stock_of(scope), [(FOODS, CENTRAL, 30, False), (FOODS, east, 10, False)])
		self.assertEqual(scope.summary.in_transit_qty, 0)

	def test_a_real_recall_of_a_lot_in_both_companies_holds_it_with_tasks_in_each(self):
		item, batch = fresh_lot()
		take_in(send(item, batch, 8))
		make_user(FOODS_STOCK, ["Stock Manager", "Stock User"])
		make_user(RETAIL_STOCK, ["Stock Manager", "Stock User"])
		for user, company in ((FOODS_STOCK, FOODS), (RETAIL_STOCK, RETAIL)):
			if not frappe.db.exists("User Permission", {"user": user, "allow": "Company"}):
				frappe.get_doc(
					{"doctype": "User Permission", "user": user, "allow": "Company", "for_value": company}
				).insert(ignore_permissions=True)
		recall = frappe.get_doc(
			{
				"doctype": "Lot Recall",
				"title": "Olive oil off-flavour",
				"reason": "Rancid taste reported",
				"recall_date": nowdate(),
				"source_lots": [{"batch": batch}],
			}
		).insert()
		recall.submit()
		recall.reload()
		self.assertEqual(frappe.db.get_value("Batch", batch, "lot_status"), recall.target_status)
		self.assertEqual(
			sorted((row.company, row.warehouse, row.qty) for row in recall.locations),
			[(FOODS, CENTRAL, 32), (RETAIL, NORTH, 8)],
		)
		self.assertEqual(recall.customers, [])
		self.assertEqual(recall.sites_count, 2)
		tasks = dict(
			frappe.get_all(
				"ToDo",
				filters={"reference_type": "Lot Recall", "reference_name": recall.name, "status": "Open"},
				fields=["allocated_to", "description"],
				as_list=True,
			)
		)
		self.assertIn(FOODS, tasks[FOODS_STOCK])
		self.assertRegex(tasks[FOODS_STOCK], r"hold and segregate 32(\.0)? on hand")
		self.assertNotIn(RETAIL, tasks[FOODS_STOCK])
		self.assertIn(RETAIL, tasks[RETAIL_STOCK])
		self.assertRegex(tasks[RETAIL_STOCK], r"hold and segregate 8(\.0)? on hand")
		self.assertNotIn("Central DC", tasks[RETAIL_STOCK])

	def test_kpis_count_no_transfer_as_a_shipment_or_a_supplier_receipt(self):
		item, batch = fresh_lot()
		before_fefo = kpis.fefo_adherence(company=FOODS)[0].whole
		before_receiving = kpis.receiving_completeness(company=RETAIL)
		take_in(send(item, batch, 8))
		self.assertEqual(kpis.fefo_adherence(company=FOODS)[0].whole, before_fefo)
		self.assertEqual(kpis.receiving_completeness(company=RETAIL), before_receiving)
		sell(item, batch, 2, FOODS, CENTRAL)
		self.assertEqual(kpis.fefo_adherence(company=FOODS)[0].whole, before_fefo + 1)

	def test_lot_exceptions_see_a_transfer_of_a_held_lot_as_a_transfer(self):
		from lot_traceability.status_changes import change_lot_status

		item, batch = fresh_lot()
		change_lot_status([batch], "Quarantined", reason="Suspect")
		frappe.db.set_single_value("Lot Traceability Settings", "enable_enforcement", 0)
		try:
			sent = send(item, batch, 8)
			sold, error = attempt(lambda: sell(item, batch, 2, FOODS, CENTRAL))
			self.assertIsNone(error)
		finally:
			frappe.db.set_single_value("Lot Traceability Settings", "enable_enforcement", 1)
		findings = find_exceptions([batch], None, get_thresholds(), Kind.SHIPPED_BEFORE_RELEASE)
		shipped = {f.reference_name for f in findings if f.kind is Kind.SHIPPED_BEFORE_RELEASE}
		self.assertIn(sold.name, shipped)
		self.assertNotIn(sent.name, shipped)
		# moving a held lot between our companies is still moving it while held
		moved = {f.reference_name for f in findings if f.kind is Kind.HELD_LOT_OVERRIDE}
		self.assertIn(sent.name, moved)
