"""Scanning GS1 lot labels on stock forms: what a scan puts on a row, and refusing at once a lot
whose status or expiry forbids the movement."""

import re

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from lot_traceability import access
from lot_traceability.enforcement import check_lots, throw_refusals
from lot_traceability.messages import Refusal, bold, esc
from lot_traceability.pickers import offered
from lot_traceability.queries import labels as label_queries
from lot_traceability.queries import lots as lot_queries
from lot_traceability.traceability import gs1
from lot_traceability.traceability.movements import INWARD, OUTWARD, classify

INWARD_DOCTYPES = {"Purchase Receipt", "Purchase Invoice", "Subcontracting Receipt"}


class LabelError(Refusal, frappe.ValidationError):
	pass


def read_label(text: str) -> gs1.Gs1Data:
	try:
		return gs1.parse((text or "").strip("\r\n"))
	except gs1.Gs1Error as error:
		frappe.throw(
			_("Not a valid GS1 lot label: {0}").format(esc(error)), LabelError, title=_("Label Not Read")
		)


def item_of(data: gs1.Gs1Data) -> str:
	"""The item whose barcode is the label's GTIN (as GTIN-14, or as the shorter GTIN it pads)."""
	if not data.gtin:
		frappe.throw(_("The label carries no GTIN (01): the item cannot be known."), LabelError)
	forms = {data.gtin, data.gtin.lstrip("0")}
	for length in (8, 12, 13):
		forms.add(data.gtin[-length:])
	item = label_queries.get_item_by_barcode(forms)
	if not item:
		frappe.throw(
			_("No item has the barcode {0} (GTIN of the scanned label).").format(bold(data.gtin)),
			LabelError,
		)
	return item


def find_lot(item_code: str, lot: str | None) -> str | None:
	"""The lot of the item named on the label: its batch id (or name), else its supplier lot no."""
	if not lot:
		return None
	return label_queries.find_lot_of_item(item_code, lot)


def label_lot(data: gs1.Gs1Data) -> tuple[str | None, str | None]:
	"""(item, lot) a label names. With a GTIN: the item, and its lot by id or supplier lot no. Without
	one (the app prints lots of items without a GTIN with their lot id only): the lot by its id, which
	is unique, and its item."""
	if data.gtin:
		item = item_of(data)
		return item, find_lot(item, data.lot)
	if not data.lot:
		frappe.throw(_("The label carries neither a GTIN (01) nor a lot (10)."), LabelError)
	lot = label_queries.get_lot_by_id(data.lot)
	if not lot:
		frappe.throw(
			_("The label carries no GTIN (01) and no lot has the id {0}.").format(bold(data.lot)),
			LabelError,
		)
	return lot.item, lot.name


def scan(text: str, doctype: str, purpose: str | None = None, posting_date=None) -> dict:
	"""The row values a scanned label gives on `doctype`. Inward (receipts): item, quantity, supplier
	lot no and the supplier's dates, for the lot to be made. Outward: item and lot, after checking
	the lot may make the movement on the posting date (refused at once, naming lot and status)."""
	data = read_label(text)
	qty = data.count or data.trade_item_count or (float(data.net_weight_kg) if data.net_weight_kg else 1)
	inward = doctype in INWARD_DOCTYPES or (doctype == "Stock Entry" and purpose == "Material Receipt")
	if inward:
		item = item_of(data)
		return {
			"item_code": item,
			"qty": qty,
			"supplier_lot_no": data.lot,
			"supplier_expiry_date": data.expiry or data.best_before,
			"supplier_manufacturing_date": data.production_date,
		}
	item, batch = label_lot(data)
	if not batch:
		frappe.throw(
			_("No lot {0} of item {1} is known.").format(bold(data.lot or ""), bold(item)),
			LabelError,
		)
	access.check_lot_access(batch)
	on_date = getdate(posting_date or nowdate())
	movement = classify(doctype, OUTWARD if doctype not in INWARD_DOCTYPES else INWARD, purpose)
	# read as last committed: a hold confirmed a moment ago refuses the scan
	refusals = check_lots([batch], movement, on_date, for_update=True)
	throw_refusals([(None, refusal) for refusal in refusals], doctype, None, on_date)
	return {"item_code": item, "qty": qty, "batch_no": batch, "use_serial_batch_fields": 1}


MAX_MATCHES = 20


