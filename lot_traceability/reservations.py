"""Stock Reservation Entries that respect lots (rules: `traceability.reservations`).

- At submit, a reservation by lot of an item a Lot Rule governs takes its lots with the app's
  allocation, as at the order line's delivery date for the order's customer: where ERPNext picked
  the lots itself (Stock Settings → Auto Reserve Serial and Batch, which a Sales Order's automatic
  reservation uses) they are picked again; lots chosen by hand (or by a Pick List) are checked, and a
  lot that may not serve the order is refused, naming the lot, its status or scope, the order and its
  row. Items no Lot Rule governs are left to ERPNext.
- When a lot changes status (a hold, the daily expiry check, a restricted release's new scope or its
  end: every change is a submitted Lot Status Change), each open reservation holding it is judged
  again in the same transaction: what the lot may no longer serve moves to other eligible lots of the
  same warehouse, or, where none is left, is dropped — a reservation with nothing left is cancelled —
  and the order's owner gets a ToDo naming the order, the lot and the reason. A recall cancels the
  reservations of its lots itself (`recall.demand.release_demand`).

Both decisions read the lots as last committed under their locks (`locks.py`): lots in name order,
then their kept balances; a delivery against the reservation locks the same lots first, so the two
never interleave.
"""

from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import cint, flt, format_date, getdate, nowdate

from lot_traceability import restrictions
from lot_traceability.allocation import HELD, candidates, policy_for, requirement_for, skip_reason
from lot_traceability.config import get_lot_rule
from lot_traceability.enforcement import enforcement_enabled, throw_not_allowed
from lot_traceability.messages import bold, document_label, quantity
from lot_traceability.queries import locks as lock_queries
from lot_traceability.queries import reservations as queries
from lot_traceability.traceability import allocation as allocation_core
from lot_traceability.traceability import reservations as core
from lot_traceability.traceability.statuses import Movement

RECALL_SOURCE = "Recall"


class Reservation:
	"""A reservation as the rules judge it: its order line and the request it makes of a lot."""

	def __init__(self, doc):
		self.doc = doc
		self.line = queries.get_order_line(doc.voucher_type, doc.voucher_detail_no)
		self.company = doc.company or self.line.get("company")
		self.customer = self.line.get("customer")
		self.rule = get_lot_rule(doc.item_code, self.company)
		delivery = self.line.get("delivery_date") or self.line.get("order_delivery_date")
		self.on_date = max(getdate(delivery), getdate(nowdate())) if delivery else getdate(nowdate())
		self.request = allocation_core.Request(
			qty=flt(doc.reserved_qty),
			on_date=self.on_date,
			movement=Movement.ALLOCATION,
			policy=policy_for(doc.item_code, self.company, self.rule),
			requirement=requirement_for(doc.item_code, self.customer, self.company, self.rule),
			use=restrictions.allocation_use(self.customer, self.company, Movement.ALLOCATION, self.on_date),
		)

	@property
	def governed(self) -> bool:
		return self.rule is not None

	def where(self) -> str:
		label = document_label(self.doc.voucher_type, self.doc.voucher_no)
		row = self.line.get("idx")
		return _("{0}, row {1}").format(label, row) if row else label

	def candidates(self) -> list[allocation_core.Candidate]:
		"""Every lot of the item with stock in the reservation's warehouse, read as last committed
		with the lots locked in name order, each with what it has free of other reservations."""
		doc = self.doc
		lock_queries.lock_lots(
			[*lock_queries.lot_names_in_stock(doc.item_code, [doc.warehouse]), *self.lots()]
		)
		found = candidates(doc.item_code, [doc.warehouse], self.request.policy, reading=HELD)
		elsewhere = queries.get_reserved_elsewhere(doc.item_code, doc.warehouse, exclude=doc.name)
		return [
			replace(candidate, qty=max(0.0, candidate.qty - elsewhere.get(candidate.lot, 0.0)))
			for candidate in found
		]

	def lots(self) -> list[str]:
		return [row.batch_no for row in self.doc.get("sb_entries") or [] if row.batch_no]


def by_lot(doc) -> bool:
	return (
		enforcement_enabled()
		and doc.voucher_type == "Sales Order"
		and bool(doc.get("has_batch_no"))
		and not doc.get("has_serial_no")
		and doc.get("reservation_based_on") == "Serial and Batch"
	)


def picked_by_erpnext(doc) -> bool:
	"""ERPNext chose the lots at this submit (`auto_reserve_serial_and_batch`)."""
	return (
		not doc.get("from_voucher_type")
		and doc.get("_action") == "submit"
		and cint(frappe.db.get_single_value("Stock Settings", "auto_reserve_serial_and_batch"))
	)


# At submit -----------------------------------------------------------------------------------------


