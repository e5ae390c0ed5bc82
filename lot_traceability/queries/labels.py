"""Reads behind lot labels and scanning: item barcodes, lots by label, a lot's stock."""

import frappe


def get_item_barcodes(item_code: str) -> list[str]:
	"""The item's barcodes in the order of its barcode table."""
	return frappe.get_all(
		"Item Barcode", filters={"parent": item_code, "parenttype": "Item"}, pluck="barcode", order_by="idx"
	)


def get_item_by_barcode(barcodes) -> str | None:
	"""The item that carries one of these barcodes."""
	return frappe.db.get_value(
		"Item Barcode", {"barcode": ("in", list(barcodes)), "parenttype": "Item"}, "parent"
	)


def get_label_values(batch: str) -> dict | None:
	return frappe.db.get_value(
		"Batch", batch, ["name", "batch_id", "item", "expiry_date", "manufacturing_date"], as_dict=True
	)


def find_lot_of_item(item_code: str, lot: str) -> str | None:
	"""The item's lot with this batch id, else with this supplier lot no."""
	return frappe.db.get_value("Batch", {"item": item_code, "batch_id": lot}) or frappe.db.get_value(
		"Batch", {"item": item_code, "supplier_lot_no": lot}
	)


def lot_exists(batch: str) -> bool:
	return bool(batch and frappe.db.exists("Batch", batch))


def get_lot_stock(batch: str) -> list[dict]:
	"""The lot's kept stock per warehouse (warehouses where it is not zero)."""
	return frappe.get_all(
		"Lot Balance",
		filters={"batch": batch, "qty": ("!=", 0)},
		fields=["warehouse", "qty"],
		order_by="warehouse",
	)


def get_lot_by_id(lot_id: str):
	"""The lot whose name or batch id is this (any case: the columns' collation ignores it)."""
	return frappe.db.get_value(
		"Batch", {"name": lot_id}, ["name", "item"], as_dict=True
	) or frappe.db.get_value("Batch", {"batch_id": lot_id}, ["name", "item"], as_dict=True)


def find_lots(text: str, limit: int) -> list[str]:
	"""Lots of this supplier lot no; else lots whose id or supplier lot no contains the text."""
	exact = frappe.get_all(
		"Batch", filters={"supplier_lot_no": text}, pluck="name", order_by="name", limit=limit
	)
	if exact:
		return exact
	pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
	return frappe.get_all(
		"Batch",
		or_filters={"name": ("like", pattern), "supplier_lot_no": ("like", pattern)},
		pluck="name",
		order_by="name",
		limit=limit,
	)
