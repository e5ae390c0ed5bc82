# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from collections import defaultdict

import frappe
from frappe import _

from lot_traceability.foresight.supplier_risk import standing_words
from lot_traceability.genealogy.trace import checked_depth
from lot_traceability.messages import esc, quantity
from lot_traceability.production_runs import describe_window
from lot_traceability.queries import warehouses as warehouse_queries
from lot_traceability.recall.rows import customer_figures, figure_columns
from lot_traceability.recall.scope import compute_scope, scope_sources, within_walls, workstation_sources
from lot_traceability.traceability import recall as core

SECTIONS = ("Stock", "Customers", "Shipments", "Open Demand", "Affected Lots", "Upstream")
MAX_CHART_BARS = 20


def execute(filters=None):
	filters = frappe._dict(filters or {})
	section = filters.get("section") or "Stock"
	if section not in SECTIONS:
		frappe.throw(_("Section must be one of {0}, not {1}.").format(", ".join(SECTIONS), esc(section)))
	batches, supplier_lot_no, recall_date = scope_sources(filters)
	window = None
	if filters.get("workstation"):  # an equipment window: the lots made and consumed there then
		window = workstation_sources(
			filters.workstation, filters.get("from_datetime"), filters.get("to_datetime")
		)
		batches = [*batches, *window.lots]
	if not batches and not supplier_lot_no:
		if window:
			return [], [], _("No lot was made or consumed on {0}.").format(describe_window(window))
		return [], [], _("Choose a lot, a supplier lot no, a Lot Recall or a workstation window.")
	scope = within_walls(
		compute_scope(
			batches,
			supplier_lot_no,
			recall_date,
			max_depth=checked_depth(filters.get("max_depth")),
			with_demand=section in ("Open Demand", "Upstream"),
			with_contacts=section == "Customers",
		)
	)
	scope.lot_info = {lot.lot: lot for lot in scope.lots}
	columns, data = SECTION_BUILDERS[section](scope)
	messages = []
	if section in ("Stock", "Customers", "Shipments") and any(lot.share < 1 - 1e-9 for lot in scope.lots):
		messages.append(
			_(
				"Lots made partly from the source count whole under On Hand and Shipped, and by the part "
				"that came from the source under Affected Part."
			)
		)
	if scope.truncated:
		messages.append(
			_("The genealogy goes deeper than {0} levels: raise Levels to see the whole scope.").format(
				checked_depth(filters.get("max_depth"))
			)
		)
	if scope.hidden_note:
		messages.append(scope.hidden_note)
	summary, chart = SECTION_SUMMARIES[section](scope)
	summary.append(
		{
			"label": _("Time to Scope (s)"),
			"value": round(scope.seconds, 3),
			"indicator": "green",
			"datatype": "Float",
		}
	)
	return columns, data, "<br>".join(messages) or None, chart, summary


def col(fieldname, label, fieldtype="Data", width=120, options=None):
	column = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width}
	if options:
		column["options"] = options
	return column


def uom_col():
	return col("uom", _("UOM"), "Link", 60, "UOM")


def lot_item(scope, lot) -> dict:
	info = scope.lot_info.get(lot) or {}
	return {"item": info.get("item"), "uom": info.get("uom")}


def figure(label, value, indicator, datatype="Data"):
	return {"label": label, "value": value, "indicator": indicator, "datatype": datatype}


def quantity_figures(scope, rows, figures, indicator) -> list[dict]:
	"""Summary figures of quantities ((label, field) pairs) when the rows hold one item: quantities of
	different items are not added up (the chart shows them per item)."""
	items = {lot_item(scope, row.lot)["item"] for row in rows}
	if len(items) > 1:
		return [figure(_("Items"), len(items), "blue", "Int")]
	uom = lot_item(scope, rows[0].lot)["uom"] if rows else None
	return [
		figure(label, quantity(sum(getattr(row, field) for row in rows), uom), indicator)
		for label, field in figures
	]


