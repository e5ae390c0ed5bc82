"""What the Batch form tells about a lot: its status, what that status (and its expiry) lets it do
today, where held stock may still go, and what each status the user may choose would do."""

import frappe
from frappe import _
from frappe.utils import format_datetime, formatdate, getdate, nowdate

from lot_traceability import signatures
from lot_traceability.config import get_lot_status, get_settings, get_transitions
from lot_traceability.lot_documents import missing_of
from lot_traceability.messages import bold, may_phrase, movement_phrase, quantity
from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import warehouses as warehouse_queries
from lot_traceability.traceability.documents import blocks_release
from lot_traceability.traceability.lifecycle import allowed_targets, check_transition
from lot_traceability.traceability.movements import guidance, status_effect
from lot_traceability.traceability.shelf_life import is_expired
from lot_traceability.traceability.statuses import LotStatus, Movement


def effect_label(status: LotStatus) -> str:
	return {
		"ends": _("ends the lot's life"),
		"restricted": _("for the uses its release scope names only"),
		"frees": _("free to use and ship"),
		"internal_use": _("internal use only, not customers"),
		"put_away_only": _("may be put away, not used or sold"),
		"holds": _("stops use and shipping"),
	}[status_effect(status)]


def lot_overview(batch: str, roles, can_change: bool, walled=None) -> dict:
	"""What the Batch form tells of the lot; its stock only in the warehouses `walled` (the user's
	company walls) lets the user read."""
	lot = lot_queries.get_lots([batch]).get(batch)
	if not lot:
		frappe.throw(_("Lot {0} does not exist.").format(bold(batch)), frappe.DoesNotExistError)
	settings = get_settings()
	current = get_lot_status(lot.lot_status or settings.default_receipt_status)
	today = getdate(nowdate())
	said = guidance(current, lot.expiry_date, today, bool(settings.allow_held_lots_into_quarantine))
	statuses = [LotStatus.from_record(record) for record in lot_queries.get_lot_statuses()]
	targets = allowed_targets(current, statuses, set(roles), get_transitions()) if can_change else []
	by_name = {status.name: status for status in statuses}
	kept = balance_queries.get_kept_lot_balances([batch])
	if walled is not None and not walled.open:
		walled.know_warehouses({row.warehouse for row in kept})
		kept = [row for row in kept if walled.reads_warehouse(row.warehouse)]
		balance = sum(row.qty for row in kept)
	else:
		balance = lot_queries.get_lot_balances([batch]).get(batch, 0)
	stock = [row for row in kept if row.qty > 0]
	uom = frappe.get_cached_value("Item", lot.item, "stock_uom") if lot.item else None
	missing = missing_of({batch: frappe._dict(item=lot.item)}).get(batch, [])
	return {
		"status": current.name,
		"colour": current.colour,
		"description": _(current.description) if current.description else "",
		"balance": balance,
		"uom": uom,
		"on_hand": quantity(sum(row.qty for row in stock), uom),
		"expired": said.expired,
		"may": [may_phrase(m, current.is_restricted) for m in said.may],
		"may_not": [movement_phrase(m) for m in said.may_not],
		"expiry_note": expiry_note(lot, said.expired),
		"restriction": restriction_note(batch, current, uom),
		"quarantine_note": quarantine_note(stock, uom),
		"missing_documents": [_(kind) for kind in missing],
		**stock_button_hints(current, said, stock),
		"history": signed_history(lot_queries.get_lot_history(batch)),
		"pending": pending_changes(batch),
		"targets": [target_hint(lot, by_name[name], settings, today, missing) for name in targets],
		"not_offered": {
			status.name: why_not_offered(batch, current, status, set(roles), can_change)
			for status in statuses
			if status.name not in targets
		},
		"quarantine_move": quarantine_move(batch, stock),
	}


