from erpnext import get_default_company
from frappe.utils import getdate

from lot_traceability import queries
from lot_traceability.lot_traceability.doctype.lot_rule.lot_rule import get_lot_rule
from lot_traceability.lot_traceability.doctype.lot_traceability_settings.lot_traceability_settings import (
	get_settings,
)
from lot_traceability.traceability.shelf_life import expiry_date


def before_insert(doc, method=None):
	"""A new lot takes its status and, where the supplier gave none, its expiry from its Lot Rule."""
	company = queries.get_voucher_company(doc.reference_doctype, doc.reference_name) or get_default_company()
	rule = get_lot_rule(doc.item, company)
	if not doc.lot_status:
		doc.lot_status = (rule and rule.receipt_status) or get_settings().default_receipt_status
	if rule and rule.shelf_life and not doc.expiry_date:
		doc.expiry_date = expiry_date(getdate(doc.manufacturing_date or None), rule.shelf_life)
