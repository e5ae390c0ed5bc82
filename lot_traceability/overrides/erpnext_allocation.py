"""The app's lot allocation in ERPNext's own picking, for items a Lot Rule governs.

ERPNext chooses lots in three places, each replaced here at request and job start (idempotent) and
falling back to ERPNext's own code for items no Lot Rule governs, serial-numbered items and
anything else these wrappers do not cover:

- `erpnext.stock.get_item_details.update_stock`: the lot put on a Delivery Note, Sales Invoice
  (update stock) or POS Invoice row when the item is entered and on every validate, with the
  customer and posting date at hand;
- `SerialBatchCreation.set_auto_serial_batch_entries_for_outward`: the lots of the bundle ERPNext
  makes at submit for a row without a lot (any outward voucher: deliveries, stock entries for
  manufacture and transfer);
- `pick_list.get_available_item_locations_for_batched_item`: a Pick List's lots, in one order
  across all its warehouses (ERPNext orders them warehouse by warehouse).
"""

from collections import OrderedDict

import erpnext.stock.doctype.pick_list.pick_list as pick_list_module
import erpnext.stock.get_item_details as item_details
import frappe
from erpnext.stock.serial_batch_bundle import SerialBatchCreation
from frappe.utils import flt, nowdate

from lot_traceability.allocation import allocate_lots
from lot_traceability.enforcement import enforcement_enabled
from lot_traceability.lot_traceability.doctype.lot_rule.lot_rule import get_lot_rule
from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries import get_voucher_values
from lot_traceability.traceability.movements import OUTWARD, SELLING_VOUCHERS, classify
from lot_traceability.traceability.statuses import Movement

erpnext_update_stock = item_details.update_stock
erpnext_outward_entries = SerialBatchCreation.set_auto_serial_batch_entries_for_outward
erpnext_pick_list_locations = pick_list_module.get_available_item_locations_for_batched_item
UNLIMITED = 1e15


def apply():
	if item_details.update_stock is not update_stock:
		item_details.update_stock = update_stock
	if (
		SerialBatchCreation.set_auto_serial_batch_entries_for_outward
		is not set_auto_serial_batch_entries_for_outward
	):
		SerialBatchCreation.set_auto_serial_batch_entries_for_outward = (
			set_auto_serial_batch_entries_for_outward
		)
	if pick_list_module.get_available_item_locations_for_batched_item is not pick_list_locations:
		pick_list_module.get_available_item_locations_for_batched_item = pick_list_locations


def unapply():
	"""Put ERPNext's own functions back (tests that switch the app's allocation on and off)."""
	item_details.update_stock = erpnext_update_stock
	SerialBatchCreation.set_auto_serial_batch_entries_for_outward = erpnext_outward_entries
	pick_list_module.get_available_item_locations_for_batched_item = erpnext_pick_list_locations


def governed(item_code: str, company: str | None) -> bool:
	return enforcement_enabled() and get_lot_rule(item_code, company) is not None


