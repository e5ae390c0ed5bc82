"""Partners: the supplier and customer portals (every answer limited to the partner the session user speaks
for: Portal Users of the party, or its Contact linked to it), lots announced by suppliers (EPCIS
capture, sheet upload, receipts from announcements) and certificate packs travelling with deliveries. (whitelisted: see `lot_traceability.api`)."""

import frappe
from frappe import _

from lot_traceability import access
from lot_traceability.api.files import download
from lot_traceability.messages import bold


@frappe.whitelist(methods=["GET"])
def get_supplied_lots() -> list[dict]:
	"""The lots the session user's supplier supplied, as the supplier portal shows them."""
	from lot_traceability.portal.supplier import supplied_lots

	return supplied_lots()


@frappe.whitelist(methods=["POST"])
def upload_lot_document(
	lot: str,
	document_type: str,
	filename: str | None = None,
	filedata: str | None = None,
	document_number: str | None = None,
	issued_on: str | None = None,
) -> dict:
	"""A document for one of the session user's supplier's lots, sent as a multipart `file` or as
	base64 `filedata` with its `filename` (a PDF, PNG or JPEG of up to 10 MB)."""
	from lot_traceability.portal.supplier import decode_upload, upload_document

	sent = (
		frappe.request.files.get("file")
		if getattr(frappe, "request", None) and frappe.request.files
		else None
	)
	if sent:
		content = sent.stream.read(10 * 1024 * 1024 + 1)
		filename = sent.filename
	else:
		content = decode_upload(filedata)
	return upload_document(lot, document_type, filename or "", content, document_number, issued_on)


@frappe.whitelist(methods=["GET"])
def get_shipped_lots() -> list[dict]:
	"""The lots shipped to the session user's customer: delivery, item, lot, expiry, quantity."""
	from lot_traceability.portal.customer import shipped_lots

	return shipped_lots()


@frappe.whitelist(methods=["GET"])
def download_lot_certificate(lot: str) -> None:
	"""The certificate of analysis of a lot shipped to the session user's customer."""
	from lot_traceability.portal.customer import certificate

	download(*certificate(lot))


@frappe.whitelist(methods=["GET"])
def get_recall_notices() -> list[dict]:
	"""The recall notices concerning lots the session user's customer received, with its statements."""
	from lot_traceability.portal.customer import notices

	return notices()


@frappe.whitelist(methods=["POST"])
def answer_recall_notice(
	recall: str, lines: str | list, customer: str | None = None, remarks: str | None = None
) -> dict:
	"""The customer's statement on a recall notice: `lines` of {lot, held, destroyed, returning}."""
	from lot_traceability.portal.customer import answer

	if isinstance(lines, str):
		lines = frappe.parse_json(lines)
	if not isinstance(lines, list) or len(lines) > 500 or not all(isinstance(line, dict) for line in lines):
		frappe.throw(_("State each lot as {lot, held, destroyed, returning} (at most 500)."))
	return answer(recall, customer, lines, remarks)


@frappe.whitelist(methods=["POST"])
def capture_epcis(
	document: str | dict | None = None, company: str | None = None, supplier: str | None = None, **_body
) -> dict:
	"""EPCIS 2.0 capture of a supplier's shipping events: POST an EPCISDocument (JSON-LD) as the request
	body (`company` and `supplier` in the query string, both optional) or as the form value
	`document`. It is held to GS1's EPCIS 2.0 schemas and refused with their reasons; each shipping
	event becomes a Lot Announcement (one captured before is answered, not made again)."""
	from lot_traceability import announcements

	frappe.has_permission("Lot Announcement", "create", throw=True)
	args = frappe.request.args if getattr(frappe.local, "request", None) else {}
	company = company or args.get("company")
	supplier = supplier or args.get("supplier")
	if document is None and getattr(frappe.local, "request", None):
		announcements.check_size(frappe.request.content_length or 0)
		document = frappe.request.get_data()
	if not document:
		frappe.throw(_("Send the EPCISDocument as the request's JSON body."), announcements.EpcisSchemaError)
	if company:
		access.check_company_access(company)
	if supplier:
		frappe.has_permission("Supplier", "read", supplier, throw=True)
	names = announcements.capture_epcis(document, company, supplier)
	return {"announcements": names}


@frappe.whitelist(methods=["POST"])
def upload_lot_announcements(
	file_url: str | None = None, company: str | None = None, supplier: str | None = None
) -> dict:
	"""A sheet (.xlsx) of FSMA 204 shipping KDEs, one row a lot, as the uploaded `file` of the request
	or a File (`file_url`) the caller may read: each shipment becomes a Lot Announcement."""
	from lot_traceability import announcements

	frappe.has_permission("Lot Announcement", "create", throw=True)
	if company:
		access.check_company_access(company)
	if supplier:
		frappe.has_permission("Supplier", "read", supplier, throw=True)
	upload = frappe.request.files.get("file") if getattr(frappe.local, "request", None) else None
	if upload:
		announcements.check_size(frappe.request.content_length or 0)
		content = upload.stream.read(announcements.MAX_CAPTURE_BYTES + 1)
	elif file_url:
		name = frappe.db.get_value("File", {"file_url": file_url})
		if not name:
			frappe.throw(_("File {0} does not exist.").format(bold(file_url)), frappe.DoesNotExistError)
		file = frappe.get_doc("File", name)
		file.check_permission("read")
		announcements.check_size(file.file_size or 0)
		content = file.get_content()
	else:
		frappe.throw(_("Upload the sheet as `file`, or give the `file_url` of one."))
	return {"announcements": announcements.capture_sheet(content, company, supplier)}


@frappe.whitelist()
def make_purchase_receipt_from_announcement(source_name: str, target_doc: str | dict | None = None):
	"""*Create → Purchase Receipt* of a Lot Announcement (ERPNext's mapped-document call)."""
	from lot_traceability import announcement_receipts

	announcement = frappe.get_doc("Lot Announcement", source_name)
	announcement.check_permission("read")
	access.check_company_access(announcement.company)
	frappe.has_permission("Purchase Receipt", "create", throw=True)
	return announcement_receipts.make_purchase_receipt(source_name, target_doc)


@frappe.whitelist()
@frappe.read_only()
def download_certificate_pack(delivery_note: str) -> None:
	"""A Delivery Note's certificate pack (PDF): the cover listing every shipped lot and its documents,
	then the documents."""
	from lot_traceability import certificate_packs

	note = frappe.get_doc("Delivery Note", delivery_note)
	note.check_permission("print")
	access.check_company_access(note.company)
	download(
		certificate_packs.pack_file_name(delivery_note), certificate_packs.certificate_pack(delivery_note)
	)


@frappe.whitelist(methods=["POST"])
def send_certificate_pack(delivery_note: str, recipients: str | list | None = None) -> str:
	"""Email a Delivery Note's certificate pack to its contact (or `recipients`). Returns the addresses."""
	from lot_traceability import certificate_packs

	note = frappe.get_doc("Delivery Note", delivery_note)
	note.check_permission("email")
	access.check_company_access(note.company)
	if isinstance(recipients, str):
		recipients = [
			address.strip() for address in recipients.replace(";", ",").split(",") if address.strip()
		]
	return certificate_packs.send_certificates(delivery_note, recipients or None)
