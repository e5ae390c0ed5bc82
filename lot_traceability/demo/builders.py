"""Small, explicit builders for the demo: real ERPNext documents, submitted through their controllers."""

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


def submit(doc):
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def purchase_receipt(company_name, supplier, posting_date, rows):
	"""rows: dicts with item_code, qty, rate, warehouse, supplier_lot_no, supplier dates."""
	return submit(
		frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": company_name,
				"supplier": supplier,
				"posting_date": posting_date,
				"set_posting_time": 1,
				"currency": frappe.get_cached_value("Company", company_name, "default_currency"),
				"items": [{"conversion_factor": 1, "received_qty": row["qty"], **row} for row in rows],
			}
		)
	)


def received_lots(voucher_type: str, voucher_no: str) -> list[str]:
	from lot_traceability.queries.vouchers import get_inward_lots_of_voucher

	return [row.batch_no for row in get_inward_lots_of_voucher(voucher_type, voucher_no)]


def stock_entry(company_name, purpose, posting_date, rows, **fields):
	return submit(
		frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"company": company_name,
				"purpose": purpose,
				"stock_entry_type": purpose,
				"posting_date": posting_date,
				"set_posting_time": 1,
				"items": [{"conversion_factor": 1, **row} for row in rows],
				**fields,
			}
		)
	)


def lot_row(item_code, qty, batch, **fields):
	return {"item_code": item_code, "qty": qty, "batch_no": batch, "use_serial_batch_fields": 1, **fields}


def delivery_note(company_name, customer, posting_date, rows, **fields):
	return submit(
		frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": company_name,
				"customer": customer,
				"posting_date": posting_date,
				"set_posting_time": 1,
				"currency": frappe.get_cached_value("Company", company_name, "default_currency"),
				"selling_price_list": "Standard Selling",
				"items": [{"conversion_factor": 1, **row} for row in rows],
				**fields,
			}
		)
	)


def refused_delivery_note(company_name, customer, posting_date, rows) -> str:
	"""Try a shipment the lots' statuses forbid: returns the refusal (nothing of it is kept)."""
	from lot_traceability.enforcement import LotNotAllowedError

	frappe.db.savepoint("demo_refused_delivery")
	try:
		delivery_note(company_name, customer, posting_date, rows)
	except LotNotAllowedError as refusal:
		frappe.db.rollback(save_point="demo_refused_delivery")
		frappe.clear_messages()
		return str(refusal)
	frappe.throw(f"The demo's shipment to {customer} should have been refused and was not.")


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


def signed_off(change, approver: str):
	"""A change that waits for a second person's approval, approved and signed by `approver` (the
	demo's quality lead, given a new random password to sign with: the demo's users have none
	anyone knows); a change that did not need one is returned as it is."""
	from frappe.utils.password import update_password

	from lot_traceability.status_changes import approve_change

	if change.docstatus == 1:
		return change
	password = frappe.generate_hash(length=24)
	update_password(approver, password)
	requester = frappe.session.user
	frappe.set_user(approver)
	try:
		return approve_change(change.name, password)
	finally:
		frappe.set_user(requester)


def dated(change: str, day) -> None:
	"""Give a lot status change the story's date (it is recorded when the demo loads): effective
	at noon that day, and the release date of its lots when it released them."""
	from lot_traceability.config import get_settings

	frappe.db.set_value(
		"Lot Status Change", change, "change_datetime", f"{day} 12:00:00", update_modified=False
	)
	frappe.db.set_value(
		"Lot Restriction", {"lot_status_change": change}, "started", f"{day} 12:00:00", update_modified=False
	)
	if frappe.db.get_value("Lot Status Change", change, "to_status") == get_settings().release_status:
		lots = frappe.get_all("Lot Status Change Lot", filters={"parent": change}, pluck="batch")
		frappe.db.set_value("Batch", {"name": ("in", lots)}, "release_date", day, update_modified=False)


def quality_inspection(item_code, batch, receipt, status, posting_date):
	inspection = _quality_inspection(item_code, batch, receipt, status, posting_date)
	for change in frappe.get_all(
		"Lot Status Change",
		filters={"reference_doctype": "Quality Inspection", "reference_name": inspection.name},
		pluck="name",
	):
		dated(change, posting_date)
	return inspection


def _quality_inspection(item_code, batch, receipt, status, posting_date):
	return submit(
		frappe.get_doc(
			{
				"doctype": "Quality Inspection",
				"inspection_type": "Incoming",
				"reference_type": "Purchase Receipt",
				"reference_name": receipt,
				"item_code": item_code,
				"batch_no": batch,
				"sample_size": 1,
				"inspected_by": "Administrator",
				"report_date": posting_date,
				"manual_inspection": 1,
				"status": status,
			}
		)
	)


def lot_document(batch: str, document_type: str, number: str, issued_on, text: str) -> str:
	"""A typed document on a lot: a small file attached to it, listed under Lot Documents."""
	lot = frappe.get_doc("Batch", batch)
	if any(row.document_number == number for row in lot.get("lot_documents") or []):
		return batch
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{number}.txt",
			"content": text,
			"attached_to_doctype": "Batch",
			"attached_to_name": batch,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	lot.append(
		"lot_documents",
		{
			"document_type": document_type,
			"attachment": file.file_url,
			"document_number": number,
			"issued_on": issued_on,
		},
	)
	lot.flags.ignore_permissions = True
	lot.save()
	return batch


INTER_COMPANY_PRICE_LIST = "Demo Inter-Company Transfers"


