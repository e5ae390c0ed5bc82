"""Reads behind the expiry forecast (demand by day, lots on hand, open orders, the stored forecast),
and the writes of foresight's stored results (supplier scores and anomalies read in
`queries.supplier_scores` and `queries.anomalies`).

The history comes from the kept lot ledger (Lot Ledger Entry: one row per lot movement, indexed by
date) and ERPNext's own documents. Raw SQL where a read aggregates by day or joins documents by
type (clearer than frappe.qb here); the stored results are written with multi-row inserts."""

import frappe
from frappe.utils import now_datetime

from lot_traceability.traceability.movements import INTERNAL_TRANSFER, SELLING_VOUCHERS

# stock leaving a warehouse to meet demand: production issues (to a work in progress warehouse, or
# consumed where it is) — a sale is any selling document to a party that is not one of our companies
PRODUCTION_PURPOSES = (
	"Manufacture",
	"Repack",
	"Material Consumption for Manufacture",
	"Material Transfer for Manufacture",
)
CHUNK = 2000


def get_daily_demand(since, until) -> list[dict]:
	"""Quantity of each item leaving each warehouse to meet demand (sales to other parties and
	production issues), by day, posted on or after `since` and before `until`."""
	return frappe.db.sql(
		"""select item_code, warehouse, posting_date, -sum(qty) as qty
		from `tabLot Ledger Entry`
		where posting_date >= %(since)s and posting_date < %(until)s and qty < 0
			and (
				(voucher_type in %(selling)s and ifnull(purpose, '') != %(internal)s)
				or (voucher_type = 'Stock Entry' and purpose in %(production)s)
			)
		group by item_code, warehouse, posting_date""",
		{
			"since": since,
			"until": until,
			"selling": sorted(SELLING_VOUCHERS),
			"internal": INTERNAL_TRANSFER,
			"production": PRODUCTION_PURPOSES,
		},
		as_dict=True,
	)


def get_lots_on_hand(company: str | None = None) -> list[dict]:
	"""Each lot with stock and an expiry date, by warehouse: quantity and kept value, its item, status
	and dates, the warehouse's company (quarantine and group warehouses left out)."""
	return frappe.db.sql(
		f"""select balance.batch, balance.item, balance.warehouse, balance.qty, balance.stock_value,
			lot.expiry_date, lot.manufacturing_date, lot.lot_status, warehouse.company
		from `tabLot Balance` balance
		join `tabBatch` lot on lot.name = balance.batch
		join `tabWarehouse` warehouse on warehouse.name = balance.warehouse
		where balance.qty > 0 and lot.expiry_date is not null
			and ifnull(warehouse.is_quarantine_warehouse, 0) = 0
			{"and warehouse.company = %(company)s" if company else ""}""",
		{"company": company},
		as_dict=True,
	)


def get_open_sales_orders() -> list[dict]:
	"""Undelivered quantity (stock units) of every open Sales Order line, with its due date."""
	return frappe.db.sql(
		"""select line.item_code, line.warehouse, coalesce(line.delivery_date, so.delivery_date) as due,
			(line.qty - line.delivered_qty) * line.conversion_factor as qty
		from `tabSales Order Item` line
		join `tabSales Order` so on so.name = line.parent
		where so.docstatus = 1 and so.status not in ('Closed', 'Completed', 'On Hold')
			and line.delivered_qty < line.qty and ifnull(line.warehouse, '') != ''""",
		as_dict=True,
	)


def get_open_work_orders() -> list[dict]:
	"""Materials open Work Orders still need from their source warehouses, due on their planned
	start."""
	return frappe.db.sql(
		"""select line.item_code, line.source_warehouse as warehouse, date(wo.planned_start_date) as due,
			line.required_qty - greatest(line.transferred_qty, line.consumed_qty) as qty
		from `tabWork Order Item` line
		join `tabWork Order` wo on wo.name = line.parent
		where wo.docstatus = 1 and wo.status not in ('Completed', 'Stopped', 'Closed', 'Cancelled')
			and ifnull(line.source_warehouse, '') != ''
			and line.required_qty > greatest(line.transferred_qty, line.consumed_qty)""",
		as_dict=True,
	)


def get_demand_warehouses() -> list[dict]:
	"""Warehouses that can take stock to sell (not groups, not quarantine, not disabled)."""
	return frappe.get_all(
		"Warehouse",
		filters={"is_group": 0, "disabled": 0, "is_quarantine_warehouse": 0},
		fields=["name", "company"],
	)


