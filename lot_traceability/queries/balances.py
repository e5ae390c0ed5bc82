"""Reads and atomic writes of the kept lot balances (Lot Balance), and the ledger's own figures.

Raw SQL here: the atomic upsert (`on duplicate key update`), the conditional decrement whose
affected-row count is the answer, and the set-based rebuild are not expressible in frappe.qb."""

import frappe
from frappe.utils import now_datetime

from lot_traceability.queries.locks import lock_clause
from lot_traceability.queries.lot_ledger import SLE_BATCH_INDEX
from lot_traceability.queries.quoting import value_list

# (lot, warehouse, item, quantity, value) of every lot and warehouse, from the ledger: submitted
# bundle entries (Pick Lists reserve, they do not move) and legacy SLE.batch_no rows.
LEDGER_BALANCES = """
	select batch, warehouse, max(item) as item, sum(qty) as qty, sum(stock_value) as stock_value
	from (
		select e.batch_no as batch, if(ifnull(e.warehouse, '') = '', b.warehouse, e.warehouse) as warehouse,
			b.item_code as item, e.qty as qty, e.stock_value_difference as stock_value
		from `tabSerial and Batch Entry` e
		join `tabSerial and Batch Bundle` b on b.name = e.parent
		where b.docstatus = 1 and b.is_cancelled = 0 and b.voucher_type != 'Pick List'
			and ifnull(e.batch_no, '') != '' {entry_filter}
		union all
		select sle.batch_no, sle.warehouse, sle.item_code, sle.actual_qty, sle.stock_value_difference
		from `tabStock Ledger Entry` sle {sle_index}
		where sle.is_cancelled = 0 and ifnull(sle.batch_no, '') != ''
			and ifnull(sle.serial_and_batch_bundle, '') = '' {sle_filter}
	) moves
	group by batch, warehouse
"""


def _ledger_query(batches=None) -> tuple[str, dict]:
	if batches is None:
		return LEDGER_BALANCES.format(entry_filter="", sle_filter="", sle_index=""), {}
	return (
		LEDGER_BALANCES.format(
			entry_filter="and e.batch_no in %(batches)s",
			sle_filter="and sle.batch_no in %(batches)s",
			sle_index=SLE_BATCH_INDEX,
		),
		{"batches": list(set(batches)) or [""]},
	)


def get_ledger_lot_balances(batches=None) -> list[dict]:
	query, values = _ledger_query(batches)
	return frappe.db.sql(query, values, as_dict=True)


def get_kept_lot_balances(batches=None) -> list[dict]:
	filters = {"batch": ("in", list(set(batches)) or [""])} if batches is not None else {}
	return frappe.get_all("Lot Balance", filters=filters, fields=["batch", "warehouse", "item", "qty"])


def get_lots_on_hand(lots) -> list[tuple[str, str, float]]:
	"""(lot, warehouse, quantity) of these lots' kept balances, none at zero; inside
	`locking_reads`, as last committed (and held)."""
	if not lots:
		return []
	return frappe.db.sql(
		f"select batch, warehouse, qty from `tabLot Balance` where batch in %(lots)s and qty != 0{lock_clause()}",
		{"lots": value_list(set(lots))},
	)


def insert_lot_balances_from_ledger(batches=None) -> int:
	query, values = _ledger_query(batches)
	stamp, user = now_datetime(), frappe.session.user
	frappe.db.sql(
		f"""insert into `tabLot Balance`
			(name, batch, warehouse, item, qty, stock_value, creation, modified, owner, modified_by)
		select md5(concat(batch, '::', warehouse)), batch, warehouse, item, qty, stock_value,
			%(stamp)s, %(stamp)s, %(user)s, %(user)s
		from ({query}) ledger""",
		{**values, "stamp": stamp, "user": user},
	)
	return frappe.db.count("Lot Balance", {"batch": ("in", list(set(batches)))} if batches else None)


