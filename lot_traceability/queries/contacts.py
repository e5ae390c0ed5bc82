"""Reads of whom to reach: customers' and deliveries' contacts with their emails, phones and addresses."""

import frappe

from lot_traceability.queries import packed
from lot_traceability.queries.quoting import value_list

CUSTOMER_CONTACT_FIELDS = (
	"name",
	"customer_name",
	"customer_primary_contact",
	"email_id",
	"mobile_no",
	"customer_primary_address",
	"primary_address",
)


DELIVERY_CONTACT_FIELDS = (
	"name",
	"contact_person",
	"contact_email",
	"contact_mobile",
	"shipping_address_name",
	"shipping_address",
)


def get_customer_contacts(customers) -> dict[str, dict]:
	"""Name, primary contact, e-mail, phone and address of each customer. Raw SQL: a recall passes
	thousands of customers, sent as one list parameter (frappe.qb would bind each value on its own),
	and their rows come packed into one string (`queries.packed`)."""
	return _records_by_name("Customer", CUSTOMER_CONTACT_FIELDS, customers)


def get_delivery_contacts(voucher_nos) -> dict[str, dict]:
	"""Contact person, e-mail, phone and shipping address of these Delivery Notes (the fallback where
	a customer has no primary contact). Raw SQL as `get_customer_contacts`."""
	return _records_by_name("Delivery Note", DELIVERY_CONTACT_FIELDS, voucher_nos)


def get_contact_phones(contacts) -> dict[str, str]:
	"""Each contact's phone number: its primary phone (or primary mobile) in its phone numbers first,
	then any of its numbers, then the contact's own phone and mobile fields."""
	contacts = {name for name in contacts if name}
	if not contacts:
		return {}
	phones: dict[str, str] = {}
	for parent, phone in frappe.db.sql(
		"""select parent, phone from `tabContact Phone`
		where parenttype = 'Contact' and parent in %(contacts)s and ifnull(phone, '') != ''
		order by parent, (is_primary_phone or is_primary_mobile_no) desc, idx""",
		{"contacts": value_list(contacts)},
	):
		phones.setdefault(parent, phone)
	unfound = contacts - set(phones)
	if unfound:
		for name, phone, mobile in frappe.db.sql(
			"""select name, phone, mobile_no from `tabContact` where name in %(contacts)s""",
			{"contacts": value_list(unfound)},
		):
			if phone or mobile:
				phones[name] = phone or mobile
	return phones


def get_address_phones(addresses) -> dict[str, str]:
	"""Each address's phone number, where it has one."""
	addresses = {name for name in addresses if name}
	if not addresses:
		return {}
	return dict(
		frappe.db.sql(
			"""select name, phone from `tabAddress` where name in %(addresses)s and ifnull(phone, '') != ''""",
			{"addresses": value_list(addresses)},
		)
	)


def _records_by_name(doctype: str, fields, names) -> dict[str, dict]:
	if not names:
		return {}
	rows = packed.read_all(
		[f"`{field}`" for field in fields],
		f"from `tab{doctype}` where name in %(names)s",
		{"names": value_list(set(names))},
	)
	return {row[0]: frappe._dict(zip(fields, row, strict=True)) for row in rows}
