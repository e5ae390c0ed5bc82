"""Which lots a batch picker of a stock form offers: only lots that may be used (issued, allocated,
shipped) and, unless the picker asks for expired lots, not expired on the posting date
(`traceability.movements.may_offer`). Inward pickers offer every lot."""

from frappe.utils import getdate, nowdate

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.enforcement import enforcement_enabled
from lot_traceability.queries import lots as lot_queries
from lot_traceability.traceability.movements import Lot, may_offer


def offered(rows, filters) -> list:
	"""The picker's rows (each starting with the lot's name) without the lots it may not offer."""
	if not rows or filters.get("is_inward") or not enforcement_enabled():
		return rows
	on_date = getdate(filters.get("posting_date") or nowdate())
	include_expired = bool(filters.get("include_expired_batches"))
	default_status = get_settings().default_receipt_status
	lots = lot_queries.get_lots([row[0] for row in rows])

	def offers(row):
		record = lots.get(row[0])
		if not record:
			return True
		lot = Lot(
			record.name,
			record.item,
			get_lot_status(record.lot_status or default_status),
			getdate(record.expiry_date) if record.expiry_date else None,
		)
		return may_offer(lot, on_date, include_expired)

	return [row for row in rows if offers(row)]
