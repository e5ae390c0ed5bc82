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
