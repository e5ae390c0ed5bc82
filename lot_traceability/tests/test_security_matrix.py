"""Who may call what: every whitelisted method of `lot_traceability.api`, every Script Report of the
app (through `frappe.desk.query_report.run`) and every download, called over REST as each role —
Guest, a website (portal) user, and desk users limited to one company — against a lot (recall,
warehouse, delivery, deviation, change) of their own company and one of another company.

The expected answer of every cell is written out below by hand (`EXPECTED`), as docs/security.md
states it (*Who may call what*); a method, report or download without its row fails the test.

403 is Frappe's answer to a PermissionError; 417 is a ValidationError: the caller got past every
permission check and was stopped by validation (a method that writes is called with arguments that
a permitted caller gets refused for, or that write only a draft this class deletes); 200 is an
answer. A pair is (own company, other company); a single number holds for both.

The scene, in the demo distributor's two companies: a lot of Demo Specialty Foods (FOODS, "A") at
Central DC, shipped in part to a FOODS customer, and a lot of Demo Specialty Foods Retail (RETAIL,
"B") at North DC, shipped in part to a market; a mock recall, a draft Lot Status Change and a draft
Lot Deviation of each. The desk users are limited to FOODS by a User Permission on Company, the
System Manager (who also holds the stock and quality roles, as ERPNext's first user does) to none;
the managers hold Stock User too, as a manager working with stock does."""

import inspect
import json
from pathlib import Path

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client, now_datetime

from lot_traceability import api, demo
from lot_traceability.demo import builders
from lot_traceability.tests.test_company_walls import drill, ship
from lot_traceability.tests.test_internal_transfers import CENTRAL, FOODS, MARKET, NORTH, RETAIL, fresh_lot
from lot_traceability.tests.utils import (
	TEST_SUPPLIER,
	api_token,
	get_received_batches,
	make_customer,
	make_lot_item,
	make_supplier,
	make_user,
	receive,
)

ROLES = (
	"guest",
	"website",
	"stock_user",
	"sales_user",
	"stock_manager",
	"quality_manager",
	"system_manager",
)
USERS = {
	"website": ("lt-matrix-portal@example.com", []),
	"stock_user": ("lt-matrix-stock-user@example.com", ["Stock User"]),
	"sales_user": ("lt-matrix-sales-user@example.com", ["Sales User"]),
	"stock_manager": ("lt-matrix-stock-manager@example.com", ["Stock Manager", "Stock User"]),
	"quality_manager": ("lt-matrix-quality@example.com", ["Quality Manager", "Stock User"]),
	"system_manager": (
		"lt-matrix-system@example.com",
		["System Manager", "Stock Manager", "Stock User", "Quality Manager"],
	),
}
WALLED = ("stock_user", "sales_user", "stock_manager", "quality_manager")
PORTAL_CUSTOMER = "_LT Matrix Portal Customer"
FOODS_CUSTOMER = "_LT Matrix Foods Customer"

X = 403  # refused: no permission, or a company the caller may not read
OWN = (200, 403)  # answered for the caller's company, refused for another
STOPPED = (417, 403)  # past the permission check for the caller's company, refused for another
NO_STATUS = (404, 403)  # past the permission check, the status asked for does not exist

