"""Lots that will expire before they sell: each lot's demand and deadline by warehouse, the forecast
stored for Expiry Risk, and the rebalancing transfer a suggestion drafts for a person to check and
submit (rules: `traceability.forecast`)."""

import json
from collections import defaultdict
from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, format_date, getdate, now_datetime

from lot_traceability import access
from lot_traceability.config import get_lot_rules, get_lot_status, get_settings
from lot_traceability.messages import bold
from lot_traceability.queries import foresight as queries
from lot_traceability.traceability import forecast as forecast_core
from lot_traceability.traceability.shelf_life import last_day_meeting
from lot_traceability.traceability.statuses import Movement


def demand_rates(today, weeks: int, first_seen) -> dict[tuple[str, str], forecast_core.DemandRate]:
	"""The learned weekly demand of each item at each warehouse with any in the history: over the
	last `weeks` weeks, or the weeks since the item first moved there if fewer (weeks before it was
	there are not weeks without demand)."""
	since = add_days(today, -7 * weeks)
	daily = defaultdict(list)
	for row in queries.get_daily_demand(since, today):
		daily[(row.item_code, row.warehouse)].append((getdate(row.posting_date), flt(row.qty)))
	rates = {}
	for key, moves in daily.items():
		first = getdate(first_seen.get(key) or since)
		span = max(1, min(weeks, -(-(today - first).days // 7)))
		rates[key] = forecast_core.demand_rate(forecast_core.weekly_series(moves, today, span))
	return rates


def open_orders(today) -> dict[tuple[str, str], list[tuple]]:
	"""Open Sales Order lines and Work Order materials, (due, quantity) by item and warehouse."""
	orders = defaultdict(list)
	for row in queries.get_open_sales_orders() + queries.get_open_work_orders():
		if flt(row.qty) > 0:
			orders[(row.item_code, row.warehouse)].append((getdate(row.due or today), flt(row.qty)))
	return orders


def sellable(status_name: str | None) -> bool:
	"""A lot forecast to sell is one its status lets ship or go to production."""
	if not status_name:
		return True
	status = get_lot_status(status_name)
	return status.allows(Movement.SHIPMENT) or status.allows(Movement.ISSUE)


def deadline_of(row, rule, today):
	"""The last day the lot can be sold: its expiry, or the day before it falls below the minimum
	remaining shelf life its rule asks for at shipment (a percentage with no manufacturing date
	cannot be met: the lot cannot be sold)."""
	expiry = getdate(row.expiry_date)
	minimum = rule.minimum_remaining if rule else None
	made = getdate(row.manufacturing_date) if row.manufacturing_date else None
	last = last_day_meeting(expiry, minimum, made)
	return last if last is not None else today - timedelta(days=1)


def compute_expiry_forecasts(today, first_seen=None) -> int:
	"""`first_seen`: when each item first moved at each warehouse (read when not given)."""
	settings = get_settings()
	weeks = cint(settings.forecast_history_weeks) or 26
	lead_days = cint(settings.rebalance_lead_days)
	if first_seen is None:
		first_seen = queries.get_first_movements()
	rates = demand_rates(today, weeks, first_seen)
	orders = open_orders(today)
	rows = [row for row in queries.get_lots_on_hand() if sellable(row.lot_status)]
	rules = get_lot_rules({(row.item, row.company) for row in rows})
	groups = defaultdict(list)
	for row in rows:
		row.deadline = deadline_of(row, rules.get((row.item, row.company)), today)
		groups[(row.item, row.warehouse)].append(row)
	sites = sites_by_item(groups, rates, orders)
	whole = queries.get_whole_unit_items({item for item, _warehouse in groups})
	stamp = now_datetime()
	stored = []
	for (item, warehouse), lots in groups.items():
		rate = rates.get((item, warehouse), forecast_core.NO_DEMAND)
		key_orders = orders.get((item, warehouse), [])
		stock = [stock_lot(row) for row in lots]
		forecasts = forecast_core.forecast_leftover(stock, rate.per_week, key_orders, today)
		for row, lot in zip(lots, stock, strict=True):
			result = forecasts[lot.lot]
			suggestions = []
			if result.leftover > 0:
				candidates = [site for site in sites.get(item, ()) if site.warehouse != warehouse]
				suggestions = forecast_core.rebalance(
					lot, result.leftover, candidates, today, lead_days, whole_units=item in whole
				)
			best = suggestions[0] if suggestions else None
			stored.append(
				(
					row.batch,
					item,
					warehouse,
					row.company,
					row.expiry_date,
					lot.deadline,
					flt(row.qty),
					flt(row.stock_value),
					rate.per_week,
					rate.weeks,
					rate.nonzero_weeks,
					sum(qty for due, qty in key_orders if due <= lot.deadline),
					result.leftover,
					result.leftover_value,
					best.warehouse if best else None,
					best.company if best else None,
					best.qty if best else 0,
					best.value_saved if best else 0,
					json.dumps([suggestion_dict(s) for s in suggestions]) if suggestions else None,
					stamp,
				)
			)
	return queries.replace_rows(
		"Lot Expiry Forecast",
		list(queries.FORECAST_FIELDS),
		stored,
	)


def stock_lot(row) -> forecast_core.StockLot:
	return forecast_core.StockLot(row.batch, row.deadline, flt(row.qty), flt(row.stock_value))


def suggestion_dict(suggestion: forecast_core.Suggestion) -> dict:
	return {
		"warehouse": suggestion.warehouse,
		"company": suggestion.company,
		"qty": suggestion.qty,
		"qty_saved": suggestion.qty_saved,
		"value_saved": suggestion.value_saved,
		"per_week": suggestion.per_week,
	}


def sites_by_item(groups, rates, orders) -> dict[str, list[forecast_core.Site]]:
	"""For each item with stock at risk somewhere, every warehouse of ours with demand for it: its
	rate, open orders and the item's lots already there."""
	companies = {row.name: row.company for row in queries.get_demand_warehouses()}
	items = {item for item, _warehouse in groups}
	pairs = {key for key in rates if key[0] in items and rates[key].per_week > 0}
	pairs |= {key for key in orders if key[0] in items}
	sites = defaultdict(list)
	for item, warehouse in sorted(pairs):
		if warehouse not in companies:
			continue
		sites[item].append(
			forecast_core.Site(
				warehouse=warehouse,
				company=companies[warehouse],
				per_week=rates.get((item, warehouse), forecast_core.NO_DEMAND).per_week,
				orders=tuple(orders.get((item, warehouse), ())),
				lots=tuple(stock_lot(row) for row in groups.get((item, warehouse), ())),
			)
		)
	return sites


def make_rebalance_transfer(batch: str, from_warehouse: str, to_warehouse: str, qty) -> dict:
	"""A draft move of `qty` of the lot from one warehouse to another: a Material Transfer within a
	company, or ERPNext's inter-company transfer between two of ours (a Delivery Note to the internal
	customer that represents the receiving company; its instructions name the warehouse the Purchase
	Receipt made from it is to receive into). Nothing is submitted."""
	qty = flt(qty)
	if not batch or not frappe.db.exists("Batch", batch):
		frappe.throw(_("Lot {0} does not exist.").format(bold(batch or "")), frappe.DoesNotExistError)
	for warehouse in (from_warehouse, to_warehouse):
		if not warehouse or not frappe.db.exists("Warehouse", warehouse):
			frappe.throw(
				_("Warehouse {0} does not exist.").format(bold(warehouse or "")),
				frappe.DoesNotExistError,
			)
	if from_warehouse == to_warehouse:
		frappe.throw(_("Lot {0} is already in {1}.").format(bold(batch), bold(to_warehouse)))
	walled = access.wall()
	access.check_lot_access(batch, walled)
	for warehouse in (from_warehouse, to_warehouse):
		access.check_warehouse_access(warehouse, walled)
	on_hand = flt(frappe.db.get_value("Lot Balance", {"batch": batch, "warehouse": from_warehouse}, "qty"))
	if qty <= 0 or qty > on_hand + 1e-9:
		frappe.throw(
			_("Lot {0} has {1} in {2}: a move of {3} is not possible.").format(
				bold(batch), on_hand, bold(from_warehouse), qty
			)
		)
	item = frappe.db.get_value("Batch", batch, "item")
	source_company = frappe.get_cached_value("Warehouse", from_warehouse, "company")
	target_company = frappe.get_cached_value("Warehouse", to_warehouse, "company")
	remark = _("Lot {0} moved to {1}, where it is forecast to sell before {2}").format(
		batch, to_warehouse, format_date(forecast_deadline(batch, from_warehouse))
	)
	if source_company == target_company:
		frappe.has_permission("Stock Entry", "create", throw=True)
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Transfer",
				"purpose": "Material Transfer",
				"company": source_company,
				"remarks": remark,
				"items": [
					{
						"item_code": item,
						"qty": qty,
						"s_warehouse": from_warehouse,
						"t_warehouse": to_warehouse,
						"batch_no": batch,
						"use_serial_batch_fields": 1,
					}
				],
			}
		).insert()
		return {"doctype": entry.doctype, "name": entry.name}
	customer = queries.get_internal_customer(source_company, target_company)
	if not customer:
		frappe.throw(
			_(
				"{0} has no internal customer that represents {1}: set one up (Customer → Is Internal Customer, Represents Company, Allowed To Transact With) to move lot {2} between the two companies."
			).format(bold(source_company), bold(target_company), bold(batch))
		)
	frappe.has_permission("Delivery Note", "create", throw=True)
	note = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": source_company,
			"customer": customer,
			"items": [
				{
					"item_code": item,
					"qty": qty,
					"warehouse": from_warehouse,
					"batch_no": batch,
					"use_serial_batch_fields": 1,
				}
			],
		}
	)
	note.set_missing_values()
	# ERPNext receives an inter-company delivery on the Purchase Receipt made from it: the receiving
	# warehouse is chosen there
	note.instructions = _(
		"{0}; to be received into {1} on the inter-company Purchase Receipt made from it"
	).format(remark, to_warehouse)
	note.insert()
	return {"doctype": note.doctype, "name": note.name}


def forecast_deadline(batch: str, warehouse: str):
	deadline = frappe.db.get_value(
		"Lot Expiry Forecast", {"batch": batch, "warehouse": warehouse}, "deadline"
	)
	return deadline or frappe.db.get_value("Batch", batch, "expiry_date")