def take_lots(doc) -> None:
	"""Before a reservation is submitted (after ERPNext's own checks): lots ERPNext picked are picked
	again by the app's allocation; lots chosen otherwise are checked."""
	if not by_lot(doc):
		return
	reservation = Reservation(doc)
	if not reservation.governed:
		return
	if picked_by_erpnext(doc):
		pick_again(reservation)
	else:
		check_lots(reservation, doc.get("sb_entries") or [])


def check_lots(reservation: Reservation, rows) -> None:
	"""Refuse lots chosen for a reservation that may not serve its order."""
	named = {row.batch_no: row for row in rows if row.batch_no}
	if not named:
		return
	found = {c.lot: c for c in reservation.candidates() if c.lot in named}
	refused = core.refusals([found[lot] for lot in named if lot in found], reservation.request)
	if refused:
		throw_not_allowed(
			[refusal_message(reservation, skip, named[skip.candidate.lot].idx) for skip in refused]
		)


def refusal_message(reservation: Reservation, skip, entry_row=None) -> str:
	lot = skip.candidate
	return _("Lot {0} of item {1} ({2}) may not be reserved: {3} — {4}{5}.").format(
		bold(lot.lot),
		bold(reservation.doc.item_code),
		bold(_(lot.status.name)),
		skip_reason(skip, reservation.on_date, Movement.ALLOCATION),
		reservation.where(),
		_(" (reserved lot row {0})").format(entry_row) if entry_row else "",
	)


def pick_again(reservation: Reservation) -> None:
	"""The reservation's lots as the app's allocation takes them (ERPNext took them in its own order
	without the lots' status, the delivery date or the customer's requirements)."""
	doc = reservation.doc
	found = reservation.candidates()
	allocation = core.choose(found, reservation.request)
	if not allocation.picks or (
		allocation.shortfall
		and not cint(frappe.db.get_single_value("Stock Settings", "allow_partial_reservation"))
	):
		throw_none_eligible(reservation, found, allocation)
	doc.set("sb_entries", [])
	for candidate, qty in allocation.picks:
		doc.append("sb_entries", {"batch_no": candidate.lot, "qty": qty, "warehouse": doc.warehouse})
	if allocation.shortfall:
		frappe.msgprint(
			_("{0}, row {1}: only {2} of lots that may serve the order could be reserved.").format(
				document_label(doc.voucher_type, doc.voucher_no),
				reservation.line.idx,
				quantity(allocation.qty, doc.stock_uom),
			),
			title=_("Stock Reservation"),
			indicator="orange",
		)
	doc.validate_reservation_based_on_serial_and_batch()  # ERPNext's checks of the new lots


def throw_none_eligible(reservation: Reservation, found, allocation) -> None:
	doc = reservation.doc
	messages = [
		_(
			"{0}: {1} of {2} are to be reserved in {3} on {4}, and lots there that may serve the order hold {5}."
		).format(
			reservation.where(),
			quantity(reservation.request.qty, doc.stock_uom),
			bold(doc.item_code),
			bold(doc.warehouse),
			format_date(reservation.on_date),
			quantity(allocation.qty, doc.stock_uom),
		)
	]
	messages += [refusal_message(reservation, skip) for skip in core.refusals(found, reservation.request)]
	throw_not_allowed(messages)


# When a lot changes status -----------------------------------------------------------------------


def on_status_change(change) -> None:
	"""After a Lot Status Change is submitted: move (or cancel) the reservations of its lots that the
	lots may no longer serve, in the same transaction. A recall cancels them itself."""
	if not enforcement_enabled() or change.get("source") == RECALL_SOURCE:
		return
	# found on a plain read; each is then read again locked, after its lots (`rehome`)
	for name in queries.get_reservations_of_lots([row.batch for row in change.lots]):
		rehome(frappe.get_doc("Stock Reservation Entry", name), change)


def rehome(doc, change=None) -> core.Plan | None:
	"""Judge one open reservation again and apply what the rules decide."""
	if not by_lot(doc):
		return None
	reservation = Reservation(doc)
	if not reservation.governed:
		return None
	found = reservation.candidates()  # the lots locked first, in name order (as a delivery does)
	header, rows = queries.get_entries_locked(doc.name)
	if not header or header.docstatus != 1 or header.status in ("Delivered", "Cancelled"):
		return None
	reserved = [
		core.Reserved(row.batch_no, flt(row.qty), flt(row.delivered_qty)) for row in rows if row.batch_no
	]
	plan = core.move(reserved, found, reservation.request)
	if not plan.changed:
		return plan
	if plan.cancelled:
		cancel(doc)
	else:
		rewrite(doc, plan, flt(header.delivered_qty))
	record(reservation, plan, change)
	return plan