def item_chart(scope, rows, figures, colours):
	"""Bars per item ("Vanilla Cake Mix (Kg)"), one dataset per (label, field): each bar keeps to one
	item and unit."""
	totals: dict[tuple, list[float]] = {}
	for row in rows:
		info = scope.lot_info.get(row.lot) or {}
		key = (info.get("item_name") or info.get("item") or "", info.get("uom") or "")
		values = totals.setdefault(key, [0.0] * len(figures))
		for i, (_label, field) in enumerate(figures):
			values[i] += getattr(row, field)
	shown = sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[0]))[:MAX_CHART_BARS]
	if not any(any(values) for _key, values in shown):
		return None
	return {
		"data": {
			"labels": [f"{item} ({_(uom)})" if uom else item for (item, uom), _values in shown],
			"datasets": [
				{"name": label, "values": [values[i] for _key, values in shown]}
				for i, (label, _field) in enumerate(figures)
			],
		},
		"type": "bar",
		"fieldtype": "Float",
		"colors": colours,
	}


def bar_chart(values: dict, name, fieldtype, colour):
	"""Bars for the largest values (a chart of quantities would add up different units: charts show
	values or counts)."""
	bars = sorted(((k, v) for k, v in values.items() if v), key=lambda kv: (-kv[1], kv[0]))[:MAX_CHART_BARS]
	if not bars:
		return None
	return {
		"data": {
			"labels": [label for label, _value in bars],
			"datasets": [{"name": name, "values": [value for _label, value in bars]}],
		},
		"type": "bar",
		"fieldtype": fieldtype,
		"colors": [colour],
	}


def stock_section(scope):
	columns = [
		col("company", _("Company"), "Link", 150, "Company"),
		col("warehouse", _("Warehouse"), "Link", 160, "Warehouse"),
		col("location", _("Location"), "Data", 80),
		col("lot", _("Lot"), "Link", 190, "Batch"),
		col("item", _("Item"), "Link", 160, "Item"),
		uom_col(),
		col("qty", _("On Hand"), "Float", 90),
		col("affected_qty", _("Affected Part"), "Float", 110),
		col("value", _("Stock Value"), "Currency", 110),
	]
	data = [
		{
			"company": row.company,
			"warehouse": row.warehouse,
			"location": _("In transit")
			if row.in_transit
			else _("In quarantine")
			if warehouse_queries.is_quarantine_warehouse(row.warehouse)
			else _("In stock"),
			"lot": row.lot,
			**lot_item(scope, row.lot),
			"qty": row.qty,
			"affected_qty": row.affected_qty,
			"value": row.value,
		}
		for row in scope.stock
	]
	return columns, data


def stock_summary(scope):
	s = scope.summary
	transit = [row for row in scope.stock if row.in_transit]
	quantities_shown = ((_("On Hand"), "qty"), (_("Affected Part"), "affected_qty"))
	return [
		figure(_("Affected Lots"), s.lots, "red", "Int"),
		*quantity_figures(scope, scope.stock, quantities_shown, "orange"),
		figure(_("Stock Value"), s.stock_value, "orange", "Currency"),
		figure(_("Sites"), s.sites, "blue", "Int"),
		figure(_("Lots in Transit"), len({row.lot for row in transit}), "orange", "Int"),
	], item_chart(scope, scope.stock, quantities_shown, ["#7c3aed", "#e03636"])


def customers_section(scope):
	"""One row per customer and item (quantities of different items are not added up)."""
	columns = [
		col("customer", _("Customer"), "Link", 170, "Customer"),
		col("item", _("Item"), "Link", 150, "Item"),
		uom_col(),
		*figure_columns(),  # the recall's per-customer figures, as the Lot Recall keeps them
		col("net_qty", _("Net Shipped"), "Float", 100),
		col("deliveries", _("Deliveries"), "Int", 90),
		col("contact", _("Contact"), "Link", 160, "Contact"),
		col("email", _("Email"), "Data", 200),
		col("phone", _("Phone"), "Data", 130),
		col("address_display", _("Address"), "Data", 260),
		col("customer_name", _("Customer Name"), "Data", 170),
		col("lots", _("Lots"), "Data", 200),
	]
	per_item: dict[str, list] = defaultdict(list)
	for row in scope.shipments:
		per_item[lot_item(scope, row.lot)["item"] or ""].append(row)
	data = []
	for item, rows in per_item.items():
		for customer in core.customers(rows):
			contact = scope.contacts.get(customer.customer, {})
			data.append(
				{
					"customer": customer.customer,
					"customer_name": contact.get("customer_name"),
					"contact": contact.get("contact"),
					"email": contact.get("email"),
					"phone": contact.get("phone"),
					"address_display": (contact.get("address_display") or "").replace("<br>", ", "),
					"item": item or None,
					"uom": lot_item(scope, rows[0].lot)["uom"],
					**customer_figures(customer),
					"net_qty": customer.net_qty,
					"deliveries": len(customer.documents),
					"lots": ", ".join(sorted(customer.lots)),
				}
			)
	order = {customer.customer: i for i, customer in enumerate(scope.customers)}
	data.sort(key=lambda row: (order.get(row["customer"], len(order)), row["item"] or ""))
	return columns, data


