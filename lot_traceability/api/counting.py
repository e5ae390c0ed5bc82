"""Cycle counts: counts made from plans, the counting page's sheet, scans and counted quantities,
completing a count. (whitelisted: see `lot_traceability.api`)."""

import frappe
from frappe import _

from lot_traceability import access
from lot_traceability.messages import bold


@frappe.whitelist()
def make_lot_count(plan: str, count_date: str | None = None) -> str | None:
	"""The plan's Lot Count of the day, made now if the daily job has not made it (a Stock Manager)."""
	from lot_traceability.cycle_counts import make_count

	if not frappe.db.exists("Lot Count Plan", plan):
		frappe.throw(_("Lot Count Plan {0} does not exist.").format(bold(plan)), frappe.DoesNotExistError)
	frappe.has_permission("Lot Count Plan", "read", plan, throw=True)
	access.check_company_access(frappe.db.get_value("Lot Count Plan", plan, "company"))
	frappe.has_permission("Lot Count", "create", throw=True)
	return make_count(plan, count_date)


@frappe.whitelist()
def get_lot_counts() -> list[dict]:
	"""The counts still to count that the user may read (the Lot Counting page's list)."""
	from lot_traceability.count_sheets import open_counts

	frappe.has_permission("Lot Count", "read", throw=True)
	return open_counts()


@frappe.whitelist()
def get_lot_count_sheet(name: str) -> dict:
	"""A count's rows as its counter sees them (book quantities hidden in a blind count)."""
	from lot_traceability.count_sheets import count_sheet

	return count_sheet(name)


@frappe.whitelist()
def identify_counted_lot(name: str, text: str) -> dict:
	"""The lot a label scanned (or id typed) during count `name` names."""
	from lot_traceability.count_sheets import identify, readable_count

	readable_count(name, "write")
	found = identify(text)
	access.check_lot_access(found["batch"])
	return found


@frappe.whitelist(methods=["POST"])
def record_lot_count(name: str, batch: str, warehouse: str, qty: float) -> dict:
	"""Record the count, or the recount by another person, of a lot at a location."""
	from lot_traceability.count_sheets import record_count

	return record_count(name, batch, warehouse, qty)


@frappe.whitelist(methods=["POST"])
def complete_lot_count(name: str) -> dict:
	"""Close a count (a Stock Manager) and draft the reconciliation of its confirmed variances."""
	from lot_traceability.count_sheets import complete

	return complete(name)
