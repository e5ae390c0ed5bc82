"""A promise the stores cannot keep in full: two more flour lots arrive at the manufacturer's stores —
one held (foreign matter in its retained sample) and one short-dated (it expires in 45 days; Demo
Bakery North asks for 90 days of shelf life left) — and Demo Bakery North's Sales Order for 600 kg of
flour, delivered in a week, waits as a draft. ERPNext counts every lot in the stores (750 kg with the
approved lot and the one released for cake mix only); what may be promised to the bakery is the
approved lot alone (400 kg), and the order's row says so (its Promisable Qty)."""

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability.demo import builders as b
from lot_traceability.demo import manufacturer
from lot_traceability.status_changes import change_lot_status

ORDER_REFERENCE = "BN-PO-7781"  # the bakery's purchase order: how the demo finds its order again
CUSTOMER = "Demo Bakery North"
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


def found(order: str) -> dict:
	lots = {
		row.supplier_lot_no: row.name
		for row in frappe.get_all(
			"Batch",
			filters={"item": FLOUR, "supplier_lot_no": ("in", [HELD_LOT, SHORT_LOT])},
			fields=["name", "supplier_lot_no"],
		)
	}
	return {"sales_order": order, "held_lot": lots.get(HELD_LOT), "short_lot": lots.get(SHORT_LOT)}
