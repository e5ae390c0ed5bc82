"""Sales Order: each row's Promisable Qty (Lots) beside ERPNext's Actual Qty."""

from lot_traceability.order_rows import set_order_rows_promisable


def validate(doc, method=None):
	set_order_rows_promisable(doc)
