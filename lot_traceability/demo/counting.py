"""The count day of the demo manufacturer: a Lot Count Plan for its stores, today's list, a count
with one variance that the quality lead's recount confirms, and the draft Stock Reconciliation a
Stock Manager would submit."""

import frappe
from frappe.utils import nowdate

from lot_traceability import count_sheets, cycle_counts
from lot_traceability.demo.manufacturer import ABBR, COMPANY, QUALITY_LEAD

PLAN = "Demo Stores Daily Count"
SHORT = 0.1  # the first lot on the list is short by this share of its book, counted twice


def load() -> dict:
	stores = f"Stores - {ABBR}"
	if not frappe.db.exists("Lot Count Plan", PLAN):
		frappe.get_doc(
			{
				"doctype": "Lot Count Plan",
				"plan_name": PLAN,
				"company": COMPANY,
				"warehouse": stores,
				"counts_per_day": 3,
				"tolerance_percent": 1,
				"counter": "Administrator",
			}
		).insert(ignore_permissions=True)
	name = cycle_counts.make_count(PLAN, nowdate())
	count = frappe.get_doc("Lot Count", name)
	first, user = count.rows[0], frappe.session.user
	books = {row.batch: cycle_counts.q.get_book(row.batch, row.warehouse)[0] for row in count.rows}
	for row in count.rows:
		counted = books[row.batch] * (1 - SHORT if row.batch == first.batch else 1)
		count_sheets.record_count(name, row.batch, row.warehouse, counted)
	try:
		frappe.set_user(QUALITY_LEAD)
		count_sheets.record_count(name, first.batch, first.warehouse, books[first.batch] * (1 - SHORT))
	finally:
		frappe.set_user(user)
	count_sheets.complete(name)  # the stock manager drafts the reconciliation
	return {"plan": PLAN, "count": name, "variance": first.batch}


def remove(companies) -> None:
	"""The demo's counts and plans (their reconciliations go with the companies' transactions)."""
	for name in frappe.get_all("Lot Count", filters={"company": ("in", companies or [""])}, pluck="name"):
		frappe.delete_doc("Lot Count", name, force=True, ignore_permissions=True)
	for name in frappe.get_all(
		"Lot Count Plan", filters={"company": ("in", companies or [""])}, pluck="name"
	):
		frappe.delete_doc("Lot Count Plan", name, force=True, ignore_permissions=True)
