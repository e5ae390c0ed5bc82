"""Reads behind the traceability KPIs. Raw SQL where a receiving row must be joined to the lots its
bundle received (a join through `voucher_detail_no` that frappe.qb writes no more clearly)."""

import frappe

# receiving doctype → (row table, extra condition on the parent); a receipt from one of our own
# companies is a transfer, not a receipt from a supplier
RECEIVING = {
	"Purchase Receipt": ("Purchase Receipt Item", "and doc.is_return = 0 and doc.is_internal_supplier = 0"),
	"Purchase Invoice": (
		"Purchase Invoice Item",
		"and doc.is_return = 0 and doc.update_stock = 1 and doc.is_internal_supplier = 0",
	),
	"Subcontracting Receipt": ("Subcontracting Receipt Item", "and doc.is_return = 0"),
	"Stock Entry": ("Stock Entry Detail", "and doc.purpose = 'Material Receipt'"),
}


def _company(alias: str, company: str | None) -> str:
	return f" and {alias}.company = %(company)s" if company else ""


def get_receiving_rows(from_date, to_date, company=None) -> list[dict]:
	"""Each receiving row of a lot-controlled item posted in the period: its supplier lot no and the
	latest expiry among the lots its bundle received."""
	rows = []
	values = {"from_date": from_date, "to_date": to_date, "company": company}
	for doctype, (child, condition) in RECEIVING.items():
		rows += frappe.db.sql(
			f"""select row.name, row.supplier_lot_no, max(lot.expiry_date) as expiry_date
			from `tab{child}` row
			join `tab{doctype}` doc on doc.name = row.parent
			join `tabSerial and Batch Bundle` b on b.voucher_detail_no = row.name and b.voucher_no = doc.name
				and b.docstatus = 1 and b.is_cancelled = 0 and b.type_of_transaction = 'Inward'
			join `tabSerial and Batch Entry` e on e.parent = b.name
			join `tabBatch` lot on lot.name = e.batch_no
			where doc.docstatus = 1 and doc.posting_date between %(from_date)s and %(to_date)s
				{condition}{_company("doc", company)}
			group by row.name, row.supplier_lot_no""",
			values,
			as_dict=True,
		)
	return rows


def get_status_events(lots=None, until=None) -> list[dict]:
	"""Submitted lot status changes: lot, when, to which status (the lot's status history)."""
	change = frappe.qb.DocType("Lot Status Change")
	row = frappe.qb.DocType("Lot Status Change Lot")
	query = (
		frappe.qb.from_(row)
		.join(change)
		.on(change.name == row.parent)
		.select(row.batch, change.change_datetime, change.to_status)
		.where((change.docstatus == 1) & (row.parenttype == "Lot Status Change"))
		.orderby(change.change_datetime)
	)
	if lots is not None:
		query = query.where(row.batch.isin(list(lots) or [""]))
	if until:
		query = query.where(change.change_datetime <= until)
	return query.run(as_dict=True)


def get_write_offs(from_date, to_date, company=None) -> list[dict]:
	"""Lots written off (Material Issue marked *Write Off Lots*) in the period: quantity and value."""
	return frappe.db.sql(
		f"""select e.batch_no, se.name as voucher_no, se.posting_date, -e.qty as qty,
			-e.stock_value_difference as value, lot.expiry_date, lot.lot_status,
			se.lot_disposition_of_doctype as disposition_of
		from `tabStock Entry` se
		join `tabSerial and Batch Bundle` b on b.voucher_no = se.name and b.voucher_type = 'Stock Entry'
			and b.docstatus = 1 and b.is_cancelled = 0
		join `tabSerial and Batch Entry` e on e.parent = b.name
		join `tabBatch` lot on lot.name = e.batch_no
		where se.docstatus = 1 and se.purpose = 'Material Issue' and se.is_lot_write_off = 1
			and se.posting_date between %(from_date)s and %(to_date)s{_company("se", company)}""",
		{"from_date": from_date, "to_date": to_date, "company": company},
		as_dict=True,
	)


def get_expired_stock(from_date, to_date, company=None) -> list[dict]:
	"""Stock still on hand of lots whose expiry date falls in the period (value it from the ledger)."""
	return frappe.db.sql(
		f"""select balance.batch, balance.warehouse, lot.expiry_date, balance.qty
		from `tabLot Balance` balance
		join `tabBatch` lot on lot.name = balance.batch
		join `tabWarehouse` warehouse on warehouse.name = balance.warehouse
		where balance.qty > 0 and lot.expiry_date between %(from_date)s and %(to_date)s
			{_company("warehouse", company)}""",
		{"from_date": from_date, "to_date": to_date, "company": company},
		as_dict=True,
	)


def get_shipments(from_date, to_date, company=None) -> list[dict]:
	"""Lots shipped (Delivery Notes, Sales Invoices with stock, POS) to customers in the period, per
	bundle entry: deliveries to our own companies (internal customers) are transfers, not shipments."""
	return frappe.db.sql(
		f"""select e.batch_no, b.item_code, b.warehouse, b.posting_date, lot.expiry_date
		from `tabSerial and Batch Bundle` b
		join `tabSerial and Batch Entry` e on e.parent = b.name
		join `tabBatch` lot on lot.name = e.batch_no
		left join `tabDelivery Note` dn on b.voucher_type = 'Delivery Note' and dn.name = b.voucher_no
		left join `tabSales Invoice` si on b.voucher_type = 'Sales Invoice' and si.name = b.voucher_no
		where b.voucher_type in ('Delivery Note', 'Sales Invoice', 'POS Invoice')
			and ifnull(dn.is_internal_customer, 0) = 0 and ifnull(si.is_internal_customer, 0) = 0
			and b.type_of_transaction = 'Outward' and b.docstatus = 1 and b.is_cancelled = 0
			and b.posting_date between %(from_date)s and %(to_date)s{_company("b", company)}""",
		{"from_date": from_date, "to_date": to_date, "company": company},
		as_dict=True,
	)


