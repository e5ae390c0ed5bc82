"""Promisable Qty (Lots) on Sales Order and Quotation rows: each row's share of what may be promised
to the customer on its delivery date from its warehouse — `promising.promisable_stock`'s figure,
computed without listing the plain lots, so an order's save stays cheap on items with many lots."""

from collections import defaultdict

import frappe
from frappe.utils import flt, getdate, nowdate

from lot_traceability import restrictions
from lot_traceability.allocation import eligibility, requirement_for
from lot_traceability.config import get_lot_rules, get_lot_status, get_settings
from lot_traceability.promising import candidate_of, set_statuses
from lot_traceability.queries import promising as queries
from lot_traceability.traceability import allocation as allocation_core
from lot_traceability.traceability import promising as core
from lot_traceability.traceability.statuses import Movement


def set_order_rows_promisable(doc) -> None:
	"""Each row of a Sales Order or Quotation of a batch-tracked item: what of it may be promised to
	the customer on the row's delivery date from the row's warehouse (and those below it), the order's
	own reservations not counted against it (`promisable_qty`; Settings → Promisable Qty on Sales
	Order and Quotation Rows; off, the rows' figures are emptied, not left stale). The figure is
	`promisable_stock`'s, computed without listing the plain lots (`promisable_by_warehouse`): reads
	per item and delivery date, whatever the number of rows; each row's figure is its places' share."""
	if not get_settings().promisable_on_order_rows:
		for row in doc.get("items") or []:
			row.promisable_qty = None
		return
	customer = doc.get("customer") if doc.doctype == "Sales Order" else None
	if doc.doctype == "Quotation" and doc.get("quotation_to") == "Customer":
		customer = doc.get("party_name")
	order = doc.name if doc.doctype == "Sales Order" and not doc.is_new() else None
	groups = defaultdict(list)  # (date, item) → (row, the row's warehouse and those below it)
	places_of = {}
	for row in doc.get("items") or []:
		row.promisable_qty = None
		warehouse = row.get("warehouse") or doc.get("set_warehouse")
		if row.item_code and warehouse and frappe.get_cached_value("Item", row.item_code, "has_batch_no"):
			if warehouse not in places_of:
				places_of[warehouse] = queries.get_warehouse_and_below(warehouse)
			on_date = row.get("delivery_date") or doc.get("delivery_date") or doc.get("transaction_date")
			groups[(str(getdate(on_date or nowdate())), row.item_code)].append((row, places_of[warehouse]))
	for (on_date, item), rows in sorted(groups.items()):
		figures = promisable_by_warehouse(
			item,
			sorted({place for _row, places in rows for place in places}),
			on_date,
			customer,
			doc.get("company"),
			order,
		)
		for row, places in rows:
			row.promisable_qty = sum(figures.get(place, 0.0) for place in places)


def promisable_by_warehouse(
	item_code: str,
	warehouses,
	on_date,
	customer: str | None = None,
	company: str | None = None,
	exclude_order: str | None = None,
) -> dict[str, float]:
	"""Warehouse → what `promisable_stock` counts as promisable of the item there, read the short way:
	the plainly usable lots (an unrestricted status that may ship, not disabled, outside quarantine
	warehouses, not expired nor short on the date for this customer) are summed in the database, less
	their reservations for other orders; then the warehouse's reservations naming no lot come off that
	sum first (as the core takes them from usable lots before restricted ones); restricted lots, few,
	are read one by one and split by the core with what is left of those reservations. Held, expired,
	short and quarantined stock is promisable nowhere, so it is not read."""
	on_date = getdate(on_date or nowdate())
	rule = get_lot_rules({(item_code, company)}).get((item_code, company))
	requirement = requirement_for(item_code, customer, company, rule)
	request = allocation_core.Request(
		qty=0.0, on_date=on_date, movement=Movement.SHIPMENT, requirement=requirement
	)
	eligible = eligibility(request)
	restricted = {name for name in eligible["statuses"] if name and get_lot_status(name).is_restricted}
	default_status = get_settings().default_receipt_status
	default_restricted = eligible["default_allowed"] and get_lot_status(default_status).is_restricted
	plain = {
		**eligible,
		"statuses": sorted(set(eligible["statuses"]) - restricted) or [""],
		"default_allowed": eligible["default_allowed"] and not default_restricted,
	}
	usable = queries.get_plain_promisable(item_code, warehouses, company, exclude_order, plain)
	places = set(warehouses)
	unassigned = {
		warehouse: qty
		for (item, warehouse), qty in queries.get_unassigned_reservations([item_code], exclude_order).items()
		if item == item_code and warehouse in places
	}
	figures = {warehouse: max(0.0, qty - unassigned.get(warehouse, 0.0)) for warehouse, qty in usable.items()}
	if not restricted and not default_restricted:
		return figures
	rows = queries.get_promising_stock(
		[item_code], warehouses, company, exclude_order, restricted, without_status=default_restricted
	)
	if not rows:
		return figures
	set_statuses(rows)
	held_there = {row.warehouse for row in rows}
	scopes = restrictions.scopes_of(sorted({row.batch for row in rows}))
	result = core.promise(
		[candidate_of(row, scopes.get(row.batch)) for row in rows],
		on_date,
		requirement,
		restrictions.allocation_use(customer, company, Movement.SHIPMENT, on_date) if customer else None,
		{(row.batch, row.warehouse): flt(row.reserved_qty) for row in rows},
		{
			warehouse: max(0.0, qty - usable.get(warehouse, 0.0))
			for warehouse, qty in unassigned.items()
			if warehouse in held_there
		},
	)
	for warehouse in result.warehouses():
		figures[warehouse] = figures.get(warehouse, 0.0) + result.promisable_in(warehouse)
	return figures
