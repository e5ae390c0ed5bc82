"""Reads for promisable stock: every lot of the items in stock (kept lot balances) with the lot's
fields, its warehouse's company and quarantine flag and what Stock Reservation Entries hold of it;
reservations naming no lot; ERPNext's own figure (Bin).

Raw SQL: the balances, lots, warehouses and the reserved quantity per lot and warehouse (a grouped
sub-query) are read in one statement, which frappe.qb writes only less clearly."""

import frappe

from lot_traceability.queries.balances import eligibility_conditions

# Reservations still open (ERPNext's own test, `get_sre_reserved_batch_nos_details`).
OPEN_RESERVATION = """sre.docstatus = 1 and sre.status not in ('Delivered', 'Cancelled')
	and sre.reserved_qty - sre.delivered_qty > 0 and sre.item_code in %(items)s
	and not (sre.voucher_type = 'Sales Order' and sre.voucher_no = %(order)s)"""

# What open reservations by lot hold of each lot in each warehouse, joined to the kept balances.
RESERVED_BY_LOT = f"""left join (
			select entry.batch_no, sre.warehouse, sum(entry.qty - entry.delivered_qty) as qty
			from `tabStock Reservation Entry` sre
			join `tabSerial and Batch Entry` entry
				on entry.parent = sre.name and entry.parenttype = 'Stock Reservation Entry'
			where {OPEN_RESERVATION} and sre.reservation_based_on = 'Serial and Batch'
			group by entry.batch_no, sre.warehouse
		) reserved on reserved.batch_no = balance.batch and reserved.warehouse = balance.warehouse"""


def get_promising_stock(
	items,
	warehouses=None,
	company: str | None = None,
	exclude_order: str | None = None,
	statuses=None,
	without_status: bool = False,
):
	"""Each lot of the items with stock (> 0) in a warehouse (of the company, among the warehouses):
	batch, warehouse, item, qty, lot_status, expiry_date, manufacturing_date, received_date, disabled,
	company, is_quarantine_warehouse, reserved_qty (reserved by lot for orders other than
	`exclude_order`). `statuses`: only lots of these statuses (and, `without_status`, lots with
	none)."""
	items = sorted(set(items))
	if not items:
		return []
	values = {"items": items, "order": exclude_order or ""}
	where = ""
	if statuses is not None:
		chosen = {"statuses": sorted(set(statuses)) or [""], "default_allowed": without_status}
		values.update(chosen)
		where += "".join(f" and {condition}" for condition in eligibility_conditions(chosen))
	if warehouses is not None:
		values["warehouses"] = sorted(set(warehouses)) or [""]
		where += " and balance.warehouse in %(warehouses)s"
	if company:
		values["company"] = company
		where += " and warehouse.company = %(company)s"
	return frappe.db.sql(
		f"""select balance.batch, balance.warehouse, balance.item, balance.qty, lot.lot_status,
			lot.expiry_date, lot.manufacturing_date, coalesce(lot.received_date, date(lot.creation))
			as received_date, lot.disabled, warehouse.company, warehouse.is_quarantine_warehouse,
			coalesce(reserved.qty, 0) as reserved_qty
		from `tabLot Balance` balance
		join `tabBatch` lot on lot.name = balance.batch
		join `tabWarehouse` warehouse on warehouse.name = balance.warehouse
		{RESERVED_BY_LOT}
		where balance.item in %(items)s and balance.qty > 0{where}
		order by balance.item, balance.warehouse, balance.batch""",
		values,
		as_dict=True,
	)


