"""Reads (and the one status write) of lots: Batch fields, status history, lots past or near
expiry, kept stock per lot."""

from datetime import date

import frappe
from frappe.query_builder.functions import Count, Sum

from lot_traceability.queries import packed
from lot_traceability.queries.quoting import value_list


def get_lot_statuses() -> list[dict]:
	return frappe.get_all("Lot Status", fields=["*"], order_by="creation asc")


LOT_FIELDS = (
	"name",
	"item",
	"lot_status",
	"expiry_date",
	"manufacturing_date",
	"received_date",
	"supplier",
	"supplier_lot_no",
	"lot_restriction",
)


def get_lots(batch_nos, for_update: bool = False) -> dict[str, dict]:
	"""Lots by name; with `for_update`, their rows are locked in name order until the transaction ends.
	Raw SQL: a recall reads thousands of lots, and the query builder takes longer to write such a
	list than the database to read it."""
	batch_nos = sorted({name for name in batch_nos or () if name})
	if not batch_nos:
		return {}
	rows = frappe.db.sql(
		f"""select {", ".join(f"`{field}`" for field in LOT_FIELDS)} from `tabBatch`
		where name in %(names)s order by name{" for update" if for_update else ""}""",
		{"names": value_list(batch_nos)},
		as_dict=True,
	)
	return {row.name: row for row in rows}


def lock_lots(batch_nos) -> None:
	"""Lock these lots' rows in name order until the transaction ends: the locks of
	`get_lots(for_update=True)`, without reading the lots (a change can hold thousands)."""
	batch_nos = sorted({name for name in batch_nos or () if name})
	if batch_nos:
		frappe.db.sql(
			"select name from `tabBatch` where name in %(names)s order by name for update",
			{"names": value_list(batch_nos)},
		)


def set_lot_status(batch_nos, status: str, release_date=None) -> None:
	"""One write for any number of lots (raw SQL, as `get_lots`)."""
	batch_nos = sorted(set(batch_nos))
	if not batch_nos:
		return
	frappe.db.sql(
		f"""update `tabBatch` set lot_status = %(status)s, modified = %(now)s, modified_by = %(user)s
		{", release_date = %(release_date)s" if release_date else ""} where name in %(names)s""",
		{
			"status": status,
			"now": frappe.utils.now_datetime(),
			"user": frappe.session.user,
			"release_date": release_date,
			"names": value_list(batch_nos),
		},
	)


def find_supplier_lot_elsewhere(
	item_code: str, supplier_lot_no: str, supplier: str | None, batch_no: str
) -> list[dict]:
	"""Other lots of the item carrying the same supplier lot no from a different supplier."""
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(batch)
		.select(batch.name, batch.supplier)
		.where(
			(batch.item == item_code)
			& (batch.supplier_lot_no == supplier_lot_no)
			& (batch.name != batch_no)
			& batch.supplier.isnotnull()
			& (batch.supplier != "")
		)
	)
	if supplier:
		query = query.where(batch.supplier != supplier)
	return query.run(as_dict=True)


def _status_changes():
	"""Submitted Lot Status Changes joined to their lots."""
	change = frappe.qb.DocType("Lot Status Change")
	row = frappe.qb.DocType("Lot Status Change Lot")
	query = frappe.qb.from_(row).join(change).on(change.name == row.parent).where(change.docstatus == 1)
	return query, change, row


def get_lot_history(batch_no: str, limit: int = 50) -> list[dict]:
	query, change, row = _status_changes()
	return (
		query.select(
			change.name,
			change.change_datetime,
			row.from_status,
			change.to_status,
			change.reason,
			change.source,
			change.reference_doctype,
			change.reference_name,
			change.owner,
			change.modified_by,
			change.needs_sign_off,
			change.requested_by,
			change.approved_by,
			change.signed_by,
			change.signed_by_name,
			change.signature_meaning,
			change.signature_hash,
		)
		.where(row.batch == batch_no)
		.orderby(change.change_datetime, order=frappe.qb.desc)
		.orderby(change.creation, order=frappe.qb.desc)
		.limit(limit)
		.run(as_dict=True)
	)


def get_changes_made_by(reference_doctype: str, reference_name: str) -> list[dict]:
	"""Submitted status changes a document caused, newest first, one row per lot."""
	query, change, row = _status_changes()
	return (
		query.select(change.name, row.batch, row.from_status, change.to_status)
		.where((change.reference_doctype == reference_doctype) & (change.reference_name == reference_name))
		.orderby(change.creation, order=frappe.qb.desc)
		.run(as_dict=True)
	)


def get_lots_past_expiry(on_date, exclude_statuses) -> list[dict]:
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(batch)
		.select(batch.name, batch.lot_status, batch.expiry_date)
		.where(batch.expiry_date.isnotnull() & (batch.expiry_date < on_date) & (batch.disabled == 0))
	)
	if exclude_statuses:
		query = query.where(batch.lot_status.notin(list(exclude_statuses)))
	return query.run(as_dict=True)


