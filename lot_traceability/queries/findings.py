"""Reads behind the Lot Exceptions report: status histories and the movements of the lots that have
one, override comments, supplier lot numbers, production entries with their BOMs, adjustments and
lots near expiry with stock.

Movements are read from submitted, not cancelled Serial and Batch Bundles; Pick List bundles reserve,
they do not move, and are left out. `lots=None` reads every lot; `company` limits the documents read.
"""

from datetime import datetime, timedelta

import frappe
from frappe.query_builder.functions import Coalesce, Count, Sum

from lot_traceability.queries.ledger import ledger_entries
from lot_traceability.queries.vouchers import get_internal_transfers
from lot_traceability.traceability.movements import INTERNAL_TRANSFER

SUPPLIER_RETURN_VOUCHERS = ("Purchase Receipt", "Purchase Invoice")
PRODUCTION_PURPOSES = ("Manufacture", "Repack")
CONSUMPTION_PURPOSE = "Material Consumption for Manufacture"
ADJUSTMENT_PURPOSES = ("Material Receipt", "Material Issue")
OVERRIDE_PREFIX = "Shipped by override of"


def _history_rows():
	change = frappe.qb.DocType("Lot Status Change")
	row = frappe.qb.DocType("Lot Status Change Lot")
	query = frappe.qb.from_(row).join(change).on(change.name == row.parent).where(change.docstatus == 1)
	return query, change, row


def get_status_histories(lots=None) -> list[dict]:
	"""Submitted status changes, one row per lot, oldest first."""
	query, change, row = _history_rows()
	if lots is not None:
		query = query.where(row.batch.isin(list(lots) or [""]))
	return (
		query.select(
			row.batch,
			change.name,
			change.change_datetime,
			change.creation.as_("recorded_at"),
			row.from_status,
			change.to_status,
		)
		.where(change.change_datetime.isnotnull())
		.orderby(row.batch)
		.orderby(change.change_datetime)
		.orderby(change.creation)
		.run(as_dict=True)
	)


def get_moves_of_lots_with_history(lots=None, company: str | None = None) -> list[dict]:
	"""Every movement of the lots that have a status history: direction, posting date and time, when it
	was entered (the bundle's creation, or its ledger entry's if later: a bundle may be made on a draft),
	Stock Entry purpose and write-off flag, and whether a Stock Entry row moves into quarantine."""
	query, bundle, entry = ledger_entries()
	history, _change, history_row = _history_rows()
	stock_entry = frappe.qb.DocType("Stock Entry")
	detail = frappe.qb.DocType("Stock Entry Detail")
	target = frappe.qb.DocType("Warehouse")
	sle = frappe.qb.DocType("Stock Ledger Entry")
	query = (
		query.left_join(stock_entry)
		.on((bundle.voucher_type == "Stock Entry") & (stock_entry.name == bundle.voucher_no))
		.left_join(detail)
		.on((bundle.voucher_type == "Stock Entry") & (detail.name == bundle.voucher_detail_no))
		.left_join(target)
		.on(target.name == detail.t_warehouse)
		.left_join(sle)
		.on((sle.serial_and_batch_bundle == bundle.name) & (sle.is_cancelled == 0))
		.select(
			entry.batch_no,
			bundle.voucher_type,
			bundle.voucher_no,
			bundle.type_of_transaction,
			bundle.posting_date,
			bundle.posting_time,
			bundle.creation,
			sle.creation.as_("ledger_creation"),
			stock_entry.purpose,
			stock_entry.is_lot_write_off,
			target.is_quarantine_warehouse.as_("into_quarantine"),
		)
		.where(entry.batch_no.isin(history.select(history_row.batch).distinct()))
	)
	if lots is not None:
		query = query.where(entry.batch_no.isin(list(lots) or [""]))
	if company:
		query = query.where(bundle.company == company)
	rows = query.run(as_dict=True)
	internal = get_internal_transfers({(row.voucher_type, row.voucher_no) for row in rows})
	for row in rows:
		row.posted_at = posting_datetime(row.posting_date, row.posting_time)
		row.entered_at = max(filter(None, (row.creation, row.ledger_creation)))
		row.is_return = row.voucher_type in SUPPLIER_RETURN_VOUCHERS
		if (row.voucher_type, row.voucher_no) in internal:
			row.purpose = INTERNAL_TRANSFER
	return rows


def posting_datetime(posting_date, posting_time) -> datetime:
	moment = datetime.combine(posting_date, datetime.min.time())
	if isinstance(posting_time, timedelta):
		return moment + posting_time
	if posting_time:
		return datetime.combine(posting_date, posting_time)
	return moment


