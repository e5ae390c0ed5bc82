"""What a quality manager, a warehouse clerk and a planner found walking the demo: the foresight
reports say when foresight was computed, the workspace is whole for a Quality Manager, and reports
that speak of the same lots agree."""

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from frappe.tests.utils import FrappeTestCase
from frappe.utils import nowdate

from lot_traceability import api, demo, kpis
from lot_traceability.foresight import job
from lot_traceability.lot_traceability.report.expiry_risk import expiry_risk
from lot_traceability.lot_traceability.report.fsma_204_records import fsma_204_records
from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions
from lot_traceability.lot_traceability.report.lot_trace import lot_trace
from lot_traceability.lot_traceability.report.supplier_lot_risk import supplier_lot_risk
from lot_traceability.recall import audit as recall_audit
from lot_traceability.tests.test_recall import new_recall
from lot_traceability.tests.utils import delivery_note, make_user

SETTINGS = "Lot Traceability Settings"
FORESIGHT_REPORTS = {
	"Expiry Risk": lambda: expiry_risk.execute({})[2],
	"Supplier Lot Risk": lambda: supplier_lot_risk.execute({})[2],
	"Lot Exceptions": lambda: lot_exceptions.execute({})[2],
}


class TestForesightIsDated(FrappeTestCase):
	def test_each_foresight_report_says_foresight_was_never_computed(self):
		frappe.db.set_single_value(SETTINGS, "foresight_computed_on", None)
		for report, message in FORESIGHT_REPORTS.items():
			with self.subTest(report=report):
				self.assertIn("has not been computed yet", message())
				self.assertIn("Compute Foresight", message())

	def test_each_foresight_report_says_when_foresight_was_last_computed(self):
		job.compute_all()
		stamp = frappe.db.get_single_value(SETTINGS, "foresight_computed_on")
		for report, message in FORESIGHT_REPORTS.items():
			with self.subTest(report=report):
				self.assertIn(f"Foresight last computed on {frappe.utils.format_datetime(stamp)}", message())

	def test_the_demo_computes_foresight_when_it_loads(self):
		from lot_traceability import demo

		frappe.db.set_single_value(SETTINGS, "foresight_computed_on", None)
		counts = demo.compute_foresight()
		self.assertEqual(set(counts), {"expiry_forecasts", "supplier_scores", "anomalies"})
		self.assertTrue(frappe.db.get_single_value(SETTINGS, "foresight_computed_on"))
		self.assertIn("compute_foresight()", __import__("inspect").getsource(demo.load))


QUALITY_MANAGER = "lot-qm-only@example.com"
WORKSPACE = "Lot Traceability"


