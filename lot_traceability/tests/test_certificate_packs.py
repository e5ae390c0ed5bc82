"""Documents travel with shipments: a Delivery Note's certificate pack renders through Frappe's print
as one PDF, a cover page listing every shipped lot and its documents, then the documents."""

from io import BytesIO
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from pypdf import PdfReader, PdfWriter

from lot_traceability import certificate_packs
from lot_traceability.api import download_certificate_pack, send_certificate_pack
from lot_traceability.tests.utils import delivery_note, make_customer, make_lot

COA = "Certificate of Analysis"
ORIGIN = "Certificate of Origin"
SEND = "lot_traceability.certificate_packs.send_certificates"


def pdf_of(pages: int) -> bytes:
	writer = PdfWriter()
	for _ in range(pages):
		writer.add_blank_page(width=200, height=200)
	out = BytesIO()
	writer.write(out)
	return out.getvalue()


def attach(lot: str, document_type: str, file_name: str, content: bytes, number: str) -> str:
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name,
			"content": content,
			"attached_to_doctype": "Batch",
			"attached_to_name": lot,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	batch = frappe.get_doc("Batch", lot)
	batch.append(
		"lot_documents",
		{"document_type": document_type, "attachment": file.file_url, "document_number": number},
	)
	batch.save()
	return file.file_url


def forget_outgoing_account() -> None:
	if hasattr(frappe.local, "outgoing_email_account"):
		del frappe.local.outgoing_email_account


def text_of(pdf: bytes) -> str:
	return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


class TestCertificatePacks(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.first = make_lot(qty=10)
		self.second = make_lot(qty=10)
		attach(self.first.batch, COA, f"coa-{self.first.batch}.pdf", pdf_of(2), "COA-1")
		attach(self.first.batch, ORIGIN, f"origin-{self.first.batch}.txt", b"grown here", "ORG-1")
		attach(self.second.batch, COA, f"coa-{self.second.batch}.pdf", pdf_of(1), "COA-2")
		self.customer = make_customer("_LT Certificate Customer")
		note = delivery_note(self.first.item, 3, self.first.batch, customer=self.customer)
		second_row = frappe.copy_doc(note.items[0])
		second_row.update({"item_code": self.second.item, "batch_no": self.second.batch, "qty": 2, "idx": 2})
		note.append("items", second_row)
		note.insert()
		note.submit()
		self.note = note

	def test_the_cover_lists_every_shipped_lot_and_its_documents(self):
		html = frappe.get_print("Delivery Note", self.note.name, print_format=certificate_packs.PRINT_FORMAT)
		for words in (self.first.batch, self.second.batch, "COA-1", "COA-2", "ORG-1", COA, ORIGIN):
			self.assertIn(words, html)
		self.assertIn("not enclosed", html)  # the text file is listed, not carried

	def test_the_pack_is_one_pdf_of_the_cover_and_the_certificates(self):
		pack = certificate_packs.certificate_pack(self.note.name)
		self.assertTrue(pack.startswith(b"%PDF"))
		cover = certificate_packs.cover_pdf(self.note.name)
		cover_pages = len(PdfReader(BytesIO(cover)).pages)
		self.assertEqual(len(PdfReader(BytesIO(pack)).pages), cover_pages + 2 + 1)
		words = "".join(text_of(cover).split())  # a lot name may wrap in its cell
		for lot in (self.first.batch, self.second.batch):
			self.assertIn(lot, words)
		self.assertIn("CertificateofAnalysisNo.COA-1", words)
		self.assertIn("COA-2", words)

	def test_it_downloads_through_the_api(self):
		download_certificate_pack(self.note.name)
		self.assertEqual(frappe.response["type"], "download")
		self.assertEqual(frappe.response["filename"], f"{self.note.name}-certificates.pdf")
		self.assertTrue(frappe.response["filecontent"].startswith(b"%PDF"))

	def outgoing_account(self) -> None:
		"""An outgoing email account for the queue (rolled back with the class; Frappe's per-request
		cache of it cleared after the test)."""
		if not frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": "_LT Certificates",
					"email_id": "lt-certificates@example.com",
					"enable_outgoing": 1,
					"default_outgoing": 1,
					"smtp_server": "localhost",
					"no_smtp_authentication": 1,
				}
			).insert(ignore_permissions=True)
		self.addCleanup(forget_outgoing_account)

	def test_customers_who_ask_get_it_by_email_on_submit(self):
		self.outgoing_account()
		frappe.db.set_value("Customer", self.customer, "send_lot_certificates", 1)
		frappe.clear_document_cache("Customer", self.customer)
		note = delivery_note(self.first.item, 1, self.first.batch, customer=self.customer)
		note.insert()
		with patch.object(certificate_packs.frappe, "enqueue") as enqueue:
			note.submit()
		self.assertEqual(
			[call.kwargs.get("delivery_note") for call in enqueue.call_args_list if call.args[:1] == (SEND,)],
			[note.name],
		)

		before = frappe.db.count("Email Queue", {"reference_name": note.name})
		self.assertEqual(send_certificate_pack(note.name, "buyer@example.com"), "buyer@example.com")
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": note.name}), before + 1)

	def test_customers_who_do_not_ask_get_no_email(self):
		frappe.db.set_value("Customer", self.customer, "send_lot_certificates", 0)
		frappe.clear_document_cache("Customer", self.customer)
		note = delivery_note(self.first.item, 1, self.first.batch, customer=self.customer)
		note.insert()
		with patch.object(certificate_packs.frappe, "enqueue") as enqueue:
			note.submit()
		self.assertFalse([call for call in enqueue.call_args_list if call.args[:1] == (SEND,)])

	def test_a_customer_without_an_address_is_told_so(self):
		with self.assertRaises(certificate_packs.CertificatePackError) as refused:
			send_certificate_pack(self.note.name)
		self.assertIn("has no email address", str(refused.exception))
