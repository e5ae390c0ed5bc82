"""Movements between our own companies (an internal customer or supplier) were kept as sales and
purchases: keep them again as internal transfers."""

import frappe

from lot_traceability.queries import lot_ledger as lot_ledger_queries
from lot_traceability.queries.vouchers import INTERNAL_PARTY_FLAGS


def execute():
	lots = set()
	for doctype, flag in INTERNAL_PARTY_FLAGS.items():
		lots |= set(
			frappe.db.sql(
				f"""select distinct e.batch_no
				from `tab{doctype}` doc
				join `tabSerial and Batch Bundle` b on b.voucher_type = %(doctype)s and b.voucher_no = doc.name
				join `tabSerial and Batch Entry` e on e.parent = b.name
				where doc.{flag} = 1 and ifnull(doc.represents_company, '') != ''
					and ifnull(e.batch_no, '') != ''""",
				{"doctype": doctype},
				pluck=True,
			)
		)
	if lots:
		lot_ledger_queries.set_lot_movements_from_ledger(lots)
