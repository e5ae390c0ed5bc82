"""Reads for cycle counts: the stock a plan covers, when each lot was last counted at a location,
its movements and adjustments since, the book at the moment of a count and the count results the
accuracy is computed from."""

import frappe
from frappe.query_builder.functions import Max, Sum

ADJUSTMENT_PURPOSES = ("Material Receipt", "Material Issue")


def get_leaf_warehouses(company: str, warehouse: str | None = None) -> list[str]:
	"""The warehouses a plan counts: `warehouse` and every warehouse under it, else every warehouse
	of the company (groups left out: stock sits in leaves)."""
	wh = frappe.qb.DocType("Warehouse")
	query = frappe.qb.from_(wh).select(wh.name).where((wh.company == company) & (wh.is_group == 0))
	if warehouse:
		bounds = frappe.db.get_value("Warehouse", warehouse, ["lft", "rgt"], as_dict=True)
		if not bounds:
			return []
		query = query.where((wh.lft >= bounds.lft) & (wh.rgt <= bounds.rgt))
	return [row[0] for row in query.orderby(wh.name).run()]


def get_stock(warehouses) -> list[dict]:
	"""Lot × location with stock (from the kept balances): lot, item, location, quantity and value."""
	if not warehouses:
		return []
	balance = frappe.qb.DocType("Lot Balance")
	return (
		frappe.qb.from_(balance)
		.select(balance.batch, balance.item, balance.warehouse, balance.qty, balance.stock_value)
		.where(balance.warehouse.isin(list(warehouses)) & (balance.qty > 0))
		.orderby(balance.batch)
		.orderby(balance.warehouse)
		.run(as_dict=True)
	)


def get_book(batch: str, warehouse: str) -> tuple[float, float]:
	"""(quantity, value) of a lot at a location in the kept balances (0, 0 when none)."""
	row = frappe.db.get_value(
		"Lot Balance", {"batch": batch, "warehouse": warehouse}, ["qty", "stock_value"], as_dict=True
	)
	return (row.qty or 0.0, row.stock_value or 0.0) if row else (0.0, 0.0)


def get_last_counted(warehouses) -> dict[tuple[str, str], object]:
	"""(lot, location) → the date of its last count there (counts not cancelled)."""
	if not warehouses:
		return {}
	count, row = frappe.qb.DocType("Lot Count"), frappe.qb.DocType("Lot Count Row")
	rows = (
		frappe.qb.from_(row)
		.join(count)
		.on(count.name == row.parent)
		.select(row.batch, row.warehouse, Max(count.count_date).as_("on"))
		.where(
			(row.parenttype == "Lot Count")
			& row.warehouse.isin(list(warehouses))
			& row.counted_at.isnotnull()
			& (count.status != "Cancelled")
		)
		.groupby(row.batch, row.warehouse)
		.run(as_dict=True)
	)
	return {(r.batch, r.warehouse): r.on for r in rows}


def get_moves(warehouses, since) -> list[dict]:
	"""Every lot movement at the locations since `since`, with whether it adjusted stock (a Stock
	Reconciliation, or a Material Receipt / Issue that is not a write-off and not the lot's own
	receipt)."""
	if not warehouses:
		return []
	return frappe.db.sql(
		"""select entry.batch_no as batch, entry.warehouse, entry.posting_date,
			(entry.voucher_type = 'Stock Reconciliation'
				or (entry.voucher_type = 'Stock Entry' and entry.purpose in %(purposes)s
					and ifnull(se.is_lot_write_off, 0) = 0
					and not (ifnull(lot.reference_doctype, '') = entry.voucher_type
						and ifnull(lot.reference_name, '') = entry.voucher_no))) as is_adjustment
		from `tabLot Ledger Entry` entry
		join `tabBatch` lot on lot.name = entry.batch_no
		left join `tabStock Entry` se on entry.voucher_type = 'Stock Entry' and se.name = entry.voucher_no
		where entry.warehouse in %(warehouses)s and entry.posting_date >= %(since)s and entry.qty != 0""",
		{"warehouses": list(warehouses), "since": since, "purposes": ADJUSTMENT_PURPOSES},
		as_dict=True,
	)


def get_open_count(plan: str, on_date) -> str | None:
	"""The plan's count of the day that is not cancelled."""
	return frappe.db.get_value(
		"Lot Count", {"plan": plan, "count_date": on_date, "status": ("!=", "Cancelled")}, "name"
	)


