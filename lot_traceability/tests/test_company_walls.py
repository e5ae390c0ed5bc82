"""Company walls on every read of lots: a user whose User Permission names one company reads that
company's lots, stock, customers and shipments only. A lot of another company is refused, naming
it; inside a trace or recall of a lot they may read, the rows of other companies are left out and
counted (no names, no values).

The scene, in the demo distributor's two companies: an olive-oil lot received by Demo Specialty
Foods (FOODS) at Central DC, shipped in part to a FOODS customer, sent in part to Demo Specialty
Foods Retail (RETAIL), which sold some to a market and repacked some into a new lot of its own; and
a lot RETAIL received itself. The user may read FOODS only."""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client, nowdate

from lot_traceability import access, api, demo
from lot_traceability.demo import builders
from lot_traceability.lot_traceability.report.lot_trace import lot_trace
from lot_traceability.lot_traceability.report.recall_impact import recall_impact
from lot_traceability.recall import audit as recall_audit
from lot_traceability.recall import war_room as recall_war_room
from lot_traceability.tests.test_internal_transfers import (
	CENTRAL,
	FOODS,
	MARKET,
	NORTH,
	RETAIL,
	fresh_lot,
	send,
	take_in,
)
from lot_traceability.tests.utils import (
	api_token,
	company_defaults,
	delivery_note,
	get_received_batches,
	make_customer,
	make_lot_item,
	make_user,
	receive,
)

WALLED = "lt-walls-foods@example.com"
CENTRAL_ONLY = "lt-walls-central@example.com"
FOODS_CUSTOMER = "_LT Walls Foods Customer"
REFUSED = "outside the companies you may read"
NOTE = "at companies you may not read are not shown"


def ship(item, batch, qty, company, warehouse, customer):
	d = company_defaults(company)
	doc = delivery_note(
		item,
		qty,
		batch,
		company=company,
		customer=customer,
		warehouse=warehouse,
		cost_center=d.cost_center,
		expense_account=d.default_expense_account,
		rate=30,
	)
	doc.insert()
	doc.submit()
	return doc


def repack(item, batch, company, warehouse, qty=2) -> str:
	"""A Repack Stock Entry of `company` making a new lot of a new item from `batch`: its lot."""
	d = company_defaults(company)
	made = make_lot_item(company=company)
	row = {"conversion_factor": 1, "uom": "Nos", "stock_uom": "Nos", "cost_center": d.cost_center}
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": "Repack",
			"stock_entry_type": "Repack",
			"company": company,
			"items": [
				{
					**row,
					"item_code": item,
					"qty": qty,
					"s_warehouse": warehouse,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
					"basic_rate": 10,
				},
				{**row, "item_code": made, "qty": 1, "t_warehouse": warehouse, "is_finished_item": 1},
			],
		}
	)
	entry.insert()
	entry.submit()
	return entry


def drill(batch) -> str:
	recall = frappe.get_doc(
		{
			"doctype": "Lot Recall",
			"title": "Walls drill",
			"reason": "Off-flavour",
			"recall_date": nowdate(),
			"is_mock": 1,
			"source_lots": [{"batch": batch}],
		}
	).insert()
	recall.submit()
	return recall


