"""Reads behind the foresight (expiry forecast, supplier risk learned from outcomes, statistical
anomalies) and the writes of its stored results.

The history comes from the kept lot ledger (Lot Ledger Entry: one row per lot movement, indexed by
date) and ERPNext's own documents. Raw SQL where a read aggregates by day or joins documents by
type (clearer than frappe.qb here); the stored results are written with multi-row inserts."""

import frappe
from frappe.utils import now_datetime

from lot_traceability.queries.lot_ledger import SUPPLIER_DOCUMENTS
from lot_traceability.traceability.movements import INTERNAL_TRANSFER, SELLING_VOUCHERS

# stock leaving a warehouse to meet demand: production issues (to a work in progress warehouse, or
# consumed where it is) — a sale is any selling document to a party that is not one of our companies
PRODUCTION_PURPOSES = (
	"Manufacture",
	"Repack",
	"Material Consumption for Manufacture",
	"Material Transfer for Manufacture",
)
ADJUSTMENT_PURPOSES = ("Material Receipt", "Material Issue")
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


# supplier risk


def get_supplier_lots() -> list[dict]:
	"""Lots received from a supplier that is not one of our companies: supplier, item group and the
	day received."""
	return frappe.db.sql(
		"""select lot.name as lot, lot.supplier, item.item_group,
			coalesce(lot.received_date, date(lot.creation)) as received
		from `tabBatch` lot
		join `tabItem` item on item.name = lot.item
		join `tabSupplier` supplier on supplier.name = lot.supplier
		where ifnull(supplier.is_internal_supplier, 0) = 0""",
		as_dict=True,
	)


def get_rejections(rejection_status: str | None) -> list[dict]:
	"""Lots rejected: moved into the rejection status by a submitted change, or a submitted Quality
	Inspection of the lot that rejected it."""
	changes = (
		frappe.db.sql(
			"""select line_row.batch as lot, date(status_change.change_datetime) as on_date,
				'Lot Status Change' as reference_doctype, status_change.name as reference_name
			from `tabLot Status Change Lot` line_row
			join `tabLot Status Change` status_change on status_change.name = line_row.parent
			where status_change.docstatus = 1 and status_change.to_status = %(status)s""",
			{"status": rejection_status},
			as_dict=True,
		)
		if rejection_status
		else []
	)
	inspections = frappe.db.sql(
		"""select batch_no as lot, report_date as on_date, 'Quality Inspection' as reference_doctype,
			name as reference_name
		from `tabQuality Inspection`
		where docstatus = 1 and status = 'Rejected' and ifnull(batch_no, '') != ''""",
		as_dict=True,
	)
	return changes + inspections


def get_deviation_lots() -> list[dict]:
	"""Lots named by a submitted Lot Deviation, with its type and day."""
	return frappe.db.sql(
		"""select line_row.batch as lot, deviation.deviation_type, deviation.reported_on as on_date,
			deviation.name as reference_name
		from `tabLot Deviation Lot` line_row
		join `tabLot Deviation` deviation on deviation.name = line_row.parent
		where deviation.docstatus = 1 and ifnull(line_row.batch, '') != ''""",
		as_dict=True,
	)


def get_supplier_returns() -> list[dict]:
	"""Lots sent back to the supplier (a return on a receipt or purchase invoice), by document."""
	return frappe.db.sql(
		"""select batch_no as lot, min(posting_date) as on_date, voucher_type as reference_doctype,
			voucher_no as reference_name
		from `tabLot Ledger Entry`
		where voucher_type in %(documents)s and qty < 0 and party_type = 'Supplier'
			and ifnull(purpose, '') != %(internal)s
		group by batch_no, voucher_type, voucher_no""",
		{"documents": SUPPLIER_DOCUMENTS, "internal": INTERNAL_TRANSFER},
		as_dict=True,
	)


def get_recall_sources() -> list[dict]:
	"""Source lots of submitted real recalls (and every lot of a recall's supplier lot no)."""
	return frappe.db.sql(
		"""select source.batch as lot, recall.recall_date as on_date, recall.name as reference_name
		from `tabLot Recall Source` source
		join `tabLot Recall` recall on recall.name = source.parent
		where recall.docstatus = 1 and recall.is_mock = 0 and ifnull(source.batch, '') != ''
		union
		select lot.name, recall.recall_date, recall.name
		from `tabLot Recall` recall
		join `tabBatch` lot on lot.supplier_lot_no = recall.supplier_lot_no
		where recall.docstatus = 1 and recall.is_mock = 0 and ifnull(recall.supplier_lot_no, '') != ''""",
		as_dict=True,
	)


def get_ancestor_lots(lots) -> dict[str, set[str]]:
	"""For each of `lots`, every lot it was made from, at any depth (a cycle in bad data ends)."""
	lots = sorted(set(lots))
	if not lots:
		return {}
	rows = frappe.db.sql(
		"""with recursive ancestry (lot, ancestor, depth) as (
			select child_lot, parent_lot, 1 from `tabLot Genealogy` where child_lot in %(lots)s
			union
			select a.lot, g.parent_lot, a.depth + 1
			from `tabLot Genealogy` g join ancestry a on g.child_lot = a.ancestor
			where a.depth < 50
		)
		select distinct lot, ancestor from ancestry""",
		{"lots": lots},
	)
	found: dict[str, set[str]] = {}
	for lot, ancestor in rows:
		found.setdefault(lot, set()).add(ancestor)
	return found


def get_supplier_score(supplier: str, item_group: str) -> dict | None:
	"""The stored learned score of a supplier for an item group, on the primary (it decides a hold)."""
	return frappe.db.get_value(
		"Supplier Risk Score",
		{"supplier": supplier, "item_group": item_group},
		["score", "lots", "failed_lots", "computed_on"],
		as_dict=True,
	)


