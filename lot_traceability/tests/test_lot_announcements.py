"""Lots announced before they arrive: a supplier's EPCIS document (held to GS1's schemas, which
LOT_TRACEABILITY_EPCIS_SCHEMAS names; `.ci/run` fetches them) makes a Lot Announcement, the
announcement a Purchase Receipt, and the receipt is reconciled with it on submit."""

import html
import json
import os
import random
import tempfile
import unittest
from io import BytesIO
from unittest.mock import patch

import frappe
from frappe.tests.test_api import make_request
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_test_client, getdate, today

from lot_traceability import announcements
from lot_traceability.api import (
	capture_epcis,
	make_purchase_receipt_from_announcement,
	upload_lot_announcements,
)
from lot_traceability.findings import find_exceptions, get_thresholds
from lot_traceability.tests.utils import (
	api_token,
	get_company,
	get_received_batches,
	get_warehouse,
	make_lot_item,
	make_lot_rule,
	make_supplier,
	make_user,
)
from lot_traceability.traceability.findings import Kind
from lot_traceability.traceability.gs1 import gtin_check_digit

SCHEMAS = os.environ.get("LOT_TRACEABILITY_EPCIS_SCHEMAS")

# The supplier's document, as its system would send it: each lot commissioned with its dates and
# certificate, then one shipping event against our purchase order. Lot C's expiry precedes its
# production (the supplier's date error).
DOCUMENT = """{
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  "type": "EPCISDocument",
  "schemaVersion": "2.0",
  "creationDate": "2026-11-03T09:00:00Z",
  "epcisBody": {
    "eventList": [
      {
        "type": "ObjectEvent", "action": "ADD", "bizStep": "commissioning",
        "eventTime": "2026-10-01T06:00:00Z", "eventTimeZoneOffset": "+00:00",
        "quantityList": [{"epcClass": "https://id.gs1.org/01/%(gtin)s/10/%(a)s", "quantity": 10}],
        "ilmd": {"cbvmda:productionDate": "2026-10-01", "cbvmda:itemExpirationDate": "2027-10-01"},
        "certificationInfo": "https://supplier.example.com/coa/%(a)s.pdf"
      },
      {
        "type": "ObjectEvent", "action": "ADD", "bizStep": "commissioning",
        "eventTime": "2026-10-02T06:00:00Z", "eventTimeZoneOffset": "+00:00",
        "quantityList": [{"epcClass": "https://id.gs1.org/01/%(gtin)s/10/%(b)s", "quantity": 8}],
        "ilmd": {"cbvmda:productionDate": "2026-10-02", "cbvmda:itemExpirationDate": "2027-10-02"}
      },
      {
        "type": "ObjectEvent", "action": "ADD", "bizStep": "commissioning",
        "eventTime": "2026-10-03T06:00:00Z", "eventTimeZoneOffset": "+00:00",
        "quantityList": [{"epcClass": "https://id.gs1.org/01/%(gtin)s/10/%(c)s", "quantity": 6}],
        "ilmd": {"cbvmda:productionDate": "2026-10-03", "cbvmda:itemExpirationDate": "2025-10-03"}
      },
      {
        "type": "ObjectEvent", "eventID": "urn:uuid:%(event)s",
        "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
        "eventTime": "2026-11-03T08:00:00+01:00", "eventTimeZoneOffset": "+01:00",
        "readPoint": {"id": "https://id.gs1.org/414/%(gln)s"},
        "quantityList": [
          {"epcClass": "https://id.gs1.org/01/%(gtin)s/10/%(a)s", "quantity": 10},
          {"epcClass": "https://id.gs1.org/01/%(gtin)s/10/%(b)s", "quantity": 8},
          {"epcClass": "https://id.gs1.org/01/%(gtin)s/10/%(c)s", "quantity": 6}
        ],
        "bizTransactionList": [
          {"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:%(gln)s:%(po)s"},
          {"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:%(gln)s:DA-%(event)s"}
        ],
        "sourceList": [{"type": "owning_party", "source": "https://id.gs1.org/417/%(gln)s"}]
      }
    ]
  }
}"""


