# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class LotLedgerEntry(Document):
	pass


def on_doctype_update():
	"""Traces and recall scopes read a lot's movements from this index alone."""
	frappe.db.add_index(
		"Lot Ledger Entry",
		[
			"batch_no",
			"voucher_type",
			"voucher_no",
			"posting_date",
			"qty",
			"warehouse",
			"purpose",
			"party",
			"sales_amount",
		],
		"lot_movements",
	)
	# A deviation's warehouse and time window reads a warehouse's movements since a date.
	frappe.db.add_index(
		"Lot Ledger Entry", ["warehouse", "posting_date", "batch_no", "qty"], "lot_warehouse_movements"
	)
	# The EPCIS export reads documents in time order (and within a time range), then their rows.
	frappe.db.add_index(
		"Lot Ledger Entry", ["posting_date", "voucher_type", "voucher_no"], "lot_documents_by_date"
	)
	frappe.db.add_index("Lot Ledger Entry", ["voucher_type", "voucher_no", "batch_no"], "lot_document_rows")
	# The EPCIS query's eventType / bizStep filters read only the documents of the kinds they match.
	frappe.db.add_index(
		"Lot Ledger Entry",
		["voucher_type", "purpose", "posting_date", "voucher_no", "qty"],
		"lot_documents_by_kind",
	)
	# ... and a company's documents (every read of a user limited to some companies), in time order.
	frappe.db.add_index(
		"Lot Ledger Entry",
		["company", "posting_date", "voucher_type", "voucher_no"],
		"lot_documents_by_company",
	)
