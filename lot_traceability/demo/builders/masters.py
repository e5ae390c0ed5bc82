"""The demo's master data, made once: companies, addresses, warehouses, items with their GTINs, parties
and contacts, lot rules, users, workstations, operations, routings and employees."""

import frappe
from erpnext.accounts.utils import get_fiscal_year
from frappe.utils import add_days, getdate, nowdate

from lot_traceability.traceability import gs1

DEMO_PREFIX = "DEMO-"


# GTINs of the demo items: GS1's example company prefix 0614141 with an item reference, so their
# lot labels carry (01) and scan back to the item.
GS1_EXAMPLE_PREFIX = "0614141"


GTIN_REFERENCES = {
	"DEMO-FLOUR": "00011",
	"DEMO-MILK-POWDER": "00028",
	"DEMO-SUGAR": "00035",
	"DEMO-CAKE-MIX": "00042",
	"DEMO-OLIVE-OIL": "00059",
	"DEMO-PARMESAN": "00066",
	"DEMO-PARMESAN-200G": "00073",
}


def demo_ean13(code: str) -> str | None:
	"""The EAN-13 (a GTIN-13) of a demo item, with its check digit."""
	reference = GTIN_REFERENCES.get(code)
	if not reference:
		return None
	body = GS1_EXAMPLE_PREFIX + reference
	return body + str(gs1.gtin_check_digit(body))


def company(name: str, abbr: str, country: str = "United States", currency: str = "USD") -> str:
	if not frappe.db.exists("Company", name):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": name,
				"abbr": abbr,
				"default_currency": currency,
				"country": country,
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	ensure_fiscal_year(name)
	if name in PLACES and not frappe.db.exists(
		"Dynamic Link", {"link_doctype": "Company", "link_name": name, "parenttype": "Address"}
	):
		address("Company", name, *PLACES[name])
	return name


# Where the demo's companies and suppliers are (an FSMA 204 location description): street, city,
# state, postal code, phone.
PLACES = {
	"Demo Food Ingredients": ("5 Mill Lane", "Dayton", "OH", "45402", "+1 937 555 0100"),
	"Demo Specialty Foods": ("90 Dock Street", "Columbus", "OH", "43215", "+1 614 555 0110"),
	"Demo Specialty Foods Retail": ("14 Market Square", "Cincinnati", "OH", "45202", "+1 513 555 0120"),
	"Demo Mill Co.": ("1 Grain Road", "Salina", "KS", "67401", "+1 785 555 0130"),
	"Demo Dairy Cooperative": ("22 Pasture Way", "Eau Claire", "WI", "54701", "+1 715 555 0140"),
	"Demo Cane Sugar Ltd": ("3 Cane Row", "Thibodaux", "LA", "70301", "+1 985 555 0150"),
	"Demo Olive Estate": ("Via degli Ulivi 8", "Lucca", None, "55100", "+39 0583 555 016", "Italy"),
	"Demo Cheese Cellars": ("Strada Vecchia 4", "Parma", None, "43121", "+39 0521 555 017", "Italy"),
}


def address(doctype, name, street, city, state, pincode, phone, country="United States") -> str:
	"""The party's (or our company's) primary address."""
	doc = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": name,
			"address_type": "Office" if doctype == "Company" else "Billing",
			"address_line1": street,
			"city": city,
			"state": state,
			"pincode": pincode,
			"country": country,
			"phone": phone,
			"is_primary_address": 1,
			"is_your_company_address": int(doctype == "Company"),
			"links": [{"link_doctype": doctype, "link_name": name}],
		}
	).insert(ignore_permissions=True)
	if doctype == "Supplier":
		frappe.db.set_value("Supplier", name, "supplier_primary_address", doc.name)
	return doc.name


def ensure_fiscal_year(company_name: str) -> None:
	"""Make the fiscal years around today apply to the company (a year limited to other companies does not)."""
	for day in (add_days(nowdate(), -400), nowdate(), add_days(nowdate(), 40)):
		if get_fiscal_year(day, company=company_name, boolean=True):
			continue
		year = getdate(day).year
		name = frappe.db.get_value(
			"Fiscal Year", {"year_start_date": ("<=", day), "year_end_date": (">=", day)}, "name"
		)
		if name:
			fiscal_year = frappe.get_doc("Fiscal Year", name)
			fiscal_year.append("companies", {"company": company_name})
			fiscal_year.save(ignore_permissions=True)
		else:
			frappe.get_doc(
				{
					"doctype": "Fiscal Year",
					"year": str(year),
					"year_start_date": f"{year}-01-01",
					"year_end_date": f"{year}-12-31",
				}
			).insert(ignore_permissions=True)


def warehouse(name: str, company_name: str, **properties) -> str:
	abbr = frappe.get_cached_value("Company", company_name, "abbr")
	full = f"{name} - {abbr}"
	if not frappe.db.exists("Warehouse", full):
		frappe.get_doc(
			{"doctype": "Warehouse", "warehouse_name": name, "company": company_name, **properties}
		).insert(ignore_permissions=True)
	return full


def item_group(name: str) -> str:
	if not frappe.db.exists("Item Group", name):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": name, "parent_item_group": "All Item Groups"}
		).insert(ignore_permissions=True)
	return name