def lookup(text: str) -> dict:
	"""A lot by what a person types or scans: its id (any case), a supplier lot no, a GS1 label (with
	or without a GTIN), or part of an id or supplier lot no. One lot: its status, expiry, supplier lot
	and stock by warehouse. Several: the list to choose from (`matches`). None: an empty list and
	the reason in words (`message`)."""
	text = (text or "").strip()
	if not text:
		return {"matches": [], "message": _("Type or scan a lot id, a supplier lot no or a lot label.")}
	try:
		names = candidates_for(text)
	except LabelError as error:
		frappe.clear_last_message()
		return {"matches": [], "message": str(error)}
	if not names:
		return {
			"matches": [],
			"message": _(
				"No lot matches {0}. Type a lot id, a supplier lot no (or part of one), or scan a lot label."
			).format(bold(text)),
		}
	walled = access.wall()
	readable = walled.readable_lots(names)
	if len(readable) < len(names) and (len(names) == 1 or not readable):
		access.check_lot_access(names[0], walled)  # the lot asked for: refused, naming it
	hidden = access.hidden_counts(lots=len(names) - len(readable))
	names = [name for name in names if name in readable]
	lots = lot_queries.get_lots(names)
	if len(names) > 1:
		return {
			"hidden": hidden,
			"hidden_note": access.hidden_note(hidden),
			"matches": [
				{
					"batch": name,
					"item": lots[name].item,
					"lot_status": lots[name].lot_status,
					"expiry_date": lots[name].expiry_date,
					"supplier_lot_no": lots[name].supplier_lot_no,
				}
				for name in names
				if name in lots
			],
		}
	lot = lots[names[0]]
	found = {
		"batch": lot.name,
		"item": lot.item,
		"lot_status": lot.lot_status,
		"expiry_date": lot.expiry_date,
		"supplier_lot_no": lot.supplier_lot_no,
		"balances": [
			row for row in label_queries.get_lot_stock(lot.name) if walled.reads_warehouse(row.warehouse)
		],
	}
	if looks_like_gs1(text):  # what the label itself says: its lot, expiry and quantity
		data = read_label(text)
		found["label"] = {
			"lot": data.lot,
			"expiry_date": data.expiry or data.best_before,
			"qty": data.count
			or data.trade_item_count
			or (float(data.net_weight_kg) if data.net_weight_kg else None),
			"gtin": data.gtin,
		}
	return found


def candidates_for(text: str) -> list[str]:
	"""Lot names the text stands for, best first: a GS1 label's lot; the lot with this id; the lots
	of this supplier lot no; the lot a raw GS1 string names when it exists; lots whose id or supplier
	lot no contains the text (at most MAX_MATCHES)."""
	if looks_like_gs1(text):
		_item, batch = label_lot(read_label(text))
		return [batch] if batch else []
	exact = label_queries.get_lot_by_id(text)
	if exact:
		return [exact.name]
	# typed text that also reads as a raw GS1 string (e.g. "10" + a lot id): the lot it names when
	# that lot exists, else the text is part of an id or supplier lot no like any other
	named = label_lot_or_none(parsed_label(text))
	return [named] if named else label_queries.find_lots(text, MAX_MATCHES)


def label_lot_or_none(label: gs1.Gs1Data | None) -> str | None:
	"""The lot a raw GS1 string names, or None when it names none that exists (without a message
	left for the user)."""
	if not label or not label.lot:
		return None
	try:
		return label_lot(label)[1]
	except LabelError:
		frappe.clear_last_message()
		return None


def parsed_label(text: str) -> gs1.Gs1Data | None:
	"""The text as a raw GS1 element string, when it reads as one (a label without a GTIN starts with
	its dates or its lot), else None."""
	try:
		return gs1.parse(text)
	except gs1.Gs1Error:
		return None


GS1_START = re.compile(r"^(\(|\]|\x1d|01\d{14})")


def looks_like_gs1(text: str | None) -> bool:
	"""A GS1 element string (bracketed, with a symbology identifier or GS, or raw starting with a
	GTIN) rather than a plain barcode or lot number."""
	return bool(text) and (bool(GS1_START.match(text)) or "\x1d" in text)


def scan_for_any_form(text: str) -> dict | None:
	"""A GS1 label scanned in ERPNext's own scan field (which does not say which form it is on): the
	item and, for a known lot, the lot — refused at once when its status allows no outward use or
	it is expired. None when the text is no GS1 label."""
	if not looks_like_gs1(text):
		return None
	try:
		data = gs1.parse(text)
	except gs1.Gs1Error:
		return None
	if not data.gtin and not data.lot:
		return None
	item, batch = label_lot(data)
	found = {"item_code": item, "barcode": text}
	if batch:
		access.check_lot_access(batch)
		if not offered([(batch,)], {"posting_date": nowdate()}, first_page=False):
			lot = lot_queries.get_lots([batch])[batch]
			frappe.throw(
				_("Lot {0} of item {1} is {2}: it may not be picked, shipped or issued.").format(
					bold(batch), bold(item), bold(_(lot.lot_status or ""))
				),
				LabelError,
				title=_("Lot Not Allowed"),
			)
		found["batch_no"] = batch
	return found