class TestCompanyWalls(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()
		builders.internal_parties(FOODS, RETAIL)
		make_customer(MARKET)
		make_customer(FOODS_CUSTOMER)
		cls.item, cls.shared = fresh_lot(40)  # FOODS, Central DC
		receipt = frappe.db.get_value("Batch", cls.shared, "reference_name")
		made = [frappe.get_doc("Purchase Receipt", receipt)]
		made.append(ship(cls.item, cls.shared, 2, FOODS, CENTRAL, FOODS_CUSTOMER))
		made.append(send(cls.item, cls.shared, 8))
		made.append(take_in(made[-1]))  # to RETAIL, North DC
		made.append(ship(cls.item, cls.shared, 3, RETAIL, NORTH, MARKET))
		cls.market_note = made[-1].name
		made.append(repack(cls.item, cls.shared, RETAIL, NORTH))
		cls.repacked = frappe.db.get_value("Batch", {"item": made[-1].items[-1].item_code})
		made.append(receive(make_lot_item(company=RETAIL), qty=5, company=RETAIL, warehouse=NORTH))
		(cls.retail_lot,) = get_received_batches(made[-1].name)
		cls.supplier_lot_no = f"_LT-WALLS-{frappe.generate_hash(length=6)}"
		for lot in (cls.shared, cls.retail_lot):
			frappe.db.set_value("Batch", lot, "supplier_lot_no", cls.supplier_lot_no)
		made += [drill(cls.shared), drill(cls.retail_lot)]
		cls.shared_recall, cls.retail_recall = made[-2].name, made[-1].name
		cls.made = made
		make_user(WALLED, ["Stock User", "Stock Manager", "Sales User"])
		if not frappe.db.exists("User Permission", {"user": WALLED, "allow": "Company"}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": WALLED, "allow": "Company", "for_value": FOODS}
			).insert(ignore_permissions=True)
		make_user(CENTRAL_ONLY, ["Stock User", "Sales User"])
		if not frappe.db.exists("User Permission", {"user": CENTRAL_ONLY, "allow": "Warehouse"}):
			permission = {"user": CENTRAL_ONLY, "allow": "Warehouse", "for_value": CENTRAL}
			frappe.get_doc({"doctype": "User Permission", **permission}).insert(ignore_permissions=True)
		cls.token = api_token(WALLED)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		"""The scene is committed (REST calls read it from their own connection): cancelled again, so
		that the demo companies' figures stay those of the demo."""
		frappe.set_user("Administrator")
		for doc in reversed(cls.made):
			doc.reload()
			if doc.docstatus == 1:
				doc.cancel()
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		frappe.set_user(WALLED)

	def tearDown(self):
		frappe.set_user("Administrator")

	def assertRefused(self, call, lot=None, what="lot"):
		lot = lot or self.retail_lot
		with self.assertRaises(frappe.PermissionError) as raised:
			call()
		message = str(raised.exception)
		self.assertIn(f"You may not read {what}", message)
		self.assertIn(lot, message)
		self.assertIn(RETAIL, message)
		self.assertIn(REFUSED, message)

	# the service

	def test_the_user_reads_their_company_and_a_lot_belongs_to_the_companies_that_moved_it(self):
		self.assertEqual(access.readable_companies(), {FOODS})
		companies = access.lot_companies([self.shared, self.retail_lot, self.repacked])
		self.assertEqual(companies[self.shared], {FOODS, RETAIL})
		self.assertEqual(companies[self.retail_lot], {RETAIL})
		self.assertEqual(companies[self.repacked], {RETAIL})
		access.check_lot_access(self.shared)  # one of its companies is theirs
		self.assertRefused(lambda: access.check_lot_access(self.retail_lot))
		frappe.set_user("Administrator")
		self.assertIsNone(access.readable_companies())
		access.check_lot_access(self.retail_lot)

	def test_the_refusal_escapes_what_it_quotes(self):
		with self.assertRaises(frappe.PermissionError) as raised:
			access.refuse_lot("<b>x</b>", {"<i>Co</i>"})
		self.assertIn("&lt;b&gt;x&lt;/b&gt;", str(raised.exception))
		self.assertNotIn("<i>", str(raised.exception))

	# traces

	def test_a_trace_of_another_companys_lot_is_refused(self):
		self.assertRefused(lambda: api.get_lot_trace(batch=self.retail_lot))
		self.assertRefused(lambda: lot_trace.execute({"batch": self.retail_lot}))

	def test_a_trace_leaves_out_the_other_companys_lots_and_deliveries_and_counts_them(self):
		trace = api.get_lot_trace(batch=self.shared, direction="Forward")
		forward = trace["directions"]["forward"]
		self.assertEqual([node["lot"] for node in forward["nodes"]], [self.shared])
		self.assertEqual(forward["nodes"][0]["on_hand"], 30)  # Central DC's only: 40 − 2 − 8
		parties = {row.party for row in forward["documents"]}
		self.assertIn(FOODS_CUSTOMER, parties)
		self.assertNotIn(MARKET, parties)
		self.assertNotIn(self.market_note, {row.voucher_no for row in forward["documents"]})
		self.assertEqual(trace["hidden"]["lots"], 1)
		self.assertGreaterEqual(trace["hidden"]["documents"], 1)
		self.assertIn("1 lot", trace["hidden_note"])
		self.assertIn(NOTE, trace["hidden_note"])
		self.assertNotIn(self.repacked, json.dumps(trace, default=str))

		_columns, rows, message, _chart, _summary = lot_trace.execute(
			{"batch": self.shared, "direction": "Forward"}
		)
		self.assertNotIn(MARKET, {row.get("party") for row in rows})
		self.assertNotIn(self.repacked, {row.get("lot") for row in rows})
		self.assertIn(NOTE, message)

	def test_a_supplier_lot_no_traces_and_recalls_the_users_lots_and_counts_the_others(self):
		trace = api.get_lot_trace(supplier_lot_no=self.supplier_lot_no, direction="Forward")
		self.assertEqual(trace["roots"], [self.shared])
		self.assertEqual(trace["hidden"]["lots"], 2)  # the other company's lot and the repack
		scope = api.get_recall_impact(supplier_lot_no=self.supplier_lot_no)
		self.assertEqual([lot.lot for lot in scope["lots"]], [self.shared])
		self.assertEqual(scope["hidden"]["lots"], 2)
		self.assertNotIn(self.retail_lot, json.dumps(scope, default=str))

	def test_the_genealogy_graph_keeps_to_the_users_companies(self):
		self.assertRefused(lambda: api.get_lot_graph(self.retail_lot))
		drawn = api.get_lot_graph(self.shared)
		text = json.dumps(drawn, default=str)
		self.assertNotIn(self.repacked, text)
		self.assertNotIn(MARKET, text)
		self.assertIn(FOODS_CUSTOMER, text)
		self.assertEqual(drawn["hidden"]["lots"], 1)
		self.assertIn(NOTE, drawn["hidden_note"])

	# recalls

	def test_recall_impact_of_another_companys_lot_is_refused(self):
		self.assertRefused(lambda: api.get_recall_impact(batches=self.retail_lot))
		self.assertRefused(lambda: recall_impact.execute({"batch": self.retail_lot}))

	def test_recall_impact_shows_the_users_companies_and_counts_the_rest(self):
		scope = api.get_recall_impact(batches=json.dumps([self.shared]))
		self.assertEqual([row["warehouse"] for row in scope["stock"]], [CENTRAL])
		self.assertEqual([row["customer"] for row in scope["customers"]], [FOODS_CUSTOMER])
		self.assertEqual([lot.lot for lot in scope["lots"]], [self.shared])
		self.assertEqual(scope["summary"]["on_hand_qty"], 30)
		self.assertEqual(scope["summary"]["customers"], 1)
		self.assertEqual(scope["hidden"], {"lots": 1, "locations": 1, "customers": 1, "shipments": 1})
		self.assertEqual(
			scope["hidden_note"],
			"1 lot, 1 stock location, 1 customer and 1 shipment at companies you may not read are not shown.",
		)
		text = json.dumps(scope, default=str)
		for name in (MARKET, NORTH, self.repacked, self.market_note):
			self.assertNotIn(name, text)

		for section in ("Stock", "Customers", "Shipments", "Affected Lots"):
			filters = {"batch": self.shared, "section": section}
			_columns, rows, message, *_rest = recall_impact.execute(filters)
			self.assertNotIn(MARKET, json.dumps(rows, default=str), section)
			self.assertNotIn(NORTH, json.dumps(rows, default=str), section)
			self.assertIn(NOTE, message, section)

	def test_a_recall_of_another_companys_lots_is_refused_everywhere(self):
		for call in (
			lambda: api.get_recall_war_room(self.retail_recall),
			lambda: api.get_recall_rows(self.retail_recall, "locations"),
			lambda: recall_audit.audit_figures(self.retail_recall),
			lambda: recall_impact.execute({"lot_recall": self.retail_recall}),
		):
			self.assertRefused(call, lot=self.retail_recall, what="Lot Recall")

	def test_the_war_room_shows_the_users_companies_only(self):
		room = recall_war_room.figures(self.shared_recall)
		self.assertEqual([site["warehouse"] for site in room["sites"]], [CENTRAL])
		self.assertEqual([row["customer"] for row in room["customers"]], [FOODS_CUSTOMER])
		self.assertEqual(room["on_hand"], 30)
		self.assertEqual(room["shipped"], 2)
		self.assertEqual(room["hidden"]["customers"], 1)
		self.assertIn(NOTE, room["hidden_note"])

	def test_the_recall_form_rows_keep_to_the_users_companies(self):
		page = api.get_recall_rows(self.shared_recall, "locations")
		self.assertEqual({row.warehouse for row in page["rows"]}, {CENTRAL})
		self.assertEqual(page["total"], 1)
		self.assertEqual(page["hidden"], {"locations": 2})  # the lot and its repack at North DC
		customers = api.get_recall_rows(self.shared_recall, "customers")
		self.assertEqual([row.customer for row in customers["rows"]], [FOODS_CUSTOMER])
		lots = api.get_recall_rows(self.shared_recall, "affected_lots")
		self.assertEqual([row.batch for row in lots["rows"]], [self.shared])
		self.assertIn(NOTE, lots["hidden_note"])

	def test_the_recall_form_figures_keep_to_the_users_companies(self):
		from frappe.desk.form.load import getdoc

		getdoc("Lot Recall", self.shared_recall)
		(doc,) = frappe.response.docs
		self.assertEqual((doc.on_hand_qty, doc.customers_count, doc.sites_count), (30, 1, 1))
		onload = doc.get_onload()
		self.assertEqual(onload.scope_rows, {"affected_lots": 1, "locations": 1, "customers": 1})
		self.assertIn(NOTE, onload.hidden_note)

	def test_the_audit_pack_keeps_to_the_users_companies(self):
		figures = recall_audit.audit_figures(self.shared_recall)
		self.assertEqual([site["warehouse"] for site in figures["by_site"]], [CENTRAL])
		self.assertIn(NOTE, figures["hidden_note"])
		recall = recall_audit._recall(self.shared_recall)
		self.assertEqual((recall.on_hand_qty, recall.customers_count, recall.sites_count), (30, 1, 1))
		summary = frappe.get_print(
			"Lot Recall", self.shared_recall, print_format=recall_audit.PRINT_FORMAT, doc=recall
		)
		self.assertIn(NOTE, summary)
		self.assertNotIn(NORTH, summary)
		self.assertNotIn(self.repacked, summary)
		notice = recall_audit.notice_csv(recall)
		self.assertIn(FOODS_CUSTOMER, notice)
		self.assertNotIn(MARKET, notice)
		frappe.set_user("Administrator")  # the whole recall for those who may read everything
		self.assertIn(MARKET, recall_audit.notice_csv(recall_audit._recall(self.shared_recall)))

	def test_the_audit_pack_lists_actions_on_the_users_lots_only(self):
		recall = frappe.get_doc("Lot Recall", self.shared_recall)
		for lot in (self.shared, self.repacked):
			recall.append("actions", {"document_type": "Batch", "document": lot, "action": "Not moved"})
		recall = recall_audit.within_walls(recall, access.wall())
		self.assertEqual([row.document for row in recall.actions], [self.shared])
		self.assertEqual(recall.hidden["actions"], 1)
		self.assertIn("1 action", access.hidden_note(recall.hidden))

	def test_the_exports_of_another_companys_lot_or_recall_are_refused(self):
		from lot_traceability.exports import epcis as epcis_export
		from lot_traceability.exports import fsma204 as fsma204_export

		self.assertRefused(lambda: epcis_export.export_for(lot=self.retail_lot))
		self.assertRefused(lambda: fsma204_export.rows_in_scope(lot=self.retail_lot))
		self.assertRefused(
			lambda: epcis_export.export_for(lot_recall=self.retail_recall), self.retail_recall, "Lot Recall"
		)

	# lookup, scanning, allocation, overview

	def test_lot_lookup_refuses_another_companys_lot_and_shows_the_users_warehouses(self):
		self.assertRefused(lambda: api.lookup_lot(self.retail_lot))
		found = api.lookup_lot(self.shared)
		self.assertEqual([row.warehouse for row in found["balances"]], [CENTRAL])

	def test_a_scanned_label_of_another_companys_lot_is_refused(self):
		self.assertRefused(lambda: api.scan_lot_label(f"(10){self.retail_lot}", "Delivery Note"))

	def test_the_lot_overview_of_another_companys_lot_is_refused(self):
		self.assertRefused(lambda: api.get_lot_overview(self.retail_lot))
		overview = api.get_lot_overview(self.shared)
		self.assertEqual(overview["balance"], 30)  # Central DC's only
		self.assertTrue(overview["on_hand"].startswith("30"), overview["on_hand"])

	def test_allocation_checks_refuse_another_companys_warehouse(self):
		with self.assertRaises(frappe.PermissionError) as raised:
			api.check_allocation(self.item, NORTH, 1)
		self.assertIn("You may not read warehouse", str(raised.exception))
		self.assertIn(NORTH, str(raised.exception))
		self.assertIn(RETAIL, str(raised.exception))
		answer = api.check_allocation(self.item, CENTRAL, 1)
		self.assertEqual({row["warehouse"] for row in answer["lots"]}, {CENTRAL})

	def test_a_user_of_one_warehouse_sees_the_stock_there_only(self):
		frappe.set_user(CENTRAL_ONLY)
		self.assertEqual([row.warehouse for row in api.lookup_lot(self.shared)["balances"]], [CENTRAL])
		trace = api.get_lot_trace(batch=self.shared, direction="Forward")
		self.assertEqual(trace["directions"]["forward"]["nodes"][0]["on_hand"], 30)
		self.assertNotIn(MARKET, {row.party for row in trace["directions"]["forward"]["documents"]})
		with self.assertRaises(frappe.PermissionError) as raised:
			api.check_allocation(self.item, NORTH, 1)
		self.assertIn("You may not read warehouse", str(raised.exception))

	# over REST

	def rest(self, method: str, **params):
		return make_request(
			target=get_test_client().get,
			args=(f"/api/method/lot_traceability.api.{method}",),
			kwargs={"query_string": params, "headers": {"Authorization": f"token {self.token}"}},
		)

	def test_over_rest_another_companys_lot_is_forbidden(self):
		response = self.rest("get_recall_impact", batches=self.retail_lot)
		self.assertEqual(response.status_code, 403)
		self.assertIn(REFUSED, json.dumps(response.json))
		self.assertIn(self.retail_lot, json.dumps(response.json))
		response = self.rest("get_lot_trace", batch=self.retail_lot)
		self.assertEqual(response.status_code, 403)

	def test_over_rest_the_users_lot_comes_without_the_other_companys_rows(self):
		response = self.rest("get_recall_impact", batches=self.shared)
		self.assertEqual(response.status_code, 200, response.json)
		answer = response.json["message"]
		self.assertEqual([row["customer"] for row in answer["customers"]], [FOODS_CUSTOMER])
		self.assertNotIn(MARKET, json.dumps(answer))
		self.assertIn(NOTE, answer["hidden_note"])
