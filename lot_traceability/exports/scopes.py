"""What an export of lot records covers, as a user asks for it — a lot's trace, a Lot Recall's
scope, a date range — and which companies' records the user may take out. Shared by the EPCIS
document and the FSMA 204 spreadsheet."""

from datetime import date

import frappe
from frappe import _
from frappe.utils import getdate

from lot_traceability import access
from lot_traceability.messages import bold


def readable_companies() -> set[str] | None:
	"""The companies whose stock the user may read (None: every company). A user who may not read
	stock at all is refused."""
	if not frappe.has_permission("Stock Ledger Entry", "read"):
		frappe.throw(
			_("You may not read stock movements, so you may not read lot events."), frappe.PermissionError
		)
	companies = access.readable_companies()
	return None if companies is None else set(companies)


def restrict(readable: set[str] | None, company: str | None) -> set[str] | None:
	"""The companies to export: the one asked for (if the user may read it), else every readable one."""
	if not company:
		return readable
	if readable is not None and company not in readable:
		frappe.throw(_("You may not read the stock of {0}.").format(bold(company)), frappe.PermissionError)
	return {company}


def trace_lots(lot: str) -> set[str]:
	"""The lot, every lot made from it and every lot it was made from (the user must read the lot)."""
	from lot_traceability.genealogy.trace import walks
	from lot_traceability.traceability.genealogy import BACKWARD, FORWARD

	if not frappe.db.exists("Batch", lot):
		frappe.throw(_("Lot {0} does not exist.").format(bold(lot)), frappe.DoesNotExistError)
	access.check_lot_access(lot)
	traces = walks([lot], (FORWARD, BACKWARD))
	return set(traces[FORWARD].lots) | set(traces[BACKWARD].lots) | {lot}


def recall_lots(name: str) -> set[str]:
	"""A Lot Recall's affected lots and its source lots (the user must read the recall)."""
	recall = frappe.get_doc("Lot Recall", name)
	access.check_recall_access(recall)
	return lots_of_recall(recall)


def lots_of_recall(recall) -> set[str]:
	"""The affected and source lots of a Lot Recall already loaded."""
	return set(recall.scope_lots()) | {row.batch for row in recall.source_lots}


def date_range(from_date, to_date, required: str | None = None) -> tuple[date | None, date | None]:
	"""The dates of a request, checked: both given when `required` (the message naming what else
	could have been chosen), the end not before the start."""
	if required and not (from_date and to_date):
		frappe.throw(required)
	since = getdate(from_date) if from_date else None
	until = getdate(to_date) if to_date else None
	if since and until and since > until:
		frappe.throw(_("The date range ends ({0}) before it begins ({1}).").format(until, since))
	return since, until