def pending_changes(batch: str) -> list[dict]:
	"""The lot's changes awaiting approval: "Change to Approved awaiting approval (LSC-…, requested
	by … on …)"."""
	from lot_traceability.status_changes import pending_changes_of

	return [
		{
			"name": change.name,
			"to_status": change.to_status,
			"requested_by": change.requested_by,
			"requested_on": format_datetime(change.creation),
			"text": _("Change to {0} awaiting approval ({1}, requested by {2} on {3})").format(
				_(change.to_status), change.name, change.requested_by, format_datetime(change.creation)
			),
		}
		for change in pending_changes_of(batch)
	]


def signed_history(history: list[dict]) -> list[dict]:
	"""The lot's changes, each signed one with its signature (signer, meaning, time) and whether the
	change is still what was signed."""
	for change in history:
		change["signature"] = (
			signatures.signature_summary(frappe.get_doc("Lot Status Change", change.name))
			if change.get("signature_hash")
			else None
		)
	return history


def restriction_note(batch: str, current: LotStatus, uom) -> dict | None:
	"""A restricted lot's release scope in effect, with what is left of its cap."""
	if not current.is_restricted:
		return None
	from lot_traceability.queries import restrictions as restriction_queries

	restriction = restriction_queries.get_active_restrictions([batch]).get(batch)
	if not restriction:
		return {"summary": _("for internal use only (no release scope)"), "name": None}
	cap = restriction.cap_qty
	rows = restriction_queries.get_scope_rows([restriction.name]).get(restriction.name, [])
	return {
		"name": restriction.name,
		"summary": restriction.summary,
		# what a new change starts from (it replaces this scope)
		"rows": [{"applies_to": kind, "value": value} for kind, value in rows],
		"cap_qty": cap or None,
		"valid_until": restriction.valid_until,
		"concession_reference": restriction.concession_reference,
		"cap": quantity(cap, uom) if cap else "",
		"used": quantity(restriction.used_qty or 0, uom),
		"left": quantity(max(0.0, (cap or 0) - (restriction.used_qty or 0)), uom) if cap else "",
	}


def quarantine_note(stock, uom) -> str:
	"""'4 Nos in quarantine warehouses (Quarantine - DFI), held there …': stock there is not used,
	picked or shipped whatever the lot's status (`traceability.quarantine`)."""
	held = [row for row in stock if warehouse_queries.is_quarantine_warehouse(row.warehouse)]
	if not held:
		return ""
	return _(
		"{0} in quarantine warehouses ({1}), held there: not used, picked or shipped until a Lot Status Change releases it, whatever the lot's status."
	).format(quantity(sum(row.qty for row in held), uom), ", ".join(sorted({row.warehouse for row in held})))


def expiry_note(lot, expired: bool) -> str:
	if not lot.expiry_date:
		return ""
	if expired:
		return _("Expired on {0}: it may not be used, allocated or shipped, whatever its status.").format(
			formatdate(lot.expiry_date)
		)
	return _("Expires on {0}.").format(formatdate(lot.expiry_date))


def stock_button_hints(current: LotStatus, said, stock) -> dict:
	"""What ERPNext's Move and Split buttons beside the lot's stock will do with it."""
	status = _(current.name)
	hints = {"move_hint": "", "split_hint": "", "move_allowed": True, "split_allowed": True}
	if Movement.TRANSFER not in said.may:
		if said.into_quarantine:
			companies = warehouse_queries.get_companies([row.warehouse for row in stock])
			quarantine = warehouse_queries.get_quarantine_warehouses(companies)
			if quarantine:
				hints["move_hint"] = _("A {0} lot moves only into a quarantine warehouse: {1}.").format(
					status, ", ".join(quarantine)
				)
			else:
				hints["move_allowed"] = False
				hints["move_hint"] = _(
					"A {0} lot moves only into a quarantine warehouse, and its company has none: tick "
					"Quarantine Warehouse on a warehouse to segregate held stock."
				).format(status)
		else:
			hints["move_allowed"] = False
			hints["move_hint"] = _("A {0} lot may not be moved between warehouses.").format(status)
	if Movement.ISSUE not in said.may:
		hints["split_allowed"] = False
		why = (
			_("the lot is past its expiry date")
			if said.expired and current.allows(Movement.ISSUE)
			else _("a {0} lot may not be issued").format(status)
		)
		hints["split_hint"] = _(
			"Split repacks part of the lot into a new lot, which issues it: refused, as {0}."
		).format(why)
	return hints