def get_supplier_scores(supplier=None, item_group=None, min_score=None) -> list[dict]:
	"""Stored scores (of a supplier, an item group, from a score), riskiest first."""
	filters = {}
	if supplier:
		filters["supplier"] = supplier
	if item_group:
		filters["item_group"] = item_group
	if min_score:
		filters["score"] = (">=", min_score)
	return frappe.get_all(
		"Supplier Risk Score",
		filters=filters,
		fields=[
			"supplier",
			"item_group",
			"score",
			"lots",
			"failed_lots",
			"raw_rate",
			"prior_rate",
			"evidence",
			"computed_on",
		],
		order_by="score desc, supplier, item_group",
	)


# anomalies


def get_production_runs(since) -> list[dict]:
	"""Each submitted Manufacture or Repack entry since `since`: its finished item, the quantity
	consumed and the quantity made of it (stock units), its warehouse and company."""
	return frappe.db.sql(
		"""select se.name, se.posting_date, se.company,
			max(if(line_row.is_finished_item = 1, line_row.item_code, null)) as item,
			max(if(line_row.is_finished_item = 1, line_row.t_warehouse, null)) as warehouse,
			sum(if(ifnull(line_row.s_warehouse, '') != '' and ifnull(line_row.t_warehouse, '') = '', line_row.transfer_qty, 0))
				as consumed,
			sum(if(line_row.is_finished_item = 1, line_row.transfer_qty, 0)) as made
		from `tabStock Entry` se
		join `tabStock Entry Detail` line_row on line_row.parent = se.name and line_row.parenttype = 'Stock Entry'
		where se.docstatus = 1 and se.purpose in ('Manufacture', 'Repack') and se.posting_date >= %(since)s
		group by se.name, se.posting_date, se.company""",
		{"since": since},
		as_dict=True,
	)


def get_lots_of_vouchers(voucher_type: str, names) -> dict[str, list[str]]:
	"""The lots each voucher moved (any direction)."""
	found: dict[str, list[str]] = {}
	names = sorted(set(names))
	for start in range(0, len(names), CHUNK):
		for voucher_no, lot in frappe.db.sql(
			"""select distinct voucher_no, batch_no from `tabLot Ledger Entry`
			where voucher_type = %(type)s and voucher_no in %(names)s order by batch_no""",
			{"type": voucher_type, "names": names[start : start + CHUNK]},
		):
			found.setdefault(voucher_no, []).append(lot)
	return found


def get_adjustment_rows(since) -> list[dict]:
	"""Lot movements that adjusted stock since `since`: Stock Reconciliation rows and Material
	Receipt / Material Issue entries other than lot write-offs; a lot's own receipt is not one."""
	return frappe.db.sql(
		"""select entry.voucher_type, entry.voucher_no, entry.item_code, entry.warehouse, entry.company,
			entry.posting_date, entry.batch_no
		from `tabLot Ledger Entry` entry
		join `tabBatch` lot on lot.name = entry.batch_no
		left join `tabStock Entry` se on entry.voucher_type = 'Stock Entry' and se.name = entry.voucher_no
		where entry.posting_date >= %(since)s
			and (
				entry.voucher_type = 'Stock Reconciliation'
				or (entry.voucher_type = 'Stock Entry' and entry.purpose in %(purposes)s
					and ifnull(se.is_lot_write_off, 0) = 0)
			)
			and not (ifnull(lot.reference_doctype, '') = entry.voucher_type
				and ifnull(lot.reference_name, '') = entry.voucher_no)""",
		{"since": since, "purposes": ADJUSTMENT_PURPOSES},
		as_dict=True,
	)


def get_movements(since) -> list[dict]:
	"""Every lot movement since `since` (quantity as moved, signed), for the sizes an item usually
	moves in."""
	return frappe.db.sql(
		"""select voucher_type, voucher_no, purpose, item_code, warehouse, company, batch_no, posting_date, qty
		from `tabLot Ledger Entry` where posting_date >= %(since)s and qty != 0""",
		{"since": since},
		as_dict=True,
	)


def get_supplier_receipts(since) -> list[dict]:
	"""Lots received from a supplier (not one of ours), with the dates the supplier gave and the
	company that received them (of their first movement)."""
	return frappe.db.sql(
		"""select lot.name as lot, lot.supplier, lot.item, lot.manufacturing_date, lot.expiry_date,
			coalesce(lot.received_date, date(lot.creation)) as received,
			lot.reference_doctype, lot.reference_name,
			(select entry.company from `tabLot Ledger Entry` entry where entry.batch_no = lot.name
				order by entry.posting_date limit 1) as company
		from `tabBatch` lot
		join `tabSupplier` supplier on supplier.name = lot.supplier
		where ifnull(supplier.is_internal_supplier, 0) = 0
			and coalesce(lot.received_date, date(lot.creation)) >= %(since)s""",
		{"since": since},
		as_dict=True,
	)


ANOMALY_FIELDS = (
	"anomaly",
	"kind",
	"batch",
	"item",
	"warehouse",
	"company",
	"reference_doctype",
	"reference_name",
	"on_date",
	"strength",
	"value",
	"expected",
	"spread",
	"compared_with",
	"description",
	"params",
	"computed_on",
)


def get_lot_anomalies(lots=None, company: str | None = None) -> list[dict]:
	"""Stored anomalies of these lots (or all), strongest first."""
	filters = {}
	if lots is not None:
		filters["batch"] = ("in", list(lots) or [""])
	if company:
		filters["company"] = company
	return frappe.get_all(
		"Lot Anomaly",
		filters=filters,
		fields=list(ANOMALY_FIELDS[:-1]),
		order_by="strength desc, anomaly, batch",
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
