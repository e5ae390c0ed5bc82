"""Builders for the integration tier, reusing ERPNext's own test builders where they exist."""

import traceback

import erpnext
import frappe
from erpnext.stock.doctype.item.test_item import make_item
from erpnext.stock.doctype.purchase_receipt.test_purchase_receipt import make_purchase_receipt
from frappe.tests.utils import FrappeTestCase
from frappe.utils import today

from lot_traceability.queries.vouchers import get_inward_lots_of_voucher

TEST_SUPPLIER = "_Lot Test Supplier"
TEST_LOCATION = "Test Location"  # make_purchase_receipt fills it in on every row


def get_company() -> str:
	return erpnext.get_default_company() or frappe.get_all("Company", pluck="name", limit=1)[0]


def other_company() -> str:
	"""A company of the site other than the tests' own."""
	return next(name for name in frappe.get_all("Company", pluck="name") if name != get_company())


def get_warehouse(company: str | None = None) -> str:
	company = company or get_company()
	return frappe.get_all(
		"Warehouse",
		filters={"company": company, "is_group": 0, "warehouse_type": ("!=", "Transit")},
		pluck="name",
		order_by="lft asc",
		limit=1,
	)[0]


def make_supplier(name: str = TEST_SUPPLIER) -> str:
	if not frappe.db.exists("Supplier", name):
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": name,
				"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0})
				or "All Supplier Groups",
			}
		).insert(ignore_permissions=True)
	return name


def make_item_group(name: str, parent: str = "All Item Groups") -> str:
	if not frappe.db.exists("Item Group", name):
		frappe.get_doc(
			{"doctype": "Item Group", "item_group_name": name, "parent_item_group": parent, "is_group": 1}
		).insert(ignore_permissions=True)
	return name


def make_lot_item(item_code: str | None = None, **properties) -> str:
	"""A stock item whose lots are batches numbered automatically on receipt."""
	item_code = item_code or f"_LT-{frappe.generate_hash(length=8)}"
	company = properties.pop("company", None) or get_company()
	values = {
		"is_stock_item": 1,
		"has_batch_no": 1,
		"create_new_batch": 1,
		"batch_number_series": f"{item_code}-.####",
		"stock_uom": "Nos",
		"item_defaults": [{"company": company, "default_warehouse": get_warehouse(company)}],
	}
	values.update(properties)
	return make_item(item_code, values).name


def make_lot_rule(**fields):
	values = {"doctype": "Lot Rule", "applies_to": "Item", "enabled": 1}
	values.update(fields)
	return frappe.get_doc(values).insert()


def receive(item_code: str, qty: float = 5, **overrides):
	"""A submitted Purchase Receipt of `qty` of a lot-controlled item (ERPNext creates the batch)."""
	company = overrides.pop("company", None) or get_company()
	warehouse = overrides.pop("warehouse", None) or get_warehouse(company)
	if not frappe.db.exists("Location", TEST_LOCATION):
		frappe.get_doc({"doctype": "Location", "location_name": TEST_LOCATION}).insert(
			ignore_permissions=True
		)
	args = {
		"item_code": item_code,
		"qty": qty,
		"rate": 10,
		"company": company,
		"warehouse": warehouse,
		"supplier_warehouse": warehouse,
		"supplier": make_supplier(),
		"currency": frappe.get_cached_value("Company", company, "default_currency"),
		"stock_uom": "Nos",
		"uom": "Nos",
		"posting_date": today(),
	}
	args.update(overrides)
	return make_purchase_receipt(**args)


def get_received_batches(voucher_no: str, voucher_type: str = "Purchase Receipt") -> list[str]:
	return sorted({row.batch_no for row in get_inward_lots_of_voucher(voucher_type, voucher_no)})


TEST_CUSTOMER = "_Lot Test Customer"


def company_defaults(company: str | None = None) -> frappe._dict:
	company = company or get_company()
	values = frappe.get_cached_value(
		"Company",
		company,
		[
			"abbr",
			"default_currency",
			"cost_center",
			"default_expense_account",
			"default_income_account",
			"default_receivable_account",
			"stock_adjustment_account",
		],
		as_dict=True,
	)
	values.company = company
	values.warehouse = get_warehouse(company)
	return values


def make_customer(name: str = TEST_CUSTOMER) -> str:
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0})
				or "All Customer Groups",
				"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			}
		).insert(ignore_permissions=True)
	return name


