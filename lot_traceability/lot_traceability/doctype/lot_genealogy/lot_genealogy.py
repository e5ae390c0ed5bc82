# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from frappe.model.document import Document


class LotGenealogy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		child_item: DF.Link | None
		child_lot: DF.Link
		company: DF.Link | None
		parent_item: DF.Link | None
		parent_lot: DF.Link
		posting_date: DF.Date | None
		qty: DF.Float
		relation: DF.Literal["Manufacture", "Repack", "Disassemble", "Subcontracting"]
		voucher_no: DF.DynamicLink | None
		voucher_type: DF.Link | None
		work_order: DF.Link | None
	# end: auto-generated types

	pass


def on_doctype_update():
	"""The trace reads the edges of a lot in either direction from the index alone."""
	import frappe

	frappe.db.add_index("Lot Genealogy", ["parent_lot", "child_lot", "qty", "voucher_no"], "lot_forward")
	frappe.db.add_index("Lot Genealogy", ["child_lot", "parent_lot", "qty", "voucher_no"], "lot_backward")