def get_lots_expiring(from_date, to_date, exclude_statuses) -> list[dict]:
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(batch)
		.select(batch.name, batch.item, batch.item_name, batch.lot_status, batch.expiry_date)
		.where((batch.expiry_date >= from_date) & (batch.expiry_date <= to_date) & (batch.disabled == 0))
		.orderby(batch.expiry_date)
	)
	if exclude_statuses:
		query = query.where(batch.lot_status.notin(list(exclude_statuses)))
	return query.run(as_dict=True)


def get_lot_balances(batch_nos) -> dict[str, float]:
	"""Stock on hand of each lot from the ledger (bundles, and legacy SLE.batch_no rows)."""
	if not batch_nos:
		return {}
	batch_nos = list(set(batch_nos))
	sle = frappe.qb.DocType("Stock Ledger Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	bundled = (
		frappe.qb.from_(sle)
		.join(entry)
		.on(entry.parent == sle.serial_and_batch_bundle)
		.select(entry.batch_no, Sum(entry.qty).as_("qty"))
		.where((sle.is_cancelled == 0) & entry.batch_no.isin(batch_nos))
		.groupby(entry.batch_no)
		.run(as_dict=True)
	)
	legacy = (
		frappe.qb.from_(sle)
		.select(sle.batch_no, Sum(sle.actual_qty).as_("qty"))
		.where(
			(sle.is_cancelled == 0)
			& sle.batch_no.isin(batch_nos)
			& (sle.serial_and_batch_bundle.isnull() | (sle.serial_and_batch_bundle == ""))
		)
		.groupby(sle.batch_no)
		.run(as_dict=True)
	)
	balances = dict.fromkeys(batch_nos, 0.0)
	for row in bundled + legacy:
		balances[row.batch_no] += float(row.qty or 0)
	return balances


def get_lot_items(batch_nos) -> dict[str, str]:
	if not batch_nos:
		return {}
	batch = frappe.qb.DocType("Batch")
	return dict(
		frappe.qb.from_(batch)
		.select(batch.name, batch.item)
		.where(batch.name.isin(list(set(batch_nos))))
		.run()
	)


def get_lots_of_supplier_lot(supplier_lot_no: str) -> list[str]:
	return frappe.get_all(
		"Batch", filters={"supplier_lot_no": supplier_lot_no}, pluck="name", order_by="name"
	)


LOT_DETAIL_FIELDS = ("name", "item", "item_name", "lot_status", "expiry_date", "supplier_lot_no")


def get_lot_details(lots) -> dict[str, dict]:
	"""Item, status, expiry and supplier lot no of each lot. Raw SQL: a trace or recall passes
	thousands of lots, sent as one list parameter (frappe.qb would bind each value on its own), and
	their rows come packed into one string (`queries.packed`)."""
	if not lots:
		return {}
	rows = packed.read_all(
		[f"`{field}`" for field in LOT_DETAIL_FIELDS],
		"from `tabBatch` where name in %(lots)s",
		{"lots": value_list(set(lots))},
	)
	expiry = LOT_DETAIL_FIELDS.index("expiry_date")
	for row in rows:
		if isinstance(row[expiry], str):  # packed rows give dates as ISO strings
			row[expiry] = date.fromisoformat(row[expiry])
	return {row[0]: frappe._dict(zip(LOT_DETAIL_FIELDS, row, strict=True)) for row in rows}


def count_lots_with_stock(statuses=None, expiring_from=None, expiring_to=None) -> int:
	"""Lots with stock (kept lot balances) in these statuses or expiring in this window."""
	balance = frappe.qb.DocType("Lot Balance")
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(balance)
		.join(batch)
		.on(batch.name == balance.batch)
		.select(Count(balance.batch).distinct())
		.where(balance.qty > 0)
	)
	if statuses is not None:
		query = query.where(batch.lot_status.isin(list(statuses) or [""]))
	if expiring_from:
		query = query.where(batch.expiry_date >= expiring_from)
	if expiring_to:
		query = query.where(batch.expiry_date <= expiring_to)
	return query.run()[0][0] or 0


def get_lots_created_by(batch_nos, voucher_no: str) -> list[dict]:
	"""Those of these lots the voucher created (name, status), in name order."""
	if not batch_nos:
		return []
	return frappe.get_all(
		"Batch",
		filters={"name": ("in", sorted(set(batch_nos))), "reference_name": voucher_no},
		fields=["name", "lot_status"],
		order_by="name",
	)


def get_item_groups_of_lots(batch_nos) -> dict[str, str]:
	"""The item group of each lot's item."""
	if not batch_nos:
		return {}
	return dict(
		frappe.db.sql(
			"""select lot.name, item.item_group from `tabBatch` lot join `tabItem` item on item.name = lot.item
			where lot.name in %(lots)s""",
			{"lots": sorted(set(batch_nos))},
		)
	)


def count_lot_movements() -> int:
	"""The kept lot movements (Lot Ledger Entry rows), as InnoDB estimates them (no scan)."""
	return frappe.db.estimate_count("Lot Ledger Entry")
