# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint

from lot_traceability.recall_scope import compute_scope, scope_sources
from lot_traceability.tracing import DEFAULT_DEPTH

SECTIONS = ("Stock", "Customers", "Shipments", "Open Demand", "Affected Lots", "Upstream")
MAX_CHART_SITES = 20


def execute(filters=None):
	filters = frappe._dict(filters or {})
	section = filters.get("section") or "Stock"
	if section not in SECTIONS:
		frappe.throw(_("Section must be one of {0}, not {1}.").format(", ".join(SECTIONS), section))
	batches, supplier_lot_no, recall_date = scope_sources(filters)
	if not batches and not supplier_lot_no:
		return [], [], _("Choose a lot, a supplier lot no or a Lot Recall.")
	scope = compute_scope(
		batches,
		supplier_lot_no,
		recall_date,
		max_depth=cint(filters.get("max_depth")) or DEFAULT_DEPTH,
		with_demand=section in ("Open Demand", "Upstream"),
		with_contacts=section == "Customers",
	)
	columns, data = SECTION_BUILDERS[section](scope)
	message = None
	if scope.truncated:
		message = _("The genealogy goes deeper than {0} levels: raise Levels to see the whole scope.").format(
			cint(filters.get("max_depth")) or DEFAULT_DEPTH
		)
	return columns, data, message, get_chart(scope), get_summary(scope)


def col(fieldname, label, fieldtype="Data", width=120, options=None):
	column = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width}
	if options:
		column["options"] = options
	return column


def stock_section(scope):
	items = {lot.lot: lot.item for lot in scope.lots}
	columns = [
		col("company", _("Company"), "Link", 160, "Company"),
		col("warehouse", _("Warehouse"), "Link", 170, "Warehouse"),
		col("in_transit", _("In Transit"), "Check", 80),
		col("lot", _("Lot"), "Link", 170, "Batch"),
		col("item", _("Item"), "Link", 150, "Item"),
		col("qty", _("On Hand"), "Float", 100),
		col("affected_qty", _("Affected Quantity"), "Float", 120),
		col("value", _("Stock Value"), "Currency", 120),
	]
	data = [
		{
			"company": row.company,
			"warehouse": row.warehouse,
			"in_transit": int(row.in_transit),
			"lot": row.lot,
			"item": items.get(row.lot),
			"qty": row.qty,
			"affected_qty": row.affected_qty,
			"value": row.value,
		}
		for row in scope.stock
	]
	return columns, data


def customers_section(scope):
	columns = [
		col("customer", _("Customer"), "Link", 150, "Customer"),
		col("customer_name", _("Customer Name"), "Data", 170),
		col("contact", _("Contact"), "Link", 140, "Contact"),
		col("email", _("Email"), "Data", 180),
		col("phone", _("Phone"), "Data", 120),
		col("address_display", _("Address"), "Data", 220),
		col("shipped_qty", _("Shipped"), "Float", 90),
		col("returned_qty", _("Returned"), "Float", 90),
		col("net_qty", _("Net Shipped"), "Float", 100),
		col("affected_qty", _("Affected Quantity"), "Float", 120),
		col("sales_value", _("Sales Value"), "Currency", 110),
		col("first_delivery", _("First Delivery"), "Date", 100),
		col("last_delivery", _("Last Delivery"), "Date", 100),
		col("deliveries", _("Deliveries"), "Int", 90),
		col("lots", _("Lots"), "Data", 200),
	]
	data = []
	for customer in scope.customers:
		contact = scope.contacts.get(customer.customer, {})
		data.append(
			{
				"customer": customer.customer,
				"customer_name": contact.get("customer_name"),
				"contact": contact.get("contact"),
				"email": contact.get("email"),
				"phone": contact.get("phone"),
				"address_display": (contact.get("address_display") or "").replace("<br>", ", "),
				"shipped_qty": customer.shipped_qty,
				"returned_qty": customer.returned_qty,
				"net_qty": customer.net_qty,
				"affected_qty": customer.affected_qty,
				"sales_value": customer.sales_value,
				"first_delivery": customer.first_date,
				"last_delivery": customer.last_date,
				"deliveries": len(customer.documents),
				"lots": ", ".join(sorted(customer.lots)),
			}
		)
	return columns, data


def shipments_section(scope):
	columns = [
		col("customer", _("Customer"), "Link", 150, "Customer"),
		col("document_type", _("Document Type"), "Link", 120, "DocType"),
		col("document", _("Document"), "Dynamic Link", 160, "document_type"),
		col("posting_date", _("Date"), "Date", 100),
		col("lot", _("Lot"), "Link", 170, "Batch"),
		col("shipped_qty", _("Shipped"), "Float", 90),
		col("returned_qty", _("Returned"), "Float", 90),
		col("recovered_qty", _("Recovered"), "Float", 90),
		col("affected_qty", _("Affected Quantity"), "Float", 120),
		col("sales_value", _("Sales Value"), "Currency", 110),
	]
	data = [
		{
			"customer": row.customer,
			"document_type": row.voucher_type,
			"document": row.voucher_no,
			"posting_date": row.posting_date,
			"lot": row.lot,
			"shipped_qty": row.shipped_qty,
			"returned_qty": row.returned_qty,
			"recovered_qty": row.recovered_qty,
			"affected_qty": row.affected_qty,
			"sales_value": row.sales_value,
		}
		for row in scope.shipments
	]
	return columns, data


