"""Builders for the integration tier, reusing ERPNext's own test builders where they exist."""

import erpnext
import frappe
from erpnext.stock.doctype.item.test_item import make_item
from erpnext.stock.doctype.purchase_receipt.test_purchase_receipt import make_purchase_receipt
from frappe.utils import today

from lot_traceability.queries import get_inward_lots_of_voucher

TEST_SUPPLIER = "_Lot Test Supplier"
TEST_LOCATION = "Test Location"  # make_purchase_receipt fills it in on every row


def get_company() -> str:
	return erpnext.get_default_company() or frappe.get_all("Company", pluck="name", limit=1)[0]


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
