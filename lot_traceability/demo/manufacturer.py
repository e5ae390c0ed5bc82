"""A food ingredients manufacturer: supplier lots received on hold, released by quality, issued to
production into finished lots, shipped to bakeries; one raw lot rejected and quarantined."""

from frappe.utils import add_days, nowdate

from lot_traceability.demo import builders as b
from lot_traceability.status_changes import change_lot_status

COMPANY = "Demo Food Ingredients"
ABBR = "DFI"
# releases from a hold need a second person: the demo's quality lead approves them
QUALITY_LEAD = "quality.lead@demo-food-ingredients.example"
CONCESSION = "DEV-26-031"


def load() -> dict:
	company = b.company(COMPANY, ABBR)
	stores, finished = f"Stores - {ABBR}", f"Finished Goods - {ABBR}"
	quarantine = b.warehouse("Quarantine", company, is_quarantine_warehouse=1)
	raw_group = b.item_group("Demo Ingredients")
	finished_group = b.item_group("Demo Finished Goods")
	flour = b.item("DEMO-FLOUR", "Wheat Flour Type 550", raw_group, {company: stores})
	# listed on the Food Traceability List for the demo's FSMA 204 records (with what is made of it)
	milk = b.item(
		"DEMO-MILK-POWDER",
		"Skimmed Milk Powder",
		raw_group,
		{company: stores},
		on_food_traceability_list=1,
	)
	sugar = b.item("DEMO-SUGAR", "Fine Cane Sugar", raw_group, {company: stores})
	cake = b.item(
		"DEMO-CAKE-MIX", "Vanilla Cake Mix", finished_group, {company: finished}, shelf_life_in_days=270
	)
	b.lot_rule(
		applies_to="Item Group",
		item_group=raw_group,
		receipt_status="Pending Inspection",
		supplier_lot_mandatory=1,
		quality_inspection_decides_release=1,
		shelf_life=12,
		shelf_life_unit="Months",
		allocation_policy="FEFO",
	)
	b.lot_rule(
		applies_to="Item Group",
		item_group=finished_group,
		receipt_status="Pending Inspection",
		shelf_life=9,
		shelf_life_unit="Months",
		allocation_policy="FEFO",
		min_remaining_shelf_life=30,
		min_remaining_shelf_life_unit="% of Shelf Life",
	)
	mill = b.party("Supplier", "Demo Mill Co.")
	dairy = b.party("Supplier", "Demo Dairy Cooperative")
	cane = b.party("Supplier", "Demo Cane Sugar Ltd")
	north = b.party("Customer", "Demo Bakery North", min_remaining_shelf_life=90)
	south = b.party(
		"Customer",
		"Demo Bakery South",
		min_remaining_shelf_life=50,
		min_remaining_shelf_life_unit="% of Shelf Life",
	)

	quality_lead = b.user(QUALITY_LEAD, "Dana (Demo Quality Lead)", ("Quality Manager", "Stock User"))
	day = lambda n: add_days(nowdate(), n - 60)  # noqa: E731  the story starts 60 days ago
	flour_receipt = b.purchase_receipt(
		company,
		mill,
		day(0),
		[
			raw(flour, 500, stores, "MILL-24-117", day(-10)),
			raw(flour, 300, stores, "MILL-24-118", day(-8)),
			raw(flour, 250, stores, "MILL-24-131", day(-6)),
		],
	)
	milk_receipt = b.purchase_receipt(
		company, dairy, day(1), [raw(milk, 200, stores, "DC-5531", day(-20), add_days(day(-20), 300))]
	)
	sugar_receipt = b.purchase_receipt(company, cane, day(1), [raw(sugar, 400, stores, "SUG-0902", day(-30))])
	flour_ok, flour_bad, flour_low = lots_by_supplier_lot(flour_receipt)
	(milk_lot,) = b.received_lots("Purchase Receipt", milk_receipt.name)
	(sugar_lot,) = b.received_lots("Purchase Receipt", sugar_receipt.name)

	for item_code, lot, receipt in (
		(flour, flour_ok, flour_receipt),
		(milk, milk_lot, milk_receipt),
		(sugar, sugar_lot, sugar_receipt),
	):
		b.quality_inspection(item_code, lot, receipt.name, "Accepted", day(2))
	b.quality_inspection(flour, flour_bad, flour_receipt.name, "Rejected", day(2))
	b.stock_entry(
		company,
		"Material Transfer",
		day(3),
		[b.lot_row(flour, 300, flour_bad, s_warehouse=stores, t_warehouse=quarantine)],
	)
	# a flour lot just under the protein spec, accepted under a concession for the cake mix only
	concession = b.signed_off(
		change_lot_status(
			[flour_low],
			"Restricted",
			reason="Protein 0.4 % under spec: fine for cake mix, not for bread flour customers",
			scope=[("Item", cake)],
			cap_qty=200,
			concession_reference=CONCESSION,
		),
		quality_lead,
	)
	b.dated(concession.name, day(4))

	line = production_line(company, stores, cake, flour, milk, sugar)
	mixer, packer = MIXER, PACKING_LINE
	lena, omar, ines = line["operators"]
	cake_lots = []
	# each run: the mixer's time logs and the packing line's, and when the entry was posted. The
	# second run's mixing is a night shift that begins on the evening before it is packed.
	runs = (
		(
			{
				mixer: [
					(at(day(5), "06:00"), at(day(5), "08:30"), lena),
					(at(day(5), "08:30"), at(day(5), "10:00"), omar),
				],
				packer: [(at(day(5), "10:30"), at(day(5), "13:00"), ines)],
			},
			at(day(5), "14:00"),
		),
		(
			{
				mixer: [(at(day(19), "22:00"), at(day(20), "01:30"), omar)],
				packer: [(at(day(20), "06:00"), at(day(20), "08:00"), ines)],
			},
			at(day(20), "09:00"),
		),
	)
	for n, (run_day, (logs, posted)) in enumerate(zip((5, 20), runs, strict=True)):
		production = b.work_order_production(
			company,
			line["bom"],
			200,
			stores,
			finished,
			logs,
			# the second run uses the concession flour (the cake mix is what it was released for)
			{flour: flour_low if n else flour_ok, milk: milk_lot, sugar: sugar_lot},
			posted,
			remarks=f"Cake mix production run {n + 1}",
		)
		(cake_lot,) = b.received_lots("Stock Entry", production.name)
		b.production_inspection(
			cake,
			cake_lot,
			production.name,
			"Accepted",
			day(run_day + 1),
			remarks="Microbiology and moisture within spec",
		)
		release = b.signed_off(
			change_lot_status(
				[cake_lot], "Approved", reason="Lab release: microbiology and moisture within spec"
			),
			quality_lead,
		)
		b.dated(release.name, day(run_day + 1))
		cake_lots.append(cake_lot)
		if n == 0:
			# between the runs a roof leak puts the sugar on hold until the moisture check passes
			hold = change_lot_status([sugar_lot], "Quarantined", reason="Roof leak over the sugar bay")
			b.dated(hold.name, day(8))
			released = b.signed_off(
				change_lot_status([sugar_lot], "Approved", reason="Moisture check within spec"),
				quality_lead,
			)
			b.dated(released.name, day(11))

	# a milk powder lot nobody used expired and was written off
	spare_receipt = b.purchase_receipt(
		company, dairy, day(0), [raw(milk, 50, stores, "DC-5490", day(-300), day(30))]
	)
	(spare_milk,) = b.received_lots("Purchase Receipt", spare_receipt.name)
	b.stock_entry(
		company,
		"Material Issue",
		day(40),
		[b.lot_row(milk, 50, spare_milk, s_warehouse=stores)],
		is_lot_write_off=1,
		remarks="Expired milk powder disposed of",
	)

	b.delivery_note(company, north, day(25), [b.lot_row(cake, 120, cake_lots[0], warehouse=finished, rate=4)])
	b.delivery_note(
		company,
		south,
		day(30),
		[
			b.lot_row(cake, 80, cake_lots[0], warehouse=finished, rate=4),
			b.lot_row(cake, 50, cake_lots[1], warehouse=finished, rate=4),
		],
	)
	# a bakery asks for the concession flour: the shipment is refused (released for cake mix only)
	refused = b.refused_delivery_note(
		company, north, day(45), [b.lot_row(flour, 50, flour_low, warehouse=stores, rate=1.5)]
	)
	return {
		"company": company,
		"raw_lots": [flour_ok, flour_bad, flour_low, milk_lot, sugar_lot, spare_milk],
		"restricted_lot": flour_low,
		"refused_shipment": refused,
		"finished_lots": cake_lots,
		"workstations": [MIXER, PACKING_LINE],
	}


