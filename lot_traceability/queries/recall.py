"""Reads behind recall impact: warehouses, open demand on the lots, and the customers reached (the
lots' movements come from the kept lot ledger, `queries.lot_ledger`)."""

import frappe
from frappe.query_builder.functions import Sum

from lot_traceability.queries import packed
from lot_traceability.queries.locks import lock_clause, locking
from lot_traceability.queries.quoting import value_list


def get_warehouses(names) -> dict[str, dict]:
	"""Company and transit flag of each warehouse (a Transit type, or a company's in-transit one)."""
	if not names:
		return {}
	warehouse = frappe.qb.DocType("Warehouse")
	rows = (
		frappe.qb.from_(warehouse)
		.select(warehouse.name, warehouse.company, warehouse.warehouse_type)
		.where(warehouse.name.isin(list(set(names))))
		.run(as_dict=True)
	)
	in_transit = set(
		frappe.get_all(
			"Company",
			filters={"default_in_transit_warehouse": ("is", "set")},
			pluck="default_in_transit_warehouse",
		)
	)
	return {
		row.name: frappe._dict(
			company=row.company, in_transit=row.warehouse_type == "Transit" or row.name in in_transit
		)
		for row in rows
	}


CUSTOMER_CONTACT_FIELDS = (
	"name",
	"customer_name",
	"customer_primary_contact",
	"email_id",
	"mobile_no",
	"customer_primary_address",
	"primary_address",
)
DELIVERY_CONTACT_FIELDS = (
	"name",
	"contact_person",
	"contact_email",
	"contact_mobile",
	"shipping_address_name",
	"shipping_address",
)


def get_customer_contacts(customers) -> dict[str, dict]:
	"""Name, primary contact, e-mail, phone and address of each customer. Raw SQL: a recall passes
	thousands of customers, sent as one list parameter (frappe.qb would bind each value on its own),
	and their rows come packed into one string (`queries.packed`)."""
	return _records_by_name("Customer", CUSTOMER_CONTACT_FIELDS, customers)


def get_delivery_contacts(voucher_nos) -> dict[str, dict]:
	"""Contact person, e-mail, phone and shipping address of these Delivery Notes (the fallback where
	a customer has no primary contact). Raw SQL as `get_customer_contacts`."""
	return _records_by_name("Delivery Note", DELIVERY_CONTACT_FIELDS, voucher_nos)


def get_contact_phones(contacts) -> dict[str, str]:
	"""Each contact's phone number: its primary phone (or primary mobile) in its phone numbers first,
	then any of its numbers, then the contact's own phone and mobile fields."""
	contacts = {name for name in contacts if name}
	if not contacts:
		return {}
	phones: dict[str, str] = {}
	for parent, phone in frappe.db.sql(
		"""select parent, phone from `tabContact Phone`
		where parenttype = 'Contact' and parent in %(contacts)s and ifnull(phone, '') != ''
		order by parent, (is_primary_phone or is_primary_mobile_no) desc, idx""",
		{"contacts": value_list(contacts)},
	):
		phones.setdefault(parent, phone)
	unfound = contacts - set(phones)
	if unfound:
		for name, phone, mobile in frappe.db.sql(
			"""select name, phone, mobile_no from `tabContact` where name in %(contacts)s""",
			{"contacts": value_list(unfound)},
		):
			if phone or mobile:
				phones[name] = phone or mobile
	return phones


def get_address_phones(addresses) -> dict[str, str]:
	"""Each address's phone number, where it has one."""
	addresses = {name for name in addresses if name}
	if not addresses:
		return {}
	return dict(
		frappe.db.sql(
			"""select name, phone from `tabAddress` where name in %(addresses)s and ifnull(phone, '') != ''""",
			{"addresses": value_list(addresses)},
		)
	)


