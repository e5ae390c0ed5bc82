"""Partners in the loop, in the distributor's story: an acetaia announces three lots of balsamic
vinegar against a purchase order (a sheet of FSMA 204 shipping KDEs); the truck brings two. The
receipt made from the announcement is reconciled with it: one lot announced, not received."""

from io import BytesIO

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability import announcement_receipts, announcements
from lot_traceability.demo import builders as b
from lot_traceability.demo.distributor import COMPANY

SUPPLIER = "Demo Acetaia Modena"
ITEM = "DEMO-BALSAMIC"
LOTS = (("AM-2611", 12), ("AM-2612", 12), ("AM-2613", 12))  # AM-2613 stays behind at the acetaia
HEADERS = [
	"Traceability Lot Code",
	"Item Code",
	"Quantity",
	"Ship Date",
	"Reference Document Number",
	"Purchase Order",
	"Production Date",
	"Expiry Date",
]


def load() -> dict:
	central = frappe.db.get_value("Warehouse", {"warehouse_name": "Central DC", "company": COMPANY})
	item = b.item(
		ITEM,
		"Balsamic Vinegar of Modena 500 ml",
		b.item_group("Demo Specialty Foods"),
		{COMPANY: central},
		stock_uom="Nos",
		shelf_life_in_days=1825,
	)
	supplier = b.party("Supplier", SUPPLIER)
	b.lot_rule(
		applies_to="Item", item=item, receipt_status="Approved", announcement_mismatch_status="Quarantined"
	)
	shipped, received = add_days(nowdate(), -3), add_days(nowdate(), -1)
	order = purchase_order(item, supplier, central, add_days(nowdate(), -10))
	(name,) = announcements.capture_sheet(kde_sheet(order, shipped), COMPANY, supplier)
	receipt = announcement_receipts.make_purchase_receipt(name)
	receipt.items = [row for row in receipt.items if row.supplier_lot_no != LOTS[-1][0]]
	receipt.posting_date = received
	receipt.set_posting_time = 1
	b.submit(receipt)
	return {"announcement": name, "purchase_order": order, "receipt": receipt.name}


def purchase_order(item, supplier, warehouse, ordered_on) -> str:
	order = frappe.get_doc(
		{
			"doctype": "Purchase Order",
			"company": COMPANY,
			"supplier": supplier,
			"transaction_date": ordered_on,
			"schedule_date": add_days(ordered_on, 7),
			"currency": frappe.get_cached_value("Company", COMPANY, "default_currency"),
			"items": [
				{"item_code": item, "qty": sum(qty for _lot, qty in LOTS), "rate": 9, "warehouse": warehouse}
			],
		}
	)
	return b.submit(order).name


def kde_sheet(order: str, shipped) -> bytes:
	"""The acetaia's sheet: one row a lot, as its shipping office fills it in."""
	from openpyxl import Workbook

	book = Workbook()
	sheet = book.active
	sheet.append(HEADERS)
	for lot, qty in LOTS:
		made = add_days(shipped, -90)
		sheet.append([lot, ITEM, qty, shipped, f"AM-DDT-{order}", order, made, add_days(made, 1825)])
	out = BytesIO()
	book.save(out)
	return out.getvalue()
