"""Reads of ERPNext's own batch ledger (bundle entries) for the lots' documents."""

import frappe
from frappe.query_builder.functions import Sum

from lot_traceability.queries.vouchers import get_parties

MAKING_PURPOSES = ("Material Receipt", "Manufacture", "Repack", "Disassemble")

RECEIVING_DOCTYPES = (
	"Purchase Receipt",
	"Purchase Invoice",
	"Subcontracting Receipt",
	"Stock Reconciliation",
)

SELLING_DOCTYPES = ("Delivery Note", "Sales Invoice", "POS Invoice")


def ledger_entries(lots=None):
	"""The base of every read of the lots' ledger: submitted, not cancelled bundle entries that moved a
	lot (Pick Lists reserve, they do not move), for these lots or all. Returns (query, bundle, entry)."""
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	lot_condition = entry.batch_no.isin(list(lots)) if lots is not None else entry.batch_no.isnotnull()
	query = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.where(
			lot_condition
			& (bundle.docstatus == 1)
			& (bundle.is_cancelled == 0)
			& (bundle.voucher_type != "Pick List")
		)
	)
	return query, bundle, entry


def get_lot_documents(lots, voucher_types, party_field: str) -> list[dict]:
	"""Deliveries (or receipts) of the lots, with their customer (or supplier), netted per voucher."""
	if not lots:
		return []
	query, bundle, entry = ledger_entries(lots)
	rows = (
		query.select(
			entry.batch_no,
			bundle.voucher_type,
			bundle.voucher_no,
			bundle.posting_date,
			Sum(entry.qty).as_("qty"),
		)
		.where(bundle.voucher_type.isin(list(voucher_types)))
		.groupby(entry.batch_no, bundle.voucher_type, bundle.voucher_no, bundle.posting_date)
		.run(as_dict=True)
	)
	parties = get_parties(rows, party_field)
	for row in rows:
		row["party"] = parties.get(row.voucher_no)
	return rows
