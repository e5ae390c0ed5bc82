"""Scheduled jobs."""

import frappe
from frappe import _
from frappe.utils import add_days, format_date, get_url_to_form, getdate, nowdate

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.messages import esc
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import users as user_queries
from lot_traceability.status_changes import change_lot_status
from lot_traceability.traceability.lifecycle import should_expire

NOTIFIED_ROLES = ("Quality Manager", "Stock Manager")
MAX_LISTED = 50


def terminal_statuses() -> list[str]:
	return frappe.get_all("Lot Status", filters={"is_terminal": 1}, pluck="name")


def expire_lots(on_date=None) -> str | None:
	"""Move every usable lot past its expiry date to the expired status, as one recorded change."""
	today = getdate(on_date or nowdate())
	expired_status = get_settings().expired_status
	candidates = lot_queries.get_lots_past_expiry(today, [expired_status, *terminal_statuses()])
	lots = [
		lot.name
		for lot in candidates
		if should_expire(
			get_lot_status(lot.lot_status or get_settings().default_receipt_status),
			getdate(lot.expiry_date),
			today,
			expired_status,
		)
	]
	if not lots:
		return None
	change = change_lot_status(
		lots,
		expired_status,
		reason=_("Past the expiry date (daily expiry check of {0})").format(format_date(today)),
		source="Expiry Check",
		by_system=True,
	)
	return change.name


def lapse_restrictions(on_date=None) -> str | None:
	"""Move every restricted lot whose release scope ended before today to the status Settings name
	for them, as one recorded change (until then the enforcement already treats them as held)."""
	from lot_traceability.queries import restrictions as restriction_queries

	today = getdate(on_date or nowdate())
	status = get_settings().lapsed_restriction_status
	lapsed = restriction_queries.get_lapsed_restrictions(today)
	lots = [row.batch for row in lapsed if row.lot_status != status]
	if not status or not lots:
		return None
	change = change_lot_status(
		lots,
		status,
		reason=_("The restricted release ended (daily check of {0})").format(format_date(today)),
		source="Expiry Check",
		by_system=True,
	)
	return change.name


def notify_near_expiry(on_date=None) -> list[dict]:
	"""Tell quality and stock managers which lots with stock expire within the window."""
	today = getdate(on_date or nowdate())
	settings = get_settings()
	window_end = add_days(today, settings.near_expiry_days or 0)
	lots = lot_queries.get_lots_expiring(today, window_end, [settings.expired_status, *terminal_statuses()])
	balances = lot_queries.get_lot_balances([lot.name for lot in lots])
	with_stock = [lot for lot in lots if balances.get(lot.name, 0) > 0]
	users = user_queries.get_users_with_roles(NOTIFIED_ROLES)
	if not with_stock or not users:
		return with_stock
	from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification

	rows = "".join(
		f"<li><a href='{esc(get_url_to_form('Batch', lot.name))}'>{esc(lot.name)}</a> — {esc(lot.item)}: "
		f"{balances[lot.name]:g} {_('on hand')}, {_('expires')} {format_date(lot.expiry_date)} ({esc(_(lot.lot_status or ''))})</li>"
		for lot in with_stock[:MAX_LISTED]
	)
	more = len(with_stock) - MAX_LISTED
	enqueue_create_notification(
		users,
		{
			"type": "Alert",
			"document_type": "Lot Traceability Settings",
			"document_name": "Lot Traceability Settings",
			"subject": _("{0} lots with stock expire within {1} days").format(
				len(with_stock), settings.near_expiry_days
			),
			"email_content": f"<ul>{rows}</ul>" + (_("… and {0} more").format(more) if more > 0 else ""),
		},
	)
	return with_stock


def update_open_recalls():
	"""Refresh the containment figures and status of every open recall from the ledger."""
	from lot_traceability.recall.containment import update_open_recalls as update

	update()