def shipped(*more):
	return ((_("Shipped"), "shipped_qty"), (_("Affected Part Shipped"), "affected_qty"), *more)


def shipped_figures(scope, *more):
	return [
		*quantity_figures(scope, scope.shipments, shipped(*more), "red"),
		figure(_("Sales Value Shipped"), scope.summary.shipped_value, "red", "Currency"),
	]


def customers_summary(scope):
	return [
		figure(_("Customers"), scope.summary.customers, "red", "Int"),
		*shipped_figures(scope),
	], item_chart(
		scope,
		scope.shipments,
		((_("Shipped"), "shipped_qty"), (_("Affected Part"), "affected_qty")),
		["#e03636", "#fd7e14"],
	)


def shipments_section(scope):
	columns = [
		col("customer", _("Customer"), "Link", 150, "Customer"),
		col("document_type", _("Document Type"), "Data", 120),
		col("document", _("Document"), "Dynamic Link", 190, "document_type"),
		col("posting_date", _("Date"), "Date", 110),
		col("lot", _("Lot"), "Link", 190, "Batch"),
		col("item", _("Item"), "Link", 150, "Item"),
		uom_col(),
		col("shipped_qty", _("Shipped"), "Float", 90),
		col("returned_qty", _("Returned"), "Float", 90),
		col("recovered_qty", _("Recovered"), "Float", 90),
		col("affected_qty", _("Affected Part"), "Float", 110),
		col("sales_value", _("Sales Value"), "Currency", 110),
	]
	data = [
		{
			"customer": row.customer,
			"document_type": row.voucher_type,
			"document": row.voucher_no,
			"posting_date": row.posting_date,
			"lot": row.lot,
			**lot_item(scope, row.lot),
			"shipped_qty": row.shipped_qty,
			"returned_qty": row.returned_qty,
			"recovered_qty": row.recovered_qty,
			"affected_qty": row.affected_qty,
			"sales_value": row.sales_value,
		}
		for row in scope.shipments
	]
	return columns, data


def shipments_summary(scope):
	documents = {(row.voucher_type, row.voucher_no) for row in scope.shipments if row.shipped_qty}
	months: dict[str, float] = defaultdict(float)
	for row in scope.shipments:
		if row.posting_date and row.shipped_qty:
			months[str(row.posting_date)[:7]] += row.sales_value
	chart = bar_chart(months, _("Sales Value Shipped"), "Currency", "#e03636")
	if chart:  # months in order, not by value
		pairs = sorted(zip(chart["data"]["labels"], chart["data"]["datasets"][0]["values"], strict=True))
		chart["data"]["labels"] = [month for month, _value in pairs]
		chart["data"]["datasets"][0]["values"] = [value for _month, value in pairs]
	return [
		figure(_("Deliveries"), len(documents), "red", "Int"),
		*shipped_figures(scope, (_("Recovered since the Recall"), "recovered_qty")),
	], chart


def demand_section(scope):
	columns = [
		col("demand", _("Demand"), "Data", 140),
		col("document_type", _("Document Type"), "Data", 150),
		col("document", _("Document"), "Dynamic Link", 190, "document_type"),
		col("customer", _("Customer"), "Link", 150, "Customer"),
		col("item", _("Item"), "Link", 150, "Item"),
		col("warehouse", _("Warehouse"), "Link", 160, "Warehouse"),
		col("lot", _("Lot"), "Link", 190, "Batch"),
		uom_col(),
		col("qty", _("Quantity"), "Float", 100),
		col("status", _("Status"), "Data", 130),
	]
	units = {lot.item: lot.uom for lot in scope.lots}
	data = [
		{
			"demand": _("Reserved"),
			"document_type": "Stock Reservation Entry",
			"document": row.name,
			"item": row.item_code,
			"warehouse": row.warehouse,
			"lot": row.batch_no,
			"uom": units.get(row.item_code),
			"qty": row.qty,
			"status": row.status,
		}
		for row in scope.reservations
	]
	data += [
		{
			"demand": _("Picked"),
			"document_type": "Pick List",
			"document": row.name,
			"customer": row.customer,
			"item": row.item_code,
			"warehouse": row.warehouse,
			"lot": row.batch_no,
			"uom": units.get(row.item_code),
			"qty": row.qty,
			"status": row.status if row.docstatus else _("Draft"),
		}
		for row in scope.pick_lists
	]
	data += [
		{
			"demand": _("Would draw on"),
			"document_type": "Sales Order",
			"document": row.name,
			"customer": row.customer,
			"item": row.item_code,
			"warehouse": row.warehouse,
			"uom": units.get(row.item_code),
			"qty": row.pending_qty,
			"status": _("To deliver by {0}").format(frappe.format(row.delivery_date, {"fieldtype": "Date"})),
		}
		for row in scope.sales_orders
	]
	return columns, data