def get_override_comments(lots=None) -> list[dict]:
	"""Comments recording a shipment by override on lots, with the document the same comment is on."""
	comment = frappe.qb.DocType("Comment")
	query = (
		frappe.qb.from_(comment)
		.select(comment.reference_name.as_("lot"), comment.content, comment.creation)
		.where(
			(comment.reference_doctype == "Batch")
			& (comment.comment_type == "Info")
			& comment.content.like(f"{OVERRIDE_PREFIX}%")
		)
		.orderby(comment.creation)
	)
	if lots is not None:
		query = query.where(comment.reference_name.isin(list(lots) or [""]))
	rows = query.run(as_dict=True)
	contents = list({row.content for row in rows})
	documents = {}
	if contents:
		for found in (
			frappe.qb.from_(comment)
			.select(comment.content, comment.reference_doctype, comment.reference_name)
			.where(comment.content.isin(contents) & (comment.reference_doctype != "Batch"))
			.orderby(comment.creation)
			.run(as_dict=True)
		):
			documents.setdefault(found.content, found)
	for row in rows:
		document = documents.get(row.content) or {}
		row.reference_doctype = document.get("reference_doctype")
		row.reference_name = document.get("reference_name")
	return rows


def get_reused_supplier_lots(lots=None) -> list[dict]:
	"""Lots whose supplier lot no was also received from another supplier."""
	batch = frappe.qb.DocType("Batch")
	reused = (
		frappe.qb.from_(batch)
		.select(batch.supplier_lot_no)
		.where(
			batch.supplier_lot_no.isnotnull()
			& (batch.supplier_lot_no != "")
			& batch.supplier.isnotnull()
			& (batch.supplier != "")
		)
		.groupby(batch.supplier_lot_no)
		.having(Count(batch.supplier).distinct() > 1)
		.run(pluck=True)
	)
	if not reused:
		return []
	query = (
		frappe.qb.from_(batch)
		.select(batch.name, batch.supplier, batch.supplier_lot_no)
		.where(batch.supplier_lot_no.isin(reused) & batch.supplier.isnotnull() & (batch.supplier != ""))
	)
	if lots is not None:
		numbers = frappe.get_all(
			"Batch", filters={"name": ("in", list(lots) or [""])}, pluck="supplier_lot_no", distinct=True
		)
		query = query.where(batch.supplier_lot_no.isin([n for n in numbers if n] or [""]))
	return query.run(as_dict=True)


def get_finished_lots_without_inputs(lots=None, company: str | None = None) -> list[dict]:
	"""Lots made by a Manufacture entry (its finished row) that no genealogy record names as made from
	an input lot."""
	query, bundle, entry = ledger_entries()
	stock_entry = frappe.qb.DocType("Stock Entry")
	detail = frappe.qb.DocType("Stock Entry Detail")
	genealogy = frappe.qb.DocType("Lot Genealogy")
	query = (
		query.join(stock_entry)
		.on(stock_entry.name == bundle.voucher_no)
		.join(detail)
		.on(detail.name == bundle.voucher_detail_no)
		.left_join(genealogy)
		.on(genealogy.child_lot == entry.batch_no)
		.select(entry.batch_no, stock_entry.name.as_("voucher_no"), stock_entry.posting_date)
		.distinct()
		.where(
			(bundle.voucher_type == "Stock Entry")
			& (bundle.type_of_transaction == "Inward")
			& (stock_entry.purpose == "Manufacture")
			& (detail.is_finished_item == 1)
			& genealogy.name.isnull()
		)
	)
	if lots is not None:
		query = query.where(entry.batch_no.isin(list(lots) or [""]))
	if company:
		query = query.where(stock_entry.company == company)
	return query.run(as_dict=True)


