"""Lot labels: a lot's GS1 element string and its QR code, for print formats (jinja methods)."""

import frappe
from frappe.utils import getdate

from lot_traceability.messages import Refused, bold, esc
from lot_traceability.qr import qr_png_data_uri
from lot_traceability.queries import labels as label_queries
from lot_traceability.traceability import gs1


def item_gtin(item_code: str) -> str | None:
	"""The item's GTIN: the first of its barcodes that is a valid GTIN-8/12/13/14."""
	return gs1.first_gtin(label_queries.get_item_barcodes(item_code))


def lot_gs1_string(batch: str, raw: bool = False) -> str:
	"""The GS1 element string of a lot: (01) GTIN where the item has one, (17) expiry, (11)
	production date, (10) lot. Human-readable unless `raw` (as carried in the QR code)."""
	lot = label_queries.get_label_values(batch)
	if not lot:
		frappe.throw(frappe._("Lot {0} does not exist.").format(bold(batch)), frappe.DoesNotExistError)
	data = gs1.Gs1Data(
		gtin=item_gtin(lot.item),
		lot=lot.batch_id or lot.name,
		expiry=getdate(lot.expiry_date) if lot.expiry_date else None,
		production_date=getdate(lot.manufacturing_date) if lot.manufacturing_date else None,
	)
	try:
		return gs1.build(data, raw=raw)
	except gs1.Gs1Error as error:
		frappe.throw(
			frappe._("Lot {0} cannot be written as a GS1 label: {1}").format(bold(batch), esc(error)),
			title=frappe._("No GS1 Label"),
			exc=Refused,
		)


def lot_qr_data_uri(batch: str) -> str:
	"""A PNG data URI of the GS1 QR Code carrying the lot's GS1 element string."""
	return qr_png_data_uri(lot_gs1_string(batch, raw=True), gs1=True)
