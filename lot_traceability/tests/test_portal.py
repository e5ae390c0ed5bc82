"""The partner portal on a real site: a supplier's user sees its own lots and uploads a lot's missing
certificate (kept in the lot's documents as supplied by that user; the documents hold's release asked
for and signed off by Quality), another supplier's user neither sees nor uploads to that lot; a
customer's user sees the lots shipped to it and the demo recall's notice and answers it (the recall's
war room shows the statement), another customer sees nothing of it — in-process and over REST, with
markup in the fields."""

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client
from frappe.utils.password import update_password

from lot_traceability import api, demo
from lot_traceability.demo import portal as demo_portal
from lot_traceability.demo.portal import as_user
from lot_traceability.portal import customer, supplier
from lot_traceability.portal.partners import NotAPartnerError
from lot_traceability.portal.supplier import UploadRefusedError
from lot_traceability.status_changes import approve_change
from lot_traceability.tests.utils import (
	api_token,
	get_received_batches,
	make_lot_item,
	make_lot_rule,
	make_supplier,
	make_user,
	receive,
)

COA = "Certificate of Analysis"
SUPPLIER_A, SUPPLIER_B = "_LT Portal Supplier A", "_LT Portal Supplier B"
USER_A, USER_B = "lt-portal-supplier-a@example.com", "lt-portal-supplier-b@example.com"
APPROVER = "lt-portal-quality@example.com"
MARKUP = '<img src=x onerror="alert(1)">=HYPERLINK("http://x")'
PDF = demo_portal.CERTIFICATE_PDF
HOTEL, MARKET = demo_portal.PORTAL_USERS[2][0], demo_portal.PORTAL_USERS[3][0]


