"""The app's lot allocation in ERPNext's own picking.

For items a Lot Rule governs, ERPNext chooses lots in three places, each replaced here at request and
job start (idempotent) and falling back to ERPNext's own code for items no Lot Rule governs,
serial-numbered items and anything else these wrappers do not cover:

- `erpnext.stock.get_item_details.update_stock`: the lot put on a Delivery Note, Sales Invoice
  (update stock) or POS Invoice row when the item is entered and on every validate, with the
  customer and posting date at hand;
- `SerialBatchCreation.set_auto_serial_batch_entries_for_outward`: the lots of the bundle ERPNext
  makes at submit for a row without a lot (any outward voucher: deliveries, stock entries for
  manufacture and transfer);
- `pick_list.get_available_item_locations_for_batched_item`: a Pick List's lots, in one order
  across all its warehouses (ERPNext orders them warehouse by warehouse).

For every other batch item ERPNext picks in its own order, and every one of its automatic picks ends
in `serial_and_batch_bundle.get_auto_batch_nos` (called with `based_on`): that function is wrapped so
that lots which may not make the movement (status, or expired on the posting date) are left out
before ERPNext takes its quantity, keeping ERPNext's order among the others. The three wrappers above
tell it the movement, the date and how to read (`picking`); a call without them (the bundle dialog's
*Auto Fetch*) leaves out the lots that may not leave stock at all.

Picks made while a voucher posts read the lots as last committed, under the voucher's locks
(`locks.py`): a lot another user shipped or put on hold a moment earlier is not picked, and the next
eligible lot is taken instead.
"""

from collections import OrderedDict
from contextlib import contextmanager

import erpnext.stock.doctype.pick_list.pick_list as pick_list_module
import erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle as bundle_module
import erpnext.stock.get_item_details as item_details
import frappe
from erpnext.stock.serial_batch_bundle import SerialBatchCreation
from frappe.utils import flt, getdate, nowdate

from lot_traceability import reservations
from lot_traceability.allocation import HELD, LOTS, PLAIN, allocate_lots
from lot_traceability.allocation_checks import explain_shortage, pickable
from lot_traceability.config import get_lot_rule
from lot_traceability.enforcement import enforcement_enabled
from lot_traceability.locks import holds_voucher_locks
from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries.vouchers import get_voucher_values
from lot_traceability.traceability.movements import OUTWARD, SELLING_VOUCHERS, classify
from lot_traceability.traceability.statuses import Movement

erpnext_update_stock = item_details.update_stock
erpnext_outward_entries = SerialBatchCreation.set_auto_serial_batch_entries_for_outward
erpnext_pick_list_locations = pick_list_module.get_available_item_locations_for_batched_item
erpnext_auto_batch_nos = bundle_module.get_auto_batch_nos
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
	# pick_list imported ERPNext's function by name when it was loaded: both names are replaced
	for module in (bundle_module, pick_list_module):
		if module.get_auto_batch_nos is not get_auto_batch_nos:
			module.get_auto_batch_nos = get_auto_batch_nos


def unapply():
	"""Put ERPNext's own functions back (tests that switch the app's allocation on and off)."""
	item_details.update_stock = erpnext_update_stock
	SerialBatchCreation.set_auto_serial_batch_entries_for_outward = erpnext_outward_entries
	pick_list_module.get_available_item_locations_for_batched_item = erpnext_pick_list_locations
	bundle_module.get_auto_batch_nos = erpnext_auto_batch_nos
	pick_list_module.get_auto_batch_nos = erpnext_auto_batch_nos


@contextmanager
def picking(movement: Movement | None, on_date, reading=PLAIN, customer=None, company=None):
	"""What an automatic pick of ERPNext's own is for, while it runs: the movement, its date, how to
	read the lots (`allocation.PLAIN`, `HELD`, `LOTS`) and, where known, the customer and company
	(restricted lots' scopes judge them)."""
	previous = getattr(frappe.local, "lot_picking", None)
	frappe.local.lot_picking = frappe._dict(
		movement=movement, on_date=getdate(on_date), reading=reading, customer=customer, company=company
	)
	try:
		yield
	finally:
		frappe.local.lot_picking = previous


def get_auto_batch_nos(kwargs):
	"""ERPNext's automatic pick without the lots that may not make the movement, in ERPNext's order.
	Calls without `based_on` are balance and negative-stock checks: they are ERPNext's, unchanged."""
	if not kwargs.get("based_on") or not enforcement_enabled():
		return erpnext_auto_batch_nos(kwargs)
	context = getattr(frappe.local, "lot_picking", None) or frappe._dict(
		movement=None, on_date=getdate(kwargs.get("posting_date") or nowdate()), reading=PLAIN
	)
	qty = flt(kwargs.get("qty"))
	every = erpnext_auto_batch_nos(frappe._dict(kwargs, qty=0))
	allowed = pickable(
		every,
		context.movement,
		context.on_date,
		context.reading,
		customer=context.get("customer"),
		company=context.get("company"),
	)
	return bundle_module.get_qty_based_available_batches(allowed, qty) if qty else allowed


def governed(item_code: str, company: str | None) -> bool:
	return enforcement_enabled() and get_lot_rule(item_code, company) is not None