def demand_section(scope):
	columns = [
		col("demand", _("Demand"), "Data", 140),
		col("document_type", _("Document Type"), "Link", 150, "DocType"),
		col("document", _("Document"), "Dynamic Link", 170, "document_type"),
		col("customer", _("Customer"), "Link", 150, "Customer"),
		col("item", _("Item"), "Link", 150, "Item"),
		col("warehouse", _("Warehouse"), "Link", 160, "Warehouse"),
		col("lot", _("Lot"), "Link", 170, "Batch"),
		col("qty", _("Quantity"), "Float", 100),
		col("status", _("Status"), "Data", 110),
	]
	data = [
		{
			"demand": _("Reserved"),
			"document_type": "Stock Reservation Entry",
			"document": row.name,
			"item": row.item_code,
			"warehouse": row.warehouse,
			"lot": row.batch_no,
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
			"qty": row.pending_qty,
			"status": _("To deliver by {0}").format(frappe.format(row.delivery_date, {"fieldtype": "Date"})),
		}
		for row in scope.sales_orders
	]
	return columns, data


def lots_section(scope):
	on_hand = {}
	for row in scope.stock:
		on_hand[row.lot] = on_hand.get(row.lot, 0.0) + row.qty
	columns = [
		col("lot", _("Lot"), "Link", 180, "Batch"),
		col("item", _("Item"), "Link", 160, "Item"),
		col("level", _("Level"), "Int", 70),
		col("lot_status", _("Status"), "Link", 120, "Lot Status"),
		col("made_qty", _("Made"), "Float", 100),
		col("traced_qty", _("Affected Quantity"), "Float", 120),
		col("share", _("Affected Share"), "Percent", 110),
		col("on_hand", _("On Hand"), "Float", 100),
	]
	data = [
		{**lot, "share": 100 * lot.share, "on_hand": on_hand.get(lot.lot, 0.0)}
		for lot in sorted(scope.lots, key=lambda lot: (lot.level, lot.lot))
	]
	return columns, data


def upstream_section(scope):
	columns = [
		col("lot", _("Lot"), "Link", 180, "Batch"),
		col("document_type", _("Document Type"), "Link", 140, "DocType"),
		col("document", _("Document"), "Dynamic Link", 170, "document_type"),
		col("posting_date", _("Date"), "Date", 100),
		col("supplier", _("Supplier"), "Link", 170, "Supplier"),
		col("qty", _("Received"), "Float", 100),
	]
	data = [
		{
			"lot": row.batch_no,
			"document_type": row.voucher_type,
			"document": row.voucher_no,
			"posting_date": row.posting_date,
			"supplier": row.party,
			"qty": row.qty,
		}
		for row in scope.upstream
	]
	return columns, data


SECTION_BUILDERS = {
	"Stock": stock_section,
	"Customers": customers_section,
	"Shipments": shipments_section,
	"Open Demand": demand_section,
	"Affected Lots": lots_section,
	"Upstream": upstream_section,
}


def get_chart(scope):
	sites = list(scope.by_site.items())[:MAX_CHART_SITES]
	if not sites:
		return None
	return {
		"data": {
			"labels": [site for site, _qty in sites],
			"datasets": [{"name": _("On Hand"), "values": [qty for _site, qty in sites]}],
		},
		"type": "bar",
		"colors": ["#7c3aed"],
	}


def get_summary(scope):
	s = scope.summary
	return [
		{"label": _("Affected Lots"), "value": s.lots, "indicator": "red", "datatype": "Int"},
		{"label": _("On Hand"), "value": s.on_hand_qty, "indicator": "orange", "datatype": "Float"},
		{"label": _("In Transit"), "value": s.in_transit_qty, "indicator": "orange", "datatype": "Float"},
		{"label": _("Stock Value"), "value": s.stock_value, "indicator": "orange", "datatype": "Currency"},
		{"label": _("Shipped"), "value": s.shipped_qty, "indicator": "red", "datatype": "Float"},
		{
			"label": _("Shipped Sales Value"),
			"value": s.shipped_value,
			"indicator": "red",
			"datatype": "Currency",
		},
		{"label": _("Customers"), "value": s.customers, "indicator": "red", "datatype": "Int"},
		{"label": _("Sites"), "value": s.sites, "indicator": "blue", "datatype": "Int"},
		{
			"label": _("Time to Scope (s)"),
			"value": round(scope.seconds, 3),
			"indicator": "green",
			"datatype": "Float",
		},
	]