# (guest, website, stock user, sales user, stock manager, quality manager, system manager)
EXPECTED = {
	# lot_traceability.api
	"get_effective_lot_rule": (X, X, OWN, OWN, OWN, OWN, 200),
	"get_lot_overview": (X, X, OWN, X, OWN, OWN, 200),
	"change_lot_status": (X, X, X, X, NO_STATUS, NO_STATUS, 404),
	"approve_lot_status_change": (X, X, X, X, STOPPED, STOPPED, 417),
	"get_batch_no": (X, X, OWN, OWN, OWN, OWN, 200),
	"get_lot_trace": (X, X, OWN, X, OWN, OWN, 200),
	"update_recall": (X, X, X, X, X, STOPPED, 417),
	"get_recall_impact": (X, X, OWN, X, OWN, OWN, 200),
	# an equipment window of a workstation that does not exist: refused on its merits (417) for the
	# caller's company, refused for another company before it is looked at
	"get_workstation_window_scope": (X, X, STOPPED, X, STOPPED, STOPPED, 417),
	"check_allocation": (X, X, OWN, X, OWN, OWN, 200),
	"scan_lot_label": (X, X, OWN, X, OWN, OWN, 200),
	"lookup_lot": (X, X, OWN, X, OWN, OWN, 200),
	"scan_barcode": (X, X, OWN, X, OWN, OWN, 200),
	"lots_on_hold_card": (X, X, 200, X, 200, 200, 200),
	"restricted_lots_card": (X, X, 200, X, 200, 200, 200),
	"lots_waiting_for_documents_card": (X, X, 200, X, 200, 200, 200),
	"lots_expiring_card": (X, X, 200, X, 200, 200, 200),
	"receiving_completeness_card": (X, X, 200, X, 200, 200, 200),
	"make_lot_complaint": (X, X, STOPPED, STOPPED, STOPPED, STOPPED, 417),
	"close_lot_deviation": (X, X, X, X, X, STOPPED, 417),
	"get_recall_rows": (X, X, X, X, OWN, OWN, 200),
	"check_lot_ledger_now": (X, X, X, X, 200, X, 200),
	"epcis_events": (X, X, OWN, X, OWN, OWN, 200),
	"download_epcis": (X, X, OWN, X, OWN, OWN, 200),
	"download_fsma204": (X, X, OWN, X, OWN, OWN, 200),
	"download_recall_audit_pack": (X, X, X, X, OWN, OWN, 200),
	"get_lot_graph": (X, X, OWN, X, OWN, OWN, 200),
	"get_recall_war_room": (X, X, X, X, OWN, OWN, 200),
	# a draft transfer into the company's quarantine warehouse (the other company has none: 417)
	"make_quarantine_transfer": (X, X, OWN, X, OWN, OWN, (200, 417)),
	"make_rebalance_transfer": (X, X, STOPPED, X, STOPPED, STOPPED, 417),
	"get_supplier_risk": (X, X, 200, X, 200, 200, 200),
	"compute_foresight_now": (X, X, X, X, 200, 200, 200),
	# the company the KPIs open on: one of the caller's own (no company is asked for)
	"kpi_default_company": (X, X, 200, X, 200, 200, 200),
	# a Sales User reads the figures (lot names only for those who may read lots)
	"promisable": (X, X, OWN, OWN, OWN, OWN, 200),
	# one lot's share of it (the Batch form): as the lot itself, for those who may read lots
	"lot_promisable": (X, X, OWN, X, OWN, OWN, 200),
	# the partner portal answers a supplier's or a customer's own users only, about their own lots:
	# desk roles give nothing there; the website user is a customer's contact with no shipment
	"get_supplied_lots": (X, X, X, X, X, X, 403),
	"upload_lot_document": (X, X, X, X, X, X, 403),
	"get_shipped_lots": (X, 200, X, X, X, X, 403),
	"download_lot_certificate": (X, X, X, X, X, X, 403),
	"get_recall_notices": (X, 200, X, X, X, X, 403),
	"answer_recall_notice": (X, X, X, X, X, X, 403),
	# cycle counts: a Stock Manager makes and closes counts, Stock Users count (a negative quantity: 417)
	"make_lot_count": (X, X, X, X, OWN, X, 200),
	"get_lot_counts": (X, X, 200, X, 200, 200, 200),
	"get_lot_count_sheet": (X, X, OWN, X, OWN, OWN, 200),
	"identify_counted_lot": (X, X, OWN, X, OWN, OWN, 200),
	"record_lot_count": (X, X, STOPPED, X, STOPPED, STOPPED, 417),
	"complete_lot_count": (X, X, X, X, OWN, X, 200),
	"count_accuracy_card": (X, X, 200, X, 200, 200, 200),
	# Script Reports, through frappe.desk.query_report.run
	"Lot Trace": (X, X, OWN, X, OWN, OWN, 200),
	"Recall Impact": (X, X, X, X, OWN, OWN, 200),
	"FSMA 204 Records": (X, X, X, X, OWN, OWN, 200),
	"Lot Exceptions": (X, X, X, X, OWN, OWN, 200),
	"Expiry Risk": (X, X, X, X, OWN, OWN, 200),
	"Lot Traceability KPIs": (X, X, X, X, OWN, OWN, 200),
	"Supplier Lot Risk": (X, X, X, X, 200, X, 200),  # report permission on Supplier: not a Quality Manager's
	"Lot Availability": (X, X, OWN, OWN, OWN, OWN, 200),
	# lots announced by suppliers: capturing is creating Lot Announcements (Purchase User, Purchase
	# Manager, Stock Manager, System Manager); the capture is then stopped on its merits (an empty
	# document refused by the schemas, or the schemas not installed), the sheet's file not found
	"capture_epcis": (X, X, X, X, STOPPED, X, 417),
	"upload_lot_announcements": (X, X, X, X, NO_STATUS, X, 404),
	"make_purchase_receipt_from_announcement": (X, X, OWN, X, OWN, OWN, 200),
	# certificates with deliveries: print and email permission on the Delivery Note (the customer of
	# the scene has no email address: the sending is stopped on its merits)
	"download_certificate_pack": (X, X, OWN, OWN, OWN, OWN, 200),
	"send_certificate_pack": (X, X, STOPPED, STOPPED, STOPPED, STOPPED, 417),
}