def _records_by_name(doctype: str, fields, names) -> dict[str, dict]:
	if not names:
		return {}
	rows = packed.read_all(
		[f"`{field}`" for field in fields],
		f"from `tab{doctype}` where name in %(names)s",
		{"names": value_list(set(names))},
	)
	return {row[0]: frappe._dict(zip(fields, row, strict=True)) for row in rows}


def get_reservations(lots) -> list[dict]:
	"""Open Stock Reservation Entries holding the lots (reserved by lot). Read from the open
	reservations (few) and matched to the lots here: a recall's scope can hold thousands of lots."""
	if not lots:
		return []
	lots = set(lots)
	reservation = frappe.qb.DocType("Stock Reservation Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	query = (
		frappe.qb.from_(reservation)
		.join(entry)
		.on((reservation.name == entry.parent) & (entry.parenttype == "Stock Reservation Entry"))
		.select(
			reservation.name,
			reservation.voucher_type,
			reservation.voucher_no,
			reservation.item_code,
			reservation.warehouse,
			reservation.status,
			entry.batch_no,
			(entry.qty - entry.delivered_qty).as_("qty"),
		)
		.where((reservation.docstatus == 1) & reservation.status.notin(["Delivered", "Cancelled"]))
	)
	rows = (query.for_update() if locking() else query).run(as_dict=True)
	return [row for row in rows if row.batch_no in lots]


def get_open_pick_lists(lots) -> list[dict]:
	"""Pick Lists not yet delivered that pick the lots: submitted ones through their bundles, drafts
	through the lot chosen on the row. Read from the open pick lists (few) and matched to the lots
	here: a recall's scope can hold thousands of lots."""
	if not lots:
		return []
	lots = set(lots)
	pick_list = frappe.qb.DocType("Pick List")
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	submitted = (
		frappe.qb.from_(pick_list)
		.join(bundle)
		.on((bundle.voucher_no == pick_list.name) & (bundle.voucher_type == "Pick List"))
		.join(entry)
		.on(entry.parent == bundle.name)
		.select(
			pick_list.name,
			pick_list.docstatus,
			pick_list.status,
			pick_list.customer,
			bundle.item_code,
			bundle.warehouse,
			entry.batch_no,
			Sum(-entry.qty).as_("qty"),
		)
		.where(
			(bundle.is_cancelled == 0)
			& (pick_list.docstatus == 1)
			& pick_list.status.notin(["Completed", "Cancelled"])
		)
		.groupby(pick_list.name, bundle.item_code, bundle.warehouse, entry.batch_no)
	)
	submitted = (submitted.for_update() if locking() else submitted).run(as_dict=True)
	row = frappe.qb.DocType("Pick List Item")
	drafts = (
		frappe.qb.from_(pick_list)
		.join(row)
		.on(row.parent == pick_list.name)
		.select(
			pick_list.name,
			pick_list.docstatus,
			pick_list.status,
			pick_list.customer,
			row.item_code,
			row.warehouse,
			row.batch_no,
			Sum(row.stock_qty).as_("qty"),
		)
		.where(pick_list.docstatus == 0)
		.groupby(pick_list.name, row.item_code, row.warehouse, row.batch_no)
	)
	drafts = (drafts.for_update() if locking() else drafts).run(as_dict=True)
	for found in submitted:
		found.qty = abs(found.qty or 0)
	return [found for found in submitted + drafts if found.batch_no in lots]


def get_open_sales_order_lines(item_warehouses) -> list[dict]:
	"""Undelivered lines of open Sales Orders for (item, warehouse) pairs that hold affected stock:
	their deliveries would draw on the affected lots."""
	if not item_warehouses:
		return []
	order = frappe.qb.DocType("Sales Order")
	line = frappe.qb.DocType("Sales Order Item")
	items = list({item for item, _ in item_warehouses})
	rows = (
		frappe.qb.from_(line)
		.join(order)
		.on(order.name == line.parent)
		.select(
			order.name,
			order.customer,
			order.delivery_date,
			line.name.as_("row"),
			line.item_code,
			line.warehouse,
			((line.qty - line.delivered_qty) * line.conversion_factor).as_("pending_qty"),
		)
		.where(
			(order.docstatus == 1)
			& order.status.notin(["Closed", "Completed", "On Hold"])
			& line.item_code.isin(items)
			& (line.delivered_qty < line.qty)
		)
		.run(as_dict=True)
	)
	wanted = set(item_warehouses)
	return [row for row in rows if (row.item_code, row.warehouse) in wanted]