FORECAST_FIELDS = (
	"batch",
	"item",
	"warehouse",
	"company",
	"expiry_date",
	"deadline",
	"qty",
	"stock_value",
	"demand_per_week",
	"demand_weeks",
	"demand_weeks_with_demand",
	"open_orders_qty",
	"leftover_qty",
	"leftover_value",
	"suggested_warehouse",
	"suggested_company",
	"suggested_qty",
	"value_saved",
	"suggestions",
	"computed_on",
)


def get_expiry_forecasts(lot_warehouses) -> dict[tuple[str, str], dict]:
	"""Stored forecasts of these (lot, warehouse) pairs."""
	lots = sorted({lot for lot, _warehouse in lot_warehouses})
	found = {}
	for start in range(0, len(lots), CHUNK):
		for row in frappe.get_all(
			"Lot Expiry Forecast",
			filters={"batch": ("in", lots[start : start + CHUNK])},
			fields=list(FORECAST_FIELDS),
		):
			found[(row.batch, row.warehouse)] = row
	return found


def replace_rows(doctype: str, fields: list[str], rows: list[tuple]) -> int:
	"""Replace every stored row of a result doctype with `rows` (values in `fields` order), in
	multi-row inserts; one transaction with the caller's, so readers see the old rows or the new."""
	frappe.db.delete(doctype)
	stamp, user = now_datetime(), frappe.session.user
	columns = ["name", *fields, "creation", "modified", "owner", "modified_by"]
	values = [(frappe.generate_hash(length=12), *row, stamp, stamp, user, user) for row in rows]
	for start in range(0, len(values), CHUNK):
		frappe.db.bulk_insert(doctype, columns, values[start : start + CHUNK])
	return len(values)


def get_internal_customer(company: str, represents: str) -> str | None:
	"""The internal customer of `company` that represents `represents` (ERPNext's inter-company
	transfers go to it)."""
	rows = frappe.db.sql(
		"""select customer.name from `tabCustomer` customer
		join `tabAllowed To Transact With` allowed on allowed.parent = customer.name
			and allowed.parenttype = 'Customer' and allowed.company = %(company)s
		where customer.is_internal_customer = 1 and customer.represents_company = %(represents)s
			and customer.disabled = 0
		order by customer.name limit 1""",
		{"company": company, "represents": represents},
	)
	return rows[0][0] if rows else None


def get_forecast_at_risk(company=None, warehouse=None, item_code=None) -> list[dict]:
	"""Stored forecasts with stock forecast unsold, largest value first, as Expiry Risk rows."""
	filters = {"leftover_qty": (">", 0)}
	for field, value in (("company", company), ("warehouse", warehouse), ("item", item_code)):
		if value:
			filters[field] = value
	rows = frappe.get_all(
		"Lot Expiry Forecast",
		filters=filters,
		fields=[
			"batch as lot",
			"item",
			"warehouse",
			"company",
			"expiry_date",
			"qty",
			"stock_value as value",
		],
		order_by="leftover_value desc, batch",
	)
	statuses = dict(
		frappe.get_all(
			"Batch",
			filters={"name": ("in", [row.lot for row in rows] or [""])},
			fields=["name", "lot_status"],
			as_list=True,
		)
	)
	uoms = dict(
		frappe.get_all(
			"Item",
			filters={"name": ("in", list({row.item for row in rows}) or [""])},
			fields=["name", "stock_uom"],
			as_list=True,
		)
	)
	for row in rows:
		row.lot_status = statuses.get(row.lot)
		row.uom = uoms.get(row.item)
	return rows


def get_first_movements() -> dict[tuple[str, str], object]:
	"""The day each item first moved at each warehouse (its history there starts then)."""
	return {
		(item, warehouse): first
		for item, warehouse, first in frappe.db.sql(
			"""select item_code, warehouse, min(posting_date) from `tabLot Ledger Entry`
			group by item_code, warehouse"""
		)
	}


def get_whole_unit_items(items) -> set[str]:
	"""Those of these items whose stock unit must be a whole number."""
	items = sorted(set(items))
	if not items:
		return set()
	return {
		name
		for (name,) in frappe.db.sql(
			"""select item.name from `tabItem` item join `tabUOM` uom on uom.name = item.stock_uom
			where item.name in %(items)s and uom.must_be_whole_number = 1""",
			{"items": items},
		)
	}
