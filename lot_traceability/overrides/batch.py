import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from lot_traceability.config import get_settings
from lot_traceability.lot_documents import validate_lot_documents
from lot_traceability.messages import Refusal, bold
from lot_traceability.new_lots import new_lot_context
from lot_traceability.traceability.shelf_life import expiry_date


class LotStatusEditError(Refusal, frappe.PermissionError):
	pass


def before_insert(doc, method=None):
	"""A new lot takes its status and, where none was given, its expiry from its Lot Rule."""
	voucher, rule = new_lot_context(doc.reference_doctype, doc.reference_name, doc.item)
	if not doc.flags.lot_status_set_by_system:
		doc.lot_status = (rule and rule.receipt_status) or get_settings().default_receipt_status
	set_manufacturing_date(doc, voucher.get("posting_date"))
	if rule and rule.shelf_life and not doc.expiry_date:
		doc.expiry_date = expiry_date(getdate(doc.manufacturing_date or None), rule.shelf_life)


def set_manufacturing_date(doc, posting_date) -> None:
	"""A lot made by a voucher (production output, receipt) was made on the voucher's posting date,
	not on the day the batch record happened to be created (ERPNext's default: today)."""
	if posting_date and (not doc.manufacturing_date or getdate(doc.manufacturing_date) == getdate(nowdate())):
		doc.manufacturing_date = posting_date


def validate(doc, method=None):
	"""A lot's status changes only through a Lot Status Change; its documents are checked."""
	validate_lot_documents(doc)
	if not doc.is_new() and doc.has_value_changed("lot_status"):
		frappe.throw(
			_(
				"The status of lot {0} cannot be edited directly (it is {1}). Use a Lot Status Change, which checks who may make the change and keeps it on record."
			).format(bold(doc.name), bold(doc.get_doc_before_save().lot_status)),
			LotStatusEditError,
		)


def on_trash(doc, method=None):
	"""A deleted lot has no stock: its kept balances go with it."""
	frappe.db.delete("Lot Balance", {"batch": doc.name})