def get_production_entries(lots=None, company: str | None = None) -> list[dict]:
	"""Submitted Manufacture and Repack entries (those that made `lots`, when given), with the other
	Manufacture and Material Consumption entries of their work orders."""
	stock_entry = frappe.qb.DocType("Stock Entry")
	fields = (
		stock_entry.name,
		stock_entry.purpose,
		stock_entry.posting_date,
		stock_entry.work_order,
		stock_entry.bom_no,
		stock_entry.from_bom,
		stock_entry.use_multi_level_bom,
		stock_entry.fg_completed_qty,
	)
	query = (
		frappe.qb.from_(stock_entry)
		.select(*fields)
		.where((stock_entry.docstatus == 1) & stock_entry.purpose.isin(PRODUCTION_PURPOSES))
	)
	if company:
		query = query.where(stock_entry.company == company)
	if lots is not None:
		made, bundle, entry = ledger_entries()
		query = query.where(
			stock_entry.name.isin(
				made.select(bundle.voucher_no)
				.distinct()
				.where(
					(bundle.voucher_type == "Stock Entry")
					& (bundle.type_of_transaction == "Inward")
					& entry.batch_no.isin(list(lots) or [""])
				)
			)
		)
	entries = query.run(as_dict=True)
	work_orders = list({e.work_order for e in entries if e.work_order})
	if work_orders:
		known = {e.name for e in entries}
		entries += [
			e
			for e in frappe.qb.from_(stock_entry)
			.select(*fields)
			.where(
				(stock_entry.docstatus == 1)
				& stock_entry.work_order.isin(work_orders)
				& stock_entry.purpose.isin(["Manufacture", CONSUMPTION_PURPOSE])
			)
			.run(as_dict=True)
			if e.name not in known
		]
	return entries


def get_production_rows(entry_names) -> list[dict]:
	"""Stock quantity of each row of the entries, by item (an alternative item counts as the item it
	replaces): consumed rows (from a warehouse) and made rows (into one)."""
	if not entry_names:
		return []
	detail = frappe.qb.DocType("Stock Entry Detail")
	return (
		frappe.qb.from_(detail)
		.select(
			detail.parent,
			Coalesce(detail.original_item, detail.item_code).as_("item_code"),
			detail.s_warehouse,
			detail.t_warehouse,
			detail.transfer_qty,
		)
		.where(detail.parent.isin(list(entry_names)) & (detail.parenttype == "Stock Entry"))
		.run(as_dict=True)
	)


def get_made_lots(entry_names) -> dict[str, list[str]]:
	"""The lots each entry received."""
	if not entry_names:
		return {}
	query, bundle, entry = ledger_entries()
	rows = (
		query.select(bundle.voucher_no, entry.batch_no)
		.distinct()
		.where(
			(bundle.voucher_type == "Stock Entry")
			& bundle.voucher_no.isin(list(entry_names))
			& (bundle.type_of_transaction == "Inward")
		)
		.orderby(entry.batch_no)
		.run(as_dict=True)
	)
	made: dict[str, list[str]] = {}
	for row in rows:
		made.setdefault(row.voucher_no, []).append(row.batch_no)
	return made


def get_bom_quantities_per_unit(boms) -> dict[tuple[str, bool], dict[str, float]]:
	"""(BOM, exploded) → stock quantity of each item the BOM consumes per unit it makes, from its
	items or its exploded items (multi-level), as ERPNext's own stock entries take them."""
	quantities: dict[tuple[str, bool], dict[str, float]] = {}
	bom = frappe.qb.DocType("BOM")
	for exploded in (False, True):
		names = sorted({name for name, multi in boms if bool(multi) == exploded and name})
		if not names:
			continue
		child = frappe.qb.DocType("BOM Explosion Item" if exploded else "BOM Item")
		rows = (
			frappe.qb.from_(child)
			.join(bom)
			.on(bom.name == child.parent)
			.select(
				child.parent,
				child.item_code,
				Sum(child.stock_qty / Coalesce(bom.quantity, 1)).as_("per_unit"),
			)
			.where(
				child.parent.isin(names)
				& (child.parenttype == "BOM")
				& (child.include_item_in_manufacturing == 1)
				& (child.sourced_by_supplier == 0)
			)
			.groupby(child.parent, child.item_code)
			.run(as_dict=True)
		)
		for row in rows:
			quantities.setdefault((row.parent, exploded), {})[row.item_code] = float(row.per_unit or 0)
	return quantities


def get_adjustments(lots=None, company: str | None = None) -> list[dict]:
	"""Stock Reconciliation rows and Material Receipt / Material Issue entries (not lot write-offs) that
	moved each lot, one row per document row; the document that created the lot is its receipt, not an
	adjustment."""
	query, bundle, entry = ledger_entries()
	stock_entry = frappe.qb.DocType("Stock Entry")
	batch = frappe.qb.DocType("Batch")
	query = (
		query.join(batch)
		.on(batch.name == entry.batch_no)
		.left_join(stock_entry)
		.on((bundle.voucher_type == "Stock Entry") & (stock_entry.name == bundle.voucher_no))
		.select(
			entry.batch_no,
			bundle.voucher_type,
			bundle.voucher_no,
			bundle.voucher_detail_no,
			bundle.posting_date,
			bundle.posting_time,
		)
		.distinct()
		.where(
			(
				(bundle.voucher_type == "Stock Reconciliation")
				| (
					(bundle.voucher_type == "Stock Entry")
					& stock_entry.purpose.isin(ADJUSTMENT_PURPOSES)
					& (Coalesce(stock_entry.is_lot_write_off, 0) == 0)
				)
			)
			& (
				(Coalesce(batch.reference_doctype, "") != bundle.voucher_type)
				| (Coalesce(batch.reference_name, "") != bundle.voucher_no)
			)
		)
	)
	if lots is not None:
		query = query.where(entry.batch_no.isin(list(lots) or [""]))
	if company:
		query = query.where(bundle.company == company)
	rows = query.run(as_dict=True)
	for row in rows:
		row.posted_at = posting_datetime(row.posting_date, row.posting_time)
	return rows


