"""The traceability KPIs of a period (Lot Traceability KPIs report, number cards, charts)."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, flt, fmt_money, get_datetime, get_first_day, getdate, nowdate

from lot_traceability import access
from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries import kpis as kpi_queries
from lot_traceability.traceability import kpis as core


def period(from_date=None, to_date=None) -> tuple:
	to_date = getdate(to_date or nowdate())
	return getdate(from_date or get_first_day(to_date)), to_date


def receiving_completeness(from_date=None, to_date=None, company=None) -> core.Ratio:
	from_date, to_date = period(from_date, to_date)
	rows = kpi_queries.get_receiving_rows(from_date, to_date, company)
	return core.receiving_completeness((row.supplier_lot_no, row.expiry_date) for row in rows)


def status_events(lots=None, until=None) -> list[core.StatusEvent]:
	release = get_settings().release_status
	return [
		core.StatusEvent(
			row.batch,
			get_datetime(row.change_datetime),
			row.to_status,
			get_lot_status(row.to_status).is_hold,
			row.to_status == release,
		)
		for row in kpi_queries.get_status_events(lots, until)
		if row.change_datetime
	]


def of_company(lots, company=None) -> set[str]:
	"""The lots that belong to the company (every lot given without a company)."""
	lots = {lot for lot in lots if lot}
	if not company:
		return lots
	return {lot for lot, companies in access.lot_companies(lots).items() if company in companies}


def quarantine_cycles(from_date=None, to_date=None, company=None) -> list[core.Cycle]:
	"""Hold → release cycles that ended (released) in the period (of the company's lots)."""
	from_date, to_date = period(from_date, to_date)
	cycles = core.quarantine_cycles(status_events(until=get_datetime(add_days(to_date, 1))))
	cycles = [c for c in cycles if from_date <= c.released_at.date() <= to_date]
	lots = of_company({c.lot for c in cycles}, company)
	return [c for c in cycles if c.lot in lots]


def status_on(events: list[core.StatusEvent], lot: str, day) -> str | None:
	"""A lot's status at the end of a day, from its status history (None before its first change)."""
	status = None
	for event in events:
		if event.lot == lot and event.at.date() <= day:
			status = event.to_status
	return status


DISPOSITION_REASONS = {
	"Delivery Note": "Customer Return",
	"Sales Invoice": "Customer Return",
	"POS Invoice": "Customer Return",
	"Lot Deviation": "Deviation",
	"Lot Recall": "Recall",
}


def write_off_reason(row, events, expired_status: str) -> str:
	"""Why a write-off disposed of its lot: what it disposes of (a customer return, a deviation, a
	recall), else the lot being past expiry on the day, else the hold status the lot was in (the
	reason it could not ship), else unspecified. A lot's release status is no reason to write it off."""
	if row.get("disposition_of"):
		return DISPOSITION_REASONS.get(row.disposition_of, row.disposition_of)
	posted = getdate(row.posting_date)
	if row.expiry_date and getdate(row.expiry_date) < posted:
		return expired_status
	status = status_on(events, row.batch_no, posted) or row.lot_status
	if status and get_lot_status(status).is_hold:
		return status
	return "Unspecified"


def write_offs_by_reason(from_date=None, to_date=None, company=None) -> dict[str, dict]:
	"""Quantity and value written off in the period, by the write-off's reason (`write_off_reason`)."""
	from_date, to_date = period(from_date, to_date)
	rows = kpi_queries.get_write_offs(from_date, to_date, company)
	events = status_events({row.batch_no for row in rows})
	expired_status = get_settings().expired_status
	reasons: dict[str, dict] = defaultdict(lambda: {"qty": 0.0, "value": 0.0, "lots": set()})
	for row in rows:
		reason = write_off_reason(row, events, expired_status)
		reasons[reason]["qty"] += flt(row.qty)
		reasons[reason]["value"] += flt(row.value)
		reasons[reason]["lots"].add(row.batch_no)
	return {reason: {**figures, "lots": len(figures["lots"])} for reason, figures in sorted(reasons.items())}


def return_dispositions(from_date=None, to_date=None, company=None) -> dict[str, dict]:
	"""Customer returns of governed lots in the period, per disposition: how many lots were returned
	(one per return and lot) and the quantity."""
	from lot_traceability.queries.returns import get_return_dispositions
	from lot_traceability.traceability.dispositions import Disposition

	from_date, to_date = period(from_date, to_date)
	kinds = {disposition.value: {"returns": 0, "qty": 0.0} for disposition in Disposition}
	for row in get_return_dispositions(since=from_date, until=to_date, company=company):
		if row.disposition in kinds:
			kinds[row.disposition]["returns"] += 1
			kinds[row.disposition]["qty"] += abs(flt(row.qty))
	return kinds


def with_ledger_values(rows):
	"""Rows of lots on hand (batch, warehouse, qty), valued from ERPNext's ledger: a lot's stock value
	is what its bundle entries carried there (the kept balances hold quantities; a repost can change
	values)."""
	values = {
		(row.batch, row.warehouse): flt(row.stock_value)
		for row in balance_queries.get_ledger_lot_balances({row.batch for row in rows})
	}
	for row in rows:
		row.value = values.get((row.batch, row.warehouse), 0.0)
	return rows


def expiry_risk(today, days: int, company=None, warehouse=None, item_code=None) -> list[dict]:
	"""Lots with stock expiring within `days` of `today` (and expired ones), with the open Sales Order
	demand due before each expires (FEFO, `traceability.kpis.project_expiry`) and what that demand
	leaves to expire. Where no demand is known for the lot's item and warehouse, nothing is projected:
	the row says so (`demand_known` 0), rather than claiming all of it will expire."""
	today = getdate(today)
	until = add_days(today, days)
	lots = with_ledger_values(kpi_queries.get_stock_expiring(until, company, warehouse, item_code))
	demand = defaultdict(list)
	for order in kpi_queries.get_open_order_demand({(row.item, row.warehouse) for row in lots}, until):
		demand[(order.item_code, order.warehouse)].append((getdate(order.due), flt(order.qty)))
	groups = defaultdict(list)
	for row in lots:
		groups[(row.item, row.warehouse)].append(row)
	uoms = kpi_queries.get_stock_uoms({row.item for row in lots})
	data = []
	for key, rows in groups.items():
		known = bool(demand.get(key))
		covered = core.project_expiry(
			[
				(row.batch, getdate(row.expiry_date), flt(row.qty))
				for row in rows
				if getdate(row.expiry_date) >= today
			],
			demand.get(key, []),
		)
		for row in rows:
			qty, value = flt(row.qty), flt(row.value)
			expired = getdate(row.expiry_date) < today
			taken = covered.get(row.batch, 0.0)
			at_risk = qty - taken if (known or expired) else None
			data.append(
				frappe._dict(
					lot=row.batch,
					item=row.item,
					uom=uoms.get(row.item),
					warehouse=row.warehouse,
					company=row.company,
					currency=frappe.get_cached_value("Company", row.company, "default_currency"),
					lot_status=row.lot_status,
					expiry_date=row.expiry_date,
					days_to_expiry=(getdate(row.expiry_date) - today).days,
					qty=qty,
					value=value,
					demand_known=int(known),
					demand=taken,
					at_risk_qty=at_risk,
					at_risk_value=(value * at_risk / qty if qty else 0.0) if at_risk is not None else None,
				)
			)
	data.sort(key=lambda r: (r.days_to_expiry, -(r.at_risk_value or 0), r.lot))
	return data


def expiration_loss(from_date=None, to_date=None, company=None) -> dict:
	"""Value lost to expiry: expired lots written off in the period, and stock still on hand of lots
	that expired in the period. With a breakdown by month."""
	from_date, to_date = period(from_date, to_date)
	expired_status = get_settings().expired_status
	written = [
		row
		for row in kpi_queries.get_write_offs(from_date, to_date, company)
		if (row.expiry_date and getdate(row.expiry_date) < getdate(row.posting_date))
		or row.lot_status == expired_status
	]
	on_hand = with_ledger_values(
		kpi_queries.get_expired_stock(from_date, min(to_date, getdate(nowdate())), company)
	)
	months = core.by_month(
		[(getdate(row.posting_date), flt(row.value)) for row in written]
		+ [(getdate(row.expiry_date), flt(row.value)) for row in on_hand]
	)
	return {
		"written_off": sum(flt(row.value) for row in written),
		"on_hand": sum(flt(row.value) for row in on_hand),
		"total": sum(months.values()),
		"by_month": months,
	}


def fefo_adherence(from_date=None, to_date=None, company=None) -> tuple[core.Ratio, list]:
	from_date, to_date = period(from_date, to_date)
	shipped = kpi_queries.get_shipments(from_date, to_date, company)
	pairs = {(row.item_code, row.warehouse) for row in shipped}
	moves: dict[tuple, list] = defaultdict(list)
	facts: dict[tuple, dict] = {}
	for row in kpi_queries.get_lot_moves_of(pairs, to_date):
		key = (row.batch_no, row.warehouse)
		moves[key].append((getdate(row.posting_date), flt(row.qty)))
		facts[key] = row
	default_status = get_settings().default_receipt_status
	lots = [
		core.LotFacts(
			lot=row.batch_no,
			item=row.item_code,
			warehouse=row.warehouse,
			expiry=getdate(row.expiry_date) if row.expiry_date else None,
			may_ship=get_lot_status(row.lot_status or default_status).allows("shipment"),
			moves=tuple(moves[key]),
		)
		for key, row in facts.items()
	]
	shipments = [
		core.Shipment(
			row.batch_no,
			row.item_code,
			row.warehouse,
			getdate(row.posting_date),
			getdate(row.expiry_date) if row.expiry_date else None,
		)
		for row in shipped
	]
	return core.fefo_adherence(shipments, lots)


def time_to_scope(from_date=None, to_date=None, company=None) -> dict:
	"""How long recalls dated in the period took to scope (those with a source lot of the company)."""
	from_date, to_date = period(from_date, to_date)
	recalls = kpi_queries.get_recall_scope_times(from_date, to_date)
	if company:
		sources = kpi_queries.get_recall_source_lots([r.name for r in recalls])
		lots = of_company({lot for lots in sources.values() for lot in lots}, company)
		recalls = [r for r in recalls if sources.get(r.name, set()) & lots]
	seconds = [flt(r.time_to_scope) for r in recalls if r.time_to_scope]
	return {"recalls": len(recalls), "mean": core.mean(seconds), "max": max(seconds) if seconds else None}


def default_company(user: str | None = None) -> str | None:
	"""The company the KPIs open on: the user's default company if it has lots, else the first company
	(by name) with lots that the user may read; None where no company has lots."""
	with_lots = kpi_queries.get_companies_with_lots()
	readable = access.readable_companies(user)
	with_lots = [company for company in with_lots if readable is None or company in readable]
	preferred = frappe.defaults.get_user_default("Company", user)
	if preferred in with_lots:
		return preferred
	return with_lots[0] if with_lots else None


def currency_of(company=None) -> str | None:
	"""The currency values are in: the company's, or the one all companies share (None: several)."""
	if company:
		return frappe.get_cached_value("Company", company, "default_currency")
	currencies = kpi_queries.get_company_currencies()
	return currencies[0] if len(currencies) == 1 else None


def summary(from_date=None, to_date=None, company=None) -> list[dict]:
	"""One row per KPI: value, unit and what it was computed from (values in the company's currency)."""
	from_date, to_date = period(from_date, to_date)
	currency = currency_of(company)
	money_unit = currency or _("value, in several currencies")

	def money(value):
		return fmt_money(value, 2, currency) if currency else str(flt(value, 2))

	complete = receiving_completeness(from_date, to_date, company)
	cycles = quarantine_cycles(from_date, to_date, company)
	loss = expiration_loss(from_date, to_date, company)
	write_offs = write_offs_by_reason(from_date, to_date, company)
	fefo, departures = fefo_adherence(from_date, to_date, company)
	scope = time_to_scope(from_date, to_date, company)
	returns = return_dispositions(from_date, to_date, company)
	return [
		{
			"kpi": _("Time to scope a recall"),
			"value": scope["mean"],
			"unit": _("seconds (mean)"),
			"basis": _("{0} recalls, longest {1} s").format(scope["recalls"], flt(scope["max"], 3)),
		},
		{
			"kpi": _("Receiving rows with supplier lot and expiry"),
			"value": complete.pct,
			"unit": "%",
			"basis": _("{0} of {1} rows").format(complete.part, complete.whole),
		},
		{
			"kpi": _("Quarantine cycle time"),
			"value": core.mean(c.days for c in cycles),
			"unit": _("days (mean)"),
			"basis": _("{0} holds released").format(len(cycles)),
		},
		{
			"kpi": _("Expiration loss"),
			"value": loss["total"],
			"unit": money_unit,
			"basis": _("{0} written off, {1} still on hand").format(
				money(loss["written_off"]), money(loss["on_hand"])
			),
		},
		{
			"kpi": _("Write-offs"),
			"value": sum(r["value"] for r in write_offs.values()),
			"unit": money_unit,
			"basis": "; ".join(f"{_(reason)}: {money(r['value'])}" for reason, r in write_offs.items())
			or _("none"),
		},
		{
			"kpi": _("FEFO adherence"),
			"value": fefo.pct,
			"unit": "%",
			"basis": _("{0} of {1} shipments took the earliest lot that could ship").format(
				fefo.part, fefo.whole
			),
		},
		{
			"kpi": _("Customer returns by disposition"),
			"value": sum(kind["returns"] for kind in returns.values()),
			"unit": _("lots returned"),
			"basis": "; ".join(
				_("{0}: {1} ({2} units)").format(_(disposition), kind["returns"], flt(kind["qty"]))
				for disposition, kind in returns.items()
				if kind["returns"]
			)
			or _("none"),
		},
		*count_kpis(from_date, to_date, company, money, money_unit),
	]


def count_kpis(from_date, to_date, company, money, money_unit) -> list[dict]:
	"""Cycle counts: lot-level inventory accuracy, count coverage and variance value."""
	from lot_traceability.cycle_counts import summary as count_summary

	counts = count_summary(from_date, to_date, company)
	return [
		{
			"kpi": _("Lot-level inventory accuracy"),
			"value": counts["accuracy"],
			"unit": "%",
			"basis": _("{0} of {1} lot × location counts within tolerance").format(
				counts["within"], counts["counted"]
			),
		},
		{
			"kpi": _("Count coverage"),
			"value": counts["coverage"],
			"unit": "%",
			"basis": _("{0} of {1} lot × location pairs with stock counted").format(
				counts["covered"], counts["stocked"]
			),
		},
		{
			"kpi": _("Count variance value"),
			"value": counts["variance_value"],
			"unit": money_unit,
			"basis": _("{0} of confirmed variances (absolute)").format(money(counts["variance_value"])),
		},
	]


def lots_by_status_and_site(company=None) -> list[dict]:
	"""Number of lots with stock per warehouse and status."""
	rows = kpi_queries.get_lots_by_status_and_site(company)
	default_status = get_settings().default_receipt_status
	sites: dict[str, dict] = {}
	for row in rows:
		site = sites.setdefault(
			row.warehouse, {"warehouse": row.warehouse, "site": row.warehouse_name or row.warehouse}
		)
		status = row.lot_status or default_status
		site[status] = site.get(status, 0) + int(row.lots)
	# A short name shared by several warehouses (each company's "Stores") would not say which.
	short_names = [site["site"] for site in sites.values()]
	for site in sites.values():
		if short_names.count(site["site"]) > 1:
			site["site"] = site["warehouse"]
	return [sites[name] for name in sorted(sites)]


# Frappe Charts takes colours as hex codes; a Lot Status keeps an indicator colour name.
INDICATOR_HEX = {
	"green": "#28a745",
	"blue": "#2490ef",
	"orange": "#fd7e14",
	"yellow": "#f4b400",
	"red": "#e03636",
	"gray": "#98a1a9",
	"darkgrey": "#4c5a67",
	"purple": "#6f42c1",
	"pink": "#e83e8c",
	"cyan": "#17a2b8",
}
STATUS_CHART = "Lots by Status and Site"


def chart_statuses() -> list[str]:
	"""Every Lot Status, in the order they were made: the datasets of the status charts."""
	return [row.name for row in kpi_queries.get_status_names()]


def status_chart_options(statuses=None) -> dict:
	"""Stacked bars in each status's own colour (as hex)."""
	statuses = chart_statuses() if statuses is None else statuses
	return {
		"barOptions": {"stacked": 1},
		"colors": [INDICATOR_HEX.get(get_lot_status(s).colour, INDICATOR_HEX["gray"]) for s in statuses],
	}


def set_status_chart_colours() -> None:
	"""The workspace's status chart takes its colours from its own options: keep them the statuses'
	(after install and migrate, and whenever a Lot Status is saved or deleted)."""
	if frappe.db.exists("Dashboard Chart", STATUS_CHART):
		frappe.db.set_value(
			"Dashboard Chart", STATUS_CHART, "custom_options", frappe.as_json(status_chart_options())
		)