def rewrite(doc, plan: core.Plan, delivered: float) -> None:
	"""The reservation's lots as the plan has them, posted as ERPNext posts an edit of them (the
	order's reserved quantity, the bin and the status follow)."""
	before = {row.batch_no: row for row in doc.sb_entries if row.batch_no}
	keep = []
	for entry in plan.entries:
		row = before.pop(entry.lot, None)
		if row is None:
			row = doc.append(
				"sb_entries",
				{"batch_no": entry.lot, "qty": entry.qty, "delivered_qty": 0, "warehouse": doc.warehouse},
			)
			row.db_insert()
		elif flt(row.qty) != entry.qty:
			row.db_set("qty", entry.qty, update_modified=False)
		keep.append(row)
	for row in before.values():
		frappe.db.delete("Serial and Batch Entry", {"name": row.name})
	for idx, row in enumerate(keep, start=1):
		if row.idx != idx:
			row.db_set("idx", idx, update_modified=False)
	doc.db_set("reserved_qty", plan.reserved_qty)
	doc.reload()
	doc.delivered_qty = delivered  # as last committed (a delivery may have come since the snapshot)
	doc.update_reserved_qty_in_voucher()
	doc.update_status()
	doc.update_reserved_stock_in_bin()


def cancel(doc) -> None:
	doc.flags.ignore_permissions = True
	doc.cancel()


def record(reservation: Reservation, plan: core.Plan, change=None) -> None:
	"""Say what happened on the reservation and the order; a ToDo for the order's owner where
	anything could not be moved."""
	doc = reservation.doc
	uom = doc.stock_uom
	why = {
		skip.candidate.lot: skip_reason(skip, reservation.on_date, Movement.ALLOCATION)
		for skip in plan.leaving
	}
	cause = _(" by {0}").format(change.name) if change is not None else ""
	lines = []
	for from_lot, to_lot, qty in plan.moves:
		lines.append(
			_("{0} of lot {1} ({2}) moved to lot {3}{4}.").format(
				quantity(qty, uom), bold(from_lot), why[from_lot], bold(to_lot), cause
			)
		)
	for lot, qty in plan.dropped:
		lines.append(
			_("{0} of lot {1} ({2}) no longer reserved{3}: no other lot in {4} may serve the order.").format(
				quantity(qty, uom), bold(lot), why[lot], cause, bold(doc.warehouse)
			)
		)
	if plan.cancelled:
		lines.append(_("Stock Reservation Entry {0} cancelled.").format(bold(doc.name)))
	text = " ".join(lines)
	frappe.get_doc("Stock Reservation Entry", doc.name).add_comment("Info", text)
	if doc.voucher_type and doc.voucher_no:
		frappe.get_doc(doc.voucher_type, doc.voucher_no).add_comment(
			"Info", _("Reservation {0}: {1}").format(bold(doc.name), text)
		)
	if plan.dropped:
		tell_owner(reservation, [lot for lot, _qty in plan.dropped], text)


def tell_owner(reservation: Reservation, lots, text: str) -> None:
	"""A ToDo for the order's owner naming the order, the lots and the reason."""
	owner = reservation.line.get("owner")
	if not owner or not frappe.db.exists("User", owner):
		return
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": owner,
			"reference_type": reservation.doc.voucher_type,
			"reference_name": reservation.doc.voucher_no,
			"description": _("{0}: the reservation of {1} of item {2} could not be kept. {3}").format(
				reservation.where(),
				", ".join(bold(lot) for lot in lots),
				bold(reservation.doc.item_code),
				text,
			),
			"status": "Open",
			"priority": "High",
		}
	).insert(ignore_permissions=True)


def check_edit(doc) -> None:
	"""A submitted reservation whose lots a user changes: the new lots are checked as at submit."""
	if not by_lot(doc):
		return
	reservation = Reservation(doc)
	if reservation.governed:
		check_lots(reservation, doc.get("sb_entries") or [])


def tell_recall_cancelled(name: str, recall: str, lots) -> None:
	"""A recall cancelled this reservation (`recall.demand.release_demand`): the order's owner gets the
	same ToDo as when a hold leaves no lot, naming the order, the recalled lots and the recall."""
	doc = frappe.get_doc("Stock Reservation Entry", name)
	if doc.docstatus != 2 or doc.voucher_type != "Sales Order":
		return
	reservation = Reservation(doc)
	named = sorted(set(lots))
	tell_owner(
		reservation,
		named,
		_("Lots {0} recalled by {1}: Stock Reservation Entry {2} cancelled.").format(
			", ".join(bold(lot) for lot in named), bold(recall), bold(name)
		),
	)


# What a delivery may take ---------------------------------------------------------------------------


def held_back(item_code: str, warehouses, voucher_type=None, voucher_no=None, orders=()) -> dict:
	"""(lot, warehouse) → what open reservations of other orders hold there: stock an automatic pick
	for this voucher may not take (ERPNext keeps reserved batches out of its own picks alike). The
	voucher's own orders (`orders`, else those its rows are made against) keep their reservations
	available to it."""
	if not enforcement_enabled():
		return {}
	orders = set(orders or ()) | set(queries.get_orders_of_voucher(voucher_type, voucher_no))
	return queries.get_reserved_for_others(item_code, warehouses, orders)
