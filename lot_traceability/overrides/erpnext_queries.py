"""Batch pickers on stock forms offer only lots that may leave stock.

Every batch picker of ERPNext (row fields, the Serial and Batch selector, Pick List, POS) asks
`erpnext.controllers.queries.get_batch_no`. The app puts its own whitelisted query in that
module attribute at the start of every request and job (idempotent), which then calls ERPNext's.
"""

import erpnext.controllers.queries as erpnext_queries
from frappe.utils import getdate, nowdate

from lot_traceability import queries
from lot_traceability.enforcement import enforcement_enabled
from lot_traceability.lot_traceability.doctype.lot_status.lot_status import get_lot_status
from lot_traceability.lot_traceability.doctype.lot_traceability_settings.lot_traceability_settings import (
	get_settings,
)
from lot_traceability.traceability.shelf_life import is_expired
from lot_traceability.traceability.statuses import Movement

erpnext_get_batch_no = erpnext_queries.get_batch_no
OUTWARD_USES = frozenset({Movement.ISSUE, Movement.ALLOCATION, Movement.SHIPMENT})


def apply():
	from lot_traceability.api import get_batch_no

	if erpnext_queries.get_batch_no is not get_batch_no:
		erpnext_queries.get_batch_no = get_batch_no


def unapply():
	"""Put ERPNext's own picker query back (benchmarks that measure ERPNext alone)."""
	erpnext_queries.get_batch_no = erpnext_get_batch_no


def filter_pickable(rows, filters) -> list:
	"""Drop lots whose status allows no use (issue, allocation, shipment) and, unless the picker asks
	for expired lots too, lots expired on the posting date. Inward pickers are left as they are."""
	if not rows or filters.get("is_inward") or not enforcement_enabled():
		return rows
	on_date = getdate(filters.get("posting_date") or nowdate())
	include_expired = bool(filters.get("include_expired_batches"))
	default_status = get_settings().default_receipt_status
	lots = queries.get_lots([row[0] for row in rows])

	def pickable(row):
		lot = lots.get(row[0])
		if not lot:
			return True
		status = get_lot_status(lot.lot_status or default_status)
		if not status.allowed & OUTWARD_USES:
			return False
		return include_expired or not is_expired(
			getdate(lot.expiry_date) if lot.expiry_date else None, on_date
		)

	return [row for row in rows if pickable(row)]
