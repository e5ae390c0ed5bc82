"""The documents that carry out a disposition of lots (a customer return's, a deviation's): a draft
return to the supplier each lot was received from, and a submitted write-off. Each names what it
carries out (*Disposition Of*)."""

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability.messages import Refusal, bold
from lot_traceability.queries import returns as return_queries


class LotQuantity(NamedTuple):
	key: str  # what the caller links the document made back to (a row)
	item_code: str
	batch_no: str
	qty: float  # in the stock UOM
	warehouse: str


class DisposalError(Refusal, frappe.ValidationError):
	pass


def draft_supplier_returns(items: list[LotQuantity], of, remarks: str) -> dict[str, tuple[str, str]]:
	"""One draft return (Purchase Return, or debit note for a Purchase Invoice) per receipt the lots
	came from: ERPNext's own return of that receipt, cut to a row per lot and warehouse, with the
	lot's supplier lot no. Returns key → (doctype, name) made for it."""
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	receipts = return_queries.get_supplier_receipts({item.batch_no for item in items})
	missing = sorted({item.batch_no for item in items if item.batch_no not in receipts})
	if missing:
		frappe.throw(
			_("Lot {0} was not received from a supplier, so it cannot be returned to one.").format(
				", ".join(bold(lot) for lot in missing)
			),
			DisposalError,
		)
	by_receipt = {}
	for item in items:
		by_receipt.setdefault(receipts[item.batch_no], []).append(item)
	made = {}
	for (doctype, name), receipt_items in by_receipt.items():
		draft = make_return_doc(doctype, name)
		received_rows = return_queries.get_receiving_rows(doctype, name, [i.batch_no for i in receipt_items])
		detail_field = "purchase_receipt_item" if doctype == "Purchase Receipt" else "purchase_invoice_item"
		templates = {row.get(detail_field): row.as_dict() for row in draft.items}
		draft.items = []
		for item in receipt_items:
			template = templates[received_rows[item.batch_no]]
			factor = flt(template.get("conversion_factor")) or 1
			kept = {k: v for k, v in template.items() if k not in ("name", "idx", "serial_and_batch_bundle")}
			draft.append(
				"items",
				{
					**kept,
					"qty": -item.qty / factor,
					"received_qty": -item.qty / factor,
					"stock_qty": -item.qty,
					"rejected_qty": 0,
					"warehouse": item.warehouse,
					"use_serial_batch_fields": 1,
					"batch_no": item.batch_no,
					"supplier_lot_no": frappe.db.get_value("Batch", item.batch_no, "supplier_lot_no"),
				},
			)
		draft.lot_disposition_of_doctype = of.doctype
		draft.lot_disposition_of = of.name
		draft.remarks = remarks
		draft.flags.ignore_permissions = True
		draft.insert()
		for item in receipt_items:
			made.setdefault(item.key, (draft.doctype, draft.name))
	return made


def write_off_lots(items: list[LotQuantity], of, remarks: str, posted=None) -> dict[str, tuple[str, str]]:
	"""One submitted write-off (Material Issue, *Write Off Lots*) of these quantities, at `posted`
	((date, time); None: now). Returns key → ("Stock Entry", name)."""
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"company": of.company,
			"purpose": "Material Issue",
			"stock_entry_type": "Material Issue",
			"is_lot_write_off": 1,
			"lot_disposition_of_doctype": of.doctype,
			"lot_disposition_of": of.name,
			"remarks": remarks,
			"items": [
				{
					"item_code": item.item_code,
					"qty": item.qty,
					"transfer_qty": item.qty,
					"uom": stock_uom,
					"stock_uom": stock_uom,
					"conversion_factor": 1,
					"s_warehouse": item.warehouse,
					"batch_no": item.batch_no,
					"use_serial_batch_fields": 1,
				}
				for item in items
				for stock_uom in [frappe.get_cached_value("Item", item.item_code, "stock_uom")]
			],
		}
	)
	if posted:
		entry.update({"posting_date": posted[0], "posting_time": posted[1], "set_posting_time": 1})
	entry.flags.ignore_permissions = True
	entry.insert()
	entry.submit()
	return {item.key: ("Stock Entry", entry.name) for item in items}