def portal_user(email: str, customer: str) -> str:
	"""A website user (no desk role) who is the contact of a customer, as the portal makes them."""
	make_customer(customer)
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": "Portal", "send_welcome_email": 0}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
	frappe.db.set_value("User", email, "user_type", "Website User")
	made = frappe.db.get_value("Contact", {"user": email})  # Frappe makes one for a new user: link it
	if made and not frappe.db.exists("Dynamic Link", {"parent": made, "link_name": customer}):
		contact = frappe.get_doc("Contact", made)
		contact.append("links", {"link_doctype": "Customer", "link_name": customer})
		contact.save(ignore_permissions=True)
	if not frappe.db.exists("Contact", {"user": email}):
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Portal",
				"user": email,
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
	return email


def limit_to(user: str, company: str) -> None:
	if not frappe.db.exists("User Permission", {"user": user, "allow": "Company"}):
		frappe.get_doc(
			{"doctype": "User Permission", "user": user, "allow": "Company", "for_value": company}
		).insert(ignore_permissions=True)


def matrix_count(side) -> tuple[str, str]:
	"""A Lot Count Plan of the side's warehouse and today's count of its lot there."""
	plan = frappe.get_doc(
		{
			"doctype": "Lot Count Plan",
			"plan_name": f"_LT Matrix Count {side.company} {frappe.generate_hash(length=6)}",
			"company": side.company,
			"warehouse": side.warehouse,
			"counts_per_day": 1,
		}
	).insert(ignore_permissions=True)
	count = frappe.get_doc(
		{
			"doctype": "Lot Count",
			"plan": plan.name,
			"count_date": frappe.utils.nowdate(),
			"rows": [{"batch": side.lot, "item": side.item, "warehouse": side.warehouse}],
		}
	).insert(ignore_permissions=True)
	return plan.name, count.name


def other_warehouse(company: str, besides: str) -> str:
	return frappe.get_all(
		"Warehouse",
		filters={"company": company, "is_group": 0, "name": ("!=", besides)},
		pluck="name",
		order_by="name",
		limit=1,
	)[0]


def draft_change(lot: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Lot Status Change",
				"to_status": "Quarantined",
				"reason": "Matrix",
				"lots": [{"batch": lot}],
			}
		)
		.insert()
		.name
	)


def draft_deviation(lot: str, company: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Lot Deviation",
				"title": "Matrix",
				"deviation_type": "Other",
				"company": company,
				"reported_on": now_datetime(),
				"scope_type": "Named Lots",
				"lots": [{"batch": lot}],
			}
		)
		.insert()
		.name
	)


