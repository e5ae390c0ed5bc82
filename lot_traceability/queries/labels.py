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