def set_lot_balances_from_ledger(batches) -> None:
	frappe.db.delete("Lot Balance", {"batch": ("in", list(set(batches)))})
	insert_lot_balances_from_ledger(batches)


def add_to_lot_balance(batch: str, item: str, warehouse: str, qty: float, value: float) -> None:
	"""Add (or subtract, unguarded) in one atomic statement; creates the row on first receipt."""
	stamp = now_datetime()
	frappe.db.sql(
		"""insert into `tabLot Balance`
			(name, batch, warehouse, item, qty, stock_value, creation, modified, owner, modified_by)
		values (md5(concat(%(batch)s, '::', %(warehouse)s)), %(batch)s, %(warehouse)s, %(item)s, %(qty)s,
			%(value)s, %(stamp)s, %(stamp)s, %(user)s, %(user)s)
		on duplicate key update qty = qty + values(qty), stock_value = stock_value + values(stock_value),
			modified = values(modified), modified_by = values(modified_by)""",
		{
			"batch": batch,
			"warehouse": warehouse,
			"item": item,
			"qty": qty,
			"value": value,
			"stamp": stamp,
			"user": frappe.session.user,
		},
	)


def take_from_lot_balance(batch: str, warehouse: str, qty: float, value: float, tolerance: float) -> bool:
	"""Take `qty` only if the balance stays at or above zero; True when taken. The update reads the
	latest committed balance with the row locked, so of two racing takes only one can succeed."""
	frappe.db.sql(
		"""update `tabLot Balance`
		set qty = qty - %(qty)s, stock_value = stock_value + %(value)s, modified = %(stamp)s
		where batch = %(batch)s and warehouse = %(warehouse)s and qty - %(qty)s >= -%(tolerance)s""",
		{
			"batch": batch,
			"warehouse": warehouse,
			"qty": qty,
			"value": value,
			"stamp": now_datetime(),
			"tolerance": tolerance,
		},
	)
	return frappe.db._cursor.rowcount > 0


def get_lot_balance_for_update(batch: str, warehouse: str) -> float:
	rows = frappe.db.sql(
		"select qty from `tabLot Balance` where batch = %s and warehouse = %s for update", (batch, warehouse)
	)
	return rows[0][0] if rows else 0.0


# The allocation policies' order in SQL, matching `traceability.allocation.policy_key` (a lot's
# receipt date is its received date, else the day it was created).
POLICY_ORDER = {
	"FEFO": (
		"lot.expiry_date is null, lot.expiry_date, "
		"coalesce(lot.manufacturing_date, lot.received_date, date(lot.creation))"
	),
	"FIFO": "coalesce(lot.received_date, date(lot.creation))",
}


def eligibility_conditions(eligible: dict | None) -> list[str]:
	"""The SQL conditions on Batch (`lot`) of an allocation's eligibility rules
	(`allocation.eligibility`): statuses (`statuses`, `default_allowed` for lots without one), expired
	on `on_date` (`check_expiry`), fewer than `min_days` days left, less than `min_percent` % of their
	shelf life left, made before `not_older_than`. Their values are the dict's own keys."""
	if not eligible:
		return []
	conditions = [
		"(lot.lot_status in %(statuses)s"
		+ (" or ifnull(lot.lot_status, '') = '')" if eligible.get("default_allowed") else ")")
	]
	if eligible.get("check_expiry"):
		conditions.append("(lot.expiry_date is null or lot.expiry_date >= %(on_date)s)")
	if eligible.get("min_days"):
		conditions.append(
			"(lot.expiry_date is null or datediff(lot.expiry_date, %(on_date)s) >= %(min_days)s)"
		)
	if eligible.get("min_percent"):
		conditions.append(
			"(lot.expiry_date is null or (lot.manufacturing_date is not null"
			" and lot.expiry_date > lot.manufacturing_date"
			" and datediff(lot.expiry_date, %(on_date)s) * 100"
			" >= %(min_percent)s * datediff(lot.expiry_date, lot.manufacturing_date)))"
		)
	if eligible.get("not_older_than"):
		conditions.append(
			"(coalesce(lot.manufacturing_date, lot.received_date, date(lot.creation)) is null"
			" or coalesce(lot.manufacturing_date, lot.received_date, date(lot.creation)) >= %(not_older_than)s)"
		)
	return conditions