def raw(item_code, qty, warehouse, supplier_lot_no, made, expires=None):
	return {
		"item_code": item_code,
		"qty": qty,
		"rate": 1.2,
		"warehouse": warehouse,
		"supplier_lot_no": supplier_lot_no,
		"supplier_manufacturing_date": made,
		"supplier_expiry_date": expires,
	}


def lots_by_supplier_lot(receipt):
	import frappe

	lots = b.received_lots("Purchase Receipt", receipt.name)
	return sorted(lots, key=lambda lot: frappe.db.get_value("Batch", lot, "supplier_lot_no"))


# The cake mix line: a mixer, then a packing line, on the routing of the cake mix's BOM (no hour
# rates: the demo's stock values are those of the ingredients), and the line's operators.
MIXER = "Demo Mixer 1"
PACKING_LINE = "Demo Packing Line 1"
OPERATIONS = {"Demo Mixing": MIXER, "Demo Packing": PACKING_LINE}
ROUTING = "Demo Cake Mix Routing"
OPERATORS = (("Lena", "Fischer"), ("Omar", "Haddad"), ("Ines", "Moreau"))


def production_line(company, stores, cake, flour, milk, sugar) -> dict:
	b.workstation(MIXER, production_capacity=1, description="Ribbon mixer, line 2")
	b.workstation(PACKING_LINE, production_capacity=1, description="Bag filler and sealer, line 2")
	b.operation("Demo Mixing", MIXER, "Blend the dry ingredients")
	b.operation("Demo Packing", PACKING_LINE, "Fill, seal and code the bags")
	b.routing(ROUTING, [("Demo Mixing", MIXER, 150), ("Demo Packing", PACKING_LINE, 120)])
	bom = b.bom(company, cake, 200, [(flour, 100), (milk, 40), (sugar, 60)], ROUTING)
	operators = [b.employee(first, last, company) for first, last in OPERATORS]
	return {"bom": bom, "operators": operators}


def at(day, time: str) -> str:
	return f"{day} {time}:00"