def update_stock(ctx, out, doc=None):
	"""The lot of a selling row: the first the app's allocation takes (FEFO or FIFO, status, expiry
	and shelf life at the posting date, the customer's requirements), or for an item no rule governs,
	the first ERPNext takes among the lots that may be shipped. Either way the row remembers that
	the lot was picked automatically (`lot_picked_automatically`): it is picked again at submit if
	it can no longer cover the row (`allocation_checks.repick_automatic_lots`)."""
	selling = ctx.get("doctype") in ("Delivery Note", "POS Invoice") or (
		ctx.get("doctype") == "Sales Invoice" and ctx.get("update_stock")
	)
	picks = (
		selling
		and out.get("warehouse")
		and flt(out.get("stock_qty")) > 0
		and out.get("has_batch_no")
		and not out.get("has_serial_no")
		and not ctx.get("batch_no")
	)
	rule = get_lot_rule(ctx.item_code, ctx.get("company")) if picks and enforcement_enabled() else None
	if rule is None:
		posting_date = ctx.get("posting_date") or ctx.get("transaction_date") or nowdate()
		with picking(Movement.SHIPMENT, posting_date):
			result = erpnext_update_stock(ctx, out, doc)
		if picks:
			remember_automatic_lot(ctx, out, doc)
		return result
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
	warehouse = ctx.get("warehouse") or out.warehouse
	orders = {
		row.get("against_sales_order") or row.get("sales_order")
		for row in (doc.get("items") if doc else None) or []
	}
	allocation = allocate_lots(
		ctx.item_code,
		[warehouse],
		flt(out.stock_qty) + sum(used.values()),
		posting_date=ctx.get("transaction_date")
		or ctx.get("posting_date")
		or (doc and doc.get("posting_date")),
		customer=ctx.get("customer") or (doc and doc.get("customer")),
		company=ctx.get("company"),
		held_back=reservations.held_back(ctx.item_code, [warehouse], orders=orders),
		rule=rule,
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
	remember_automatic_lot(ctx, out, doc)


def remember_automatic_lot(ctx, out, doc) -> None:
	"""Mark the lot an automatic pick put on a selling row, on the answer and on the row itself."""
	lot = out.get("batch_no")
	out["lot_picked_automatically"] = lot
	for row in (doc.get("items") if doc else None) or []:
		if row.get("name") and row.get("name") == ctx.get("child_docname"):
			if isinstance(row, dict):
				row["lot_picked_automatically"] = lot
			else:
				row.lot_picked_automatically = lot


def set_auto_serial_batch_entries_for_outward(self):
	"""The lots of a bundle ERPNext makes by itself at submit: taken by the app's allocation for
	governed items, by ERPNext among the lots that may move for the others; read as last committed,
	under the locks the voucher took before posting."""
	if self.get("has_serial_no") or not self.get("has_batch_no") or self.get("batches"):
		return erpnext_outward_entries(self)
	context = voucher_context(self.get("voucher_type"), self.get("voucher_no"))
	posting_date = self.get("posting_date") or context.get("posting_date") or nowdate()
	# under the voucher's locks, read as last committed; a bundle made outside a submit, as it is
	reading = HELD if holds_voucher_locks() else PLAIN
	company = self.get("company") or context.get("company")
	wanted = abs(flt(self.actual_qty))
	rule = get_lot_rule(self.item_code, company) if enforcement_enabled() else None
	if rule is None:
		with picking(context.movement, posting_date, reading, context.get("customer"), company):
			result = erpnext_outward_entries(self)
	else:
		allocation = allocate_lots(
			self.item_code,
			[self.warehouse],
			wanted,
			posting_date=posting_date,
			customer=context.get("customer"),
			company=company,
			movement=context.movement,
			reading=reading,
			held_back=reservations.held_back(
				self.item_code, [self.warehouse], self.get("voucher_type"), self.get("voucher_no")
			),
			rule=rule,
		)
		self.batches = OrderedDict((candidate.lot, qty) for candidate, qty in allocation.picks)
		result = None
	picked = sum(flt(qty) for qty in (self.get("batches") or {}).values())
	if enforcement_enabled() and wanted and picked + 1e-6 < wanted:
		explain_shortage(
			self.item_code,
			self.warehouse,
			wanted,
			picked,
			posting_date,
			context.movement,
			company,
			context.get("customer"),
			row_label(self.get("voucher_type"), self.get("voucher_no"), self.get("voucher_detail_no")),
		)
	return result


def row_label(voucher_type: str | None, voucher_no: str | None, row_name: str | None) -> str:
	"""The document and row a bundle is made for, in words."""
	from lot_traceability.enforcement import row_number, unsaved
	from lot_traceability.messages import document_label

	where = document_label(voucher_type or "", voucher_no, saved=(voucher_type, voucher_no) not in unsaved())
	row = row_number(voucher_type, row_name) if voucher_type and row_name else None
	return frappe._("{0}, row {1}").format(where, row) if row else where


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
		with picking(
			Movement.ALLOCATION, nowdate(), LOTS, frappe.flags.get("lot_pick_list_customer"), company
		):
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
		reading=LOTS,
	)
	return [
		frappe._dict(qty=qty, warehouse=candidate.warehouse, item_code=item_code, batch_no=candidate.lot)
		for candidate, qty in allocation.picks
	]


def all_warehouses_with_stock(item_code: str) -> list[str]:
	return balance_queries.get_warehouses_with_stock(item_code)
