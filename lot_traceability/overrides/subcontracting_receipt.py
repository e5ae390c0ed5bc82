"""A Subcontracting Receipt brings lots in as a Purchase Receipt does, and links the supplied lots it
consumed to the lots it received."""

from lot_traceability.genealogy.records import record_voucher
from lot_traceability.overrides.purchase_receipt import before_cancel, before_submit, before_validate
from lot_traceability.overrides.purchase_receipt import on_submit as record_receipt


def on_submit(doc, method=None):
	record_receipt(doc)
	record_voucher(doc.doctype, doc.name)


def on_cancel(doc, method=None):
	record_voucher(doc.doctype, doc.name)


__all__ = ["before_cancel", "before_submit", "before_validate", "on_cancel", "on_submit"]