class TestPartnerPortal(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()
		make_supplier(SUPPLIER_A)
		make_supplier(SUPPLIER_B)
		# one supplier's user through its Contact, the other through ERPNext's Portal Users
		demo_portal.portal_user(USER_A, "Supplier A", "Supplier", SUPPLIER_A)
		make_user(USER_B, [])
		frappe.db.set_value("User", USER_B, "user_type", "Website User")
		supplier_b = frappe.get_doc("Supplier", SUPPLIER_B)
		if not any(row.user == USER_B for row in supplier_b.portal_users):
			supplier_b.append("portal_users", {"user": USER_B})
			supplier_b.save(ignore_permissions=True)
		make_user(APPROVER, ["Quality Manager", "Stock User"])
		cls.item = make_lot_item()
		make_lot_rule(item=cls.item, receipt_status="Approved", required_documents=[{"document_type": COA}])
		cls.receipt = receive(cls.item, qty=7, supplier=SUPPLIER_A)
		(cls.lot,) = get_received_batches(cls.receipt.name)
		frappe.db.set_value("Batch", cls.lot, "supplier_lot_no", MARKUP)
		cls.tokens = {user: api_token(user) for user in (USER_A, USER_B, HOTEL, MARKET)}
		cls.recall = frappe.db.get_value(
			"Lot Recall", {"title": "Olive oil from the warm West DC cold room", "docstatus": 1}
		)
		cls.oil_lot = frappe.db.get_value(
			"Batch", {"item": "DEMO-OLIVE-OIL", "supplier_lot_no": demo_portal.RECALLED_LOT}
		)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		# the demo's answer to its recall notice, as the demo left it
		as_user(
			HOTEL,
			customer.answer,
			cls.recall,
			None,
			[{"lot": cls.oil_lot, "held": 6, "destroyed": 4, "returning": 0}],
			"Kitchen stock counted: 6 closed bottles kept apart, 4 opened bottles destroyed.",
		)
		frappe.db.commit()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.clear_document_cache("Lot Traceability Settings", "Lot Traceability Settings")

	def call(self, user, verb, path, params):
		client = get_test_client()
		headers = {"Authorization": f"token {self.tokens[user]}"}
		if verb == "GET":
			return make_request(
				target=client.get, args=(path,), kwargs={"query_string": params, "headers": headers}
			)
		return make_request(target=client.post, args=(path,), kwargs={"data": params, "headers": headers})

	# supplier

	def test_the_lot_waits_in_the_documents_hold_for_its_certificate(self):
		self.assertEqual(frappe.db.get_value("Batch", self.lot, "lot_status"), "Quarantined")

	def test_a_supplier_sees_its_own_lots_only_and_the_hold_reason_as_settings_say(self):
		(mine,) = [row for row in as_user(USER_A, supplier.supplied_lots) if row["lot"] == self.lot]
		self.assertEqual(mine["supplier_lot_no"], MARKUP)
		self.assertEqual((mine["status"], mine["reason"], mine["missing"]), ("Quarantined", None, [COA]))
		frappe.db.set_single_value("Lot Traceability Settings", "portal_show_hold_reason", 1)
		(mine,) = as_user(USER_A, supplier.supplied_lots, self.lot)
		self.assertEqual(mine["reason"], f"Missing: {COA}")
		self.assertNotIn(self.lot, [row["lot"] for row in as_user(USER_B, supplier.supplied_lots)])
		with self.assertRaises(frappe.PermissionError):
			as_user(USER_B, supplier.upload_document, self.lot, COA, "coa.pdf", PDF)
		with self.assertRaises(NotAPartnerError):  # a customer's user is no supplier's
			as_user(HOTEL, supplier.supplied_lots)
		with self.assertRaises(NotAPartnerError):  # nor is a desk user
			as_user(APPROVER, supplier.supplied_lots)

	def test_an_upload_lands_in_the_lots_documents_and_its_release_is_signed_off_by_quality(self):
		before = frappe.db.count("Lot Status Change")
		answer = as_user(USER_A, supplier.upload_document, self.lot, COA, "coa.pdf", PDF, "CERT-1", None)
		self.assertEqual(answer["missing"], [])
		(row,) = frappe.get_doc("Batch", self.lot).lot_documents
		self.assertEqual((row.document_type, row.document_number, row.supplied_by), (COA, "CERT-1", USER_A))
		self.assertTrue(frappe.db.get_value("File", {"file_url": row.attachment}, "is_private"))
		# asked for, not done: the lot waits in its hold until a second person signs the release
		self.assertEqual(frappe.db.count("Lot Status Change"), before + 1)
		change = frappe.get_doc("Lot Status Change", answer["release"]["change"])
		self.assertEqual((change.docstatus, change.to_status, change.requested_by), (0, "Approved", USER_A))
		self.assertEqual(change.workflow_state, "Awaiting Approval")
		self.assertEqual(frappe.db.get_value("Batch", self.lot, "lot_status"), "Quarantined")
		(shown,) = as_user(USER_A, supplier.supplied_lots, self.lot)
		self.assertTrue(shown["release_requested"])
		# the supplier's user cannot approve it, whatever it tries
		with self.assertRaises(frappe.PermissionError):
			as_user(USER_A, approve_change, change.name, "whatever")
		password = frappe.generate_hash(length=16)
		update_password(APPROVER, password)
		as_user(APPROVER, approve_change, change.name, password)
		self.assertEqual(frappe.db.get_value("Batch", self.lot, "lot_status"), "Approved")

	def test_uploads_out_of_bounds_are_refused_and_nothing_is_kept(self):
		files, rows = frappe.db.count("File"), frappe.db.count("Lot Document")
		for name, content, words in (
			("coa.html", b"<html>", "is not a file the portal takes"),
			("coa.pdf", b"<script>alert(1)</script>", "is not a PDF file"),
			("coa.pdf", b"", "is empty"),
		):
			with self.assertRaisesRegex(UploadRefusedError, words):
				as_user(USER_A, supplier.upload_document, self.lot, COA, name, content)
		with self.assertRaisesRegex(UploadRefusedError, "is not a document this lot takes"):
			as_user(USER_A, supplier.upload_document, self.lot, "Allergen Statement", "a.pdf", PDF)
		with self.assertRaisesRegex(UploadRefusedError, "over the limit"):
			supplier.decode_upload("A" * (15 * 1024 * 1024))
		self.assertEqual((frappe.db.count("File"), frappe.db.count("Lot Document")), (files, rows))

	def test_over_rest_another_supplier_neither_sees_nor_uploads_and_markup_stays_text(self):
		path = "/api/method/lot_traceability.api."
		mine = self.call(USER_A, "GET", path + "get_supplied_lots", {})
		self.assertEqual(mine.status_code, 200)
		self.assertIn(self.lot, [row["lot"] for row in mine.json["message"]])
		theirs = self.call(USER_B, "GET", path + "get_supplied_lots", {})
		self.assertEqual(theirs.status_code, 200)
		self.assertNotIn(self.lot, [row["lot"] for row in theirs.json["message"]])
		refused = self.call(
			USER_B,
			"POST",
			path + "upload_lot_document",
			{"lot": self.lot, "document_type": COA, "filename": "coa.pdf", "filedata": "JVBERi0xLjQK"},
		)
		self.assertEqual(refused.status_code, 403)
		self.assertFalse(frappe.get_doc("Batch", self.lot).lot_documents)
		page = self.call(USER_A, "GET", "/supplied-lots", {})
		self.assertEqual(page.status_code, 200)
		html = page.get_data(as_text=True)
		self.assertIn(self.lot, html)
		self.assertIn("&lt;img src=x onerror=", html)
		self.assertNotIn('<img src=x onerror="alert(1)">', html)
		self.assertNotIn(self.lot, self.call(USER_B, "GET", "/supplied-lots", {}).get_data(as_text=True))

	# customer

	def test_a_customer_sees_its_lots_and_the_recall_notice_another_customer_nothing_of_it(self):
		shipped = as_user(HOTEL, customer.shipped_lots)
		oil = [row for row in shipped if row["lot"] == self.oil_lot]
		self.assertEqual(sorted(row["qty"] for row in oil), [-2.0, 12.0])  # delivered, then 2 returned
		self.assertTrue(all(row["customer"] == "Demo Hotel Group" for row in shipped))
		(notice,) = [n for n in as_user(HOTEL, customer.notices) if n["recall"] == self.recall]
		self.assertIn("Stop using and selling", notice["what_to_do"])
		self.assertEqual([(lot["lot"], lot["received"]) for lot in notice["lots"]], [(self.oil_lot, 10.0)])
		self.assertNotIn(self.oil_lot, [row["lot"] for row in as_user(MARKET, customer.shipped_lots)])
		self.assertNotIn(self.recall, [n["recall"] for n in as_user(MARKET, customer.notices)])
		with self.assertRaises(frappe.PermissionError):
			as_user(MARKET, customer.answer, self.recall, None, [{"lot": self.oil_lot, "held": 1}])
		with self.assertRaises(frappe.PermissionError):
			as_user(MARKET, customer.certificate, self.oil_lot)

	def test_the_customers_answer_is_its_statement_shown_in_the_recalls_war_room(self):
		from lot_traceability.recall.war_room import figures

		answered = as_user(
			HOTEL,
			customer.answer,
			self.recall,
			None,
			[{"lot": self.oil_lot, "held": 3, "destroyed": 5, "returning": 2}],
			MARKUP,
		)
		self.assertEqual(answered["lots"][0]["statement"]["held"], 3)
		row = frappe.get_all(
			"Lot Recall Customer",
			filters={"parent": self.recall, "customer": "Demo Hotel Group"},
			fields=[
				"stated_held_qty",
				"stated_destroyed_qty",
				"stated_returning_qty",
				"stated_by",
				"returned_qty",
			],
		)[0]
		self.assertEqual(
			(row.stated_held_qty, row.stated_destroyed_qty, row.stated_returning_qty, row.stated_by),
			(3, 5, 2, HOTEL),
		)
		self.assertEqual(row.returned_qty, 2)  # the return posted in stock is the ledger's, unchanged
		(stated,) = [s for s in figures(self.recall)["statements"] if s["lot"] == self.oil_lot]
		self.assertEqual((stated["held"], stated["destroyed"], stated["returning"]), (3, 5, 2))
		self.assertEqual(stated["customer"], "Demo Hotel Group")
		self.assertIn('=HYPERLINK("http://x")', stated["remarks"])  # kept as text (Frappe strips the script)
		self.assertNotIn("onerror", stated["remarks"])
		from lot_traceability.recall.audit import audit_figures

		(audited,) = [s for s in audit_figures(self.recall)["statements"] if s["lot"] == self.oil_lot]
		self.assertEqual((audited["held"], audited["stated_by"]), (3, HOTEL))
		actions = frappe.get_all(
			"Lot Recall Action",
			filters={"parent": self.recall, "document": "Demo Hotel Group"},
			pluck="action",
		)
		self.assertIn("Customer's statement", actions)

	def test_a_statement_beyond_what_was_received_is_refused(self):
		with self.assertRaisesRegex(customer.StatementRefusedError, "more than the 10.0 you received"):
			as_user(HOTEL, customer.answer, self.recall, None, [{"lot": self.oil_lot, "held": 11}])
		with self.assertRaisesRegex(customer.StatementRefusedError, "cannot be negative"):
			as_user(HOTEL, customer.answer, self.recall, None, [{"lot": self.oil_lot, "held": -1}])
		with self.assertRaisesRegex(customer.StatementRefusedError, "is not one of recall"):
			as_user(HOTEL, customer.answer, self.recall, None, [{"lot": self.lot, "held": 1}])

	def test_a_customer_downloads_the_certificate_of_a_lot_it_received(self):
		from lot_traceability.demo import builders

		builders.lot_document(self.oil_lot, COA, "OE-772-COA", None, "Certificate of OE-772")
		as_user(HOTEL, api.download_lot_certificate, self.oil_lot)
		self.assertEqual(frappe.response["type"], "download")
		self.assertEqual(frappe.response["filecontent"], b"Certificate of OE-772")
		self.assertTrue(any(row["has_certificate"] for row in as_user(HOTEL, customer.shipped_lots)))

	def test_over_rest_the_notice_is_the_customers_own_and_markup_stays_text(self):
		path = "/api/method/lot_traceability.api."
		mine = self.call(HOTEL, "GET", path + "get_recall_notices", {})
		self.assertIn(self.recall, [n["recall"] for n in mine.json["message"]])
		theirs = self.call(MARKET, "GET", path + "get_recall_notices", {})
		self.assertEqual(theirs.status_code, 200)
		self.assertNotIn(self.recall, [n["recall"] for n in theirs.json["message"]])
		lines = frappe.as_json([{"lot": self.oil_lot, "held": 1}])
		refused = self.call(
			MARKET, "POST", path + "answer_recall_notice", {"recall": self.recall, "lines": lines}
		)
		self.assertEqual(refused.status_code, 403)
		answered = self.call(
			HOTEL,
			"POST",
			path + "answer_recall_notice",
			{"recall": self.recall, "lines": lines, "remarks": MARKUP},
		)
		self.assertEqual(answered.status_code, 200)
		page = self.call(HOTEL, "GET", "/recall-notices", {}).get_data(as_text=True)
		self.assertIn("Olive oil from the warm West DC cold room", page)
		self.assertIn(self.oil_lot, page)
		self.assertNotIn(
			"Olive oil from the warm West DC cold room",
			self.call(MARKET, "GET", "/recall-notices", {}).get_data(as_text=True),
		)
		self.assertNotIn(self.oil_lot, self.call(MARKET, "GET", "/received-lots", {}).get_data(as_text=True))
		self.assertIn(self.oil_lot, self.call(HOTEL, "GET", "/received-lots", {}).get_data(as_text=True))