def make_warehouse(name: str, company: str | None = None, **properties) -> str:
	company = company or get_company()
	abbr = frappe.get_cached_value("Company", company, "abbr")
	full_name = f"{name} - {abbr}"
	if not frappe.db.exists("Warehouse", full_name):
		frappe.get_doc(
			{"doctype": "Warehouse", "warehouse_name": name, "company": company, **properties}
		).insert(ignore_permissions=True)
	return full_name


def make_lot(qty: float = 10, status: str | None = None, expiry_date=None, **item_properties) -> frappe._dict:
	"""A fresh item with one lot of `qty` in stock (received on a Purchase Receipt), in `status`.

	The status is written directly: this builds a test situation, it is not a status change.
	"""
	item = make_lot_item(**item_properties)
	receipt = receive(item, qty=qty)
	(batch,) = get_received_batches(receipt.name)
	values = {}
	if status:
		values["lot_status"] = status
	if expiry_date:
		values["expiry_date"] = expiry_date
	if values:
		frappe.db.set_value("Batch", batch, values)
	return frappe._dict(item=item, batch=batch, receipt=receipt, warehouse=receipt.items[0].warehouse)


def set_lot_status(batch: str, status: str) -> None:
	frappe.db.set_value("Batch", batch, "lot_status", status)


def delivery_note(item: str, qty: float, batch: str | None = None, **overrides):
	"""An unsaved Delivery Note; with `batch` the lot is chosen on the row, else ERPNext picks it."""
	from erpnext.stock.doctype.delivery_note.test_delivery_note import create_delivery_note

	d = company_defaults(overrides.pop("company", None))
	args = {
		"item_code": item,
		"qty": qty,
		"company": d.company,
		"customer": make_customer(),
		"currency": d.default_currency,
		"warehouse": d.warehouse,
		"cost_center": d.cost_center,
		"expense_account": d.default_expense_account,
		"do_not_save": True,
	}
	if batch:
		args.update({"batch_no": batch, "use_serial_batch_fields": 1})
	args.update(overrides)
	return create_delivery_note(**args)


def sales_invoice(item: str, qty: float, batch: str | None = None, **overrides):
	from erpnext.accounts.doctype.sales_invoice.test_sales_invoice import create_sales_invoice

	d = company_defaults(overrides.pop("company", None))
	args = {
		"item_code": item,
		"qty": qty,
		"update_stock": 1,
		"company": d.company,
		"customer": make_customer(),
		"currency": d.default_currency,
		"debit_to": d.default_receivable_account,
		"warehouse": d.warehouse,
		"cost_center": d.cost_center,
		"income_account": d.default_income_account,
		"expense_account": d.default_expense_account,
		"do_not_save": True,
	}
	args.update(overrides)
	invoice = create_sales_invoice(**args)
	if batch:
		# on the row, not through ERPNext's builder: it makes the bundle for its own test company
		invoice.items[0].update({"batch_no": batch, "use_serial_batch_fields": 1})
	return invoice


def stock_entry(item: str, qty: float, purpose: str, source=None, target=None, batch=None, **overrides):
	"""An unsaved Stock Entry moving `qty` of one lot."""
	from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry

	d = company_defaults(overrides.pop("company", None))
	args = {
		"item_code": item,
		"qty": qty,
		"purpose": purpose,
		"company": d.company,
		"source": source,
		"target": target,
		"basic_rate": 10,
		"cost_center": d.cost_center,
		"do_not_save": True,
	}
	if batch:
		args.update({"batch_no": batch, "use_serial_batch_fields": 1})
	is_lot_write_off = overrides.pop("is_lot_write_off", 0)
	args.update(overrides)
	doc = make_stock_entry(**args)
	doc.is_lot_write_off = is_lot_write_off
	return doc


def stock_reconciliation(item: str, qty: float, batch: str, **overrides):
	from erpnext.stock.doctype.stock_reconciliation.test_stock_reconciliation import (
		create_stock_reconciliation,
	)

	d = company_defaults(overrides.pop("company", None))
	args = {
		"item_code": item,
		"qty": qty,
		"rate": 10,
		"batch_no": batch,
		"use_serial_batch_fields": 1,
		"company": d.company,
		"warehouse": d.warehouse,
		"expense_account": d.stock_adjustment_account,
		"cost_center": d.cost_center,
		"do_not_save": True,
	}
	args.update(overrides)
	return create_stock_reconciliation(**args)


