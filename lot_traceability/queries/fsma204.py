"""Reads behind the FSMA 204 spreadsheet: the lot ledger rows that may be Critical Tracking Events,
the lots and their items' Food Traceability List flags, and what describes the places — the
warehouses' and companies' addresses, the addresses on the documents, the parties' primary ones.

Raw SQL where a read takes long lists of lots or documents (plain parameters, as the other ledger
reads); frappe.get_all elsewhere."""

import datetime

import frappe

from lot_traceability.queries import packed
from lot_traceability.queries.lot_ledger import movement_filters
from lot_traceability.queries.quoting import value_list

# the documents whose lot movements can be Critical Tracking Events
CTE_VOUCHERS = (
	"Purchase Receipt",
	"Purchase Invoice",
	"Subcontracting Receipt",
	"Delivery Note",
	"Sales Invoice",
	"POS Invoice",
	"Stock Entry",
)

# where each document keeps its other party's address: in order of preference
PARTY_ADDRESS_FIELDS = {
	"Purchase Receipt": ("dispatch_address", "supplier_address"),
	"Purchase Invoice": ("dispatch_address", "supplier_address"),
	"Subcontracting Receipt": ("supplier_address",),
	"Delivery Note": ("shipping_address_name", "customer_address"),
	"Sales Invoice": ("shipping_address_name", "customer_address"),
	"POS Invoice": ("shipping_address_name", "customer_address"),
}
SHIP_FROM_FIELDS = {"Delivery Note": "dispatch_address_name", "Sales Invoice": "dispatch_address_name"}
PARTY_NAME_FIELDS = {"Supplier": "supplier_name", "Customer": "customer_name"}
PRIMARY_ADDRESS_FIELDS = {"Supplier": "supplier_primary_address", "Customer": "customer_primary_address"}
ADDRESS_FIELDS = [
	"name",
	"address_title",
	"address_line1",
	"address_line2",
	"city",
	"state",
	"pincode",
	"country",
	"phone",
]


# a movement as `get_movements` gives it: the core's `LedgerMove` fields in their order (without the
# work order, `vouchers.get_work_orders`)
MOVEMENT_FIELDS = (
	"batch_no",
	"qty",
	"voucher_type",
	"voucher_no",
	"posting_date",
	"warehouse",
	"company",
	"purpose",
	"party_type",
	"party",
)


def get_movements(lots=None, companies=None, since=None, until=None) -> list[list]:
	"""The lot ledger rows of documents that can be Critical Tracking Events, of these lots (or
	all), companies (or all), posted from `since` to `until` (dates, both included): each a list of
	`MOVEMENT_FIELDS` (the posting date as a datetime at midnight: the events' KDEs are dates, and
	the core's moves are timed). The rows come packed into one string (`queries.packed`): a lot's
	trace reaches tens of thousands, and the driver's cost per row is more than the read's."""
	conditions, values = movement_filters(lots, companies, since=since, until=until)
	conditions.append("l.voucher_type in %(vouchers)s")
	values["vouchers"] = CTE_VOUCHERS
	rows = packed.read_all(
		[f"l.`{field}`" for field in MOVEMENT_FIELDS],
		f"from `tabLot Ledger Entry` l where {' and '.join(conditions)}",
		values,
		[field == "qty" for field in MOVEMENT_FIELDS],
	)
	at = MOVEMENT_FIELDS.index("posting_date")
	times: dict = {}  # the rows share a few hundred dates: each made a datetime once
	for row in rows:
		posted = row[at]
		if posted is None:
			continue
		moment = times.get(posted)
		if moment is None:
			day = datetime.date.fromisoformat(posted) if isinstance(posted, str) else posted
			moment = times[posted] = datetime.datetime.combine(day, datetime.time())
		row[at] = moment
	return rows


def get_moved_lots(companies=None, since=None, until=None, items=None) -> list[str]:
	"""The lots the ledger moved (in these companies, between these dates, of these items)."""
	conditions, values = movement_filters(companies=companies, items=items, since=since, until=until)
	conditions.append("l.voucher_type in %(vouchers)s")
	values["vouchers"] = CTE_VOUCHERS
	return [
		row[0]
		for row in frappe.db.sql(
			f"select distinct l.batch_no from `tabLot Ledger Entry` l where {' and '.join(conditions)}",
			values,
		)
	]


