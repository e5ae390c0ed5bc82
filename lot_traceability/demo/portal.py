"""The partners' side of the distributor's story: the olive estate's balsamic arrives without its
certificate and is held; the estate's own user uploads it on the supplier portal, which asks for the
lot's release (it waits for Quality's signed approval). The olive oil that sat in the warm West DC
cold room is recalled; the hotel group's user reads the notice on the customer portal and answers:
what it still holds, what it destroyed."""

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability.demo import builders as b
from lot_traceability.demo import distributor

SUPPLIER = "Demo Olive Estate"
OTHER_SUPPLIER = "Demo Cheese Cellars"
CUSTOMER = "Demo Hotel Group"
OTHER_CUSTOMER = "Demo Gourmet Market"
# (user, first name, party type, party)
PORTAL_USERS = (
	("portal@olive-estate.example", "Marco", "Supplier", SUPPLIER),
	("portal@cheese-cellars.example", "Giulia", "Supplier", OTHER_SUPPLIER),
	("purchasing@hotel-group.example", "Raj", "Customer", CUSTOMER),
	("claire@gourmet-market.example", "Claire", "Customer", OTHER_CUSTOMER),
)
BALSAMIC = "DEMO-BALSAMIC"
BALSAMIC_LOT = "OE-B-310"
RECALLED_LOT = "OE-772"
# a minimal, valid one-page PDF: the certificate the estate uploads
CERTIFICATE_PDF = (
	b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
	b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
	b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
	b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def portal_user(email: str, first_name: str, party_type: str, party: str) -> str:
	"""A website user who is a contact of the party (its existing contact with that e-mail, or a new
	one), with the portal role of its kind."""
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name,
				"send_welcome_email": 0,
				"user_type": "Website User",
				"roles": [{"role": party_type}],
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
	# the party's contact with this e-mail (the hotel's purchasing), else the one Frappe made for the
	# user, else a new one: linked to the party and to the user
	named = frappe.db.get_value("Contact", {"email_id": email}) or frappe.db.get_value(
		"Contact", {"user": email}
	)
	contact = (
		frappe.get_doc("Contact", named)
		if named
		else frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": first_name,
				"email_ids": [{"email_id": email, "is_primary": 1}],
			}
		)
	)
	contact.user = email
	if not any(link.link_doctype == party_type and link.link_name == party for link in contact.links):
		contact.append("links", {"link_doctype": party_type, "link_name": party})
	contact.save(ignore_permissions=True)
	return email


def as_user(user: str, function, *args, **kwargs):
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		return function(*args, **kwargs)
	finally:
		frappe.set_user(previous)


def load() -> dict:
	from lot_traceability.portal import customer, supplier

	company = distributor.COMPANY
	central = f"Central DC - {distributor.ABBR}"
	day = lambda n: add_days(nowdate(), n - 50)  # noqa: E731  the distributor's story's days
	for email, first_name, party_type, party in PORTAL_USERS:
		portal_user(email, first_name, party_type, party)

	# the balsamic comes with a certificate required; this lot came without it and is held
	balsamic = b.item(
		BALSAMIC,
		"Aged Balsamic Vinegar 250 ml",
		"Demo Specialty Foods",
		{company: central},
		stock_uom="Nos",
	)
	b.lot_rule(
		applies_to="Item",
		item=balsamic,
		receipt_status="Approved",
		shelf_life=36,
		shelf_life_unit="Months",
		allocation_policy="FEFO",
		required_documents=[{"document_type": "Certificate of Analysis"}],
	)
	receipt = b.purchase_receipt(
		company, SUPPLIER, day(47), [distributor.goods(balsamic, 48, central, BALSAMIC_LOT, day(-60))]
	)
	(lot,) = b.received_lots("Purchase Receipt", receipt.name)
	uploaded = as_user(
		PORTAL_USERS[0][0],
		supplier.upload_document,
		lot,
		"Certificate of Analysis",
		f"{BALSAMIC_LOT}-COA.pdf",
		CERTIFICATE_PDF,
		f"{BALSAMIC_LOT}-COA",
		day(46),
	)

	# the West DC oil is recalled (it is held already: the recall keeps it where it is)
	oil_lot = frappe.db.get_value("Batch", {"item": "DEMO-OLIVE-OIL", "supplier_lot_no": RECALLED_LOT})
	recall = b.submit(
		frappe.get_doc(
			{
				"doctype": "Lot Recall",
				"title": "Olive oil from the warm West DC cold room",
				"recall_date": day(24),
				"reason": "The West DC cold room ran up to 23 °C on day 21: the oil stored there may have "
				"oxidised (rancid taste).",
				"customer_instructions": "Stop using and selling the oil of this lot. Count what you still "
				"hold and keep it apart; destroy opened bottles, return closed ones to us.",
				"target_status": "Quarantined",
				"source_lots": [{"batch": oil_lot}],
			}
		)
	)
	answer = as_user(
		PORTAL_USERS[2][0],
		customer.answer,
		recall.name,
		None,
		[{"lot": oil_lot, "held": 6, "destroyed": 4, "returning": 0}],
		"Kitchen stock counted: 6 closed bottles kept apart, 4 opened bottles destroyed.",
	)
	return {"balsamic_lot": lot, "release": uploaded["release"], "recall": recall.name, "answer": answer}
