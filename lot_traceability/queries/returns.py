"""Reads of customer returns: the lots a shipment shipped, where lots came from, what a return
brought back and what was made of it."""

import frappe
from frappe.query_builder.functions import Sum

from lot_traceability.queries import vouchers as voucher_queries

RECEIPT_DOCTYPES = ("Purchase Receipt", "Purchase Invoice")
RETURN_ROW_DOCTYPES = {"Delivery Note": "Delivery Note Item", "Sales Invoice": "Sales Invoice Item"}
DISPOSITION_DOCTYPES = ("Purchase Receipt", "Purchase Invoice", "Stock Entry")


def get_shipped_lots(doctype: str, name: str) -> set[str]:
	"""The lots a submitted shipment sent out."""
	return {
		row.batch_no for row in voucher_queries.get_voucher_lot_moves(doctype, [name]) if (row.qty or 0) < 0
	}


def get_supplier_receipts(batch_nos) -> dict[str, tuple[str, str]]:
	"""Lot → the first submitted Purchase Receipt or Purchase Invoice that received it from a supplier."""
	batch_nos = sorted({name for name in batch_nos or () if name})
	if not batch_nos:
		return {}
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	found = {}
	for lot, doctype, name in (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(entry.batch_no, bundle.voucher_type, bundle.voucher_no)
		.where(
			entry.batch_no.isin(batch_nos)
			& bundle.voucher_type.isin(RECEIPT_DOCTYPES)
			& (bundle.type_of_transaction == "Inward")
			& (bundle.docstatus == 1)
			& (bundle.is_cancelled == 0)
		)
		.orderby(bundle.posting_date)
		.orderby(bundle.posting_time)
		.orderby(bundle.creation)
		.run()
	):
		found.setdefault(lot, (doctype, name))
	return found


def get_receiving_rows(doctype: str, name: str, batch_nos) -> dict[str, str]:
	"""Lot → the row of the receipt that received it."""
	wanted, found = set(batch_nos), {}
	for row in voucher_queries.get_inward_lots_of_voucher(doctype, name):
		if row.batch_no in wanted:
			found.setdefault(row.batch_no, row.voucher_detail_no)
	return found


def get_returned_quantities(doctype: str, name: str) -> list[dict]:
	"""What a submitted customer return brought back: row, lot, quantity and warehouse."""
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	return (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(bundle.voucher_detail_no, entry.batch_no, Sum(entry.qty).as_("qty"), bundle.warehouse)
		.where(
			(bundle.voucher_type == doctype)
			& (bundle.voucher_no == name)
			& (bundle.docstatus == 1)
			& (bundle.is_cancelled == 0)
			& (bundle.type_of_transaction == "Inward")
		)
		.groupby(bundle.voucher_detail_no, entry.batch_no, bundle.warehouse)
		.orderby(bundle.voucher_detail_no)
		.orderby(entry.batch_no)
		.run(as_dict=True)
	)


def get_disposition_documents(doctype: str, name: str) -> list[tuple[str, str, int]]:
	"""The supplier returns and write-offs made for a customer return, not cancelled."""
	found = []
	for disposition_doctype in DISPOSITION_DOCTYPES:
		found += [
			(disposition_doctype, row.name, row.docstatus)
			for row in frappe.get_all(
				disposition_doctype,
				filters={
					"lot_disposition_of_doctype": doctype,
					"lot_disposition_of": name,
					"docstatus": ("<", 2),
				},
				fields=["name", "docstatus"],
			)
		]
	return found


def get_return_dispositions(batch_nos=None, since=None, until=None, company=None) -> list[dict]:
	"""Submitted customer returns of lots, per lot and row: the disposition, the quantity returned,
	the return and its posting date (of these lots, within these dates, in this company).

	Read from the return rows that carry a disposition (few: returns are a small part of the
	deliveries), then their bundles, and matched to the lots here: a recall asks for thousands of lots,
	and starting from their bundle entries made the database visit every delivery of every lot."""
	wanted = set(batch_nos) if batch_nos is not None else None
	rows = []
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	for doctype, row_doctype in RETURN_ROW_DOCTYPES.items():
		parent = frappe.qb.DocType(doctype)
		item = frappe.qb.DocType(row_doctype)
		query = (
			frappe.qb.from_(item)
			.join(parent)
			.on(parent.name == item.parent)
			.select(
				item.name,
				item.lot_return_disposition.as_("disposition"),
				parent.name.as_("voucher_no"),
				parent.posting_date,
			)
			.where(
				(parent.is_return == 1)
				& (parent.docstatus == 1)
				& (item.lot_return_disposition.isnotnull())
				& (item.lot_return_disposition != "")
			)
		)
		if since:
			query = query.where(parent.posting_date >= since)
		if until:
			query = query.where(parent.posting_date <= until)
		if company:
			query = query.where(parent.company == company)
		returned = {row.name: row for row in query.run(as_dict=True)}
		if not returned:
			continue
		entries = (
			frappe.qb.from_(bundle)
			.join(entry)
			.on(entry.parent == bundle.name)
			.select(bundle.voucher_detail_no, entry.batch_no, Sum(entry.qty).as_("qty"))
			.where(
				(bundle.voucher_type == doctype)
				& bundle.voucher_detail_no.isin(list(returned))
				& (bundle.docstatus == 1)
				& (bundle.is_cancelled == 0)
			)
			.groupby(bundle.voucher_detail_no, entry.batch_no)
			.run(as_dict=True)
		)
		totals: dict[tuple, float] = {}
		for found in entries:
			if wanted is not None and found.batch_no not in wanted:
				continue
			row = returned[found.voucher_detail_no]
			key = (found.batch_no, row.disposition, row.voucher_no, row.posting_date)
			totals[key] = totals.get(key, 0.0) + (found.qty or 0.0)
		rows += [
			frappe._dict(
				batch_no=lot,
				disposition=disposition,
				qty=qty,
				voucher_no=voucher_no,
				posting_date=posting_date,
				voucher_type=doctype,
			)
			for (lot, disposition, voucher_no, posting_date), qty in totals.items()
		]
	return rows
