"""The rows of a voucher that move lots, each with its direction and target warehouse."""

from lot_traceability.traceability.movements import INWARD, OUTWARD


def selling_rows(doc):
	"""Items and, for product bundles, the packed items that actually leave stock."""
	direction = INWARD if doc.get("is_return") else OUTWARD
	return [(row, direction, None) for row in [*doc.get("items"), *(doc.get("packed_items") or [])]]


def receiving_rows(doc):
	direction = OUTWARD if doc.get("is_return") else INWARD
	return [(row, direction, None) for row in doc.get("items")]


def stock_entry_rows(doc):
	rows = []
	for row in doc.get("items"):
		if row.s_warehouse:
			rows.append((row, OUTWARD, row.t_warehouse))
		elif row.t_warehouse:
			rows.append((row, INWARD, None))
	return rows


def stock_reconciliation_rows(doc):
	return [(row, INWARD, None) for row in doc.get("items")]


def pick_list_rows(doc):
	return [(row, OUTWARD, None) for row in doc.get("locations")]