def get_plain_promisable(
	item: str, warehouses, company: str | None, exclude_order: str | None, eligible: dict
) -> dict[str, float]:
	"""Warehouse → what the item's plainly usable lots there hold beyond their reservations for other
	orders: lots of an unrestricted status that may ship (`eligible`: the allocation's eligibility
	rules, `queries.balances.eligibility_conditions`), not disabled, outside quarantine warehouses, in
	stock. Summed in the database: the lots themselves are not read."""
	if not warehouses:
		return {}
	values = {
		**eligible,
		"items": [item],
		"item": item,
		"warehouses": sorted(set(warehouses)),
		"order": exclude_order or "",
		"company": company,
	}
	where = "".join(f" and {condition}" for condition in eligibility_conditions(eligible))
	rows = frappe.db.sql(
		f"""select balance.warehouse, sum(greatest(0, balance.qty - coalesce(reserved.qty, 0)))
		from `tabLot Balance` balance
		join `tabBatch` lot on lot.name = balance.batch
		join `tabWarehouse` warehouse on warehouse.name = balance.warehouse
		{RESERVED_BY_LOT}
		where balance.item = %(item)s and lot.item = %(item)s and balance.warehouse in %(warehouses)s
			and balance.qty > 0 and lot.disabled = 0
			and ifnull(warehouse.is_quarantine_warehouse, 0) = 0
			{"and warehouse.company = %(company)s" if company else ""}{where}
		group by balance.warehouse""",
		values,
	)
	return {warehouse: float(qty or 0) for warehouse, qty in rows}


def get_unassigned_reservations(items, exclude_order: str | None = None) -> dict[tuple[str, str], float]:
	"""(item, warehouse) → quantity reserved by open reservations that name no lot."""
	items = sorted(set(items))
	if not items:
		return {}
	rows = frappe.db.sql(
		f"""select sre.item_code, sre.warehouse, sum(sre.reserved_qty - sre.delivered_qty)
		from `tabStock Reservation Entry` sre
		where {OPEN_RESERVATION} and sre.reservation_based_on != 'Serial and Batch'
		group by sre.item_code, sre.warehouse""",
		{"items": items, "order": exclude_order or ""},
	)
	return {(item, warehouse): float(qty) for item, warehouse, qty in rows}


def get_actual_qty(items, warehouses=None) -> dict[tuple[str, str], float]:
	"""ERPNext's actual quantity (Bin) of each item in each warehouse."""
	items = sorted(set(items))
	if not items:
		return {}
	filters = {"item_code": ("in", items)}
	if warehouses is not None:
		filters["warehouse"] = ("in", sorted(set(warehouses)) or [""])
	return {
		(row.item_code, row.warehouse): float(row.actual_qty)
		for row in frappe.get_all("Bin", filters=filters, fields=["item_code", "warehouse", "actual_qty"])
	}


def get_items(item_code: str | None = None, item_group: str | None = None) -> list[str]:
	"""Batch-tracked items with kept lot stock, of the item or within the item group (and below)."""
	filters = {"has_batch_no": 1}
	if item_code:
		filters["name"] = item_code
	if item_group:
		bounds = frappe.db.get_value("Item Group", item_group, ["lft", "rgt"])
		if not bounds:
			return []
		groups = frappe.get_all(
			"Item Group", filters={"lft": (">=", bounds[0]), "rgt": ("<=", bounds[1])}, pluck="name"
		)
		filters["item_group"] = ("in", groups)
	in_stock = set(frappe.get_all("Lot Balance", filters={"qty": (">", 0)}, pluck="item", distinct=True))
	return sorted(name for name in frappe.get_all("Item", filters=filters, pluck="name") if name in in_stock)


def get_warehouse_and_below(warehouse: str) -> list[str]:
	"""The warehouse and, for a group, every warehouse below it."""
	bounds = frappe.db.get_value("Warehouse", warehouse, ["lft", "rgt"])
	if not bounds:
		return [warehouse]
	return frappe.get_all(
		"Warehouse", filters={"lft": (">=", bounds[0]), "rgt": ("<=", bounds[1])}, pluck="name"
	)


def get_warehouse_ancestors(warehouse: str) -> list[str]:
	"""The group warehouses above the warehouse."""
	bounds = frappe.db.get_value("Warehouse", warehouse, ["lft", "rgt"])
	if not bounds:
		return []
	return frappe.get_all(
		"Warehouse", filters={"lft": ("<", bounds[0]), "rgt": (">", bounds[1])}, pluck="name"
	)
