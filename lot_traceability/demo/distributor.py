"""A specialty food distributor with four warehouses and two companies: receipts, transfers between
warehouses, repacking, customer shelf-life requirements, deliveries, a return and a quarantine."""

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability.demo import builders as b

COMPANY = "Demo Specialty Foods"
ABBR = "DSF"
RETAIL_COMPANY = "Demo Specialty Foods Retail"
RETAIL_ABBR = "DSR"


def load() -> dict:
	company = b.company(COMPANY, ABBR)
	retail = b.company(RETAIL_COMPANY, RETAIL_ABBR)
	central = b.warehouse("Central DC", company)
	east = b.warehouse("East DC", company)
	west = b.warehouse("West DC", company)
	b.warehouse("Quarantine DC", company, is_quarantine_warehouse=1)  # where held stock may go
	north = b.warehouse("North DC", retail)
	group = b.item_group("Demo Specialty Foods")
	defaults = {company: central, retail: north}
	oil = b.item(
		"DEMO-OLIVE-OIL",
		"Extra Virgin Olive Oil 5 L",
		group,
		defaults,
		stock_uom="Nos",
		shelf_life_in_days=540,
	)
	wheel = b.item("DEMO-PARMESAN", "Parmigiano Reggiano 24 months, wheel", group, defaults)
	portion = b.item(
		"DEMO-PARMESAN-200G",
		"Parmigiano Reggiano 200 g portion",
		group,
		defaults,
		stock_uom="Nos",
		weight_per_unit=0.2,
		weight_uom="Kg",
	)
	for company_name in (company, retail):
		b.lot_rule(
			applies_to="Company",
			rule_company=company_name,
			receipt_status="Approved",
			shelf_life=18,
			shelf_life_unit="Months",
			allocation_policy="FEFO",
		)
	b.lot_rule(
		applies_to="Item",
		item=wheel,
		receipt_status="Pending Inspection",
		supplier_lot_mandatory=1,
		quality_inspection_decides_release=1,
		shelf_life=12,
		shelf_life_unit="Months",
		required_documents=[{"document_type": "Certificate of Analysis"}],
	)
	estate = b.party("Supplier", "Demo Olive Estate")
	cellars = b.party("Supplier", "Demo Cheese Cellars")
	market = b.party("Customer", "Demo Gourmet Market", min_remaining_shelf_life=60)
	hotels = b.party(
		"Customer",
		"Demo Hotel Group",
		min_remaining_shelf_life=50,
		min_remaining_shelf_life_unit="% of Shelf Life",
	)

	day = lambda n: add_days(nowdate(), n - 50)  # noqa: E731  the story starts 50 days ago
	oil_receipt = b.purchase_receipt(
		company,
		estate,
		day(0),
		[
			goods(oil, 60, central, "OE-771", day(-30), add_days(day(-30), 540)),
			goods(oil, 40, central, "OE-772", day(-90), add_days(day(-90), 400)),
			goods(oil, 30, central, "OE-780", day(-20)),
		],
	)
	cheese_receipt = b.purchase_receipt(
		company, cellars, day(0), [goods(wheel, 120, central, "CC-1408", day(-200))]
	)
	oil_fresh, oil_older, retail_oil = sorted(
		b.received_lots("Purchase Receipt", oil_receipt.name),
		key=lambda lot: frappe.db.get_value("Batch", lot, "supplier_lot_no"),
	)
	(cheese_lot,) = b.received_lots("Purchase Receipt", cheese_receipt.name)
	# the Retail company gets its olive oil from Demo Specialty Foods: an inter-company transfer
	b.inter_company_transfer(
		company, retail, day(1), day(2), north, [b.lot_row(oil, 30, retail_oil, warehouse=central, rate=20)]
	)
	b.lot_document(
		cheese_lot,
		"Certificate of Analysis",
		"CC-1408-COA",
		day(0),
		"Demo Cheese Cellars: certificate of analysis of lot CC-1408 (moisture, fat, salt within spec).",
	)
	b.quality_inspection(wheel, cheese_lot, cheese_receipt.name, "Accepted", day(2))

	b.stock_entry(
		company,
		"Material Transfer",
		day(3),
		[b.lot_row(oil, 40, oil_fresh, s_warehouse=central, t_warehouse=east)],
	)
	b.stock_entry(
		company,
		"Material Transfer",
		day(3),
		[b.lot_row(oil, 30, oil_older, s_warehouse=central, t_warehouse=west)],
	)
	repack = b.stock_entry(
		company,
		"Repack",
		day(10),
		[
			b.lot_row(wheel, 20, cheese_lot, s_warehouse=central),
			{"item_code": portion, "qty": 100, "t_warehouse": central, "is_finished_item": 1},
		],
		remarks="Wheel cut and packed into 200 g portions",
	)
	(portion_lot,) = b.received_lots("Stock Entry", repack.name)
	b.stock_entry(
		company,
		"Material Transfer",
		day(11),
		[b.lot_row(portion, 60, portion_lot, s_warehouse=central, t_warehouse=east)],
	)

	market_delivery = b.delivery_note(
		company,
		market,
		day(15),
		[
			b.lot_row(oil, 10, oil_fresh, warehouse=east, rate=38),
			b.lot_row(portion, 30, portion_lot, warehouse=east, rate=6.5),
		],
	)
	hotel_delivery = b.delivery_note(
		company, hotels, day(16), [b.lot_row(oil, 12, oil_older, warehouse=west, rate=36)]
	)
	b.delivery_note(retail, market, day(18), [b.lot_row(oil, 5, retail_oil, warehouse=north, rate=39)])

	# customer returns, one per disposition
	restocked = customer_return(market_delivery.name, oil, 2, "Restock", day(20))
	to_supplier = customer_return(market_delivery.name, oil, 1, "Return to Supplier", day(20))
	disposed = customer_return(market_delivery.name, portion, 3, "Dispose", day(20))

	# the West DC cold room ran warm on day 21: a deviation on that warehouse and morning holds the
	# olive-oil lot that was there (OE-772), and the hotel's return of it goes to quarantine
	excursion = b.submit(
		frappe.get_doc(
			{
				"doctype": "Lot Deviation",
				"title": "West DC cold room too warm",
				"deviation_type": "Temperature Excursion",
				"company": company,
				"reported_on": day(21),
				"scope_type": "Warehouse and Time Window",
				"warehouse": west,
				"window_from": f"{day(21)} 05:00:00",
				"window_to": f"{day(21)} 08:00:00",
				"description": "<p>Temperature excursion reported for the West DC shipment of this lot: "
				"the cold room's probe logged up to 23 °C between 05:00 and 08:00.</p>",
			}
		)
	)
	b.dated(excursion.status_change, day(21))
	quarantined = customer_return(hotel_delivery.name, oil, 2, "Quarantine", day(22))

	# the cellars' latest wheels came without their certificate: they wait for it
	b.purchase_receipt(company, cellars, day(46), [goods(wheel, 10, central, "CC-1422", day(-120))])
	return {
		"companies": [company, retail],
		"lots": [oil_fresh, oil_older, cheese_lot, portion_lot, retail_oil],
		"return": restocked.name,
		"returns": [restocked.name, quarantined.name, to_supplier.name, disposed.name],
		"deviation": excursion.name,
	}


def customer_return(delivery_note, item_code, qty, disposition, posting_date):
	"""A return of `qty` of one row of a delivery, with its disposition."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

	doc = make_sales_return(delivery_note)
	doc.posting_date = posting_date
	doc.set_posting_time = 1
	doc.items = [row for row in doc.items if row.item_code == item_code]
	doc.items[0].qty = -qty
	doc.items[0].lot_return_disposition = disposition
	return b.submit(doc)


def goods(item_code, qty, warehouse, supplier_lot_no, made, expires=None):
	return {
		"item_code": item_code,
		"qty": qty,
		"rate": 20,
		"warehouse": warehouse,
		"supplier_lot_no": supplier_lot_no,
		"supplier_manufacturing_date": made,
		"supplier_expiry_date": expires,
	}
