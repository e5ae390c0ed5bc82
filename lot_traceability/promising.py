"""Promisable stock on real data: the kept lot balances with each lot's status, expiry, release scope,
quarantine warehouse and reservations, split by the core (`traceability.promising`) into what may be
promised to an order and why the rest may not. Read by the API (`promisable`), the Lot Availability
report and the Sales Order / Quotation rows: one definition of the figure."""

from collections import defaultdict
from dataclasses import dataclass, field

import frappe
from frappe import _
from frappe.utils import flt, format_date, getdate, nowdate

from lot_traceability import access, restrictions
from lot_traceability.access import Wall
from lot_traceability.allocation import requirement_for, skip_reason
from lot_traceability.config import get_lot_rules, get_lot_status, get_settings
from lot_traceability.messages import bold
from lot_traceability.queries import promising as queries
from lot_traceability.traceability import allocation as allocation_core
from lot_traceability.traceability import promising as core
from lot_traceability.traceability import restrictions as restriction_core
from lot_traceability.traceability.statuses import LotStatus, Movement

DISABLED = LotStatus("Disabled")  # a disabled lot: ERPNext hides it, nothing may ship it


@dataclass
class ItemPromise:
	"""One item's stock split into classes (`core.Promise`), with ERPNext's actual quantity beside it."""

	item_code: str
	promise: core.Promise
	candidates: dict = field(default_factory=dict)  # (lot, warehouse) → core.Candidate
	actual: dict = field(default_factory=dict)  # warehouse → ERPNext's actual quantity (Bin)
	uom: str | None = None

	@property
	def actual_qty(self) -> float:
		return sum(self.actual.values())

	def warehouses(self) -> list[str]:
		return sorted(set(self.actual) | set(self.promise.warehouses()))


def promisable_stock(
	items,
	warehouses=None,
	on_date=None,
	customer: str | None = None,
	company: str | None = None,
	exclude_order: str | None = None,
	walled: Wall | None = None,
) -> tuple[dict[str, ItemPromise], int]:
	"""Each item's promisable stock on `on_date` (the delivery date; default today) for the customer,
	in the warehouses (None: every warehouse) of the company (None: every company). Stock in a
	warehouse the user may not read (`walled`) is left out; returns the promises and how many
	(item, warehouse) places were left out."""
	on_date = getdate(on_date or nowdate())
	rows = queries.get_promising_stock(items, warehouses, company, exclude_order)
	unassigned = queries.get_unassigned_reservations(items, exclude_order)
	actual = queries.get_actual_qty(items, warehouses)
	if company:
		companies = set(frappe.get_all("Warehouse", filters={"company": company}, pluck="name"))
		actual = {key: qty for key, qty in actual.items() if key[1] in companies}
	hidden = set()
	if walled is not None and not walled.open:
		walled.know_warehouses({row.warehouse for row in rows} | {w for _i, w in actual})
		hidden = {(row.item, row.warehouse) for row in rows if not walled.reads_warehouse(row.warehouse)}
		hidden |= {key for key in actual if not walled.reads_warehouse(key[1])}
		rows = [row for row in rows if (row.item, row.warehouse) not in hidden]
		actual = {key: qty for key, qty in actual.items() if key not in hidden}
	set_statuses(rows)
	restricted = [row.batch for row in rows if row.status.is_restricted]
	scopes = restrictions.scopes_of(sorted(set(restricted)))
	by_group = defaultdict(list)  # (item, company) → candidates: the rule is the company's
	for row in rows:
		by_group[(row.item, company or row.company)].append(row)
	rules = get_lot_rules(by_group)
	found = {}
	for item in sorted(set(items)):
		found[item] = ItemPromise(
			item,
			core.Promise(),
			actual={w: qty for (i, w), qty in actual.items() if i == item},
			uom=frappe.get_cached_value("Item", item, "stock_uom"),
		)
	for (item, group_company), group in sorted(
		by_group.items(), key=lambda pair: (pair[0][0], pair[0][1] or "")
	):
		candidates = [candidate_of(row, scopes.get(row.batch)) for row in group]
		result = core.promise(
			candidates,
			on_date,
			requirement_for(item, customer, group_company, rules.get((item, group_company))),
			restrictions.allocation_use(customer, group_company, Movement.SHIPMENT, on_date)
			if customer
			else None,
			{(row.batch, row.warehouse): flt(row.reserved_qty) for row in group},
			{
				warehouse: qty
				for (reserved_item, warehouse), qty in unassigned.items()
				if reserved_item == item and warehouse in {row.warehouse for row in group}
			},
		)
		target = found[item]
		target.promise.shares += result.shares
		target.promise.unbacked_reserved += result.unbacked_reserved
		target.candidates.update({(c.lot, c.warehouse): c for c in candidates})
	return found, len(hidden)