def target_hint(lot, target: LotStatus, settings, today, missing=()) -> dict:
	"""A status the user may choose: what it does, and a warning where it does not fit the lot."""
	warning = ""
	if blocks_release(target, missing):
		warning = _("Documents are missing ({0}): {1} will be refused until they are attached.").format(
			", ".join(_(kind) for kind in missing), _(target.name)
		)
	elif target.name == settings.expired_status and not is_expired(lot.expiry_date, today):
		warning = (
			_("This lot expires on {0}: {1} is for lots past their expiry date.").format(
				formatdate(lot.expiry_date), _(target.name)
			)
			if lot.expiry_date
			else _("This lot has no expiry date: {0} is for lots past their expiry date.").format(
				_(target.name)
			)
		)
	elif target.is_terminal:
		warning = _("{0} ends the lot's life: it cannot be changed back.").format(_(target.name))
	hint = (
		_("not expired yet") if warning and target.name == settings.expired_status else effect_label(target)
	)
	probe = guidance(target, lot.expiry_date, today, bool(settings.allow_held_lots_into_quarantine))
	return {
		"status": target.name,
		"colour": target.colour,
		"requires_reason": target.requires_reason,
		"is_restricted": target.is_restricted,
		"hint": hint,
		"description": _(target.description) if target.description else "",
		"may": [movement_phrase(m) for m in probe.may],
		"may_not": [movement_phrase(m) for m in probe.may_not],
		"warning": warning,
	}


def why_not_offered(batch: str, current: LotStatus, target: LotStatus, roles, can_change: bool) -> str:
	"""Why a status is not among those the user may choose for the lot, the real reason first: the
	lot is in it already, its status is final, no change leads there, or the user's roles."""
	problems = {
		problem.code: problem
		for problem in check_transition(current, target, roles, get_transitions(), reason="-")
	}
	if "same_status" in problems:
		return _("Lot {0} is already {1}.").format(batch, _(current.name))
	if "from_terminal" in problems:
		return _("Lot {0} is {1}, a final status: its status changes no more.").format(batch, _(current.name))
	allowed = problems.get("transition_not_allowed")
	if allowed and not allowed.params.get("roles"):
		return _("No change from {0} to {1} is set up (Settings → Who May Change a Lot's Status).").format(
			_(current.name), _(target.name)
		)
	if allowed or not can_change:
		return _("Your roles may not move this lot to {0}.").format(_(target.name))
	return ""


def quarantine_move(batch: str, stock) -> dict:
	"""Whether Lot Lookup's Move to Quarantine Warehouse has anything to move, and if not, why: no
	stock, all of it in quarantine already, no quarantine warehouse, or no right to make the draft."""
	outside = [row for row in stock if not warehouse_queries.is_quarantine_warehouse(row.warehouse)]
	if not stock:
		why = _("Lot {0} has no stock: nothing to move into quarantine.").format(batch)
	elif not outside:
		why = _("All of lot {0}'s stock is in a quarantine warehouse already ({1}).").format(
			batch, ", ".join(sorted({row.warehouse for row in stock}))
		)
	elif not warehouse_queries.get_quarantine_warehouses(
		warehouse_queries.get_companies([row.warehouse for row in outside])
	):
		why = _(
			"Its company has no quarantine warehouse: tick Is Quarantine Warehouse on one of its warehouses."
		)
	elif not frappe.has_permission("Stock Entry", "create"):
		why = _("Your roles may not make a Stock Entry to move it.")
	else:
		why = ""
	return {"allowed": not why, "hint": why}