def set_recall_lots_status_after(recall: str, lots, status: str | None, docstatus: int | None = None) -> None:
	"""Record on a recall's affected-lot rows the status the recall left them in (one write; raw
	SQL: thousands of lots). `lots` None: every affected lot of the recall; `docstatus`: the
	recall's, written with it."""
	lots = None if lots is None else sorted(set(lots))
	if lots == []:
		return
	frappe.db.sql(
		f"""update `tabLot Recall Lot` set status_after = %(status)s
			{"" if docstatus is None else ", docstatus = %(docstatus)s"}
		where parent = %(recall)s and parenttype = 'Lot Recall' and parentfield = 'affected_lots'
		{"" if lots is None else "and batch in %(lots)s"}""",
		{"status": status, "recall": recall, "lots": lots, "docstatus": docstatus},
	)


def get_open_recalls_of_lots(lots) -> list[str]:
	"""Submitted, real recalls still open or contained whose scope holds any of the lots."""
	if not lots:
		return []
	recall = frappe.qb.DocType("Lot Recall")
	row = frappe.qb.DocType("Lot Recall Lot")
	return (
		frappe.qb.from_(row)
		.join(recall)
		.on(recall.name == row.parent)
		.select(recall.name)
		.distinct()
		.where(
			row.batch.isin(list(set(lots)))
			& (row.parenttype == "Lot Recall")
			& (recall.docstatus == 1)
			& (recall.is_mock == 0)
			& recall.status.isin(["Open", "Contained"])
		)
		.run(pluck=True)
	)


def get_item_names_and_units(items) -> dict[str, tuple[str, str]]:
	"""(item name, stock unit) of each item."""
	if not items:
		return {}
	return {
		row.name: (row.item_name, row.stock_uom)
		for row in frappe.get_all(
			"Item", filters={"name": ("in", list(items))}, fields=["name", "item_name", "stock_uom"]
		)
	}


def get_voucher_companies(vouchers) -> dict[tuple[str, str], str]:
	"""The company of each (doctype, name)."""
	found = {}
	by_type: dict[str, list[str]] = {}
	for doctype, name in vouchers:
		by_type.setdefault(doctype, []).append(name)
	for doctype, names in by_type.items():
		# raw SQL: a recall names thousands of delivery notes, a list Frappe's filters write slowly
		for name, company in frappe.db.sql(
			f"select name, company from `tab{doctype}` where name in %(names)s",
			{"names": value_list(set(names))},
		):
			found[(doctype, name)] = company
	return found


# A recall's scope tables: (child doctype, fields shown in the form, fields searched)
SCOPE_ROW_FIELDS = {
	"affected_lots": (
		"Lot Recall Lot",
		(
			"batch",
			"item",
			"level",
			"made_qty",
			"traced_qty",
			"share",
			"on_hand_qty",
			"status_before",
			"status_after",
		),
		("batch", "item"),
	),
	"locations": (
		"Lot Recall Location",
		("company", "warehouse", "batch", "item", "qty", "affected_qty", "stock_value", "in_transit"),
		("company", "warehouse", "batch", "item"),
	),
	# the customers' listed fields are the service's (`recall.scope.CUSTOMER_LIST_FIELDS`)
	"customers": (
		"Lot Recall Customer",
		("customer", "customer_name", "company", "email", "phone", "lots"),
		("customer", "customer_name", "lots"),
	),
}


