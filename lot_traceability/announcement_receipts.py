"""An announced shipment at the door: a Lot Announcement checked as saved, the Purchase Receipt made
from it, and the receipt reconciled with it — each lot's finding recorded on the announcement, the
lots that differ held where the rule says so (rules: `traceability.announcements`)."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import cstr, flt, getdate, now_datetime

from lot_traceability.announcements import MAX_LISTED, AnnouncementError
from lot_traceability.config import get_lot_rules
from lot_traceability.messages import bold, esc
from lot_traceability.queries import announcements as q
from lot_traceability.status_changes import change_lot_status
from lot_traceability.traceability import announcements as core


def validate_announcement(doc) -> None:
	"""Before saving: units and stock quantities, each lot's date problem, the order's party."""
	if doc.purchase_order:
		order = q.get_purchase_order(doc.purchase_order)
		if not order or order.supplier != doc.supplier or order.company != doc.company:
			frappe.throw(
				_("Purchase Order {0} is not an order of {1} for {2}.").format(
					bold(doc.purchase_order), bold(doc.supplier), bold(doc.company)
				),
				AnnouncementError,
			)
	units = q.get_item_units(row.item_code for row in doc.lots)
	for row in doc.lots:
		unit = units.get(row.item_code) or frappe._dict(stock_uom=None, factors={})
		row.uom = row.uom or unit.stock_uom
		factor = unit.factors.get(row.uom)
		if not factor:
			frappe.throw(
				_("Row {0}: unit {1} is not a unit of item {2}.").format(
					row.idx, bold(row.uom), bold(row.item_code)
				),
				AnnouncementError,
			)
		row.stock_qty = flt(row.qty) * factor
		row.manufacturing_date = getdate(row.manufacturing_date) if row.manufacturing_date else None
		row.expiry_date = getdate(row.expiry_date) if row.expiry_date else None
		dated = core.AnnouncedLot(
			row.supplier_lot_no, row.qty, production_date=row.manufacturing_date, expiry_date=row.expiry_date
		)
		row.date_problem = _("Expiry on or before production") if dated.date_problem else None


def make_purchase_receipt(source_name: str, target_doc=None):
	"""*Create → Purchase Receipt*: a draft receipt of the announced lots, one row each, with their
	supplier lot nos, dates and quantities, tied to the matched order's rows (rate, warehouse)."""
	from frappe.model.mapper import get_mapped_doc

	source = frappe.get_doc("Lot Announcement", source_name)
	order_rows = defaultdict(list)
	if source.purchase_order:
		for row in q.get_order_rows(source.purchase_order):
			order_rows[row.item_code].append(row)

	def update_row(announced, target, _parent):
		target.received_qty = announced.qty
		target.stock_qty = announced.stock_qty
		target.conversion_factor = flt(announced.stock_qty) / flt(announced.qty) if flt(announced.qty) else 1
		rows = order_rows.get(announced.item_code)
		if rows:
			ordered = rows[0]
			target.purchase_order = source.purchase_order
			target.purchase_order_item = ordered.name
			target.rate = ordered.rate
			target.warehouse = ordered.warehouse

	def set_missing_values(_source, target):
		target.run_method("set_missing_values")
		target.run_method("calculate_taxes_and_totals")

	return get_mapped_doc(
		"Lot Announcement",
		source_name,
		{
			"Lot Announcement": {
				"doctype": "Purchase Receipt",
				"field_map": {"name": "lot_announcement", "despatch_advice": "supplier_delivery_note"},
				"field_no_map": ["naming_series", "status", "purchase_order"],
				"validation": {"status": ["=", "Announced"]},
			},
			"Lot Announcement Lot": {
				"doctype": "Purchase Receipt Item",
				"field_map": {
					"supplier_lot_no": "supplier_lot_no",
					"manufacturing_date": "supplier_manufacturing_date",
					"expiry_date": "supplier_expiry_date",
				},
				"field_no_map": ["batch_no", "received_qty", "stock_qty"],
				"postprocess": update_row,
			},
		},
		target_doc,
		set_missing_values,
	)


# ---------------------------------------------------------------- reconciliation at receipt


def announcement_of(doc) -> str | None:
	"""The announcement a receipt receives: the one it names, else the only open one of its orders."""
	if doc.get("is_return") or not doc.get("supplier"):
		return None
	if doc.get("lot_announcement"):
		return doc.lot_announcement
	found = q.get_open_announcement_of_orders(doc.supplier, {row.get("purchase_order") for row in doc.items})
	if len(found) == 1:
		doc.db_set("lot_announcement", found[0], update_modified=False)
		return found[0]
	return None


def received_lines(receipts) -> tuple[list[core.Line], dict[str, str]]:
	"""What the receipts brought in, one line a row (its first lot), and each row's receipt."""
	lots = defaultdict(list)
	for entry in q.get_received_lots(receipts):
		lots[entry.voucher_detail_no].append(entry.batch_no)
	lines, receipt_of = [], {}
	for row in q.get_receipt_rows(receipts):
		receipt_of[row.name] = row.parent
		lines.append(
			core.Line(
				item=row.item_code,
				supplier_lot_no=row.supplier_lot_no,
				qty=flt(row.received_qty or row.qty) * flt(row.conversion_factor or 1),
				production_date=row.supplier_manufacturing_date,
				expiry_date=row.supplier_expiry_date,
				lot=(lots.get(row.name) or [None])[0],
				row=row.name,
			)
		)
	return lines, receipt_of