def get_count_results(from_date, to_date, company: str | None = None, warehouses=None) -> list[dict]:
	"""Every counted row of counts dated in the period: location, date, lot, book, counts, state and
	the unit value."""
	count, row = frappe.qb.DocType("Lot Count"), frappe.qb.DocType("Lot Count Row")
	query = (
		frappe.qb.from_(row)
		.join(count)
		.on(count.name == row.parent)
		.select(
			count.name.as_("lot_count"),
			count.company,
			count.count_date,
			row.batch,
			row.item,
			row.warehouse,
			row.expected,
			row.state,
			row.book_qty,
			row.counted_qty,
			row.recount_qty,
			row.recounted_at,
			row.valuation_rate,
			row.not_in_ledger,
		)
		.where(
			(row.parenttype == "Lot Count")
			& (count.status != "Cancelled")
			& row.counted_at.isnotnull()
			& (count.count_date >= from_date)
			& (count.count_date <= to_date)
		)
	)
	if company:
		query = query.where(count.company == company)
	if warehouses is not None:
		query = query.where(row.warehouse.isin(list(warehouses) or [""]))
	return query.orderby(count.count_date).orderby(row.idx).run(as_dict=True)


def get_stocked_pairs(company: str | None = None) -> list[tuple[str, str]]:
	"""(lot, location) with stock now, of a company's warehouses (all: None)."""
	balance, wh = frappe.qb.DocType("Lot Balance"), frappe.qb.DocType("Warehouse")
	query = (
		frappe.qb.from_(balance)
		.join(wh)
		.on(wh.name == balance.warehouse)
		.select(balance.batch, balance.warehouse)
		.where(balance.qty > 0)
	)
	if company:
		query = query.where(wh.company == company)
	return [(r[0], r[1]) for r in query.run()]


def get_confirmed_variances(since) -> list[dict]:
	"""Rows whose variance a recount confirmed since `since`, for the anomaly detector."""
	count, row = frappe.qb.DocType("Lot Count"), frappe.qb.DocType("Lot Count Row")
	return (
		frappe.qb.from_(row)
		.join(count)
		.on(count.name == row.parent)
		.select(
			count.name.as_("lot_count"),
			count.company,
			count.count_date,
			row.batch,
			row.item,
			row.warehouse,
			row.book_qty,
			row.recount_qty,
			row.variance_qty,
			row.variance_value,
		)
		.where(
			(row.parenttype == "Lot Count")
			& (row.state == "Variance")
			& (count.status != "Cancelled")
			& (count.count_date >= since)
		)
		.run(as_dict=True)
	)


def get_found_outside_ledger(lots=None, company: str | None = None) -> list[dict]:
	"""Rows of counts that found a lot at a location where the ledger held none of it."""
	count, row = frappe.qb.DocType("Lot Count"), frappe.qb.DocType("Lot Count Row")
	query = (
		frappe.qb.from_(row)
		.join(count)
		.on(count.name == row.parent)
		.select(
			count.name.as_("lot_count"),
			row.idx,
			row.batch,
			row.warehouse,
			row.counted_qty,
			row.recount_qty,
			row.recounted_at,
		)
		.where(
			(row.parenttype == "Lot Count")
			& (row.not_in_ledger == 1)
			& row.counted_at.isnotnull()
			& (count.status != "Cancelled")
		)
	)
	if lots is not None:
		query = query.where(row.batch.isin(list(lots) or [""]))
	if company:
		query = query.where(count.company == company)
	rows = query.run(as_dict=True)
	for r in rows:
		r.qty = r.recount_qty if r.recounted_at else r.counted_qty
	return [r for r in rows if r.qty]


def lock_count(name: str) -> tuple[dict, list[dict]]:
	"""Lock a Lot Count and its rows and read them as last committed: a locking read sees what other
	transactions committed after this one's snapshot (a recount made a moment ago by someone else).
	Raw SQL: frappe.qb has no `for update` on a join-free read of every column."""
	parent = frappe.db.sql("select * from `tabLot Count` where name = %s for update", name, as_dict=True)
	rows = frappe.db.sql(
		"""select * from `tabLot Count Row` where parent = %s and parenttype = 'Lot Count'
		order by idx for update""",
		name,
		as_dict=True,
	)
	return (parent[0] if parent else {}), rows


def get_lot_unit_value(batch: str) -> float:
	"""The value of one unit of a lot across the locations that hold it (0 when none do)."""
	balance = frappe.qb.DocType("Lot Balance")
	row = (
		frappe.qb.from_(balance)
		.select(Sum(balance.qty), Sum(balance.stock_value))
		.where((balance.batch == batch) & (balance.qty > 0))
		.run()
	)
	qty, value = row[0] if row else (0, 0)
	return (value or 0) / qty if qty else 0.0
