"""Batch pickers on stock forms offer only lots that may be used (`pickers.py`).

Every batch picker of ERPNext (row fields, the Serial and Batch selector, Pick List, POS) asks
`erpnext.controllers.queries.get_batch_no`. The app puts its own whitelisted query
(`lot_traceability.api.get_batch_no`, named as hooks name functions: the API is the top floor and
nothing imports it) in that module attribute at the start of every request and job (idempotent),
which then calls ERPNext's.
"""

import erpnext.controllers.queries as erpnext_queries
import frappe
from frappe import _

from lot_traceability.messages import bold

APP_QUERY = "lot_traceability.api.get_batch_no"
erpnext_get_batch_no = erpnext_queries.get_batch_no


def apply():
	query = frappe.get_attr(APP_QUERY)
	if erpnext_queries.get_batch_no is not query:
		erpnext_queries.get_batch_no = query


def unapply():
	"""Put ERPNext's own picker query back (benchmarks that measure ERPNext alone)."""
	erpnext_queries.get_batch_no = erpnext_get_batch_no


def batch_picker(doctype, txt, searchfield, start, page_len, filters) -> list:
	"""ERPNext's picker rows without the lots the picker may not offer: for desk users only, and of
	a warehouse the user may read (company walls)."""
	from lot_traceability import access
	from lot_traceability.pickers import offered

	if frappe.get_cached_value("User", frappe.session.user, "user_type") != "System User":
		frappe.throw(
			_("Lots are picked on the desk's stock forms: {0} is no desk user.").format(
				bold(frappe.session.user)
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	filters = frappe.parse_json(filters) if isinstance(filters, str) else (filters or {})
	if filters.get("warehouse"):
		access.check_warehouse_access(filters["warehouse"])
	rows = erpnext_get_batch_no(doctype, txt, searchfield, start, page_len, filters)
	return offered(rows, filters, first_page=not int(start or 0))