def reconcile_receipt(doc) -> list[core.Discrepancy]:
	"""On a receipt's submit or cancel: reconcile its announcement with every submitted receipt of it,
	store the findings, and (on submit) hold this receipt's lots that differ where their rule says so."""
	name = announcement_of(doc)
	if not name:
		return []
	# read under the announcement's lock, as last committed: two receipts of it are reconciled one
	# after the other, the second with the first
	announcement = frappe.get_doc("Lot Announcement", name, for_update=True)
	receipts = q.get_receipts_of(name)
	announced = [
		core.Line(
			row.item_code, row.supplier_lot_no, flt(row.stock_qty), row.manufacturing_date, row.expiry_date
		)
		for row in announcement.lots
	]
	received, receipt_of = received_lines(receipts)
	found = core.reconcile(announced, received) if receipts else []
	held = hold_differing_lots(doc, announcement, found) if doc.docstatus == 1 else set()
	record(announcement, received, receipt_of, found, held, receipts)
	if found and doc.docstatus == 1:
		frappe.msgprint(
			_("{0} differs from {1}: {2}").format(
				bold(doc.name), bold(name), esc("; ".join(describe(d) for d in found[:MAX_LISTED]))
			),
			title=_("Lot Announcement Findings"),
			indicator="orange",
		)
	return found


def record(announcement, received, receipt_of, found, held, receipts) -> None:
	totals, lots = defaultdict(float), {}
	for line in received:
		key = core.lot_key(line.item, line.supplier_lot_no)
		totals[key] += line.qty
		lots.setdefault(key, line.lot)
	for row in announcement.lots:
		key = core.lot_key(row.item_code, row.supplier_lot_no)
		row.received_qty = totals.get(key, 0.0)
		row.batch_no = lots.get(key)
	announcement.set("findings", [])
	for d in found:
		announcement.append(
			"findings",
			{
				"finding": d.finding.value,
				"item_code": d.item,
				"supplier_lot_no": d.supplier_lot_no,
				"batch_no": d.lot,
				"announced": cstr(d.announced if d.announced is not None else ""),
				"received": cstr(d.received if d.received is not None else ""),
				"purchase_receipt": receipt_of.get(d.row),
				"held": 1 if d.lot and d.lot in held else 0,
			},
		)
	announcement.status = "Announced" if not receipts else "Received with Findings" if found else "Received"
	announcement.purchase_receipt = receipts[-1] if receipts else None
	announcement.reconciled_on = now_datetime() if receipts else None
	announcement.flags.ignore_permissions = True
	announcement.flags.reconciling = True
	# the lots were read as last committed; Frappe's link check reads this transaction's snapshot, in
	# which a lot another receipt made after it began does not exist yet
	announcement.flags.ignore_links = True
	announcement.save()


def hold_differing_lots(doc, announcement, found) -> set[str]:
	"""This receipt's lots a finding concerns, moved to their Lot Rule's announcement mismatch status."""
	mine = {row.name for row in doc.items}
	lots = {d.lot: d for d in found if d.lot and d.row in mine and d.finding is not core.Finding.NOT_RECEIVED}
	if not lots:
		return set()
	rules = get_lot_rules((d.item, doc.company) for d in lots.values())
	by_status = defaultdict(list)
	for lot, d in sorted(lots.items()):
		rule = rules.get((d.item, doc.company))
		if rule and rule.announcement_mismatch_status:
			by_status[rule.announcement_mismatch_status].append(lot)
	for status, batches in by_status.items():
		change_lot_status(
			batches,
			status,
			reason=_("Received unlike Lot Announcement {0}: {1}").format(
				announcement.name, "; ".join(describe(lots[lot]) for lot in batches)
			),
			reference_doctype="Lot Announcement",
			reference_name=announcement.name,
			source="System",
			by_system=True,
		)
	return {lot for batches in by_status.values() for lot in batches}


def describe(d: core.Discrepancy) -> str:
	what = {
		core.Finding.NOT_ANNOUNCED: _("lot {0} of {1} received, not announced ({2})"),
		core.Finding.NOT_RECEIVED: _("lot {0} of {1} announced, not received ({2})"),
		core.Finding.QUANTITY: _("lot {0} of {1}: quantity {2}"),
		core.Finding.PRODUCTION_DATE: _("lot {0} of {1}: production date {2}"),
		core.Finding.EXPIRY_DATE: _("lot {0} of {1}: expiry date {2}"),
	}[d.finding]
	if d.finding is core.Finding.NOT_ANNOUNCED:
		figures = cstr(d.received)
	elif d.finding is core.Finding.NOT_RECEIVED:
		figures = cstr(d.announced)
	else:
		figures = _("{0} announced, {1} received").format(cstr(d.announced), cstr(d.received))
	return what.format(d.supplier_lot_no, d.item, figures)
