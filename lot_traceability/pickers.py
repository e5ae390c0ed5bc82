"""Which lots a batch picker of a stock form offers: only lots that may be used (issued, allocated,
shipped) and, unless the picker asks for expired lots, not expired on the posting date
(`traceability.movements.may_offer`). Inward pickers offer every lot; an outward picker on a
quarantine warehouse offers none (`traceability.quarantine`: what is there is held; the lot of a
write-off, supplier return or release is typed or comes from its document)."""

from frappe import _
from frappe.utils import formatdate, getdate, nowdate

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.enforcement import enforcement_enabled
from lot_traceability.messages import esc
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import restrictions as restriction_queries
from lot_traceability.queries import warehouses as warehouse_queries
from lot_traceability.traceability.movements import USES, Lot, may_offer

# The value of the picker's closing line saying which lots it did not list (a Link control of the
# desk shows it as a note with a "Why?" action, not as a lot: public/js/lot_traceability.js).
NOT_LISTED = "__lots_not_listed__"
MAX_NAMED = 5


def offered(rows, filters, first_page: bool = True) -> list:
	"""The picker's rows (each starting with the lot's name) without the lots it may not offer; on the
	first page, a closing line names the lots left out and why (status, or expired on a date)."""
	if not rows or filters.get("is_inward") or not enforcement_enabled():
		return rows
	if warehouse_queries.is_quarantine_warehouse(filters.get("warehouse")):
		return [(NOT_LISTED, quarantine_note(len(rows), filters["warehouse"]))] if first_page else []
	on_date = getdate(filters.get("posting_date") or nowdate())
	include_expired = bool(filters.get("include_expired_batches"))
	default_status = get_settings().default_receipt_status
	lots = lot_queries.get_lots([row[0] for row in rows])
	kept, left_out = [], []
	for row in rows:
		record = lots.get(row[0])
		if not record:
			kept.append(row)
			continue
		lot = Lot(
			record.name,
			record.item,
			get_lot_status(record.lot_status or default_status),
			getdate(record.expiry_date) if record.expiry_date else None,
		)
		if may_offer(lot, on_date, include_expired):
			kept.append(row)
		else:
			left_out.append(lot)
	kept = with_scopes(kept, lots)
	if left_out and first_page:
		kept.append((NOT_LISTED, not_listed_note(left_out, on_date)))
	return kept


def not_listed_note(lots, on_date) -> str:
	"""'2 lots are not listed: LOT-1 (Quarantined), LOT-2 (expired on 01-11-2026).'"""

	def why(lot):
		if not any(lot.status.allows(use) for use in USES):
			return _(lot.status.name)
		return _("expired on {0}").format(formatdate(lot.expiry_date))

	named = ", ".join(f"{lot.batch_no} ({why(lot)})" for lot in lots[:MAX_NAMED])
	if len(lots) > MAX_NAMED:
		named += ", " + _("and {0} more").format(len(lots) - MAX_NAMED)
	if len(lots) == 1:
		return _("1 lot is not listed, as it may not be used: {0}.").format(named)
	return _("{0} lots are not listed, as they may not be used: {1}.").format(len(lots), named)


def quarantine_note(count: int, warehouse: str) -> str:
	"""'2 lots are not listed: Quarantine - DFI is a quarantine warehouse …'"""
	return _(
		"{0} lot(s) not listed: {1} is a quarantine warehouse, and what it holds is not picked until released (a write-off, a return to the supplier or a release names its lot)."
	).format(count, warehouse)


def with_scopes(rows, lots) -> list:
	"""Each restricted lot's row with its status and release scope as its last column (the picker
	shows it in the lot's description), so the person picking sees what the lot may be used for."""
	restricted = {
		name
		for name, record in lots.items()
		if record.lot_status and get_lot_status(record.lot_status).is_restricted
	}
	if not restricted:
		return rows
	scopes = restriction_queries.get_active_restrictions(restricted)
	out = []
	for row in rows:
		if row[0] in restricted:
			scope = scopes.get(row[0])
			summary = (
				scope.summary if scope and scope.summary else _("for internal use only (no release scope)")
			)
			row = (*row, esc(f"{_(lots[row[0]].lot_status)}: {summary}"))
		out.append(row)
	return out