def demand_summary(scope):
	return [
		figure(_("Reservations"), len({row.name for row in scope.reservations}), "orange", "Int"),
		figure(_("Pick Lists"), len({row.name for row in scope.pick_lists}), "orange", "Int"),
		figure(_("Sales Orders"), len({row.name for row in scope.sales_orders}), "orange", "Int"),
	], None


def lots_section(scope):
	on_hand = {}
	for row in scope.stock:
		on_hand[row.lot] = on_hand.get(row.lot, 0.0) + row.qty
	columns = [
		col("lot", _("Lot"), "Link", 200, "Batch"),
		col("item", _("Item"), "Link", 160, "Item"),
		col("level", _("Level"), "Int", 70),
		col("lot_status", _("Status"), "Link", 120, "Lot Status"),
		uom_col(),
		col("made_qty", _("Made"), "Float", 100),
		col("traced_qty", _("Affected Part"), "Float", 110),
		col("share", _("Affected Share"), "Percent", 110),
		col("on_hand", _("On Hand"), "Float", 100),
	]
	data = [
		{**lot, "share": 100 * lot.share, "on_hand": on_hand.get(lot.lot, 0.0)}
		for lot in sorted(scope.lots, key=lambda lot: (lot.level, lot.lot))
	]
	return columns, data


def lots_summary(scope):
	statuses: dict[str, int] = defaultdict(int)
	for lot in scope.lots:
		statuses[lot.lot_status or _("No status")] += 1
	return [
		figure(_("Affected Lots"), scope.summary.lots, "red", "Int"),
		figure(_("Levels"), max((lot.level for lot in scope.lots), default=0) + 1, "blue", "Int"),
		figure(_("Items"), len({lot.item for lot in scope.lots}), "blue", "Int"),
	], bar_chart(statuses, _("Lots by Status"), "Int", "#2490ef")


def upstream_section(scope):
	columns = [
		col("lot", _("Lot"), "Link", 200, "Batch"),
		col("document_type", _("Document Type"), "Data", 140),
		col("document", _("Document"), "Dynamic Link", 190, "document_type"),
		col("posting_date", _("Date"), "Date", 110),
		col("supplier", _("Supplier"), "Link", 170, "Supplier"),
		col("supplier_standing", _("Supplier Standing"), "Data", 200),
		col("item", _("Item"), "Link", 150, "Item"),
		uom_col(),
		col("qty", _("Received"), "Float", 100),
	]
	standings = standing_words({row.party for row in scope.upstream if row.party})
	data = [
		{
			"lot": row.batch_no,
			"document_type": row.voucher_type,
			"document": row.voucher_no,
			"posting_date": row.posting_date,
			"supplier": row.party,
			"supplier_standing": standings.get(row.party),
			"item": row.item,
			"uom": row.uom,
			"qty": row.qty,
		}
		for row in scope.upstream
	]
	return columns, data


def upstream_summary(scope):
	return [
		figure(_("Suppliers"), len({row.party for row in scope.upstream if row.party}), "blue", "Int"),
		figure(
			_("Receipts"), len({(row.voucher_type, row.voucher_no) for row in scope.upstream}), "blue", "Int"
		),
	], None


SECTION_BUILDERS = {
	"Stock": stock_section,
	"Customers": customers_section,
	"Shipments": shipments_section,
	"Open Demand": demand_section,
	"Affected Lots": lots_section,
	"Upstream": upstream_section,
}
SECTION_SUMMARIES = {
	"Stock": stock_summary,
	"Customers": customers_summary,
	"Shipments": shipments_summary,
	"Open Demand": demand_summary,
	"Affected Lots": lots_summary,
	"Upstream": upstream_summary,
}
