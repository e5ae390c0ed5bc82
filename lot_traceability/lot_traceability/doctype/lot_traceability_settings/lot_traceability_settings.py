# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class LotTraceabilitySettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allow_held_lots_into_quarantine: DF.Check
		default_allocation_policy: DF.Literal["FEFO", "FIFO"]
		default_receipt_status: DF.Link
		enable_enforcement: DF.Check
		expired_status: DF.Link
		near_expiry_days: DF.Int
		rejection_status: DF.Link
		release_status: DF.Link
	# end: auto-generated types

	pass


def get_settings() -> "LotTraceabilitySettings":
	return frappe.get_cached_doc("Lot Traceability Settings")
