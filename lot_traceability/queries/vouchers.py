"""Reads of stock vouchers and their Serial and Batch Bundles: which lots a voucher or row
moved, a voucher's context (purpose, return, posting date), its parties."""

import frappe

from lot_traceability.queries.quoting import value_list
from lot_traceability.traceability.movements import INWARD, RECEIVING_VOUCHERS, SELLING_VOUCHERS


def get_voucher_company(doctype: str | None, name: str | None) -> str | None:
	return get_voucher_values(doctype, name).get("company")


def get_voucher_values(doctype: str | None, name: str | None, fields=("company", "posting_date")) -> dict:
	"""Company and posting date (or the fields asked) of a voucher, where it has them."""
	if not doctype or not name:
		return {}
	try:
		meta = frappe.get_meta(doctype)  # cached, where asking whether the doctype exists is a read
	except frappe.DoesNotExistError:
		return {}
	fields = [field for field in fields if meta.has_field(field)]
	return (fields and frappe.db.get_value(doctype, name, fields, as_dict=True)) or {}


def get_bundle_batches(bundle_names) -> dict[str, list[str]]:
	"""The batches in each bundle (draft or submitted)."""
	if not bundle_names:
		return {}
	entry = frappe.qb.DocType("Serial and Batch Entry")
	rows = (
		frappe.qb.from_(entry)
		.select(entry.parent, entry.batch_no)
		.where(entry.parent.isin(list(set(bundle_names))) & entry.batch_no.isnotnull())
		.run(as_dict=True)
	)
	batches: dict[str, list[str]] = {}
	for row in rows:
		batches.setdefault(row.parent, []).append(row.batch_no)
	return batches


VOUCHER_CONTEXT_FIELDS = {
	"Stock Entry": ["purpose", "is_return", "posting_date", "is_lot_write_off"],
	"Stock Reconciliation": ["purpose", "posting_date"],
	"Pick List": ["purpose"],
}


def get_voucher_context(voucher_type: str, voucher_no: str, direction: str | None = None) -> dict:
	"""What the enforcement needs to know of a voucher: purpose, return, write-off, posting date.

	Selling vouchers and inward receipts are told apart by their direction alone: no read.
	"""
	if voucher_type in SELLING_VOUCHERS or (voucher_type in RECEIVING_VOUCHERS and direction == INWARD):
		return {}
	fields = VOUCHER_CONTEXT_FIELDS.get(voucher_type)
	if fields is None:
		meta = frappe.get_meta(voucher_type)
		fields = [field for field in ("is_return", "posting_date") if meta.has_field(field)]
	if not fields:
		return {}
	return frappe.db.get_value(voucher_type, voucher_no, fields, as_dict=True) or {}


def get_target_warehouse(voucher_type: str, voucher_detail_no: str | None) -> str | None:
	if voucher_type != "Stock Entry" or not voucher_detail_no:
		return None
	return frappe.db.get_value("Stock Entry Detail", voucher_detail_no, "t_warehouse")


def get_inward_lots_of_voucher(voucher_type: str, voucher_no: str) -> list[dict]:
	"""(row, batch) pairs a voucher received, read from its submitted bundles."""
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	return (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(bundle.voucher_detail_no, entry.batch_no)
		.where(
			(bundle.voucher_type == voucher_type)
			& (bundle.voucher_no == voucher_no)
			& (bundle.type_of_transaction == "Inward")
			& (bundle.is_cancelled == 0)
			& (bundle.docstatus == 1)
			& entry.batch_no.isnotnull()
		)
		.distinct()
		.run(as_dict=True)
	)


def get_voucher_lot_moves(voucher_type: str, voucher_nos) -> list[dict]:
	"""Every lot a submitted voucher moved: bundle entries, and legacy `SLE.batch_no` rows without bundle.

	Rows: voucher_no, item_code, batch_no, qty (signed: negative out), is_rejected.
	"""
	if not voucher_nos:
		return []
	voucher_nos = list(set(voucher_nos))
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	bundled = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(bundle.voucher_no, bundle.item_code, entry.batch_no, entry.qty, bundle.is_rejected)
		.where(
			(bundle.voucher_type == voucher_type)
			& bundle.voucher_no.isin(voucher_nos)
			& (bundle.docstatus == 1)
			& (bundle.is_cancelled == 0)
			& entry.batch_no.isnotnull()
		)
		.run(as_dict=True)
	)
	sle = frappe.qb.DocType("Stock Ledger Entry")
	legacy = (
		frappe.qb.from_(sle)
		.select(sle.voucher_no, sle.item_code, sle.batch_no, sle.actual_qty.as_("qty"))
		.where(
			(sle.voucher_type == voucher_type)
			& sle.voucher_no.isin(voucher_nos)
			& (sle.is_cancelled == 0)
			& sle.batch_no.isnotnull()
			& (sle.batch_no != "")
			& (sle.serial_and_batch_bundle.isnull() | (sle.serial_and_batch_bundle == ""))
		)
		.run(as_dict=True)
	)
	return bundled + legacy


