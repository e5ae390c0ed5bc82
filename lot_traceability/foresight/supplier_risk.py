"""Supplier risk at receipt (rules: `traceability.suppliers`): the lots a receipt creates from a
risky supplier go to the held status Settings name — whatever the item's Lot Rule says — in one
recorded Lot Status Change whose reason names the supplier's standing."""

from frappe import _
from frappe.utils import flt, format_date, getdate, nowdate

from lot_traceability.config import get_settings
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import supplier_scores as score_queries
from lot_traceability.queries import suppliers as supplier_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.status_changes import change_lot_status
from lot_traceability.traceability import suppliers as core


def standing_of(supplier: str) -> core.SupplierStanding | None:
	record = supplier_queries.get_supplier_standing(supplier)
	return standing_from(supplier, record) if record else None


def standing_from(supplier: str, record) -> core.SupplierStanding:
	return core.SupplierStanding(
		supplier,
		on_hold=bool(record.on_hold),
		hold_type=record.hold_type or "",
		release_date=getdate(record.release_date) if record.release_date else None,
		prevent_pos=bool(record.prevent_pos),
		warn_pos=bool(record.warn_pos),
		receipt_status=record.get("lot_receipt_status") or None,
	)


def standing_words(suppliers, on_date=None) -> dict[str, str]:
	"""What makes each of these suppliers risky today, in words (suppliers in good standing: none),
	for the reports that list suppliers."""
	on_date = getdate(on_date or nowdate())
	words = {}
	for name, record in supplier_queries.get_supplier_standings(suppliers).items():
		standing = standing_from(name, record)
		risk = core.risk_of(standing, on_date)
		if risk == core.OVERRIDE:
			words[name] = _("lots received as {0}").format(_(standing.receipt_status))
		elif risk == core.ON_HOLD:
			until = (
				_(" until {0}").format(format_date(standing.release_date)) if standing.release_date else ""
			)
			words[name] = _("on hold ({0}){1}").format(_(standing.hold_type or "All"), until)
		elif risk == core.SCORECARD_PREVENTS:
			words[name] = _("scorecard prevents purchase orders")
		elif risk == core.SCORECARD_WARNS:
			words[name] = _("scorecard warns on purchase orders")
	return words


def reason_of(hold: core.ReceiptHold, standing: core.SupplierStanding) -> str:
	supplier = standing.name
	if hold.reason == core.OVERRIDE:
		return _("Received from {0}, whose lots are received as {1} (Supplier → Lot Receipt Status)").format(
			supplier, _(hold.status)
		)
	if hold.reason == core.ON_HOLD:
		until = _(" until {0}").format(format_date(standing.release_date)) if standing.release_date else ""
		return _("Received from {0}, a supplier on hold ({1}){2}").format(
			supplier, _(standing.hold_type or "All"), until
		)
	if hold.reason == core.SCORECARD_PREVENTS:
		return _("Received from {0}, whose scorecard standing prevents purchase orders").format(supplier)
	return _("Received from {0}, whose scorecard standing warns on purchase orders").format(supplier)


def hold_received_lots(doc) -> str | None:
	"""On a receipt's submit: the lots it created from a risky supplier are held — by the supplier's
	standing (all of them), else by its learned score for each lot's item group. Returns the last
	change made."""
	supplier = doc.get("supplier")
	if not supplier:
		return None
	settings = get_settings()
	standing = standing_of(supplier)
	hold = standing and core.receipt_hold(
		standing, getdate(doc.get("posting_date")), settings.supplier_risk_status
	)
	received = [
		entry.batch_no
		for entry in voucher_queries.get_inward_lots_of_voucher(doc.doctype, doc.name)
		if entry.batch_no
	]
	created = lot_queries.get_lots_created_by(received, doc.name)
	if hold:
		return hold_lots(created, hold, reason_of(hold, standing), supplier)
	threshold = flt(settings.supplier_risk_hold_score)
	if threshold <= 0 or not created:
		return None
	change = None
	groups = lot_queries.get_item_groups_of_lots([lot.name for lot in created])
	for item_group in sorted(set(groups.values())):
		learned = score_queries.get_supplier_score(supplier, item_group)
		hold = core.score_hold(learned.score if learned else None, threshold, settings.supplier_risk_status)
		if hold:
			reason = _(
				"Received from {0}, whose learned risk score for {1} is {2} (hold from {3}): {4} of its {5} lots with outcomes"
			).format(supplier, item_group, learned.score, threshold, learned.failed_lots, learned.lots)
			lots = [lot for lot in created if groups.get(lot.name) == item_group]
			change = hold_lots(lots, hold, reason, supplier) or change
	return change


def hold_lots(lots, hold: core.ReceiptHold, reason: str, supplier: str) -> str | None:
	moving = [lot.name for lot in lots if lot.lot_status != hold.status]
	if not moving:
		return None
	return change_lot_status(
		moving,
		hold.status,
		reason=reason,
		reference_doctype="Supplier",
		reference_name=supplier,
		source="System",
		by_system=True,
	).name