def get_lots(lots) -> dict[str, dict]:
	"""Lot → its item, the item's name, brand and stock unit, the supplier and supplier lot no, and
	the captured traceability lot code source."""
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return {}
	rows = frappe.db.sql(
		"""select b.name, b.item, i.item_name, i.brand, i.stock_uom, b.supplier, b.supplier_lot_no,
			b.tlc_source_address, b.tlc_source_warehouse, b.tlc_source_reference
		from `tabBatch` b left join `tabItem` i on i.name = b.item
		where b.name in %(lots)s""",
		{"lots": value_list(lots)},
		as_dict=True,
	)
	return {row.name: row for row in rows}


def get_lot_items(lots) -> dict[str, str]:
	"""Lot → its item (the rows packed into one string: a trace's lots and their parents run to
	thousands)."""
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return {}
	return dict(
		packed.read_all(
			["name", "item"], "from `tabBatch` where name in %(lots)s", {"lots": value_list(lots)}
		)
	)


def get_item_flags(items) -> dict[str, tuple[bool, bool]]:
	"""Item → (on the Food Traceability List, made with a kill step)."""
	items = sorted({item for item in items if item})
	if not items:
		return {}
	return {
		name: (bool(listed), bool(kill_step))
		for name, listed, kill_step in frappe.db.sql(
			"""select name, on_food_traceability_list, ftl_kill_step from `tabItem` where name in %(items)s""",
			{"items": items},
		)
	}


def get_parent_links(lots) -> list[tuple[str, str]]:
	"""(input lot, output lot) of every genealogy link into these lots (through `lot_backward`; the
	rows packed into one string)."""
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return []
	return packed.read_all(
		["parent_lot", "child_lot"],
		"""from (select distinct parent_lot, child_lot from `tabLot Genealogy`
			where child_lot in %(lots)s) links""",
		{"lots": value_list(lots)},
	)


def get_first_receipts(lots) -> dict[str, dict]:
	"""Lot → the first document that brought it in from outside or made it (a receipt, a production
	entry, a stock receipt), with the warehouse and the document's party address, for lots whose
	traceability lot code source was not captured."""
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return {}
	rows = frappe.db.sql(
		"""select l.batch_no, l.voucher_type, l.voucher_no, l.warehouse, l.purpose, l.party_type, l.party
		from `tabLot Ledger Entry` l
		where l.batch_no in %(lots)s and l.qty > 0
			and (l.voucher_type in ('Purchase Receipt', 'Purchase Invoice', 'Subcontracting Receipt')
				or (l.voucher_type = 'Stock Entry'
					and l.purpose in ('Manufacture', 'Repack', 'Disassemble', 'Material Receipt')))
		order by l.batch_no, l.posting_date, l.creation""",
		{"lots": value_list(lots)},
		as_dict=True,
	)
	first: dict[str, dict] = {}
	for row in rows:
		first.setdefault(row.batch_no, row)
	return first


def get_document_addresses(vouchers) -> tuple[dict, dict]:
	"""((doctype, name) → the other party's address, (doctype, name) → the ship-from address) of
	these documents, where they record one."""
	parties, ship_from = {}, {}
	by_doctype: dict[str, list[str]] = {}
	for doctype, name in set(vouchers):
		by_doctype.setdefault(doctype, []).append(name)
	for doctype, names in by_doctype.items():
		fields = list(PARTY_ADDRESS_FIELDS.get(doctype, ()))
		if doctype in SHIP_FROM_FIELDS:
			fields.append(SHIP_FROM_FIELDS[doctype])
		fields = [field for field in fields if frappe.db.has_column(doctype, field)]
		if not fields:
			continue
		# raw SQL: a trace's documents run to tens of thousands, quoted once (`value_list`) and their
		# rows packed into one string (`queries.packed`); the doctype is one of the constant keys
		# above, the fields its columns
		party_fields = [
			fields.index(field) for field in PARTY_ADDRESS_FIELDS.get(doctype, ()) if field in fields
		]
		ship_field = (
			fields.index(SHIP_FROM_FIELDS[doctype]) if SHIP_FROM_FIELDS.get(doctype) in fields else None
		)
		for name, *values in packed.read_all(
			[f"`{field}`" for field in ["name", *fields]],
			f"from `tab{doctype}` where name in %(names)s",
			{"names": value_list(names)},
		):
			address = next((values[at] for at in party_fields if values[at]), None)
			if address:
				parties[(doctype, name)] = address
			if ship_field is not None and values[ship_field]:
				ship_from[(doctype, name)] = values[ship_field]
	return parties, ship_from


