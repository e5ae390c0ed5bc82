"""Lots and their lifecycle: the effective Lot Rule, the lot overview, status changes and their signed
approval, the batch picker, complaints and deviations, the lot ledger check, quarantine transfers. (whitelisted: see `lot_traceability.api`)."""

import json

import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability import access
from lot_traceability.config import get_lot_rule, get_settings
from lot_traceability.messages import bold
from lot_traceability.status_changes import change_lot_status as record_status_change


@frappe.whitelist()
def get_effective_lot_rule(item_code: str, company: str | None = None) -> dict:
	"""The rule that governs an item's lots in a company, with Settings defaults filled in."""
	frappe.has_permission("Item", "read", item_code, throw=True)
	if not frappe.db.exists("Item", item_code):
		frappe.throw(_("Item {0} does not exist.").format(bold(item_code)), frappe.DoesNotExistError)
	if company:
		access.check_company_access(company)
	rule = get_lot_rule(item_code, company)
	settings = get_settings()
	return {
		"item_code": item_code,
		"company": company,
		"lot_rule": rule.name if rule else None,
		"receipt_status": (rule and rule.receipt_status) or settings.default_receipt_status,
		"allocation_policy": (rule and rule.allocation_policy) or settings.default_allocation_policy,
		"supplier_lot_mandatory": bool(rule and rule.supplier_lot_mandatory),
		"quality_inspection_decides_release": bool(rule and rule.quality_inspection_decides_release),
		"shelf_life": rule.shelf_life_value if rule and rule.shelf_life else None,
		"shelf_life_unit": rule.shelf_life_unit if rule and rule.shelf_life else None,
		"min_remaining_shelf_life": rule.min_remaining_value if rule else None,
		"min_remaining_shelf_life_unit": rule.min_remaining_unit if rule else None,
	}


@frappe.whitelist()
@frappe.read_only()
def get_lot_overview(batch: str) -> dict:
	"""A lot's status, what it may do, its status history and the statuses the current user may move
	it to, each with what it would do."""
	from lot_traceability.lot_overview import lot_overview

	walled = access.wall()
	access.check_lot_access(batch, walled)
	return lot_overview(
		batch, frappe.get_roles(), frappe.has_permission("Lot Status Change", "submit"), walled
	)


@frappe.whitelist(methods=["POST"])
def change_lot_status(
	batches: str | list,
	to_status: str,
	reason: str | None = None,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	scope: str | list | None = None,
	cap_qty: float | None = None,
	valid_until: str | None = None,
	concession_reference: str | None = None,
) -> str:
	"""Move one or many lots to a status as one recorded Lot Status Change; returns its name. Where
	Settings ask a second person to approve the change, it is recorded awaiting that approval.
	`scope` ([{applies_to, value}]), `cap_qty`, `valid_until`, `concession_reference`: the release
	scope of a change into a restricted status."""
	if isinstance(batches, str):
		batches = json.loads(batches) if batches.strip().startswith("[") else [batches]
	if not batches:
		frappe.throw(_("Select at least one lot."))
	if isinstance(scope, str):
		scope = json.loads(scope or "[]")
	rows = [(row.get("applies_to"), row.get("value")) for row in scope or []]
	frappe.has_permission("Lot Status Change", "create", throw=True)
	access.check_lots_access(batches)
	if not frappe.db.exists("Lot Status", to_status):  # Frappe's own "not found" quotes it unescaped
		frappe.throw(_("Lot Status {0} does not exist.").format(bold(to_status)), frappe.DoesNotExistError)
	return record_status_change(
		batches,
		to_status,
		reason,
		reference_doctype,
		reference_name,
		scope=rows,
		cap_qty=flt(cap_qty) or None,
		valid_until=valid_until or None,
		concession_reference=concession_reference,
	).name


@frappe.whitelist(methods=["POST"])
def approve_lot_status_change(name: str, password: str | None = None, action: str = "Approve") -> dict:
	"""Approve or reject (`action`) a Lot Status Change awaiting sign-off, signed electronically by
	the session user with their password (21 CFR Part 11). A wrong password is answered with an
	error (HTTP 417) whose failure count is kept: five within 15 minutes lock signing for 15 minutes."""
	from lot_traceability.signatures import SignatureError, signature_summary
	from lot_traceability.status_changes import approve_change

	try:
		doc = approve_change(name, password, action)
	except SignatureError:  # nothing was written but the failure count (and a lock's notifications)
		frappe.local.response["http_status_code"] = 417
		return {"signed": False}
	return {
		"signed": True,
		"name": doc.name,
		"docstatus": doc.docstatus,
		"workflow_state": doc.get("workflow_state"),
		"signature": signature_summary(doc),
	}


@frappe.whitelist()
def get_batch_no(doctype, txt, searchfield, start, page_len, filters):
	"""ERPNext's batch picker query, without the lots that cannot leave stock.

	Installed in place of `erpnext.controllers.queries.get_batch_no` (see
	`overrides/erpnext_queries.py`), so every batch picker of every stock form uses it.
	"""
	from lot_traceability.overrides.erpnext_queries import batch_picker

	return batch_picker(doctype, txt, searchfield, start, page_len, filters)


@frappe.whitelist(methods=["POST"])
def make_lot_complaint(delivery_note: str, row: str) -> str:
	"""A draft customer-complaint Lot Deviation for a Delivery Note row (customer, lot and quantity
	filled); returns its name."""
	from lot_traceability.deviations import complaint_from_delivery_note

	frappe.has_permission("Lot Deviation", "create", throw=True)
	return complaint_from_delivery_note(delivery_note, row)


@frappe.whitelist(methods=["POST"])
def close_lot_deviation(name: str) -> None:
	"""Carry out each lot's disposition of a Lot Deviation and close it (Quality Managers)."""
	frappe.get_doc("Lot Deviation", name).close()


@frappe.whitelist(methods=["POST"])
def check_lot_ledger_now() -> str:
	"""Run the daily check of the kept lot ledger and lot balances against ERPNext's ledger now, on
	the long queue; the user sees its progress. Once at a time (a second request joins the first)."""
	frappe.only_for(("System Manager", "Stock Manager"))
	job_id = "lot_traceability_check_lot_ledger"
	frappe.enqueue(
		"lot_traceability.tasks.check_lot_ledger_now",
		queue="long",
		timeout=7200,
		job_id=job_id,
		deduplicate=True,
	)
	return job_id


@frappe.whitelist(methods=["POST"])
def make_quarantine_transfer(batch: str) -> list[str]:
	"""Draft Material Transfers of a lot's stock into its companies' quarantine warehouses (nothing
	submitted); their names."""
	from lot_traceability.quarantine_moves import make_quarantine_transfers

	return make_quarantine_transfers(batch)