def get_recall_rows(
	recall: str,
	table: str,
	start: int,
	page_length: int,
	search: str | None,
	within: dict | None = None,
	after: int | None = None,
	fields: tuple | None = None,
):
	"""A page of a recall's scope table in its order, how many rows match, and the key (idx) of the
	page's last row. `within`: further filters, the rows the user may read; `after`: the page starts
	after the row of this idx (read by key, `start` unused); `fields`: the fields listed (else the
	table's own, `SCOPE_ROW_FIELDS`)."""
	doctype, listed, searched = SCOPE_ROW_FIELDS[table]
	fields = fields or listed
	filters = {"parent": recall, "parenttype": "Lot Recall", "parentfield": table, **(within or {})}
	or_filters = {field: ("like", f"%{search}%") for field in searched} if search else None
	rows = frappe.get_all(
		doctype,
		filters={**filters, "idx": (">", after)} if after is not None else filters,
		or_filters=or_filters,
		fields=[*fields, "idx as page_key"],
		order_by="idx asc",
		limit_start=0 if after is not None else start,
		limit_page_length=page_length,
	)
	last = rows[-1].page_key if rows else None
	for row in rows:
		del row["page_key"]
	total = (
		frappe.db.count(doctype, filters)
		if not search
		else len(frappe.get_all(doctype, filters=filters, or_filters=or_filters, pluck="name"))
	)
	return rows, total, last


def get_recall_lot_names(recall: str) -> list[str]:
	"""The affected lots saved on a recall."""
	return frappe.get_all(
		"Lot Recall Lot",
		filters={"parent": recall, "parenttype": "Lot Recall", "parentfield": "affected_lots"},
		pluck="batch",
		order_by="idx asc",
	)


def get_recall_rows_of_table(recall, table: str) -> list[dict]:
	"""Every saved row of one of a recall's scope tables, in its order, as Frappe loads child rows."""
	doctype = recall.meta.get_field(table).options
	return frappe.db.sql(
		f"select * from `tab{doctype}` where parent = %s and parenttype = %s and parentfield = %s order by idx",
		(recall.name, recall.doctype, table),
		as_dict=True,
	)


def get_scope_fingerprint(lots) -> str:
	"""What a recall's scope of these lots is computed from, in a few numbers: the count and a
	checksum of the lots' kept movements and of the genealogy links from them. Any movement posted
	or cancelled for one of the lots, any lot made from one of them changes it. Inside
	`locking_reads` it reads the last committed rows (and holds them). Raw SQL: frappe.qb writes
	neither `bit_xor` nor `crc32`."""
	lots = sorted({lot for lot in lots or () if lot})
	if not lots:
		return ""
	lock = lock_clause()
	quoted = value_list(lots)  # thousands of names, quoted once for both reads
	parts = [
		frappe.db.sql(
			f"select count(*), bit_xor(crc32(name)) from `tabLot Ledger Entry` where batch_no in %(lots)s{lock}",
			{"lots": quoted},
		)[0],
		frappe.db.sql(
			f"""select count(*), bit_xor(crc32(concat(name, ':', child_lot, ':', qty)))
			from `tabLot Genealogy` where parent_lot in %(lots)s{lock}""",
			{"lots": quoted},
		)[0],
	]
	return " ".join(f"{int(count or 0)}:{int(checksum or 0)}" for count, checksum in parts)


def get_submitted_recalls_of_lots(lots) -> list[str]:
	"""Submitted recalls (drills too, any status) whose scope holds any of the lots."""
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return []
	return [
		row[0]
		for row in frappe.db.sql(
			"""select distinct r.name from `tabLot Recall Lot` l join `tabLot Recall` r on r.name = l.parent
			where l.parenttype = 'Lot Recall' and l.batch in %(lots)s and r.docstatus = 1""",
			{"lots": lots},
		)
	]


def get_recalls_of_status_change(name: str) -> list[str]:
	return frappe.get_all("Lot Recall", filters={"status_change": name, "docstatus": 1}, pluck="name")