def update_stock(ctx, out, doc=None):
	"""The lot of a selling row: the first the app's allocation takes (FEFO or FIFO, status, expiry
	and shelf life at the posting date, the customer's requirements)."""
	selling = ctx.get("doctype") in ("Delivery Note", "POS Invoice") or (
		ctx.get("doctype") == "Sales Invoice" and ctx.get("update_stock")
	)
	if not (
		selling
		and out.get("warehouse")
		and flt(out.get("stock_qty")) > 0
		and out.get("has_batch_no")
		and not out.get("has_serial_no")
		and not ctx.get("batch_no")
		and governed(ctx.item_code, ctx.get("company"))
	):
		return erpnext_update_stock(ctx, out, doc)
	doc = frappe._dict(doc) if isinstance(doc, dict) else doc
	used = {}
	for row in (doc.get("items") if doc else None) or []:
		if (
			row.get("batch_no")
			and row.get("item_code") == ctx.item_code
			and row.get("name") != ctx.get("child_docname")
		):
			used[row.get("batch_no")] = used.get(row.get("batch_no"), 0.0) + flt(
				row.get("stock_qty") or row.get("qty")
			)
	allocation = allocate_lots(
		ctx.item_code,
		[ctx.get("warehouse") or out.warehouse],
		flt(out.stock_qty) + sum(used.values()),
		posting_date=ctx.get("transaction_date")
		or ctx.get("posting_date")
		or (doc and doc.get("posting_date")),
		customer=ctx.get("customer") or (doc and doc.get("customer")),
		company=ctx.get("company"),
	)
	for candidate, qty in allocation.picks:
		left = qty - used.get(candidate.lot, 0.0)
		if left <= 0:
			continue
		out.update({"batch_no": candidate.lot, "actual_batch_qty": min(left, flt(out.stock_qty))})
		rate = item_details.get_batch_based_item_price(
			{
				"price_list": doc.get("selling_price_list") if doc else None,
				"uom": out.uom,
				"batch_no": candidate.lot,
			},
			out.item_code,
		)
		if rate:
			out.update({"rate": rate, "price_list_rate": rate})
		break


def set_auto_serial_batch_entries_for_outward(self):
	"""The lots of a bundle ERPNext makes by itself at submit, taken by the app's allocation."""
	if (
		self.get("has_serial_no")
		or not self.get("has_batch_no")
		or self.get("batches")
		or not governed(self.item_code, self.get("company"))
	):
		return erpnext_outward_entries(self)
	context = voucher_context(self.get("voucher_type"), self.get("voucher_no"))
	allocation = allocate_lots(
		self.item_code,
		[self.warehouse],
		abs(flt(self.actual_qty)),
		posting_date=self.get("posting_date") or context.get("posting_date") or nowdate(),
		customer=context.get("customer"),
		company=self.get("company") or context.get("company"),
		movement=context.movement,
	)
	self.batches = OrderedDict((candidate.lot, qty) for candidate, qty in allocation.picks)


def voucher_context(voucher_type: str | None, voucher_no: str | None) -> frappe._dict:
	"""Customer, posting date, company and the movement of the voucher a bundle belongs to."""
	fields = ["posting_date", "company"]
	if voucher_type in SELLING_VOUCHERS:
		fields.append("customer")
	if voucher_type == "Stock Entry":
		fields.append("purpose")
	values = frappe._dict(get_voucher_values(voucher_type, voucher_no, fields))
	values.movement = classify(voucher_type or "", OUTWARD, values.get("purpose")) or Movement.ISSUE
	return values


def pick_list_locations(item_code, from_warehouses, consider_rejected_warehouses=False):
	"""A Pick List's lots in one policy order across all its warehouses (FEFO: the earliest expiry
	wherever it is), only lots that may be allocated on today's date."""
	company = frappe.flags.get("lot_pick_list_company")
	if not governed(item_code, company):
		return erpnext_pick_list_locations(item_code, from_warehouses, consider_rejected_warehouses)
	warehouses = list(from_warehouses or []) or all_warehouses_with_stock(item_code)
	if not consider_rejected_warehouses:
		rejected = set(pick_list_module.get_rejected_warehouses() or [])
		warehouses = [w for w in warehouses if w not in rejected]
	allocation = allocate_lots(
		item_code,
		warehouses,
		UNLIMITED,
		posting_date=nowdate(),
		customer=frappe.flags.get("lot_pick_list_customer"),
		company=company,
		movement=Movement.ALLOCATION,
	)
	return [
		frappe._dict(qty=qty, warehouse=candidate.warehouse, item_code=item_code, batch_no=candidate.lot)
		for candidate, qty in allocation.picks
	]


def all_warehouses_with_stock(item_code: str) -> list[str]:
	return balance_queries.get_warehouses_with_stock(item_code)