class TestQualityManagerWorkspace(FrappeTestCase):
	"""A user with only Quality Manager and Stock User sees the whole workspace."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(QUALITY_MANAGER, ["Quality Manager", "Stock User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_every_number_card_is_permitted_and_its_method_answers(self):
		cards = [row.number_card_name for row in frappe.get_doc("Workspace", WORKSPACE).number_cards]
		self.assertEqual(len(cards), 7)
		frappe.set_user(QUALITY_MANAGER)
		self.assertEqual(set(frappe.get_roles()) & {"System Manager", "Stock Manager"}, set())
		for name in cards:
			with self.subTest(card=name):
				card = frappe.get_doc("Number Card", name)
				self.assertTrue(frappe.has_permission("Number Card", doc=name), name)
				if card.type == "Custom":
					answer = frappe.get_attr(card.method)()
					self.assertIn("value", answer)

	def test_the_workspace_shows_the_quality_manager_every_card_and_link(self):
		from frappe.desk.desktop import get_desktop_page

		frappe.set_user(QUALITY_MANAGER)
		page = get_desktop_page(frappe.as_json({"name": WORKSPACE, "title": WORKSPACE, "public": 1}))
		self.assertEqual(len(page["number_cards"]["items"]), 7)
		shown = {link.link_to for card in page["cards"]["items"] for link in card["links"]}
		self.assertTrue({"Lot Expiry Forecast", "Lot Anomaly", "lot-genealogy"} <= shown, shown)

	def test_every_workspace_link_target_exists_and_opens_for_the_quality_manager(self):
		links = [
			(row.link_type, row.link_to, row.label)
			for row in frappe.get_doc("Workspace", WORKSPACE).links
			if row.type == "Link"
		] + [(row.type, row.link_to, row.label) for row in frappe.get_doc("Workspace", WORKSPACE).shortcuts]
		frappe.set_user(QUALITY_MANAGER)
		readable = frappe.utils.user.UserPermissions(QUALITY_MANAGER)
		readable.build_permissions()
		routable = {*readable.can_read, *readable.can_write, *readable.can_create, *readable.in_create}
		self.assertNotIn("System Settings", routable)  # the Quality Manager's, not everything
		for link_type, target, label in links:
			with self.subTest(link=label):
				self.assertIn(link_type, ("DocType", "Report", "Page"))
				self.assertTrue(frappe.db.exists(link_type, target), f"{link_type} {target}")
				if link_type == "DocType" and not frappe.get_meta(target).issingle:
					# a DocType the desk routes to its list (a read-only one is routed nowhere)
					self.assertTrue(target in routable, target)


CONTAMINATED = "DC-5531"  # the demo's milk powder supplier lot
MAKER = "Demo Food Ingredients"
DISTRIBUTOR = "Demo Specialty Foods"


def summary_value(summary, label):
	return next(figure["value"] for figure in summary if figure["label"] == label)


class TestReportsAgree(FrappeTestCase):
	"""The demo's milk-powder drill after a customer returns part of a delivery today: Lot Trace,
	Recall Impact, the war room, the audit pack and the KPIs say the same shipped, returned and
	outstanding quantities."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def return_today(self, qty=30):
		sold = frappe.db.get_value(
			"Delivery Note",
			{"customer": "Demo Bakery North", "docstatus": 1, "is_return": 0, "company": MAKER},
		)
		customer_return = make_sales_return(sold)
		customer_return.items[0].qty = -qty
		customer_return.items[0].lot_return_disposition = "Restock"
		customer_return.posting_date = nowdate()
		customer_return.insert()
		customer_return.submit()
		return customer_return

	def test_every_report_says_the_same_shipped_returned_and_outstanding(self):
		drill = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		drill.submit()
		before = api.get_recall_impact(supplier_lot_no=CONTAMINATED)["summary"]
		self.return_today(30)

		impact = api.get_recall_impact(supplier_lot_no=CONTAMINATED)
		shipped = sum(row["shipped_qty"] for row in impact["customers"])
		returned = sum(row["returned_qty"] for row in impact["customers"])
		outstanding = sum(row["shipped_qty"] - row["returned_qty"] for row in impact["customers"])
		self.assertAlmostEqual(returned - before["returned_qty"], 30)
		self.assertGreater(outstanding, 0)

		room = api.get_recall_war_room(drill.name)
		self.assertAlmostEqual(room["shipped"], shipped)
		self.assertAlmostEqual(room["returned"], returned)
		self.assertAlmostEqual(room["outstanding"], outstanding)
		self.assertAlmostEqual(room["recovered"], 30)

		audit = recall_audit.audit_figures(drill.name)
		self.assertAlmostEqual(audit["containment"][-1]["with_customers"], outstanding)
		self.assertAlmostEqual(audit["containment"][-1]["recovered"], 30)

		trace = lot_trace.execute({"supplier_lot_no": CONTAMINATED, "direction": "Forward"})
		self.assertAlmostEqual(summary_value(trace[4], "Shipped"), shipped)
		self.assertAlmostEqual(summary_value(trace[4], "Returned"), returned)
		self.assertAlmostEqual(summary_value(trace[4], "Still with Customers"), outstanding)

		returns = kpis.return_dispositions(nowdate(), nowdate(), MAKER)
		self.assertEqual(returns["Restock"], {"returns": 1, "qty": 30.0})

	def test_a_same_day_shipment_and_return_on_the_drills_date_leave_the_audit_pack_with_the_war_room(self):
		"""5 shipped and 5 returned on the recall date: what is still with customers does not drop by 5."""
		drill = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		drill.submit()
		before = api.get_recall_war_room(drill.name)["outstanding"]
		impact = api.get_recall_impact(supplier_lot_no=CONTAMINATED)
		stock = next(
			row
			for row in impact["stock"]
			if row["warehouse"] and not row["in_transit"] and row["qty"] >= 5 and row["company"] == MAKER
		)
		item = frappe.db.get_value("Batch", stock["lot"], "item")
		note = delivery_note(
			item,
			5,
			stock["lot"],
			company=MAKER,
			customer="Demo Bakery North",
			warehouse=stock["warehouse"],
			posting_date=nowdate(),
			set_posting_time=1,
		)
		note.insert()
		note.submit()
		customer_return = make_sales_return(note.name)
		customer_return.items[0].lot_return_disposition = "Restock"
		customer_return.insert()
		customer_return.submit()
		room = api.get_recall_war_room(drill.name)
		audit = recall_audit.audit_figures(drill.name)
		self.assertAlmostEqual(room["outstanding"], before)
		self.assertAlmostEqual(audit["containment"][-1]["with_customers"], before)
		self.assertAlmostEqual(audit["containment"][-1]["recovered"], room["recovered"])