def get_lot_candidates(
	item_code: str,
	warehouses,
	policy: str = "FEFO",
	limit: int | None = None,
	offset: int = 0,
	eligible: dict | None = None,
	for_update: bool = False,
):
	"""Lots of an item with stock in the warehouses, in the policy's order, with what allocation needs
	to know of them: one read (Lot Balance by item and warehouse, Batch by primary key), a page of
	`limit` rows from `offset` so a line can stop reading once it is covered.

	`eligible` leaves out, in the database, the lots the allocation would pass over: statuses
	(`statuses`, `default_allowed` for lots without one), expired on `on_date` (`check_expiry`),
	fewer than `min_days` days left, less than `min_percent` % of their shelf life left, made
	before `not_older_than`. `for_update` reads the rows as last committed (locking them: only for
	a caller that holds them already, see `locks.py`)."""
	if not warehouses:
		return []
	values = {"item": item_code, "warehouses": list(warehouses)}
	conditions = eligibility_conditions(eligible)
	values.update(eligible or {})
	where = "".join(f" and {condition}" for condition in conditions)
	page = f"limit {int(limit)} offset {int(offset)}" if limit else ""

	def read(bound=""):
		return frappe.db.sql(
			f"""select balance.batch, balance.warehouse, balance.qty, lot.lot_status, lot.expiry_date,
				lot.manufacturing_date, coalesce(lot.received_date, date(lot.creation)) as received_date
			from `tabLot Balance` balance
			join `tabBatch` lot on lot.name = balance.batch
			where balance.item = %(item)s and lot.item = %(item)s and balance.warehouse in %(warehouses)s
				and balance.qty > 0 and lot.disabled = 0{where}{bound}
			order by {POLICY_ORDER[policy]}, balance.warehouse, balance.batch
			{page}{" for update" if for_update else ""}""",
			values,
			as_dict=True,
		)

	last_expiry = _fefo_page_bound(where, values, limit, offset) if policy == "FEFO" and limit else None
	if last_expiry is None:
		return read()
	values["last_expiry"] = last_expiry
	# Every eligible row dated on or before `last_expiry` ranks before every other (FEFO's order
	# starts with the expiry date, undated last), and there are at least offset + limit of them: the
	# page lies among them, so only they are sorted. When the page comes back short (a lot moved
	# since the bound was read), the whole order is read as before.
	rows = read(" and lot.expiry_date <= %(last_expiry)s")
	return rows if len(rows) == int(limit) else read()


# ERPNext's Batch has no index on its item: the app adds this one (install.add_batch_index), which
# walks an item's lots in expiry order.
BATCH_ITEM_EXPIRY_INDEX = "lot_item_expiry"


_indexed_sites = set()


def has_batch_index() -> bool:
	"""Whether the site has the index (remembered once found: it goes only with the app)."""
	if frappe.local.site not in _indexed_sites:
		if not frappe.db.has_index("tabBatch", BATCH_ITEM_EXPIRY_INDEX):
			return False
		_indexed_sites.add(frappe.local.site)
	return True


def add_batch_index() -> None:
	frappe.db.add_index("Batch", ["item", "expiry_date"], BATCH_ITEM_EXPIRY_INDEX)


def drop_batch_index() -> None:
	_indexed_sites.discard(frappe.local.site)
	if frappe.db.has_index("tabBatch", BATCH_ITEM_EXPIRY_INDEX):
		frappe.db.sql_ddl(f"alter table `tabBatch` drop index `{BATCH_ITEM_EXPIRY_INDEX}`")