def get_stock_expiring_by(until, lots=None, company: str | None = None) -> list[dict]:
	"""Kept lot balances with stock whose lot expires on or before `until`."""
	balance = frappe.qb.DocType("Lot Balance")
	batch = frappe.qb.DocType("Batch")
	warehouse = frappe.qb.DocType("Warehouse")
	query = (
		frappe.qb.from_(balance)
		.join(batch)
		.on(batch.name == balance.batch)
		.join(warehouse)
		.on(warehouse.name == balance.warehouse)
		.select(balance.batch, balance.item, balance.warehouse, balance.qty, batch.expiry_date)
		.where((balance.qty > 0) & batch.expiry_date.isnotnull() & (batch.expiry_date <= until))
	)
	if lots is not None:
		query = query.where(balance.batch.isin(list(lots) or [""]))
	if company:
		query = query.where(warehouse.company == company)
	return query.run(as_dict=True)


def get_lot_rows(lots) -> dict[str, dict]:
	"""Item, status, release and expiry date and supplier of each lot."""
	if not lots:
		return {}
	batch = frappe.qb.DocType("Batch")
	rows = (
		frappe.qb.from_(batch)
		.select(
			batch.name,
			batch.item,
			batch.item_name,
			batch.lot_status,
			batch.release_date,
			batch.expiry_date,
			batch.supplier,
		)
		.where(batch.name.isin(list(set(lots))))
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}


def get_lots_moved_in_company(lots, company: str) -> set[str]:
	"""Those of the lots that have a submitted movement in the company."""
	if not lots:
		return set()
	query, bundle, entry = ledger_entries()
	return set(
		query.select(entry.batch_no)
		.distinct()
		.where(entry.batch_no.isin(list(set(lots))) & (bundle.company == company))
		.run(pluck=True)
	)


def get_item_units(items) -> list[dict]:
	"""Stock unit and weight per unit (with its unit) of the items."""
	if not items:
		return []
	return frappe.get_all(
		"Item",
		filters={"name": ("in", list(items))},
		fields=["name", "stock_uom", "weight_per_unit", "weight_uom"],
	)


def get_kilogram_factors() -> dict[str, float]:
	"""Kilograms per unit of every mass unit ERPNext can convert to kg (UOM Conversion Factor), kg
	itself included."""
	factor = frappe.qb.DocType("UOM Conversion Factor")
	found = {"Kg": 1.0}
	for from_uom, to_uom, value in (
		frappe.qb.from_(factor)
		.select(factor.from_uom, factor.to_uom, factor.value)
		.where((factor.to_uom == "Kg") | (factor.from_uom == "Kg"))
		.run()
	):
		if to_uom == "Kg" and value:
			found.setdefault(from_uom, float(value))
		elif from_uom == "Kg" and value:
			found.setdefault(to_uom, 1 / float(value))
	return found


def get_restriction_periods(lots=None) -> list[dict]:
	"""Every release scope a lot has had (in effect or ended): when it started and ended."""
	filters = {} if lots is None else {"batch": ("in", list(lots) or [""])}
	rows = frappe.get_all(
		"Lot Restriction",
		filters=filters,
		fields=["name", "batch", "started", "ended", "summary"],
		order_by="started",
	)
	for row in rows:
		row.started = frappe.utils.get_datetime(row.started)
		row.ended = frappe.utils.get_datetime(row.ended) if row.ended else None
	return rows


def get_restriction_uses(restrictions) -> list[dict]:
	"""The uses release scopes permitted (and counted): scope, voucher type and number."""
	if not restrictions:
		return []
	return frappe.get_all(
		"Lot Restriction Use",
		filters={"restriction": ("in", list(restrictions))},
		fields=["restriction", "voucher_type", "voucher_no"],
	)
