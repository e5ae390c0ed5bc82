"""A promise the stores cannot keep in full: two more flour lots arrive at the manufacturer's stores —
one soon held (foreign matter in its retained sample) and one short-dated (it expires in 45 days; Demo
Bakery North asks for 90 days of shelf life left).

Before the hold, Demo Bakery South's order for 60 kg (submitted, delivered in 10 days) reserves 60 kg
of the fresh lot, chosen by hand in a Stock Reservation Entry (the bakery asked for the freshest lot).
The hold moves that reservation, in its own transaction, to the approved lot MILL-24-117: the one lot
left in the stores that may still serve the bakery (the short-dated lot is short of its 50 % of shelf
life, the concession lot is released for cake mix only). The reservation and the order say so in
their comments.

Then Demo Bakery North's Sales Order for 600 kg of flour, delivered in a week, waits as a draft.
ERPNext counts every lot in the stores (750 kg with the approved lot and the one released for cake
mix only); what may be promised to North is the approved lot less South's reservation (340 kg), and
the order's row says so (its Promisable Qty)."""

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability.demo import builders as b
from lot_traceability.demo import manufacturer
from lot_traceability.status_changes import change_lot_status

ORDER_REFERENCE = "BN-PO-7781"  # the bakery's purchase order: how the demo finds its order again
CUSTOMER = "Demo Bakery North"
RESERVING_CUSTOMER, RESERVING_REFERENCE = "Demo Bakery South", "BS-PO-2215"
RESERVED_QTY = 60
FLOUR = "DEMO-FLOUR"
HELD_LOT, SHORT_LOT = "MILL-24-140", "MILL-24-098"


def load() -> dict:
	"""Make the lots and the order once (again: returns what is there)."""
	company = manufacturer.COMPANY
	stores = f"Stores - {manufacturer.ABBR}"
	existing = frappe.db.get_value("Sales Order", {"po_no": ORDER_REFERENCE, "customer": CUSTOMER})
	if existing:
		return found(existing)
	today = nowdate()
	receipt = b.purchase_receipt(
		company,
		"Demo Mill Co.",
		today,
		[
			manufacturer.raw(FLOUR, 120, stores, HELD_LOT, add_days(today, -5)),
			manufacturer.raw(FLOUR, 80, stores, SHORT_LOT, add_days(today, -320), add_days(today, 45)),
		],
	)
	lots = dict(zip((SHORT_LOT, HELD_LOT), manufacturer.lots_by_supplier_lot(receipt), strict=True))
	for lot in lots.values():
		b.quality_inspection(FLOUR, lot, receipt.name, "Accepted", today)
	reserve_by_hand(company, stores, lots[HELD_LOT])
	change_lot_status(
		[lots[HELD_LOT]],
		"Quarantined",
		reason="Foreign matter in the retained sample: held until the mill's investigation closes",
	)
	order = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"company": company,
			"customer": CUSTOMER,
			"po_no": ORDER_REFERENCE,
			"transaction_date": today,
			"delivery_date": add_days(today, 7),
			"currency": frappe.get_cached_value("Company", company, "default_currency"),
			"selling_price_list": "Standard Selling",
			"set_warehouse": stores,
			"items": [
				{"item_code": FLOUR, "qty": 600, "rate": 1.5, "warehouse": stores, "conversion_factor": 1}
			],
		}
	).insert(ignore_permissions=True)
	return found(order.name)


def reserve_by_hand(company: str, stores: str, lot: str) -> str:
	"""Demo Bakery South's submitted order, and a reservation of `lot` for it chosen by hand (ERPNext's
	Auto Reserve Serial and Batch Nos off for that one entry, as a user would choose the lot)."""
	order = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"company": company,
			"customer": RESERVING_CUSTOMER,
			"po_no": RESERVING_REFERENCE,
			"transaction_date": nowdate(),
			"delivery_date": add_days(nowdate(), 10),
			"currency": frappe.get_cached_value("Company", company, "default_currency"),
			"selling_price_list": "Standard Selling",
			"set_warehouse": stores,
			"items": [
				{
					"item_code": FLOUR,
					"qty": RESERVED_QTY,
					"rate": 1.5,
					"warehouse": stores,
					"conversion_factor": 1,
				}
			],
		}
	).insert(ignore_permissions=True)
	order.submit()
	row = order.items[0]
	automatic = frappe.db.get_single_value("Stock Settings", "auto_reserve_serial_and_batch")
	frappe.db.set_single_value("Stock Settings", "auto_reserve_serial_and_batch", 0)
	try:
		entry = frappe.get_doc(
			{
				"doctype": "Stock Reservation Entry",
				"item_code": FLOUR,
				"warehouse": stores,
				"voucher_type": "Sales Order",
				"voucher_no": order.name,
				"voucher_detail_no": row.name,
				"voucher_qty": row.stock_qty,
				"available_qty": RESERVED_QTY,
				"reserved_qty": RESERVED_QTY,
				"stock_uom": row.stock_uom,
				"company": company,
				"has_batch_no": 1,
				"reservation_based_on": "Serial and Batch",
				"sb_entries": [{"batch_no": lot, "qty": RESERVED_QTY, "warehouse": stores}],
			}
		).insert(ignore_permissions=True)
		entry.submit()
	finally:
		frappe.db.set_single_value("Stock Settings", "auto_reserve_serial_and_batch", automatic or 0)
	return entry.name


def found(order: str) -> dict:
	lots = {
		row.supplier_lot_no: row.name
		for row in frappe.get_all(
			"Batch",
			filters={"item": FLOUR, "supplier_lot_no": ("in", [HELD_LOT, SHORT_LOT])},
			fields=["name", "supplier_lot_no"],
		)
	}
	reserving = frappe.db.get_value(
		"Sales Order", {"po_no": RESERVING_REFERENCE, "customer": RESERVING_CUSTOMER, "docstatus": 1}
	)
	reservation = reserving and frappe.db.get_value(
		"Stock Reservation Entry", {"voucher_no": reserving, "docstatus": 1}
	)
	return {
		"sales_order": order,
		"held_lot": lots.get(HELD_LOT),
		"short_lot": lots.get(SHORT_LOT),
		"reserving_order": reserving,
		"reservation": reservation,
	}