def item(code: str, name: str, group: str, defaults: dict[str, str], **properties) -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": name,
				"description": name,
				"item_group": group,
				"stock_uom": properties.pop("stock_uom", "Kg"),
				"is_stock_item": 1,
				"has_batch_no": 1,
				"create_new_batch": 1,
				"batch_number_series": f"{code}-.####",
				"has_expiry_date": 1,
				"shelf_life_in_days": properties.pop("shelf_life_in_days", 365),
				"item_defaults": [
					{"company": company_name, "default_warehouse": default_warehouse}
					for company_name, default_warehouse in defaults.items()
				],
				"barcodes": [{"barcode": demo_ean13(code), "barcode_type": "EAN"}]
				if demo_ean13(code)
				else [],
				**properties,
			}
		).insert(ignore_permissions=True)
	return code


def party(doctype: str, name: str, **properties) -> str:
	if not frappe.db.exists(doctype, name):
		group_field = "supplier_group" if doctype == "Supplier" else "customer_group"
		values = {"doctype": doctype, f"{doctype.lower()}_name": name, **properties}
		values.setdefault(
			group_field, frappe.db.get_value(group_field.replace("_", " ").title(), {"is_group": 0})
		)
		if doctype == "Customer":
			values.setdefault("territory", frappe.db.get_value("Territory", {"is_group": 0}))
		frappe.get_doc(values).insert(ignore_permissions=True)
		if doctype == "Supplier" and name in PLACES:
			address("Supplier", name, *PLACES[name])
		if doctype == "Customer" and name in CUSTOMER_CONTACTS:
			contact_and_address(name, *CUSTOMER_CONTACTS[name])
	return name


# Who to notify at each demo customer (a recall's notice is a letter to them): contact, e-mail,
# phone, street, city, state, postal code.
CUSTOMER_CONTACTS = {
	"Demo Bakery North": (
		"Anna Berg",
		"anna.berg@bakery-north.example",
		"+1 555 0101",
		"12 Mill Street",
		"Duluth",
		"MN",
		"55802",
	),
	"Demo Bakery South": (
		"Luis Ortega",
		"l.ortega@bakery-south.example",
		"+1 555 0102",
		"48 Harbor Road",
		"Mobile",
		"AL",
		"36602",
	),
	"Demo Gourmet Market": (
		"Claire Dubois",
		"claire@gourmet-market.example",
		"+1 555 0103",
		"7 Vine Avenue",
		"Portland",
		"OR",
		"97205",
	),
	"Demo Hotel Group": (
		"Raj Patel",
		"purchasing@hotel-group.example",
		"+1 555 0104",
		"200 Lake Shore Drive",
		"Chicago",
		"IL",
		"60611",
	),
}


def contact_and_address(customer: str, person, email, phone, street, city, state, pincode) -> None:
	"""The customer's primary contact and address (set on the customer, as ERPNext does)."""
	first, last = person.split(" ", 1)
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first,
			"last_name": last,
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"phone_nos": [{"phone": phone, "is_primary_phone": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
			"is_primary_contact": 1,
		}
	).insert(ignore_permissions=True)
	address = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": customer,
			"address_type": "Shipping",
			"address_line1": street,
			"city": city,
			"state": state,
			"pincode": pincode,
			"country": "United States",
			"phone": phone,
			"links": [{"link_doctype": "Customer", "link_name": customer}],
			"is_primary_address": 1,
			"is_shipping_address": 1,
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		"Customer",
		customer,
		{"customer_primary_contact": contact.name, "customer_primary_address": address.name},
	)


def lot_rule(**fields) -> str:
	key = {"applies_to": fields["applies_to"], "enabled": 1}
	for field in ("item", "item_group", "rule_company"):
		if fields.get(field):
			key[field] = fields[field]
	existing = frappe.db.get_value("Lot Rule", key)
	if existing:
		return existing
	return frappe.get_doc({"doctype": "Lot Rule", **fields}).insert(ignore_permissions=True).name


def user(email: str, first_name: str, roles) -> str:
	if not frappe.db.exists("User", email):
		doc = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first_name,
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		)
		for role in roles:
			doc.append("roles", {"role": role})
		doc.insert(ignore_permissions=True)
	return email


def workstation(name: str, **properties) -> str:
	if not frappe.db.exists("Workstation", name):
		frappe.get_doc({"doctype": "Workstation", "workstation_name": name, **properties}).insert(
			ignore_permissions=True
		)
	return name


def operation(name: str, station: str, description: str) -> str:
	if not frappe.db.exists("Operation", name):
		frappe.get_doc(
			{"doctype": "Operation", "name": name, "workstation": station, "description": description}
		).insert(ignore_permissions=True)
	return name


def routing(name: str, steps) -> str:
	"""steps: (operation, workstation, minutes) in the order they run."""
	if not frappe.db.exists("Routing", name):
		frappe.get_doc(
			{
				"doctype": "Routing",
				"routing_name": name,
				"operations": [
					{"operation": op, "workstation": station, "time_in_mins": minutes, "sequence_id": n}
					for n, (op, station, minutes) in enumerate(steps, 1)
				],
			}
		).insert(ignore_permissions=True)
	return name


def employee(first_name: str, last_name: str, company_name: str, designation: str | None = None) -> str:
	existing = frappe.db.get_value(
		"Employee", {"first_name": first_name, "last_name": last_name, "company": company_name}
	)
	if existing:
		return existing
	return (
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": first_name,
				"last_name": last_name,
				"company": company_name,
				"gender": frappe.db.get_value("Gender", {}) or "Other",
				"date_of_birth": "1988-04-12",
				"date_of_joining": "2019-03-01",
				"status": "Active",
				"designation": designation
				if designation and frappe.db.exists("Designation", designation)
				else None,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