def reconcile_lot_balances():
	"""Compare the kept lot balances with the ledger, repair (and log) any difference, and tell the
	people who answer for stock and quality what was repaired."""
	from lot_traceability.balances import reconcile

	found = reconcile(commit=True, on_chunk=progress(_("Checking lot balances")))
	notify_repairs(
		_("Lot balances: {0} differences from the stock ledger were repaired").format(len(found)),
		[f"{row.batch} @ {row.warehouse}: {row.kept_qty:g} → {row.ledger_qty:g}" for row in found],
	)
	return found


def reconcile_lot_ledger():
	"""Compare the kept lot ledger with the stock ledger, repair (and log) any difference, and tell
	the people who answer for stock and quality what was repaired."""
	from lot_traceability.lot_ledger import reconcile

	found = reconcile(commit=True, on_chunk=progress(_("Checking the lot ledger")))
	notify_repairs(
		_("Lot ledger: {0} differences from the stock ledger were repaired").format(len(found)),
		[f"{row.batch_no} / {row.voucher_no}: {row.problem}" for row in found],
	)
	return found


def reconcile_production_runs():
	"""Compare the lots' production runs with the Job Cards and entries, repair (and log) any
	difference, and tell the people who answer for stock and quality what was repaired."""
	from lot_traceability.production_runs import describe, reconcile

	found = reconcile()
	notify_repairs(
		_("Production runs: {0} differences from the Job Cards and entries were repaired").format(len(found)),
		[describe(row) for row in found],
	)
	return found


HEAVY_REPORTS = ("Recall Impact", "Lot Exceptions", "Expiry Risk")


def switch_heavy_reports() -> dict[str, bool]:
	"""Above the Settings' size (kept lot movements), the heavy reports run as Frappe's prepared
	reports; below it, at once. Returns each report's setting (daily, and after each migration)."""
	threshold = get_settings().prepared_report_rows or 0
	prepared = bool(threshold) and lot_queries.count_lot_movements() > threshold
	for report in HEAVY_REPORTS:
		if frappe.db.get_value("Report", report, "prepared_report") != int(prepared):
			frappe.db.set_value("Report", report, "prepared_report", int(prepared))
	return dict.fromkeys(HEAVY_REPORTS, prepared)


def check_lot_ledger_now():
	"""The two daily checks, run at a user's request (`api.check_lot_ledger_now`)."""
	reconcile_lot_balances()
	reconcile_lot_ledger()


def compute_foresight():
	"""The daily expiry forecast, supplier scores and anomalies, stored for the reports."""
	from lot_traceability.foresight.job import compute_all

	return compute_all()


def progress(title: str):
	"""Frappe's realtime progress bar for a long job (to the user who started it)."""

	def publish(done: int, total: int) -> None:
		frappe.publish_progress(
			100 * done / total if total else 100,
			title=title,
			description=_("{0} of {1} lots").format(done, total),
		)

	return publish


def repair_roles() -> list[str]:
	"""Who hears of a repair: the Settings' warehouse and quality roles (those a recall's tasks go
	to), else quality and stock managers."""
	settings = get_settings()
	roles = [role for role in (settings.recall_warehouse_role, settings.recall_quality_role) if role]
	return roles or list(NOTIFIED_ROLES)


def notify_repairs(subject: str, lines: list[str]) -> list[str]:
	"""A notification (bell and e-mail) of what a daily check had to repair; nothing when it found
	nothing. Returns the users told."""
	users = user_queries.get_users_with_roles(repair_roles()) if lines else []
	if not users:
		return []
	from frappe.desk.doctype.notification_log.notification_log import enqueue_create_notification

	more = len(lines) - MAX_LISTED
	enqueue_create_notification(
		users,
		{
			"type": "Alert",
			"document_type": "Lot Traceability Settings",
			"document_name": "Lot Traceability Settings",
			"subject": subject,
			"email_content": "<ul>"
			+ "".join(f"<li>{esc(line)}</li>" for line in lines[:MAX_LISTED])
			+ "</ul>"
			+ (_("… and {0} more").format(more) if more > 0 else ""),
		},
	)
	return users


def make_lot_counts(on_date=None) -> list[str]:
	"""The day's Lot Count of every enabled Lot Count Plan."""
	from lot_traceability.cycle_counts import make_daily_counts

	return make_daily_counts(on_date)