def get_row_lots(voucher_type: str, row_names) -> dict[str, list[str]]:
	"""Lots each voucher row moved (submitted bundles, by row name): a return's original rows."""
	if not row_names:
		return {}
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	rows = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(bundle.voucher_detail_no, entry.batch_no)
		.distinct()
		.where(
			(bundle.voucher_type == voucher_type)
			& bundle.voucher_detail_no.isin(list(set(row_names)))
			& (bundle.docstatus == 1)
			& (bundle.is_cancelled == 0)
		)
		.run(as_dict=True)
	)
	found: dict[str, list[str]] = {}
	for row in rows:
		if row.batch_no:  # serial-numbered entries carry no lot
			found.setdefault(row.voucher_detail_no, []).append(row.batch_no)
	return found


def get_parties(voucher_rows, party_field: str) -> dict[str, str]:
	parties = {}
	for voucher_type in {row.voucher_type for row in voucher_rows}:
		names = list({row.voucher_no for row in voucher_rows if row.voucher_type == voucher_type})
		if frappe.get_meta(voucher_type).has_field(party_field):
			parties.update(
				dict(
					frappe.get_all(
						voucher_type,
						filters={"name": ("in", names)},
						fields=["name", party_field],
						as_list=True,
					)
				)
			)
	return parties


def get_bundle_quantities(bundle_name: str) -> dict[str, float]:
	"""Quantity of each batch in a bundle (positive)."""
	if not bundle_name:
		return {}
	found: dict[str, float] = {}
	for batch, qty in frappe.get_all(
		"Serial and Batch Entry", filters={"parent": bundle_name}, fields=["batch_no", "qty"], as_list=True
	):
		if batch:
			found[batch] = found.get(batch, 0.0) + abs(qty or 0)
	return found


# Documents whose party can be one of our own companies: doctype → its "internal party" flag (POS
# Invoices have none).
INTERNAL_PARTY_FLAGS = {
	"Delivery Note": "is_internal_customer",
	"Sales Invoice": "is_internal_customer",
	"Purchase Receipt": "is_internal_supplier",
	"Purchase Invoice": "is_internal_supplier",
}


def get_internal_transfers(vouchers) -> set[tuple[str, str]]:
	"""The (doctype, name) of these vouchers whose party is one of our own companies (ERPNext's
	internal customer or supplier representing a company): transfers between our sites."""
	by_type: dict[str, set[str]] = {}
	for doctype, name in vouchers:
		if doctype in INTERNAL_PARTY_FLAGS and name:
			by_type.setdefault(doctype, set()).add(name)
	found = set()
	for doctype, names in by_type.items():
		for name in frappe.get_all(
			doctype,
			filters={
				"name": ("in", list(names)),
				INTERNAL_PARTY_FLAGS[doctype]: 1,
				"represents_company": ("is", "set"),
			},
			pluck="name",
		):
			found.add((doctype, name))
	return found


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


def with_work_orders(rows: list) -> list:
	"""These lot ledger rows (dicts), each with its Stock Entry's work order as `work_order` (None for
	other documents and entries without one): read once per entry, not joined to every row."""
	work_orders = get_work_orders({row.voucher_no for row in rows if row.voucher_type == "Stock Entry"})
	for row in rows:
		row.work_order = work_orders.get(row.voucher_no) if row.voucher_type == "Stock Entry" else None
	return rows


def get_work_orders(entries) -> dict[str, str]:
	"""Stock Entry → its work order, for the entries that have one."""
	if not entries:
		return {}
	return dict(
		frappe.db.sql(
			"""select name, work_order from `tabStock Entry`
			where name in %(names)s and ifnull(work_order, '') != ''""",
			{"names": value_list(entries)},
		)
	)