def announcement(item: str, company: str) -> str:
	"""A supplier's announcement of one lot of the item, for the company."""
	return (
		frappe.get_doc(
			{
				"doctype": "Lot Announcement",
				"supplier": TEST_SUPPLIER,
				"company": company,
				"lots": [{"item_code": item, "supplier_lot_no": "MATRIX-1", "qty": 1}],
			}
		)
		.insert()
		.name
	)


def said(response) -> str:
	"""What an answer said, in short: the exception's message, else the start of the answer."""
	answer = response.json if response.is_json else None
	if isinstance(answer, dict) and answer.get("exception"):
		return answer["exception"][:200]
	return response.get_data(as_text=True)[:120]


class Side(frappe._dict):
	"""One company's records of the scene."""


class TestSecurityMatrix(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()
		cls.started = now_datetime()
		builders.internal_parties(FOODS, RETAIL)
		make_customer(MARKET)
		make_customer(FOODS_CUSTOMER)
		make_supplier()
		made = []
		item, lot = fresh_lot(10)  # FOODS, Central DC
		made.append(frappe.get_doc("Purchase Receipt", frappe.db.get_value("Batch", lot, "reference_name")))
		made.append(ship(item, lot, 2, FOODS, CENTRAL, FOODS_CUSTOMER))
		a = Side(company=FOODS, item=item, lot=lot, warehouse=CENTRAL, note=made[-1])
		retail_item = make_lot_item(company=RETAIL)
		made.append(receive(retail_item, qty=5, company=RETAIL, warehouse=NORTH))
		(retail_lot,) = get_received_batches(made[-1].name)
		made.append(ship(retail_item, retail_lot, 1, RETAIL, NORTH, MARKET))
		b = Side(company=RETAIL, item=retail_item, lot=retail_lot, warehouse=NORTH, note=made[-1])
		for side in (a, b):
			made.append(drill(side.lot))
			side.recall = made[-1].name
			side.change = draft_change(side.lot)
			side.deviation = draft_deviation(side.lot, side.company)
			side.elsewhere = other_warehouse(side.company, side.warehouse)
			side.announcement = announcement(side.item, side.company)
			side.plan, side.count = matrix_count(side)
		cls.a, cls.b, cls.made = a, b, made
		cls.tokens = {}
		for role, (email, roles) in USERS.items():
			if role == "website":
				portal_user(email, PORTAL_CUSTOMER)
			else:
				make_user(email, roles)
			if role in WALLED:
				limit_to(email, FOODS)
			cls.tokens[role] = api_token(email)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		"""The scene is committed (REST calls read it from their own connection): the drafts it made
		are deleted and its documents cancelled, so that the demo companies' figures stay the demo's."""
		frappe.set_user("Administrator")
		for name in (cls.a.announcement, cls.b.announcement):
			frappe.delete_doc("Lot Announcement", name, force=True, ignore_permissions=True)
		for side in (cls.a, cls.b):
			frappe.delete_doc("Lot Count", side.count, force=True, ignore_permissions=True)
			frappe.delete_doc("Lot Count Plan", side.plan, force=True, ignore_permissions=True)
		for doctype in ("Stock Entry", "Delivery Note", "Lot Deviation", "Lot Status Change"):
			for name in frappe.get_all(
				doctype, filters={"docstatus": 0, "creation": (">=", cls.started)}, pluck="name"
			):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		for doc in reversed(cls.made):
			doc.reload()
			if doc.docstatus == 1:
				doc.cancel()
		frappe.db.commit()
		super().tearDownClass()

	# the calls

	def calls(self, side: Side) -> dict:
		"""Each endpoint's REST call (method, path, parameters) about this company's records."""
		label = f"(10){side.lot}"

		def method(function, verb="GET", /, **params):
			return verb, f"/api/method/lot_traceability.api.{function}", params

		def report(report_name, /, **filters):
			return (
				"GET",
				"/api/method/frappe.desk.query_report.run",
				{"report_name": report_name, "filters": json.dumps(filters), "ignore_prepared_report": 1},
			)

		cycle_counts = {
			"make_lot_count": method("make_lot_count", "POST", plan=side.plan),
			"get_lot_counts": method("get_lot_counts"),
			"get_lot_count_sheet": method("get_lot_count_sheet", name=side.count),
			"identify_counted_lot": method("identify_counted_lot", name=side.count, text=side.lot),
			"record_lot_count": method(
				"record_lot_count", "POST", name=side.count, batch=side.lot, warehouse=side.warehouse, qty=-1
			),
			"complete_lot_count": method("complete_lot_count", "POST", name=side.count),
			"count_accuracy_card": method("count_accuracy_card"),
		}
		return cycle_counts | {
			"get_effective_lot_rule": method(
				"get_effective_lot_rule", item_code=side.item, company=side.company
			),
			"get_lot_overview": method("get_lot_overview", batch=side.lot),
			"change_lot_status": method(
				"change_lot_status", "POST", batches=side.lot, to_status="No Such Status", reason="Matrix"
			),
			"approve_lot_status_change": method("approve_lot_status_change", "POST", name=side.change),
			"get_batch_no": method(
				"get_batch_no",
				doctype="Batch",
				txt="",
				searchfield="name",
				start=0,
				page_len=10,
				filters=json.dumps({"item_code": side.item, "warehouse": side.warehouse}),
			),
			"get_lot_trace": method("get_lot_trace", batch=side.lot),
			"update_recall": method("update_recall", "POST", recall=side.recall, status="Forgotten"),
			"get_recall_impact": method("get_recall_impact", batches=side.lot),
			"get_workstation_window_scope": method(
				"get_workstation_window_scope",
				workstation="_LT No Such Workstation",
				from_datetime="2026-01-01 06:00:00",
				to_datetime="2026-01-02 06:00:00",
				company=side.company,
			),
			"check_allocation": method(
				"check_allocation", item_code=side.item, warehouse=side.warehouse, qty=1
			),
			"scan_lot_label": method("scan_lot_label", text=label, doctype="Delivery Note"),
			"lookup_lot": method("lookup_lot", text=side.lot),
			"scan_barcode": method("scan_barcode", search_value=label),
			"lots_on_hold_card": method("lots_on_hold_card"),
			"restricted_lots_card": method("restricted_lots_card"),
			"lots_waiting_for_documents_card": method("lots_waiting_for_documents_card"),
			"lots_expiring_card": method("lots_expiring_card"),
			"receiving_completeness_card": method("receiving_completeness_card"),
			"make_lot_complaint": method(
				"make_lot_complaint", "POST", delivery_note=side.note.name, row="none"
			),
			"close_lot_deviation": method("close_lot_deviation", "POST", name=side.deviation),
			"get_recall_rows": method("get_recall_rows", recall=side.recall, table="locations"),
			"check_lot_ledger_now": method("check_lot_ledger_now", "POST"),
			"epcis_events": method("epcis_events", lot=side.lot),
			"download_epcis": method("download_epcis", lot=side.lot),
			"download_fsma204": method("download_fsma204", lot=side.lot, file_format="csv"),
			"download_recall_audit_pack": method("download_recall_audit_pack", lot_recall=side.recall),
			"get_lot_graph": method("get_lot_graph", lot=side.lot),
			"get_recall_war_room": method("get_recall_war_room", recall=side.recall),
			"make_quarantine_transfer": method("make_quarantine_transfer", "POST", batch=side.lot),
			"make_rebalance_transfer": method(
				"make_rebalance_transfer",
				"POST",
				batch=side.lot,
				from_warehouse=side.warehouse,
				to_warehouse=side.elsewhere,
				qty=0,
			),
			"get_supplier_risk": method("get_supplier_risk", supplier=TEST_SUPPLIER),
			"compute_foresight_now": method("compute_foresight_now", "POST"),
			"kpi_default_company": method("kpi_default_company"),
			"promisable": method("promisable", item_code=side.item, company=side.company),
			"lot_promisable": method("lot_promisable", batch=side.lot),
			"Lot Trace": report("Lot Trace", batch=side.lot),
			"Recall Impact": report("Recall Impact", batch=side.lot),
			"FSMA 204 Records": report("FSMA 204 Records", lot=side.lot),
			"Lot Exceptions": report("Lot Exceptions", lot=side.lot),
			"Expiry Risk": report("Expiry Risk", company=side.company),
			"Lot Traceability KPIs": report("Lot Traceability KPIs", company=side.company),
			"Supplier Lot Risk": report("Supplier Lot Risk", supplier=TEST_SUPPLIER),
			"Lot Availability": report("Lot Availability", company=side.company, item_code=side.item),
			# the partner portal: the website user is a customer's contact, with no shipment
			"get_supplied_lots": method("get_supplied_lots"),
			"upload_lot_document": method(
				"upload_lot_document",
				"POST",
				lot=side.lot,
				document_type="Certificate of Analysis",
				filename="coa.pdf",
				filedata="JVBERi0xLjQK",
			),
			"get_shipped_lots": method("get_shipped_lots"),
			"download_lot_certificate": method("download_lot_certificate", lot=side.lot),
			"get_recall_notices": method("get_recall_notices"),
			"answer_recall_notice": method(
				"answer_recall_notice",
				"POST",
				recall=side.recall,
				lines=json.dumps([{"lot": side.lot, "held": 1}]),
			),
			"capture_epcis": method("capture_epcis", "POST", document="{}", company=side.company),
			"upload_lot_announcements": method(
				"upload_lot_announcements",
				"POST",
				file_url="/private/files/_lt-no-such-sheet.xlsx",
				company=side.company,
			),
			"make_purchase_receipt_from_announcement": method(
				"make_purchase_receipt_from_announcement", source_name=side.announcement
			),
			"download_certificate_pack": method("download_certificate_pack", delivery_note=side.note.name),
			"send_certificate_pack": method("send_certificate_pack", "POST", delivery_note=side.note.name),
		}

	def call(self, role: str, verb: str, path: str, params: dict):
		headers = {"Authorization": f"token {self.tokens[role]}"} if role != "guest" else {}
		client = get_test_client()
		if verb == "GET":
			target, kwargs = client.get, {"query_string": params, "headers": headers}
		else:
			target, kwargs = client.post, {"data": params, "headers": headers}
		return make_request(target=target, args=(path,), kwargs=kwargs)

	# the tests

	def test_every_method_report_and_download_has_its_row(self):
		whitelisted = {
			name
			for name, function in inspect.getmembers(api, inspect.isfunction)
			if function in frappe.whitelisted and function.__module__.startswith(f"{api.__name__}.")
		}
		reports_folder = Path(api.__file__).parents[1] / "lot_traceability" / "report"
		reports = {
			json.loads((folder / f"{folder.name}.json").read_text())["name"]
			for folder in reports_folder.iterdir()
			if (folder / f"{folder.name}.json").exists()
		}
		self.assertTrue(whitelisted and reports)
		self.assertEqual(whitelisted | reports, set(EXPECTED), "a method or report without its row")
		self.assertEqual(set(self.calls(self.a)), set(EXPECTED))
		for row in EXPECTED.values():
			self.assertEqual(len(row), len(ROLES))

	def test_each_role_gets_what_the_table_says_for_its_own_and_another_companys_records(self):
		own, other = self.calls(self.a), self.calls(self.b)
		wrong = []
		for endpoint, row in EXPECTED.items():
			for role, cell in zip(ROLES, row, strict=True):
				wanted = cell if isinstance(cell, tuple) else (cell, cell)
				for side, calls, expected in (("own", own, wanted[0]), ("other", other, wanted[1])):
					response = self.call(role, *calls[endpoint])
					if response.status_code != expected:
						wrong.append(
							f"{endpoint} as {role} ({side}): {response.status_code}, not {expected}: {said(response)}"
						)
		self.assertFalse(wrong, "\n" + "\n".join(wrong))

	def test_a_refusal_of_another_companys_lot_names_the_lot_and_why(self):
		for endpoint in ("get_lot_trace", "lookup_lot", "download_fsma204", "change_lot_status"):
			response = self.call("stock_manager", *self.calls(self.b)[endpoint])
			self.assertEqual(response.status_code, 403, endpoint)
			text = response.get_data(as_text=True)
			self.assertIn("You may not read lot", text, endpoint)
			self.assertIn(self.b.lot, text, endpoint)
			self.assertIn("outside the companies you may read", text, endpoint)