def _fefo_page_bound(where: str, values: dict, limit, offset):
	"""The expiry date of the (offset + limit)th eligible dated row in expiry order, else None
	(fewer dated rows than that): read along the item's lots in expiry order, stopping there,
	instead of sorting every lot of the item."""
	if not has_batch_index():
		return None
	found = frappe.db.sql(
		f"""select lot.expiry_date
		from `tabBatch` lot force index ({BATCH_ITEM_EXPIRY_INDEX})
		straight_join `tabLot Balance` balance on balance.batch = lot.name
		where lot.item = %(item)s and lot.expiry_date is not null and balance.item = %(item)s
			and balance.warehouse in %(warehouses)s and balance.qty > 0 and lot.disabled = 0{where}
		order by lot.expiry_date
		limit 1 offset {int(offset) + int(limit) - 1}""",
		values,
	)
	return found[0][0] if found else None


def get_newest_lot_shipped(customer: str, item_code: str):
	"""Manufacture (else receipt) date of the newest lot of the item shipped to the customer."""
	newest = None
	for doctype in ("Delivery Note", "Sales Invoice", "POS Invoice"):
		found = frappe.db.sql(
			f"""select max(coalesce(lot.manufacturing_date, lot.received_date))
			from `tabSerial and Batch Entry` e
			join `tabSerial and Batch Bundle` b on b.name = e.parent
			join `tab{doctype}` v on v.name = b.voucher_no
			join `tabBatch` lot on lot.name = e.batch_no
			where b.voucher_type = %(doctype)s and b.item_code = %(item)s and b.docstatus = 1
				and b.is_cancelled = 0 and e.qty < 0 and v.customer = %(customer)s and v.is_return = 0""",
			{"doctype": doctype, "item": item_code, "customer": customer},
		)[0][0]
		if found and (newest is None or found > newest):
			newest = found
	return newest


def get_ledger_lot_balance_locked(batch: str, warehouse: str) -> tuple[float, float]:
	"""The ledger's quantity and value of one lot in one warehouse, read with shared locks (a locking
	read sees what other transactions committed, a plain one only this transaction's snapshot)."""
	bundled = frappe.db.sql(
		"""select coalesce(sum(e.qty), 0), coalesce(sum(e.stock_value_difference), 0)
		from `tabSerial and Batch Entry` e
		join `tabSerial and Batch Bundle` b on b.name = e.parent
		where e.batch_no = %(batch)s and b.docstatus = 1 and b.is_cancelled = 0 and b.voucher_type != 'Pick List'
			and if(ifnull(e.warehouse, '') = '', b.warehouse, e.warehouse) = %(warehouse)s
		lock in share mode""",
		{"batch": batch, "warehouse": warehouse},
	)[0]
	legacy = frappe.db.sql(
		"""select coalesce(sum(actual_qty), 0), coalesce(sum(stock_value_difference), 0)
		from `tabStock Ledger Entry`
		where batch_no = %(batch)s and warehouse = %(warehouse)s and is_cancelled = 0
			and ifnull(serial_and_batch_bundle, '') = ''
		lock in share mode""",
		{"batch": batch, "warehouse": warehouse},
	)[0]
	return float(bundled[0]) + float(legacy[0]), float(bundled[1]) + float(legacy[1])


def set_lot_balance(batch: str, item: str, warehouse: str, qty: float, value: float) -> None:
	frappe.db.sql(
		"""update `tabLot Balance` set qty = %(qty)s, stock_value = %(value)s, modified = %(stamp)s
		where batch = %(batch)s and warehouse = %(warehouse)s""",
		{"batch": batch, "warehouse": warehouse, "qty": qty, "value": value, "stamp": now_datetime()},
	)
	if not frappe.db._cursor.rowcount:
		add_to_lot_balance(batch, item, warehouse, qty, value)


def get_warehouses_with_stock(item_code: str) -> list[str]:
	"""Warehouses where some lot of the item has kept stock."""
	return frappe.get_all(
		"Lot Balance", filters={"item": item_code, "qty": (">", 0)}, pluck="warehouse", distinct=True
	)