def random_key(length: int) -> str:
	"""A GS1 key (GTIN-13, GLN) no other test uses: random digits and their check digit."""
	digits = "9" + "".join(random.choice("0123456789") for _ in range(length - 2))
	return digits + str(gtin_check_digit(digits))


def purchase_order(item: str, supplier: str, qty: float, company: str) -> str:
	order = frappe.get_doc(
		{
			"doctype": "Purchase Order",
			"supplier": supplier,
			"company": company,
			"transaction_date": today(),
			"schedule_date": today(),
			"currency": frappe.get_cached_value("Company", company, "default_currency"),
			"conversion_rate": 1,
			"items": [
				{
					"item_code": item,
					"qty": qty,
					"rate": 12,
					"warehouse": get_warehouse(company),
					"schedule_date": today(),
				}
			],
		}
	)
	order.insert()
	order.submit()
	return order.name


def count() -> int:
	return frappe.db.count("Lot Announcement")


@unittest.skipUnless(SCHEMAS, "LOT_TRACEABILITY_EPCIS_SCHEMAS (GS1's EPCIS 2.0 JSON schemas) not given")
class TestLotAnnouncements(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.company = get_company()
		self.gtin, self.gln = random_key(13), random_key(13)
		self.item = make_lot_item(barcodes=[{"barcode": self.gtin}])
		self.supplier = make_supplier(f"_LT Announcing Supplier {self.gln}")
		frappe.db.set_value("Supplier", self.supplier, "gln", self.gln)
		self.order = purchase_order(self.item, self.supplier, 24, self.company)
		tag = frappe.generate_hash(length=6).upper()
		self.lots = {"a": f"A-{tag}", "b": f"B-{tag}", "c": f"C-{tag}"}
		self.event = "1b4e28ba-2fa1-11d2-883f-" + frappe.generate_hash(length=12)

	def document_text(self, **changes) -> str:
		return DOCUMENT % {
			"gtin": self.gtin,
			"gln": self.gln,
			"po": self.order,
			"event": self.event,
			**self.lots,
			**changes,
		}

	def captured_from_file(self) -> str:
		"""The document, written to a file and captured from it."""
		with tempfile.NamedTemporaryFile("w+", suffix=".jsonld") as file:
			file.write(self.document_text())
			file.flush()
			file.seek(0)
			(name,) = capture_epcis(file.read())["announcements"]
		return name

	# capture → announcement → receipt → findings

	def test_an_announced_shipment_is_received_and_reconciled(self):
		make_lot_rule(item=self.item, announcement_mismatch_status="Quarantined")
		name = self.captured_from_file()
		announcement = frappe.get_doc("Lot Announcement", name)
		self.assertEqual(
			(announcement.supplier, announcement.company, announcement.purchase_order, announcement.source),
			(self.supplier, self.company, self.order, "EPCIS"),
		)
		self.assertEqual(announcement.shipped_on, getdate("2026-11-03"))
		self.assertEqual(
			[
				(r.item_code, r.supplier_lot_no, r.qty, str(r.manufacturing_date), str(r.expiry_date))
				for r in announcement.lots
			],
			[
				(self.item, self.lots["a"], 10, "2026-10-01", "2027-10-01"),
				(self.item, self.lots["b"], 8, "2026-10-02", "2027-10-02"),
				(self.item, self.lots["c"], 6, "2026-10-03", "2025-10-03"),
			],
		)
		self.assertEqual([bool(r.date_problem) for r in announcement.lots], [False, False, True])
		self.assertEqual(
			announcement.lots[0].documents, f"https://supplier.example.com/coa/{self.lots['a']}.pdf"
		)

		receipt = make_purchase_receipt_from_announcement(name)
		self.assertEqual(
			[
				(
					r.item_code,
					r.supplier_lot_no,
					r.qty,
					r.received_qty,
					str(r.supplier_manufacturing_date),
					str(r.supplier_expiry_date),
					r.purchase_order,
				)
				for r in receipt.items
			],
			[
				(
					r.item_code,
					r.supplier_lot_no,
					r.qty,
					r.qty,
					str(r.manufacturing_date),
					str(r.expiry_date),
					self.order,
				)
				for r in announcement.lots
			],
		)
		self.assertEqual(
			(receipt.supplier, receipt.company, receipt.lot_announcement), (self.supplier, self.company, name)
		)

		# the dock receives A as announced, C with its real expiry date, not B, and an unannounced X
		receipt.items = [row for row in receipt.items if row.supplier_lot_no != self.lots["b"]]
		receipt.items[1].supplier_expiry_date = "2027-10-03"
		extra = frappe.copy_doc(receipt.items[0])
		extra.update(
			{
				"supplier_lot_no": "X-UNANNOUNCED",
				"qty": 2,
				"received_qty": 2,
				"purchase_order_item": None,
				"purchase_order": None,
			}
		)
		receipt.append("items", extra)
		receipt.insert()
		receipt.submit()

		announcement.reload()
		self.assertEqual(announcement.status, "Received with Findings")
		self.assertEqual(announcement.purchase_receipt, receipt.name)
		lot_of = {
			row.supplier_lot_no: lot
			for row in receipt.items
			for lot in get_received_batches(receipt.name)
			if frappe.db.get_value("Batch", lot, "supplier_lot_no") == row.supplier_lot_no
		}
		self.assertEqual(
			[
				(f.finding, f.supplier_lot_no, f.batch_no, f.announced, f.received, f.held)
				for f in announcement.findings
			],
			[
				("Not Announced", "X-UNANNOUNCED", lot_of["X-UNANNOUNCED"], "", "2.0", 1),
				("Not Received", self.lots["b"], None, "8.0", "", 0),
				(
					"Expiry Date Difference",
					self.lots["c"],
					lot_of[self.lots["c"]],
					"2025-10-03",
					"2027-10-03",
					1,
				),
			],
		)
		self.assertEqual([r.received_qty for r in announcement.lots], [10, 0, 6])
		# the rule holds the lots that differ, not the one received as announced
		statuses = {key: frappe.db.get_value("Batch", lot, "lot_status") for key, lot in lot_of.items()}
		self.assertEqual(statuses["X-UNANNOUNCED"], "Quarantined")
		self.assertEqual(statuses[self.lots["c"]], "Quarantined")
		self.assertNotEqual(statuses[self.lots["a"]], "Quarantined")
		# and the Lot Exceptions show them
		findings = find_exceptions(
			sorted(lot_of.values()), None, get_thresholds(), Kind.ANNOUNCEMENT_MISMATCH
		)
		flagged = {f.lot for f in findings if f.kind == Kind.ANNOUNCEMENT_MISMATCH}
		self.assertEqual(flagged, {lot_of["X-UNANNOUNCED"], lot_of[self.lots["c"]]})

		# cancelling the receipt leaves the announcement announced again, without findings
		receipt.cancel()
		announcement.reload()
		self.assertEqual((announcement.status, len(announcement.findings)), ("Announced", 0))

	def test_without_a_rule_the_findings_hold_nothing(self):
		name = self.captured_from_file()
		receipt = make_purchase_receipt_from_announcement(name)
		receipt.items = receipt.items[:2]
		receipt.insert()
		receipt.submit()
		announcement = frappe.get_doc("Lot Announcement", name)
		self.assertEqual([(f.finding, f.held) for f in announcement.findings], [("Not Received", 0)])
		for lot in get_received_batches(receipt.name):
			self.assertNotEqual(frappe.db.get_value("Batch", lot, "lot_status"), "Quarantined")

	def test_capturing_the_same_shipping_event_twice_makes_one_announcement(self):
		first = self.captured_from_file()
		before = count()
		self.assertEqual(capture_epcis(self.document_text())["announcements"], [first])
		self.assertEqual(count(), before)

	# refusals

	def test_an_invalid_document_is_refused_with_the_schema_s_reason_and_nothing_is_stored(self):
		before = count()
		text = self.document_text().replace('"quantity": 8}', '"quantity": "eight"}', 1)
		with self.assertRaises(announcements.EpcisSchemaError) as refused:
			capture_epcis(text)
		self.assertIn(
			"quantityList/0/quantity: 'eight' is not of type 'number'", html.unescape(str(refused.exception))
		)
		self.assertIn("Nothing was stored", str(refused.exception))
		self.assertEqual(count(), before)

	def test_a_lot_of_an_unknown_gtin_stores_none_of_the_document(self):
		before = count()
		stranger = random_key(13)
		text = self.document_text().replace(
			f"/01/{self.gtin}/10/{self.lots['c']}", f"/01/{stranger}/10/{self.lots['c']}"
		)
		with self.assertRaises(announcements.AnnouncementError) as refused:
			capture_epcis(text)
		self.assertIn(
			f"no item of ours carries GTIN <strong>{stranger.zfill(14)}</strong>", str(refused.exception)
		)
		self.assertEqual(count(), before)

	def test_without_the_schemas_a_capture_is_refused_not_taken_unchecked(self):
		before = count()
		with patch.object(announcements, "schema_folder", return_value=None):
			with self.assertRaises(announcements.EpcisSchemasMissingError) as refused:
				capture_epcis(self.document_text())
		self.assertIn("an unchecked document is not taken", str(refused.exception))
		self.assertEqual(count(), before)

	def test_a_document_over_the_size_bound_is_refused(self):
		with self.assertRaises(announcements.CaptureTooLargeError):
			capture_epcis(" " * (announcements.MAX_CAPTURE_BYTES + 1))

	# the sheet

	def sheet(self, rows) -> bytes:
		from openpyxl import Workbook

		book = Workbook()
		sheet = book.active
		sheet.append(
			[
				"Traceability Lot Code",
				"GTIN",
				"Quantity",
				"Ship Date",
				"Reference Document Number",
				"Purchase Order",
				"Production Date",
				"Expiry Date",
			]
		)
		for row in rows:
			sheet.append(row)
		out = BytesIO()
		book.save(out)
		return out.getvalue()

	def upload(self, content: bytes) -> dict:
		file = frappe.get_doc(
			{"doctype": "File", "file_name": f"kdes-{self.event}.xlsx", "content": content, "is_private": 1}
		).insert()
		return upload_lot_announcements(file_url=file.file_url, supplier=self.supplier)

	def test_a_sheet_of_shipping_kdes_makes_an_announcement(self):
		reference = f"DA-{self.event}"
		(name,) = self.upload(
			self.sheet(
				[
					[
						self.lots["a"],
						self.gtin,
						10,
						"2026-11-03",
						reference,
						self.order,
						"2026-10-01",
						"2027-10-01",
					],
					[self.lots["b"], self.gtin, 8, "2026-11-03", reference, self.order, None, None],
				]
			)
		)["announcements"]
		announcement = frappe.get_doc("Lot Announcement", name)
		self.assertEqual(
			(announcement.source, announcement.purchase_order, announcement.reference),
			("Spreadsheet", self.order, reference),
		)
		self.assertEqual(
			[(r.supplier_lot_no, r.qty) for r in announcement.lots],
			[(self.lots["a"], 10), (self.lots["b"], 8)],
		)

	def test_a_sheet_with_a_formula_is_refused_and_stores_nothing(self):
		before = count()
		with self.assertRaises(announcements.AnnouncementError) as refused:
			self.upload(
				self.sheet([[self.lots["a"], self.gtin, "=2*5", "2026-11-03", "R", self.order, None, None]])
			)
		self.assertIn("holds a formula", str(refused.exception))
		self.assertEqual(count(), before)


@unittest.skipUnless(SCHEMAS, "LOT_TRACEABILITY_EPCIS_SCHEMAS (GS1's EPCIS 2.0 JSON schemas) not given")
class TestCaptureOverRest(FrappeTestCase):
	"""Who may capture: a role with create permission on Lot Announcement (Purchase User, Purchase
	Manager, Stock Manager), within the companies it may read; the document as the JSON body."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.company = get_company()
		cls.other = frappe.get_all("Company", filters={"name": ("!=", cls.company)}, pluck="name", limit=1)[0]
		cls.gtin, cls.gln = random_key(13), random_key(13)
		cls.item = make_lot_item(barcodes=[{"barcode": cls.gtin}])
		cls.supplier = make_supplier(f"_LT Announcing Supplier {cls.gln}")
		frappe.db.set_value("Supplier", cls.supplier, "gln", cls.gln)
		cls.buyer = make_user("lt-announce-buyer@example.com", ["Purchase User"])
		cls.clerk = make_user("lt-announce-clerk@example.com", ["Stock User"])
		for user in (cls.buyer, cls.clerk):
			if not frappe.db.exists("User Permission", {"user": user, "allow": "Company"}):
				frappe.get_doc(
					{"doctype": "User Permission", "user": user, "allow": "Company", "for_value": cls.company}
				).insert(ignore_permissions=True)
		cls.tokens = {user: api_token(user) for user in (cls.buyer, cls.clerk)}
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		for name in frappe.get_all("Lot Announcement", filters={"supplier": cls.supplier}, pluck="name"):
			frappe.delete_doc("Lot Announcement", name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def post(self, user, body: str, **query):
		client = get_test_client()
		return make_request(
			target=client.post,
			args=("/api/method/lot_traceability.api.capture_epcis",),
			kwargs={
				"data": body,
				"content_type": "application/json",
				"query_string": query,
				"headers": {"Authorization": f"token {self.tokens[user]}"},
			},
		)

	def body(self) -> str:
		event = "1b4e28ba-2fa1-11d2-883f-" + frappe.generate_hash(length=12)
		text = DOCUMENT % {
			"gtin": self.gtin,
			"gln": self.gln,
			"po": "NO-SUCH-PO",
			"event": event,
			"a": "RA",
			"b": "RB",
			"c": "RC",
		}
		return text

	def test_a_buyer_captures_for_its_own_company(self):
		before = count()
		response = self.post(self.buyer, self.body(), company=self.company, supplier=self.supplier)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])
		(name,) = response.json["message"]["announcements"]
		frappe.db.rollback()  # the request committed on its own connection: read past this one's snapshot
		self.assertEqual(
			frappe.db.get_value("Lot Announcement", name, ["company", "supplier"]),
			(self.company, self.supplier),
		)
		self.assertEqual(count(), before + 1)

	def test_another_company_is_refused_and_nothing_is_stored(self):
		before = count()
		response = self.post(self.buyer, self.body(), company=self.other, supplier=self.supplier)
		self.assertEqual(response.status_code, 403)
		frappe.db.rollback()
		self.assertEqual(count(), before)

	def test_a_user_without_the_role_is_refused(self):
		before = count()
		response = self.post(self.clerk, self.body(), company=self.company, supplier=self.supplier)
		self.assertEqual(response.status_code, 403)
		frappe.db.rollback()
		self.assertEqual(count(), before)

	def test_an_invalid_document_answers_the_schema_s_reason(self):
		body = self.body().replace('"action": "OBSERVE"', '"action": "SHIP"', 1)
		response = self.post(self.buyer, body, company=self.company)
		self.assertEqual(response.status_code, 417)
		self.assertIn("does not follow GS1", response.get_data(as_text=True))

	def test_a_body_over_the_bound_is_refused(self):
		response = self.post(
			self.buyer,
			json.dumps({"type": "EPCISDocument", "pad": "x" * (announcements.MAX_CAPTURE_BYTES + 10)}),
			company=self.company,
		)
		self.assertEqual(response.status_code, 413)