def internal_parties(sender: str, receiver: str) -> tuple[str, str]:
	"""ERPNext's parties for moving stock from company `sender` to company `receiver`: a customer of
	`sender` that represents `receiver`, and a supplier of `receiver` that represents `sender`
	(named as the companies they represent), and a price list for both (ERPNext asks that an
	inter-company document's price list be for buying and selling)."""
	if not frappe.db.exists("Price List", INTER_COMPANY_PRICE_LIST):
		frappe.get_doc(
			{
				"doctype": "Price List",
				"price_list_name": INTER_COMPANY_PRICE_LIST,
				"buying": 1,
				"selling": 1,
				"currency": frappe.get_cached_value("Company", sender, "default_currency"),
			}
		).insert(ignore_permissions=True)
	customer = party(
		"Customer",
		receiver,
		is_internal_customer=1,
		represents_company=receiver,
		companies=[{"company": sender}],
	)
	supplier = party(
		"Supplier",
		sender,
		is_internal_supplier=1,
		represents_company=sender,
		companies=[{"company": receiver}],
	)
	return customer, supplier


def inter_company_transfer(sender, receiver, sent_on, received_on, warehouse, rows):
	"""Stock sent from `sender` on a Delivery Note to the customer that represents `receiver`, and
	received by `receiver` into `warehouse` on the Purchase Receipt ERPNext makes from it."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_inter_company_purchase_receipt

	customer, _supplier = internal_parties(sender, receiver)
	sent = delivery_note(sender, customer, sent_on, rows, selling_price_list=INTER_COMPANY_PRICE_LIST)
	receipt = make_inter_company_purchase_receipt(sent.name)
	receipt.posting_date = received_on
	receipt.set_posting_time = 1
	for row in receipt.items:
		row.warehouse = warehouse
	return sent, submit(receipt)


# Production through Work Orders: workstations, operations on a routing, a BOM, operators, and Job
# Cards with the time logs of who ran each operation when.


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


def bom(company_name: str, item_code: str, quantity: float, materials, routing_name: str) -> str:
	"""The item's default BOM: materials (item, qty) for `quantity`, the routing's operations."""
	existing = frappe.db.get_value("BOM", {"item": item_code, "is_default": 1, "docstatus": 1})
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "BOM",
			"item": item_code,
			"company": company_name,
			"currency": frappe.get_cached_value("Company", company_name, "default_currency"),
			"quantity": quantity,
			"is_default": 1,
			"is_active": 1,
			"with_operations": 1,
			"routing": routing_name,
			"rm_cost_as_per": "Valuation Rate",
			"items": [
				{
					"item_code": code,
					"qty": qty,
					"uom": frappe.get_cached_value("Item", code, "stock_uom"),
					"stock_uom": frappe.get_cached_value("Item", code, "stock_uom"),
				}
				for code, qty in materials
			],
			"operations": [
				{
					"operation": row.operation,
					"workstation": row.workstation,
					"time_in_mins": row.time_in_mins,
					"sequence_id": row.sequence_id,
				}
				for row in frappe.get_doc("Routing", routing_name).operations
			],
		}
	)
	return submit(doc).name


def work_order_production(company_name, bom_no, qty, source, target, logs, lots, posted, remarks=None):
	"""A Work Order of `qty` made by its BOM, its Job Cards completed with these time logs
	(`logs`: {workstation: [(from, to, employee)]}, the quantity completed on each card's last log),
	then its Manufacture entry posted at `posted` consuming `lots` ({item: lot}). Returns the entry."""
	from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry

	item_code = frappe.db.get_value("BOM", bom_no, "item")
	order = frappe.new_doc("Work Order")
	order.update(
		{
			"production_item": item_code,
			"bom_no": bom_no,
			"qty": qty,
			"company": company_name,
			"stock_uom": frappe.get_cached_value("Item", item_code, "stock_uom"),
			"source_warehouse": source,
			"fg_warehouse": target,
			"wip_warehouse": source,
			"skip_transfer": 1,
			"planned_start_date": min(start for rows in logs.values() for start, _end, _who in rows),
		}
	)
	order.get_items_and_operations_from_bom()
	for row in order.required_items:
		row.source_warehouse = source
	submit(order)
	for station, rows in logs.items():
		card = frappe.get_doc("Job Card", {"work_order": order.name, "workstation": station})
		for n, (start, end, who) in enumerate(rows):
			card.append(
				"time_logs",
				{
					"from_time": start,
					"to_time": end,
					"employee": who,
					"completed_qty": qty if n == len(rows) - 1 else 0,
				},
			)
		card.flags.ignore_permissions = True
		card.save()
		card.submit()
	entry = frappe.get_doc(make_stock_entry(order.name, "Manufacture", qty))
	day, time = str(posted).split(" ")
	entry.update({"posting_date": day, "posting_time": time, "set_posting_time": 1, "remarks": remarks})
	for row in entry.items:
		if row.s_warehouse and row.item_code in lots:
			row.batch_no = lots[row.item_code]
			row.use_serial_batch_fields = 1
	return submit(entry)


def production_inspection(item_code, batch, entry, status, report_date, remarks=None):
	"""The lab's inspection of a lot made by a production entry (before it is released)."""
	return submit(
		frappe.get_doc(
			{
				"doctype": "Quality Inspection",
				"inspection_type": "In Process",
				"reference_type": "Stock Entry",
				"reference_name": entry,
				"item_code": item_code,
				"batch_no": batch,
				"sample_size": 1,
				"inspected_by": "Administrator",
				"report_date": report_date,
				"manual_inspection": 1,
				"status": status,
				"remarks": remarks,
			}
		)
	)