def set_statuses(rows) -> None:
	"""Each row's `status`: its lot's Lot Status (the default receipt status where it has none), or
	DISABLED for a disabled lot; each status read once, not once per lot."""
	default_status = get_settings().default_receipt_status
	statuses = {}
	for row in rows:
		name = row.lot_status or default_status
		if name not in statuses:
			statuses[name] = get_lot_status(name)
		row.status = DISABLED if row.disabled else statuses[name]


def candidate_of(row, scope) -> allocation_core.Candidate:
	return allocation_core.Candidate(
		lot=row.batch,
		warehouse=row.warehouse,
		qty=flt(row.qty),
		status=row.status,
		expiry_date=getdate(row.expiry_date) if row.expiry_date else None,
		manufacturing_date=getdate(row.manufacturing_date) if row.manufacturing_date else None,
		received_date=getdate(row.received_date) if row.received_date else None,
		scope=scope,
		in_quarantine=bool(row.is_quarantine_warehouse),
	)


CLASS_LABELS = {
	core.USABLE: "Usable",
	core.RESTRICTED: "Restricted",
	core.HELD: "Held",
	core.IN_QUARANTINE: "In Quarantine Warehouse",
	core.EXPIRED_AT_DATE: "Expired",
	core.SHORT: "Short Shelf Life",
	core.RESERVED: "Reserved for Other Orders",
}


def class_label(klass: str) -> str:
	return _(CLASS_LABELS[klass])


def why(share: core.Share, candidate, on_date, customer: str | None = None) -> str:
	"""Why a share counts (or not) toward the promisable figure, in words."""
	if share.klass == core.USABLE:
		return _("may be promised")
	if share.klass == core.RESERVED:
		return _("reserved for other orders")
	if share.klass == core.RESTRICTED:
		summary = restrictions.scope_summary(candidate.scope, None) if candidate.scope else ""
		if share.promisable >= share.qty - allocation_core.EPSILON:
			return _("released {0}: this customer is in scope").format(summary)
		if share.promisable > 0:
			return _("released {0}: {1} left of its cap").format(summary, flt(share.promisable))
		if share.skip is not None and share.skip.scope_problem == restriction_core.CUSTOMER:
			if not share.skip.candidate.scope or not customer:
				return _("released {0}: promised only to a customer in its scope").format(summary)
			return _("released {0}: not for this customer").format(summary)
	if share.klass == core.HELD and candidate.status is DISABLED:
		return _("lot disabled")
	if share.skip is not None:
		return skip_reason(share.skip, on_date)
	return class_label(share.klass)


def lot_rows(found: ItemPromise, on_date, customer: str | None = None) -> list[dict]:
	"""One row per lot, warehouse and class: the lots behind each figure."""
	rows = []
	for share in sorted(
		found.promise.shares, key=lambda s: (s.warehouse, core.CLASSES.index(s.klass), s.lot)
	):
		candidate = found.candidates[(share.lot, share.warehouse)]
		rows.append(
			{
				"lot": share.lot,
				"warehouse": share.warehouse,
				"qty": share.qty,
				"class": share.klass,
				"class_label": class_label(share.klass),
				"promisable": share.promisable,
				"lot_status": candidate.status.name,
				"expiry_date": candidate.expiry_date,
				"reason": why(share, candidate, on_date, customer),
			}
		)
	return rows


def expiring_within(found: ItemPromise, warehouse: str, on_date, days: int) -> float:
	"""Of the promisable stock in the warehouse, what expires within `days` of the date."""
	horizon = getdate(on_date).toordinal() + int(days)
	return sum(
		share.promisable
		for share in found.promise.shares
		if share.warehouse == warehouse
		and share.promisable
		and (expiry := found.candidates[(share.lot, share.warehouse)].expiry_date)
		and expiry.toordinal() <= horizon
	)


