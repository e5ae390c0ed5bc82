import frappe

from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.locks import lock_lots_of_rows
from lot_traceability.overrides.stock_rows import pick_list_rows


def before_validate(doc, method=None):
	# the app's allocation (overrides/erpnext_allocation.py) picks for this company and customer
	frappe.flags.lot_pick_list_company = doc.company
	frappe.flags.lot_pick_list_customer = doc.customer
	check_voucher_rows(doc, pick_list_rows(doc))


def before_submit(doc, method=None):
	lock_lots_of_rows(pick_list_rows(doc))


def on_submit(doc, method=None):
	"""Pick List bundles are made during its submit and carry no ledger entry: check them here."""
	check_voucher_rows(doc, pick_list_rows(doc), for_update=True)
