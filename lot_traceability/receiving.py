"""What a receipt records about the lots it brings in: supplier, supplier lot, dates."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import getdate

from lot_traceability.config import get_lot_rule, get_lot_rules
from lot_traceability.messages import Refusal, bold
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.traceability.shelf_life import expiry_date


class SupplierLotMissingError(Refusal, frappe.ValidationError):
	pass


def lot_rows(doc):
	"""Rows of a receiving voucher that bring lot-controlled stock in from a supplier (a receipt from
	one of our own companies, an internal supplier, brings lots that already have their supplier)."""
	if doc.get("is_return") or doc.get("is_internal_supplier"):
		return []
	return [
		row
		for row in doc.get("items")
		if frappe.get_cached_value("Item", row.item_code, "has_batch_no")
		and (doc.doctype != "Stock Entry" or (row.t_warehouse and not row.s_warehouse))
	]


def validate_supplier_lots(doc) -> None:
	"""Refuse to submit a receipt without the supplier lot numbers its Lot Rules make mandatory."""
	missing = []
	rows = [row for row in lot_rows(doc) if not row.get("supplier_lot_no")]
	rules = get_lot_rules((row.item_code, doc.company) for row in rows)
	for row in rows:
		rule = rules[(row.item_code, doc.company)]
		if rule and rule.supplier_lot_mandatory:
			missing.append(
				_("Row {0}: item {1} needs its Supplier Lot No (Lot Rule {2}).").format(
					row.idx, bold(row.item_code), rule.name
				)
			)
	if missing:
		frappe.throw(
			missing if len(missing) > 1 else missing[0],
			SupplierLotMissingError,
			title=_("Supplier Lot No Missing"),
			as_list=len(missing) > 1,
		)


def record_supplier_lots(doc) -> list[str]:
	"""Copy supplier, supplier lot and dates of each row onto the lots it received.

	A lot this voucher created takes the supplier's dates outright (expiry computed from its Lot
	Rule when the supplier gave none); a lot that existed before only gets what it lacks.
	Returns warnings about supplier lot numbers also received from another supplier.
	"""
	rows = {row.name: row for row in lot_rows(doc)}
	if not rows:
		return []
	supplier = doc.get("supplier")
	received = voucher_queries.get_inward_lots_of_voucher(doc.doctype, doc.name)
	lots = lot_queries.get_lots([entry.batch_no for entry in received])
	created = {lot.name for lot in lot_queries.get_lots_created_by(list(lots), doc.name)}
	warnings, lots_of_values = [], defaultdict(list)
	for entry in received:
		row, lot = rows.get(entry.voucher_detail_no), lots.get(entry.batch_no)
		if not row or not lot:
			continue
		values = _lot_values(doc, row, lot, supplier, lot.name in created)
		if values:
			lots_of_values[tuple(sorted(values.items()))].append(lot.name)
		if row.get("supplier_lot_no"):
			warnings += _flag_supplier_lot_reuse(lot, row, supplier)
	for values, names in lots_of_values.items():  # one write for the lots that take the same values
		frappe.db.set_value("Batch", {"name": ("in", sorted(set(names)))}, dict(values))
	for warning in warnings:
		frappe.msgprint(warning, title=_("Supplier Lot Reused"), indicator="orange")
	return warnings


def _lot_values(doc, row, lot, supplier, created_here) -> dict:
	def take(field, value):
		if value and (created_here or not lot.get(field)):
			values[field] = value

	values = {}
	take("supplier", supplier)
	take("supplier_lot_no", row.get("supplier_lot_no"))
	take("manufacturing_date", row.get("supplier_manufacturing_date"))
	if created_here:
		values["received_date"] = doc.posting_date
	expiry = row.get("supplier_expiry_date")
	if not expiry and created_here and row.get("supplier_manufacturing_date"):
		rule = get_lot_rule(row.item_code, doc.company)
		if rule and rule.shelf_life:
			expiry = expiry_date(getdate(row.supplier_manufacturing_date), rule.shelf_life)
	take("expiry_date", expiry)
	return values


def _flag_supplier_lot_reuse(lot, row, supplier) -> list[str]:
	others = lot_queries.find_supplier_lot_elsewhere(row.item_code, row.supplier_lot_no, supplier, lot.name)
	if not others:
		return []
	message = _(
		"Supplier lot no {0} of item {1} was already received from another supplier: {2}. Check lot {3} before releasing it."
	).format(
		bold(row.supplier_lot_no),
		bold(row.item_code),
		", ".join(f"{other.name} ({other.supplier})" for other in others),
		bold(lot.name),
	)
	frappe.get_doc("Batch", lot.name).add_comment("Comment", message)
	return [message]