def as_dict(found: ItemPromise, on_date, with_lots: bool = True, customer: str | None = None) -> dict:
	"""The API's answer for one item."""
	totals = found.promise.totals()
	answer = {
		"item_code": found.item_code,
		"uom": found.uom,
		"date": getdate(on_date),
		"date_label": format_date(on_date),
		"actual_qty": found.actual_qty,
		"promisable": totals["promisable"],
		"on_hand": totals["on_hand"],
		"totals": totals,
		"labels": {klass: class_label(klass) for klass in core.CLASSES},
		"unbacked_reserved": found.promise.unbacked_reserved,
		"warehouses": [
			{
				"warehouse": warehouse,
				"actual_qty": found.actual.get(warehouse, 0.0),
				**found.promise.totals(warehouse),
			}
			for warehouse in found.warehouses()
		],
	}
	if with_lots:
		answer["lots"] = lot_rows(found, on_date, customer)
	return answer


def promisable_for_user(
	item_code: str,
	warehouses=None,
	on_date=None,
	customer: str | None = None,
	company: str | None = None,
	sales_order: str | None = None,
) -> dict:
	"""The API's answer: one item's promisable stock, within the company walls. An item, customer or
	order the user may not read, and a company or named warehouse outside their walls, are refused;
	with no warehouse named, stock in warehouses they may not read is left out and counted. Lots are
	listed only to a user who may read lots."""
	if not item_code or not frappe.db.exists("Item", item_code):
		frappe.throw(_("Item {0} does not exist.").format(bold(item_code or "")), frappe.DoesNotExistError)
	if not frappe.has_permission("Item", "read", item_code):
		frappe.throw(
			_("You may not read item {0}.").format(bold(item_code)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	for doctype, name in (("Customer", customer), ("Sales Order", sales_order)):
		if name and not frappe.has_permission(doctype, "read", name):
			frappe.throw(
				_("You may not read {0} {1}.").format(_(doctype), bold(name)),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
	warehouses = [warehouses] if isinstance(warehouses, str) else [w for w in warehouses or () if w]
	walled = access.wall()
	if company:
		access.check_company_access(company, walled)
	for warehouse in warehouses:
		access.check_warehouse_access(warehouse, walled)
	on_date = getdate(on_date or nowdate())
	places = sorted({place for name in warehouses for place in queries.get_warehouse_and_below(name)})
	found, hidden = promisable_stock(
		[item_code], places or None, on_date, customer, company, sales_order, walled
	)
	answer = as_dict(found[item_code], on_date, bool(frappe.has_permission("Batch", "read")), customer)
	answer.update(customer=customer, company=company, hidden=hidden)
	answer["hidden_note"] = access.hidden_note(access.hidden_counts(locations=hidden)) if hidden else None
	return answer


def availability(
	item_code=None,
	item_group=None,
	warehouse=None,
	company=None,
	on_date=None,
	customer=None,
	days: int = 30,
) -> tuple[list[dict], dict[str, float], int]:
	"""The Lot Availability report's rows (item × warehouse: each class, ERPNext's actual quantity,
	what is promisable and what of it expires within `days`), the totals of every class, and how
	many places the user's walls left out. A company or warehouse outside the walls is refused."""
	walled = access.wall()
	if company:
		access.check_company_access(company, walled)
	warehouses = None
	if warehouse:
		access.check_warehouse_access(warehouse, walled)
		warehouses = queries.get_warehouse_and_below(warehouse)
	check_customer_read(customer)
	on_date = getdate(on_date or nowdate())
	items = [
		item
		for item in queries.get_items(item_code, item_group)
		if frappe.has_permission("Item", "read", item)
	]
	found, hidden = promisable_stock(items, warehouses, on_date, customer, company, None, walled)
	rows, totals = [], dict.fromkeys([*core.CLASSES, "promisable", "on_hand", "actual_qty"], 0.0)
	for item in items:
		for place in found[item].warehouses():
			figures = found[item].promise.totals(place)
			row = {
				"item_code": item,
				"warehouse": place,
				"uom": found[item].uom,
				"actual_qty": found[item].actual.get(place, 0.0),
				**figures,
				"expiring": expiring_within(found[item], place, on_date, days),
			}
			rows.append(row)
			for key in totals:
				totals[key] += row[key]
	return rows, totals, hidden


def unusable_qty(item_code: str, warehouse: str, company: str | None, on_date=None) -> float:
	"""Stock of the item in the warehouse (and below it) that production may not use: held lots,
	lots expired on the date and stock in quarantine warehouses (what planning must not count)."""
	found, _hidden = promisable_stock(
		[item_code], queries.get_warehouse_and_below(warehouse), on_date, company=company
	)
	totals = found[item_code].promise.totals()
	return totals[core.HELD] + totals[core.IN_QUARANTINE] + totals[core.EXPIRED_AT_DATE]


NOT_USABLE = (core.HELD, core.IN_QUARANTINE, core.EXPIRED_AT_DATE)


def unusable_by_place(items, on_date=None) -> dict[tuple[str, str], float]:
	"""(item, warehouse) → the stock planning may not count (held, expired on the date, in a
	quarantine warehouse), for each item a Lot Rule governs in the warehouse's company; places with
	none are left out. One read of the kept balances for all the items (`unusable_qty` for one)."""
	items = sorted({item for item in items if item})
	if not items:
		return {}
	found, _hidden = promisable_stock(items, None, on_date)
	places = {(item, share.warehouse) for item in items for share in found[item].promise.shares}
	company_of = dict(
		frappe.get_all(
			"Warehouse",
			filters={"name": ("in", sorted({warehouse for _item, warehouse in places}) or [""])},
			fields=["name", "company"],
			as_list=True,
		)
	)
	rules = get_lot_rules({(item, company_of.get(warehouse)) for item, warehouse in places})
	unusable = defaultdict(float)
	for item in items:
		for share in found[item].promise.shares:
			if share.klass in NOT_USABLE and rules.get((item, company_of.get(share.warehouse))):
				unusable[(item, share.warehouse)] += share.qty
	return {place: qty for place, qty in unusable.items() if qty > allocation_core.EPSILON}


def lot_promise_for_user(batch: str, on_date=None, customer: str | None = None) -> dict:
	"""One lot's part of its item's promisable stock (the Batch form's dashboard): per warehouse, the
	class its stock falls in, what of it may be promised and why, beside the item's totals. A lot,
	customer or company the user may not read is refused; warehouses they may not read are left out."""
	if not batch or not frappe.db.exists("Batch", batch):
		frappe.throw(_("Lot {0} does not exist.").format(bold(batch or "")), frappe.DoesNotExistError)
	walled = access.wall()
	access.check_lot_access(batch, walled)
	check_customer_read(customer)
	on_date = getdate(on_date or nowdate())
	item_code = frappe.db.get_value("Batch", batch, "item")
	found, hidden = promisable_stock([item_code], None, on_date, customer, None, None, walled)
	item = found[item_code]
	rows = [row for row in lot_rows(item, on_date, customer) if row["lot"] == batch]
	totals = dict.fromkeys([*core.CLASSES, "promisable", "on_hand"], 0.0)
	for row in rows:
		totals[row["class"]] += row["qty"]
		totals["promisable"] += row["promisable"]
		totals["on_hand"] += row["qty"]
	return {
		"batch": batch,
		"item_code": item_code,
		"uom": item.uom,
		"date": on_date,
		"date_label": format_date(on_date),
		"customer": customer,
		"labels": {klass: class_label(klass) for klass in core.CLASSES},
		"totals": totals,
		"rows": rows,
		"item_totals": item.promise.totals(),
		"item_actual_qty": item.actual_qty,
		"hidden": hidden,
		"hidden_note": access.hidden_note(access.hidden_counts(locations=hidden)) if hidden else None,
	}


def check_customer_read(customer: str | None) -> None:
	"""Refuse, naming it, a customer the user may not read (none named: nothing to check)."""
	if customer and not frappe.has_permission("Customer", "read", customer):
		frappe.throw(
			_("You may not read {0} {1}.").format(_("Customer"), bold(customer)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