def get_addresses(names) -> dict[str, dict]:
	names = sorted({name for name in names if name})
	if not names:
		return {}
	return {
		row.name: row
		for row in frappe.get_all("Address", filters={"name": ("in", names)}, fields=ADDRESS_FIELDS)
	}


def get_parties(party_type: str, names) -> dict[str, dict]:
	"""Supplier or customer → its name, primary address and GLN."""
	names = sorted({name for name in names if name})
	if not names or party_type not in PARTY_NAME_FIELDS:
		return {}
	fields = ["name", f"{PARTY_NAME_FIELDS[party_type]} as title", "gln"]
	if frappe.db.has_column(party_type, PRIMARY_ADDRESS_FIELDS[party_type]):
		fields.append(f"{PRIMARY_ADDRESS_FIELDS[party_type]} as primary_address")
	return {
		row.name: row for row in frappe.get_all(party_type, filters={"name": ("in", names)}, fields=fields)
	}


def get_warehouses(names) -> dict[str, dict]:
	names = sorted({name for name in names if name})
	if not names:
		return {}
	return {
		row.name: row
		for row in frappe.get_all(
			"Warehouse",
			filters={"name": ("in", names)},
			fields=[
				"name",
				"company",
				"warehouse_type",
				"address_line_1",
				"address_line_2",
				"city",
				"state",
				"pin",
				"phone_no",
				"gln",
			],
		)
	}


def get_companies(names) -> dict[str, dict]:
	"""Company → its name, phone, country, GLN and its own address (primary first)."""
	names = sorted({name for name in names if name})
	if not names:
		return {}
	companies = {
		row.name: row
		for row in frappe.get_all(
			"Company",
			filters={"name": ("in", names)},
			fields=["name", "company_name", "phone_no", "country", "gln"],
		)
	}
	for company, address in frappe.db.sql(
		"""select dl.link_name, a.name from `tabAddress` a
		join `tabDynamic Link` dl on dl.parent = a.name and dl.parenttype = 'Address'
			and dl.link_doctype = 'Company'
		where dl.link_name in %(names)s and a.disabled = 0
		order by a.is_primary_address desc, a.is_your_company_address desc, a.creation""",
		{"names": names},
	):
		if company in companies and not companies[company].get("address"):
			companies[company]["address"] = address
	return companies


def set_lot_sources(values: dict[str, dict]) -> None:
	"""Record the traceability lot code source of these lots (lot → fields): one statement per
	distinct source."""
	by_source: dict[tuple, list[str]] = {}
	for lot, fields in values.items():
		by_source.setdefault(tuple(sorted(fields.items())), []).append(lot)
	for fields, lots in by_source.items():
		assignments = ", ".join(f"`{field}` = %({field})s" for field, _value in fields)
		frappe.db.sql(
			f"update `tabBatch` set {assignments} where name in %(lots)s",
			{**dict(fields), "lots": sorted(lots)},
		)


def get_lots_without_source(lots) -> list[str]:
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return []
	return [
		row[0]
		for row in frappe.db.sql(
			"""select name from `tabBatch` where name in %(lots)s
			and ifnull(tlc_source_address, '') = '' and ifnull(tlc_source_warehouse, '') = ''
			and ifnull(tlc_source_reference, '') = ''""",
			{"lots": value_list(lots)},
		)
	]
