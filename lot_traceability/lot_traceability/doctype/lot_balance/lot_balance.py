# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class LotBalance(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		batch: DF.Link | None
		item: DF.Link | None
		qty: DF.Float
		stock_value: DF.Currency
		warehouse: DF.Link | None
	# end: auto-generated types

	pass


def on_doctype_update():
	"""One row per lot and warehouse (the atomic updates rely on it); allocation reads by item."""
	frappe.db.add_unique("Lot Balance", ["batch", "warehouse"], constraint_name="unique_lot_warehouse")
	frappe.db.add_index("Lot Balance", ["item", "warehouse"])
