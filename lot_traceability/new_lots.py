"""What a voucher's new lots take from it — its company, its posting date and the Lot Rules of its
items — read once while the voucher is submitted, not once for each lot ERPNext creates for it."""

import frappe
from erpnext import get_default_company

from lot_traceability.config import get_lot_rule, get_lot_rules
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.traceability.rules import LotRule


def open_voucher(doc) -> None:
	"""From the voucher's before_submit to the end of its on_submit (ERPNext creates a receipt's lots
	in its own on_submit, between the two), lots created for it take their context from it. The
	transaction's end closes it too, so a submit that failed half-way leaves nothing behind."""
	frappe.local.lot_new_lot_voucher = frappe._dict(key=(doc.doctype, doc.name), doc=doc, rules=None)
	frappe.db.after_commit.add(close_voucher)
	frappe.db.after_rollback.add(close_voucher)


def close_voucher() -> None:
	frappe.local.lot_new_lot_voucher = None


def new_lot_context(reference_doctype, reference_name, item_code) -> tuple[dict, LotRule | None]:
	"""The company and posting date of the voucher a new lot is made for, and the lot's Lot Rule."""
	memo = getattr(frappe.local, "lot_new_lot_voucher", None)
	if not memo or memo.key != (reference_doctype, reference_name):
		voucher = voucher_queries.get_voucher_values(reference_doctype, reference_name)
		return voucher, get_lot_rule(item_code, voucher.get("company") or get_default_company())
	voucher = {"company": memo.doc.get("company"), "posting_date": memo.doc.get("posting_date")}
	company = voucher["company"] or get_default_company()
	if memo.rules is None:  # every item of the voucher at once, at its first new lot
		memo.rules = get_lot_rules((item, company) for item in items_of(memo.doc))
	if (item_code, company) not in memo.rules:
		memo.rules[(item_code, company)] = get_lot_rule(item_code, company)
	return voucher, memo.rules[(item_code, company)]


def items_of(doc) -> set[str]:
	return {
		row.get("item_code")
		for field in doc.meta.get_table_fields()
		for row in doc.get(field.fieldname) or []
		if row.get("item_code")
	}