def pick_list(item: str, qty: float, batch: str, warehouse: str | None = None, **overrides):
	d = company_defaults(overrides.pop("company", None))
	return frappe.get_doc(
		{
			"doctype": "Pick List",
			"company": d.company,
			"purpose": "Material Transfer",
			"locations": [
				{
					"item_code": item,
					"qty": qty,
					"stock_qty": qty,
					"picked_qty": qty,
					"conversion_factor": 1,
					"uom": "Nos",
					"stock_uom": "Nos",
					"warehouse": warehouse or d.warehouse,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
			**overrides,
		}
	)


def attempt(build):
	"""Build and submit a document the way one request would: all or nothing.

	Returns (document or None, exception or None). On failure everything the attempt wrote is
	rolled back, as Frappe rolls back a failed request.
	"""
	frappe.db.savepoint("lot_attempt")
	try:
		doc = build()
		if doc.is_new():
			doc.insert()
		doc.submit()
		return doc, None
	except Exception as error:
		error.trace = traceback.format_exc()
		frappe.db.rollback(save_point="lot_attempt")
		frappe.local.message_log = []
		return None, error


def ledger_counts(item: str) -> dict:
	"""How much the ledgers hold that a refused submit must not have added to."""
	return {
		"stock_ledger": frappe.db.count("Stock Ledger Entry", {"item_code": item}),
		"general_ledger": frappe.db.count("GL Entry"),
		"bundles": frappe.db.count("Serial and Batch Bundle", {"item_code": item, "docstatus": 1}),
	}


def make_user(email: str, roles: list[str]) -> str:
	"""A desk user with exactly these roles (and an API key/secret for REST calls, see `api_token`)."""
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.set("roles", [])
	user.add_roles(*roles)
	return email


def api_token(email: str) -> str:
	"""`key:secret` for the Authorization header of a REST call as this user."""
	user = frappe.get_doc("User", email)
	secret = frappe.generate_hash(length=15)
	user.api_key = user.api_key or frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	return f"{user.api_key}:{secret}"


def quality_inspection(item: str, batch: str, receipt: str, status: str = "Accepted"):
	from erpnext.stock.doctype.quality_inspection.test_quality_inspection import create_quality_inspection

	qi = create_quality_inspection(
		item_code=item,
		reference_type="Purchase Receipt",
		reference_name=receipt,
		inspection_type="Incoming",
		status=status,
		do_not_save=True,
	)
	qi.batch_no = batch
	qi.manual_inspection = 1
	qi.status = status
	for reading in qi.readings:
		reading.manual_inspection = 1
		reading.status = status
	qi.insert()
	qi.submit()
	return qi


TEST_POS_PROFILE = "_Lot POS"


def make_pos_profile(company: str | None = None) -> str:
	"""A POS profile with an open POS Opening Entry for the current user."""
	d = company_defaults(company)
	if not frappe.db.exists("POS Profile", TEST_POS_PROFILE):
		frappe.get_doc(
			{
				"doctype": "POS Profile",
				"__newname": TEST_POS_PROFILE,
				"company": d.company,
				"warehouse": d.warehouse,
				"currency": d.default_currency,
				"write_off_account": frappe.get_cached_value("Company", d.company, "write_off_account"),
				"write_off_cost_center": d.cost_center,
				"cost_center": d.cost_center,
				"selling_price_list": "Standard Selling",
				"update_stock": 1,
				"payments": [{"mode_of_payment": "Cash", "default": 1}],
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists(
		"POS Opening Entry",
		{"pos_profile": TEST_POS_PROFILE, "docstatus": 1, "status": "Open", "user": frappe.session.user},
	):
		frappe.get_doc(
			{
				"doctype": "POS Opening Entry",
				"pos_profile": TEST_POS_PROFILE,
				"company": d.company,
				"user": frappe.session.user,
				"period_start_date": frappe.utils.now_datetime(),
				"posting_date": today(),
				"balance_details": [{"mode_of_payment": "Cash", "opening_amount": 0}],
			}
		).submit()
	return TEST_POS_PROFILE


def pos_invoice(item: str, qty: float, batch: str, warehouse: str | None = None, rate: float = 50):
	d = company_defaults()
	return frappe.get_doc(
		{
			"doctype": "POS Invoice",
			"pos_profile": make_pos_profile(),
			"company": d.company,
			"customer": make_customer(),
			"is_pos": 1,
			"update_stock": 1,
			"currency": d.default_currency,
			"items": [
				{
					"item_code": item,
					"qty": qty,
					"rate": rate,
					"uom": "Nos",
					"conversion_factor": 1,
					"warehouse": warehouse or d.warehouse,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
			"payments": [{"mode_of_payment": "Cash", "amount": qty * rate, "default": 1}],
			"paid_amount": qty * rate,
			"base_paid_amount": qty * rate,
		}
	)


def production_entry(purpose: str, consumed_item: str, batch: str, warehouse: str, qty: float = 2):
	"""A Repack or Manufacture Stock Entry consuming one lot into a new finished item."""
	d = company_defaults()
	row = {"conversion_factor": 1, "uom": "Nos", "stock_uom": "Nos", "cost_center": d.cost_center}
	return frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"purpose": purpose,
			"stock_entry_type": purpose,
			"company": d.company,
			"items": [
				{
					**row,
					"item_code": consumed_item,
					"qty": qty,
					"s_warehouse": warehouse,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
					"basic_rate": 10,
				},
				{
					**row,
					"item_code": make_lot_item(),
					"qty": 1,
					"t_warehouse": warehouse,
					"is_finished_item": 1,
				},
			],
		}
	)


SUBCONTRACTOR_WAREHOUSE = "_Lot Subcontractor"


def subcontracting_order(lot, qty: float = 2):
	"""A submitted Subcontracting Order whose finished item is made from `lot`'s item."""
	from erpnext.buying.doctype.purchase_order.purchase_order import get_mapped_subcontracting_order
	from erpnext.manufacturing.doctype.production_plan.test_production_plan import make_bom

	d = company_defaults()
	finished = make_lot_item(is_sub_contracted_item=1)
	service = make_item("_LT Subcontracting Service", {"is_stock_item": 0}).name
	make_bom(item=finished, raw_materials=[lot.item], company=d.company, currency=d.default_currency, rate=10)
	schedule = frappe.utils.add_days(today(), 5)
	order = frappe.get_doc(
		{
			"doctype": "Purchase Order",
			"supplier": make_supplier(),
			"company": d.company,
			"currency": d.default_currency,
			"is_subcontracted": 1,
			"supplier_warehouse": make_warehouse(SUBCONTRACTOR_WAREHOUSE, d.company),
			"set_warehouse": d.warehouse,
			"schedule_date": schedule,
			"items": [
				{
					"item_code": service,
					"qty": qty,
					"rate": 100,
					"fg_item": finished,
					"fg_item_qty": qty,
					"warehouse": d.warehouse,
					"schedule_date": schedule,
					"uom": "Nos",
					"conversion_factor": 1,
				}
			],
		}
	)
	order.insert()
	order.submit()
	sco = get_mapped_subcontracting_order(order.name)
	sco.insert()
	sco.submit()
	return sco


def send_to_subcontractor(lot, sco=None):
	"""An unsaved Send to Subcontractor entry of `lot` for a (new) Subcontracting Order."""
	from erpnext.controllers.subcontracting_controller import make_rm_stock_entry

	sco = sco or subcontracting_order(lot)
	entry = frappe.get_doc(make_rm_stock_entry(sco.name))
	for row in entry.items:
		row.batch_no = lot.batch
		row.use_serial_batch_fields = 1
	return entry


def subcontracting_receipt(sco_name: str):
	"""An unsaved Subcontracting Receipt: it consumes the supplied lots at the subcontractor."""
	from erpnext.subcontracting.doctype.subcontracting_order.subcontracting_order import (
		make_subcontracting_receipt,
	)

	return make_subcontracting_receipt(sco_name)


def demo_milk_and_cakes() -> tuple[str, list[str]]:
	"""The demo's skimmed milk powder lot (supplier lot DC-5531) and the cake-mix lots made from it."""
	milk = frappe.db.get_value("Batch", {"supplier_lot_no": "DC-5531"})
	cakes = sorted(
		frappe.get_all("Lot Genealogy", filters={"parent_lot": milk}, pluck="child_lot", distinct=True)
	)
	return milk, cakes


class AsAdministrator(FrappeTestCase):
	"""Each test starts as Administrator (a test may act as another user) and is rolled back."""

	def setUp(self):
		frappe.set_user("Administrator")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()