class TestLotTraceReturns(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()

	def test_a_customer_return_reads_as_returned_with_its_quantity_against_the_delivery(self):
		returned = frappe.get_all(
			"Delivery Note", filters={"is_return": 1, "docstatus": 1, "company": DISTRIBUTOR}, pluck="name"
		)
		self.assertTrue(returned)
		lot = frappe.db.get_value(
			"Lot Ledger Entry", {"voucher_no": returned[0], "voucher_type": "Delivery Note"}, "batch_no"
		)
		rows = lot_trace.execute({"batch": lot, "direction": "Forward"})[1]
		by_document = {row.get("document"): row for row in rows if row.get("document")}
		self.assertEqual(by_document[returned[0]]["relation"], "Returned")
		self.assertTrue(by_document[returned[0]]["link_qty"].startswith("-"), by_document[returned[0]])
		against = frappe.db.get_value("Delivery Note", returned[0], "return_against")
		self.assertEqual(by_document[against]["relation"], "Delivered")
		self.assertFalse(by_document[against]["link_qty"].startswith("-"))


class TestKpisByCompany(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		# the user defaults the test set are cached beyond the rollback: read them afresh
		frappe.clear_cache(user="Administrator")

	def test_recalls_and_released_holds_are_counted_for_the_company_chosen(self):
		# recalls other tests committed today count too: compare with the counts before this one
		before = {
			company: kpis.time_to_scope(nowdate(), nowdate(), company)["recalls"]
			for company in (MAKER, DISTRIBUTOR, None)
		}
		recall = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		recall.submit()
		self.assertEqual(kpis.time_to_scope(nowdate(), nowdate(), MAKER)["recalls"], before[MAKER] + 1)
		self.assertEqual(
			kpis.time_to_scope(nowdate(), nowdate(), DISTRIBUTOR)["recalls"], before[DISTRIBUTOR]
		)
		self.assertEqual(kpis.time_to_scope(nowdate(), nowdate())["recalls"], before[None] + 1)
		every = kpis.quarantine_cycles("2000-01-01", nowdate())
		by_company = {
			company: kpis.quarantine_cycles("2000-01-01", nowdate(), company)
			for company in (MAKER, DISTRIBUTOR)
		}
		self.assertTrue(every)
		for company, cycles in by_company.items():
			self.assertEqual({c.lot for c in cycles}, kpis.of_company({c.lot for c in every}, company))
		self.assertNotEqual(len(by_company[MAKER]), len(by_company[DISTRIBUTOR]))
		summary = {row["kpi"]: row for row in kpis.summary("2000-01-01", nowdate(), DISTRIBUTOR)}
		of_distributor = kpis.time_to_scope("2000-01-01", nowdate(), DISTRIBUTOR)["recalls"]
		self.assertLess(of_distributor, kpis.time_to_scope("2000-01-01", nowdate())["recalls"])
		self.assertIn(f"{of_distributor} recalls", summary["Time to scope a recall"]["basis"])

	def test_the_report_opens_on_the_users_default_company_with_lots_else_the_first_with_lots(self):
		frappe.defaults.set_user_default("company", DISTRIBUTOR)
		self.assertEqual(kpis.default_company(), DISTRIBUTOR)
		lotless = frappe.db.get_value(
			"Company", {"name": ("not in", kpis.kpi_queries.get_companies_with_lots())}
		)
		if not lotless:
			lotless = make_lotless_company()
		frappe.defaults.set_user_default("company", lotless)
		self.assertEqual(kpis.default_company(), kpis.kpi_queries.get_companies_with_lots()[0])
		self.assertEqual(api.kpi_default_company(), kpis.kpi_queries.get_companies_with_lots()[0])

	def test_a_write_off_reads_by_its_reason_not_the_lots_release_status(self):
		reasons = kpis.write_offs_by_reason("2000-01-01", nowdate(), DISTRIBUTOR)
		self.assertIn("Customer Return", reasons)
		self.assertNotIn("Approved", reasons)
		summary = {row["kpi"]: row for row in kpis.summary("2000-01-01", nowdate(), DISTRIBUTOR)}
		self.assertIn("Customer Return:", summary["Write-offs"]["basis"])
		self.assertNotIn("Approved", summary["Write-offs"]["basis"])
		expired = kpis.write_offs_by_reason("2000-01-01", nowdate(), MAKER)
		self.assertEqual(list(expired), [frappe.db.get_single_value(SETTINGS, "expired_status")])


def make_lotless_company() -> str:
	name = "Lotless Foods"
	if not frappe.db.exists("Company", name):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": name,
				"abbr": "LLF",
				"default_currency": "USD",
				"country": "United States",
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert()
	return name


class TestExpiryRiskCountsLots(FrappeTestCase):
	def test_lots_counts_lots_not_their_warehouse_rows(self):
		rows = [
			frappe._dict(lot="A", value=1, at_risk_value=None),
			frappe._dict(lot="A", value=1, at_risk_value=None),
		]
		rows.append(frappe._dict(lot="B", value=1, at_risk_value=None))
		for forecast_only in (False, True):
			summary = expiry_risk.get_summary(rows, forecast_only)
			self.assertEqual(summary_value(summary, "Lots"), 2)
		data = expiry_risk.execute({"days": 3650})[1]
		summary = expiry_risk.execute({"days": 3650})[4]
		self.assertEqual(summary_value(summary, "Lots"), len({row["lot"] for row in data}))


class TestFsmaDateWindow(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()

	def test_a_lot_without_dates_covers_its_whole_history_and_says_so(self):
		from lot_traceability.exports import fsma204 as fsma204_export

		lot = frappe.db.get_value("Batch", {"supplier_lot_no": CONTAMINATED}, "name")
		result = fsma_204_records.execute({"lot": lot})
		self.assertIn("whole history", result[2])
		whole = result[1]
		dated = fsma_204_records.execute({"lot": lot, "from_date": nowdate(), "to_date": nowdate()})
		self.assertIn("from", dated[2])
		self.assertLess(len(dated[1]), len(whole))
		name, content = fsma204_export.download("xlsx", lot=lot)
		self.assertEqual(name, f"FSMA 204 {lot}.xlsx")
		from io import BytesIO

		from openpyxl import load_workbook

		book = load_workbook(BytesIO(content))
		self.assertEqual(book.sheetnames, ["FSMA 204 Records", "Range"])
		self.assertEqual(book["FSMA 204 Records"].max_row, len(whole) + 1)
		self.assertIn("whole history", book["Range"]["A1"].value)
		name, content = fsma204_export.download("xlsx", lot=lot, from_date=nowdate(), to_date=nowdate())
		self.assertIn(nowdate(), name)

	def test_the_report_clears_its_default_dates_when_a_lot_is_chosen(self):
		import os

		script = os.path.join(os.path.dirname(fsma_204_records.__file__), "fsma_204_records.js")
		with open(script) as f:
			source = f.read()
		self.assertEqual(source.count("on_change: whole_history"), 3)
		self.assertIn('set_filter_value({ from_date: "", to_date: "" })', source)


class TestRecallContacts(FrappeTestCase):
	"""The demo's customers have their phone numbers on their contacts, not on the customer."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()

	def tearDown(self):
		frappe.db.rollback()

	def test_recall_impact_and_the_notice_list_carry_the_contacts_phone(self):
		self.assertFalse(frappe.db.get_value("Customer", "Demo Bakery North", "mobile_no"))
		impact = api.get_recall_impact(supplier_lot_no=CONTAMINATED)
		north = next(row for row in impact["customers"] if row["customer"] == "Demo Bakery North")
		self.assertEqual(north["phone"], "+1 555 0101")
		drill = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		drill.submit()
		row = next(row for row in drill.customers if row.customer == "Demo Bakery North")
		self.assertEqual(row.phone, "+1 555 0101")

	def test_a_contact_without_phone_numbers_falls_back_to_its_fields_then_the_address(self):
		from lot_traceability.recall.scope import with_phones

		contact = frappe.db.get_value("Customer", "Demo Bakery North", "customer_primary_contact")
		frappe.db.delete("Contact Phone", {"parent": contact})
		frappe.db.set_value("Contact", contact, {"phone": "", "mobile_no": "+1 555 0199"})
		rows = [frappe._dict(contact=contact, phone=None, address=None)]
		with_phones(rows)
		self.assertEqual(rows[0].phone, "+1 555 0199")
		frappe.db.set_value("Contact", contact, {"phone": "", "mobile_no": ""})
		address = frappe.db.get_value("Customer", "Demo Bakery North", "customer_primary_address")
		frappe.db.set_value("Address", address, "phone", "+1 555 0200")
		rows = [frappe._dict(contact=contact, phone=None, address=address)]
		with_phones(rows)
		self.assertEqual(rows[0].phone, "+1 555 0200")

	def test_the_primary_phone_comes_first(self):
		from lot_traceability.queries.contacts import get_contact_phones

		contact = frappe.get_doc(
			"Contact", frappe.db.get_value("Customer", "Demo Bakery North", "customer_primary_contact")
		)
		for row in contact.phone_nos:
			row.is_primary_phone = 0
		contact.append("phone_nos", {"phone": "+1 555 0300", "is_primary_mobile_no": 1})
		contact.save()
		self.assertEqual(get_contact_phones([contact.name])[contact.name], "+1 555 0300")

	def test_the_audit_packs_notice_list_has_plain_addresses_and_phones(self):
		import csv
		import io

		drill = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		drill.submit()
		drill.customers[0].address_display = "Main St 1<br>Springfield &amp; Co<br/>\n12345"
		table = list(csv.DictReader(io.StringIO(recall_audit.notice_csv(drill))))
		self.assertEqual(table[0]["Address"], "Main St 1, Springfield & Co, 12345")
		self.assertTrue(all("<" not in row["Address"] for row in table))
		north = next(row for row in table if row["Customer"] == "Demo Bakery North")
		self.assertEqual(north["Phone"], "'+1 555 0101")  # a leading + neutralised: no formula


class TestRestrictedLotOverview(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()

	def test_a_restricted_lot_may_be_shipped_only_within_its_release_scope(self):
		from lot_traceability.lot_overview import lot_overview

		restricted = frappe.get_all(
			"Batch",
			filters={"lot_status": ("in", frappe.get_all("Lot Status", {"is_restricted": 1}, pluck="name"))},
			pluck="name",
		)
		self.assertTrue(restricted)
		may = lot_overview(restricted[0], frappe.get_roles(), False)["may"]
		self.assertIn("be shipped (only within its release scope)", may)
		self.assertNotIn("be shipped", may)
		released = frappe.get_all("Batch", filters={"lot_status": "Approved"}, pluck="name", limit=1)
		self.assertIn("be shipped", lot_overview(released[0], frappe.get_roles(), False)["may"])
