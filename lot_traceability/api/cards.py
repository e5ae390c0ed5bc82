"""The workspace's number cards and the KPI report's default company. (whitelisted: see `lot_traceability.api`)."""

import frappe
from frappe import _

from lot_traceability import access
from lot_traceability.queries import lots as lot_queries
from lot_traceability.traceability.statuses import LotStatus


@frappe.whitelist()
@frappe.read_only()
def lots_on_hold_card(filters=None) -> dict:
	"""Number card: lots with stock whose status holds them (quarantined, rejected, expired, recalled)."""

	frappe.has_permission("Batch", "read", throw=True)
	held = [
		s.name
		for s in map(LotStatus.from_record, lot_queries.get_lot_statuses())
		if s.is_hold and not s.is_terminal
	]
	return {
		"value": lot_queries.count_lots_with_stock(statuses=held),
		"fieldtype": "Int",
		"route": ["List", "Batch"],
		"route_options": {"lot_status": ["in", held]},
	}


@frappe.whitelist()
@frappe.read_only()
def restricted_lots_card(filters=None) -> dict:
	"""Number card: lots with stock released for named uses only (a restricted status), apart from
	the lots on hold."""
	frappe.has_permission("Batch", "read", throw=True)
	restricted = [
		s.name for s in map(LotStatus.from_record, lot_queries.get_lot_statuses()) if s.is_restricted
	]
	return {
		"value": lot_queries.count_lots_with_stock(statuses=restricted) if restricted else 0,
		"fieldtype": "Int",
		"route": ["List", "Batch"],
		"route_options": {"lot_status": ["in", restricted]},
	}


@frappe.whitelist()
@frappe.read_only()
def lots_waiting_for_documents_card(filters=None) -> dict:
	"""Number card: lots with stock that lack a document their Lot Rule requires."""
	from lot_traceability.lot_documents import waiting_for_documents

	frappe.has_permission("Batch", "read", throw=True)
	return {
		"value": len(waiting_for_documents()),
		"fieldtype": "Int",
		"route": ["query-report", "Lot Exceptions"],
		"route_options": {"kind": "Waiting for Documents"},
	}


@frappe.whitelist()
@frappe.read_only()
def lots_expiring_card(filters=None) -> dict:
	"""Number card: lots with stock expiring within 30 days (not already expired)."""
	from frappe.utils import add_days, nowdate

	frappe.has_permission("Batch", "read", throw=True)
	return {
		"value": lot_queries.count_lots_with_stock(
			expiring_from=nowdate(), expiring_to=add_days(nowdate(), 30)
		),
		"fieldtype": "Int",
		"route": ["query-report", "Expiry Risk"],
		"route_options": {"days": 30},
	}


@frappe.whitelist()
@frappe.read_only()
def receiving_completeness_card(filters=None) -> dict:
	"""Number card: % of this month's receiving rows with supplier lot no and expiry."""
	from frappe.utils import get_first_day, nowdate

	from lot_traceability.kpis import receiving_completeness

	frappe.has_permission("Batch", "read", throw=True)
	ratio = receiving_completeness()
	if ratio.pct is None:
		month = frappe.utils.formatdate(get_first_day(nowdate()), "MMMM yyyy")
		return {
			"value": _("No receipts in {0}").format(month),
			"fieldtype": "Data",
			"route": ["query-report", "Lot Traceability KPIs"],
		}
	return {
		"value": ratio.pct,
		"fieldtype": "Percent",
		"route": ["query-report", "Lot Traceability KPIs"],
	}


@frappe.whitelist()
def kpi_default_company() -> str | None:
	"""The company the Lot Traceability KPIs open on: the user's default one if it has lots, else the
	first company with lots the user may read."""
	from lot_traceability.kpis import default_company

	frappe.has_permission("Batch", "read", throw=True)
	return default_company()


@frappe.whitelist()
@frappe.read_only()
def count_accuracy_card(filters=None) -> dict:
	"""Number card: lot-level inventory accuracy of this month's counts (the user's companies)."""
	from frappe.utils import get_first_day, nowdate

	from lot_traceability.cycle_counts import summary

	frappe.has_permission("Lot Count", "read", throw=True)
	walled = access.wall()
	companies = sorted(walled.companies) if walled.companies is not None else [None]
	counted = within = 0
	for company in companies:
		figures = summary(get_first_day(nowdate()), nowdate(), company)
		counted, within = counted + figures["counted"], within + figures["within"]
	return {
		"value": round(100.0 * within / counted, 1) if counted else 0,
		"fieldtype": "Percent",
		"route": ["query-report", "Lot Traceability KPIs"],
	}
