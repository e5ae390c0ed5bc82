"""Documents travel with shipments: a Delivery Note's certificate pack — one PDF, a cover page (the
print format *Lot Certificate Pack*) listing every lot shipped and its documents, followed by the
documents themselves (PDF attachments as they are, images one a page). Sent by email on submit to
customers who ask for it (Customer: *Send Certificates with Every Delivery*)."""

import frappe
from frappe import _

from lot_traceability.messages import bold
from lot_traceability.queries import certificates as q
from lot_traceability.queries import documents as document_queries

PRINT_FORMAT = "Lot Certificate Pack"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # a pack's attached documents, all together
IMAGE_TYPES = (".png", ".jpg", ".jpeg")


class CertificatePackError(frappe.ValidationError):
	pass


def lot_certificate_contents(delivery_note: str) -> list[dict]:
	"""The shipped lots, each with its documents (type, number, issued on, file and whether the pack
	carries it): what the cover page lists. Read under the caller's permission on the note."""
	lots = q.get_shipped_lots(delivery_note)
	documents = document_queries.get_lot_documents({row.batch_no for row in lots})
	contents = []
	for row in lots:
		docs = [
			frappe._dict(
				document_type=doc.document_type,
				number=doc.document_number,
				issued_on=doc.issued_on,
				file=doc.attachment,
				file_name=(doc.attachment or "").rsplit("/", 1)[-1],
				enclosed=bool(doc.attachment) and enclosable(doc.attachment),
			)
			for doc in documents.get(row.batch_no, [])
		]
		contents.append(frappe._dict({**row, "documents": docs}))
	return contents


def enclosable(file_url: str) -> bool:
	return file_url.lower().endswith((".pdf", *IMAGE_TYPES))


def cover_pdf(delivery_note: str) -> bytes:
	import logging

	import cssutils
	from frappe.utils.pdf import get_pdf

	from lot_traceability.recall.audit import inline_stylesheets

	html = frappe.get_print("Delivery Note", delivery_note, print_format=PRINT_FORMAT)
	level = cssutils.log.getEffectiveLevel()
	cssutils.log.setLevel(logging.CRITICAL)
	try:
		return get_pdf(inline_stylesheets(html))
	finally:
		cssutils.log.setLevel(level)


def file_content(file_url: str) -> bytes | None:
	name = q.get_file(file_url)
	if not name:
		return None
	return frappe.get_doc("File", name).get_content()


def as_pdf_pages(file_url: str, content: bytes):
	"""A document's pages as a pypdf reader (an image becomes one page)."""
	from io import BytesIO

	from pypdf import PdfReader

	if file_url.lower().endswith(IMAGE_TYPES):
		from PIL import Image

		image = Image.open(BytesIO(content)).convert("RGB")
		buffer = BytesIO()
		image.save(buffer, "PDF", resolution=150)
		content = buffer.getvalue()
	return PdfReader(BytesIO(content))


def certificate_pack(delivery_note: str) -> bytes:
	"""The pack as one PDF: the cover page, then each enclosed document once, in the cover's order."""
	from io import BytesIO

	from pypdf import PdfReader, PdfWriter

	writer = PdfWriter()
	for page in PdfReader(BytesIO(cover_pdf(delivery_note))).pages:
		writer.add_page(page)
	seen, total = set(), 0
	for lot in lot_certificate_contents(delivery_note):
		for document in lot.documents:
			if not document.enclosed or document.file in seen:
				continue
			seen.add(document.file)
			content = file_content(document.file)
			if content is None:
				continue
			total += len(content)
			if total > MAX_ATTACHMENT_BYTES:
				frappe.throw(
					_("The certificates of {0} are larger than {1} MB together; send them in parts.").format(
						bold(delivery_note), MAX_ATTACHMENT_BYTES // (1024 * 1024)
					),
					CertificatePackError,
				)
			try:
				reader = as_pdf_pages(document.file, content)
			except Exception:
				continue  # a damaged file: the cover still lists it
			for page in reader.pages:
				writer.add_page(page)
	out = BytesIO()
	writer.write(out)
	return out.getvalue()


def pack_file_name(delivery_note: str) -> str:
	return f"{delivery_note}-certificates.pdf"


# ---------------------------------------------------------------- email


def wants_certificates(customer: str | None) -> bool:
	return bool(customer and frappe.get_cached_value("Customer", customer, "send_lot_certificates"))


def queue_certificates(doc) -> None:
	"""On a Delivery Note's submit: the pack is emailed after the commit, where the customer asks for it."""
	if doc.get("is_return") or not wants_certificates(doc.get("customer")):
		return
	frappe.enqueue(
		"lot_traceability.certificate_packs.send_certificates",
		queue="short",
		enqueue_after_commit=True,
		delivery_note=doc.name,
	)


def send_certificates(delivery_note: str, recipients: list[str] | None = None) -> str | None:
	"""Email the note's pack to its contact (or the recipients given). Returns the address(es)."""
	note = frappe.db.get_value(
		"Delivery Note",
		delivery_note,
		["name", "customer", "contact_email", "company", "docstatus"],
		as_dict=True,
	)
	if not note:
		frappe.throw(
			_("Delivery Note {0} does not exist.").format(bold(delivery_note)), frappe.DoesNotExistError
		)
	recipients = recipients or [q.get_customer_contact_email(note)]
	recipients = [address for address in recipients if address]
	if not recipients:
		frappe.throw(
			_("Delivery Note {0}: customer {1} has no email address to send its certificates to.").format(
				bold(delivery_note), bold(note.customer)
			),
			CertificatePackError,
		)
	from frappe.email.doctype.email_account.email_account import EmailAccount

	if not EmailAccount.find_outgoing(match_by_doctype="Delivery Note"):
		frappe.throw(
			_("No outgoing Email Account is set up: the certificates of {0} cannot be sent.").format(
				bold(delivery_note)
			),
			CertificatePackError,
		)
	frappe.sendmail(
		recipients=recipients,
		subject=_("Certificates of the lots shipped with {0}").format(delivery_note),
		message=_("Attached are the certificates of the lots shipped with delivery {0}.").format(
			delivery_note
		),
		attachments=[{"fname": pack_file_name(delivery_note), "fcontent": certificate_pack(delivery_note)}],
		reference_doctype="Delivery Note",
		reference_name=delivery_note,
	)
	return ", ".join(recipients)