def get_lot_moves_of(item_warehouses, until) -> list[dict]:
	"""Dated movements, up to `until`, of every lot of these items in these warehouses."""
	if not item_warehouses:
		return []
	items = list({item for item, _ in item_warehouses})
	warehouses = list({warehouse for _, warehouse in item_warehouses})
	return frappe.db.sql(
		"""select e.batch_no, b.item_code, b.warehouse, b.posting_date, e.qty, lot.expiry_date, lot.lot_status
		from `tabSerial and Batch Bundle` b
		join `tabSerial and Batch Entry` e on e.parent = b.name
		join `tabBatch` lot on lot.name = e.batch_no
		where b.item_code in %(items)s and b.warehouse in %(warehouses)s and b.docstatus = 1
			and b.is_cancelled = 0 and b.voucher_type != 'Pick List' and b.posting_date <= %(until)s""",
		{"items": items, "warehouses": warehouses, "until": until},
		as_dict=True,
	)


def get_recall_source_lots(recalls) -> dict[str, set[str]]:
	"""Each recall's source lots."""
	found: dict[str, set[str]] = {}
	for row in frappe.get_all(
		"Lot Recall Source",
		filters={"parenttype": "Lot Recall", "parent": ("in", list(recalls) or [""])},
		fields=["parent", "batch"],
	):
		found.setdefault(row.parent, set()).add(row.batch)
	return found


def get_companies_with_lots() -> list[str]:
	"""The companies whose kept lot ledger moved any lot, by name."""
	return frappe.db.sql_list(
		"""select distinct company from `tabLot Ledger Entry`
		where company is not null and company != '' order by company"""
	)


def get_recall_scope_times(from_date, to_date) -> list[dict]:
	return frappe.get_all(
		"Lot Recall",
		filters={"docstatus": 1, "recall_date": ("between", [from_date, to_date])},
		fields=["name", "is_mock", "time_to_scope", "recall_date"],
	)


def get_lots_by_status_and_site(company=None) -> list[dict]:
	return frappe.db.sql(
		f"""select balance.warehouse, warehouse.warehouse_name, lot.lot_status, count(*) as lots
		from `tabLot Balance` balance
		join `tabBatch` lot on lot.name = balance.batch
		join `tabWarehouse` warehouse on warehouse.name = balance.warehouse
		where balance.qty > 0{_company("warehouse", company)}
		group by balance.warehouse, warehouse.warehouse_name, lot.lot_status""",
		{"company": company},
		as_dict=True,
	)


def get_stock_expiring(until, company=None, warehouse=None, item_code=None) -> list[dict]:
	"""Lots with stock expiring on or before `until` (expired ones too), by warehouse (value them from
	the ledger)."""
	conditions = _company("warehouse", company)
	if warehouse:
		conditions += " and balance.warehouse = %(warehouse)s"
	if item_code:
		conditions += " and balance.item = %(item)s"
	return frappe.db.sql(
		f"""select balance.batch, balance.item, balance.warehouse, balance.qty,
			lot.expiry_date, lot.lot_status, warehouse.company
		from `tabLot Balance` balance
		join `tabBatch` lot on lot.name = balance.batch
		join `tabWarehouse` warehouse on warehouse.name = balance.warehouse
		where balance.qty > 0 and lot.expiry_date <= %(until)s{conditions}
		order by lot.expiry_date, balance.batch""",
		{"until": until, "company": company, "warehouse": warehouse, "item": item_code},
		as_dict=True,
	)


def get_open_order_demand(item_warehouses, until) -> list[dict]:
	"""Undelivered quantity (stock units) of open Sales Order lines for these items and warehouses,
	due on or before `until`."""
	if not item_warehouses:
		return []
	return frappe.db.sql(
		"""select line.item_code, line.warehouse, coalesce(line.delivery_date, so.delivery_date) as due,
			(line.qty - line.delivered_qty) * line.conversion_factor as qty
		from `tabSales Order Item` line
		join `tabSales Order` so on so.name = line.parent
		where so.docstatus = 1 and so.status not in ('Closed', 'Completed', 'On Hold')
			and line.delivered_qty < line.qty and line.item_code in %(items)s and line.warehouse in %(warehouses)s
			and coalesce(line.delivery_date, so.delivery_date) <= %(until)s""",
		{
			"items": list({item for item, _ in item_warehouses}),
			"warehouses": list({warehouse for _, warehouse in item_warehouses}),
			"until": until,
		},
		as_dict=True,
	)


def get_stock_uoms(items) -> dict[str, str]:
	if not items:
		return {}
	return dict(
		frappe.get_all(
			"Item", filters={"name": ("in", list(items))}, fields=["name", "stock_uom"], as_list=True
		)
	)


def get_status_names() -> list[dict]:
	return frappe.get_all("Lot Status", fields=["name"], order_by="creation asc, name asc")


def get_company_currencies() -> list[str]:
	"""The currencies the companies keep their books in."""
	return frappe.get_all("Company", pluck="default_currency", distinct=True, order_by="default_currency")
