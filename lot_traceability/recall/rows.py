"""A recall's scope as rows: the one definition of what a recall shows per affected lot, per stock
location and per customer, and of the lots its scope starts from.

The Lot Recall keeps these rows; Recall Impact, the audit pack's customer notice list, the form's
paged lists and the war room take their per-customer figures from `CUSTOMER_FIGURES`, with the
label and type of the Lot Recall Customer field of the same name.

To add a per-customer figure: compute it in the core (`traceability.recall.CustomerRow`, summed by
`customers`), name it in `CUSTOMER_FIGURES`, and give Lot Recall Customer its field (docs/spec.md,
"How to change")."""

from collections.abc import Callable
from dataclasses import dataclass

import frappe
from frappe import _

MAX_LISTED_DOCUMENTS = 30
CUSTOMER_DOCTYPE = "Lot Recall Customer"


@dataclass(frozen=True)
class Figure:
	fieldname: str  # a field of Lot Recall Customer (its label and type are the figure's)
	of: Callable  # the figure of a customer (`traceability.recall.CustomerRow`)


# Each customer's figures, in the order every list shows them.
CUSTOMER_FIGURES = (
	Figure("shipped_qty", lambda customer: customer.shipped_qty),
	Figure("returned_qty", lambda customer: customer.returned_qty),
	Figure("affected_qty", lambda customer: customer.affected_qty),
	Figure("recovered_qty", lambda customer: customer.recovered_qty),
	Figure("sales_value", lambda customer: customer.sales_value),
	Figure("first_delivery", lambda customer: customer.first_date),
	Figure("last_delivery", lambda customer: customer.last_date),
)
CUSTOMER_FIGURE_FIELDS = tuple(figure.fieldname for figure in CUSTOMER_FIGURES)


def customer_figures(customer) -> dict:
	"""The figures of one customer (a `CustomerRow`) by field name."""
	return {figure.fieldname: figure.of(customer) for figure in CUSTOMER_FIGURES}


def figure_columns() -> list[dict]:
	"""The per-customer figures as report columns, labelled and typed as Lot Recall Customer's fields."""
	meta = frappe.get_meta(CUSTOMER_DOCTYPE)
	return [
		{
			"fieldname": fieldname,
			"label": _(meta.get_field(fieldname).label),
			"fieldtype": meta.get_field(fieldname).fieldtype,
			"width": 110,
		}
		for fieldname in CUSTOMER_FIGURE_FIELDS
	]


def field_label(fieldname: str) -> str:
	return frappe.get_meta(CUSTOMER_DOCTYPE).get_label(fieldname)


def customer_row(customer, contact) -> dict:
	"""A Lot Recall Customer row: who, how to reach them, the figures, the lots and the deliveries."""
	documents = sorted(name for _doctype, name in customer.documents)
	listed = ", ".join(documents[:MAX_LISTED_DOCUMENTS])
	if len(documents) > MAX_LISTED_DOCUMENTS:
		listed += " " + _("… and {0} more").format(len(documents) - MAX_LISTED_DOCUMENTS)
	return {
		"customer": customer.customer,
		"customer_name": contact.customer_name,
		"contact": contact.contact,
		"email": contact.email,
		"phone": contact.phone,
		"address": contact.address,
		"address_display": contact.address_display,
		**customer_figures(customer),
		"lots": ", ".join(sorted(customer.lots)),
		"documents": listed,
	}


def header_figures(summary) -> dict:
	"""The Lot Recall's own figures of its scope (`RecallSummary`)."""
	return {
		"affected_lots_count": summary.lots,
		"on_hand_qty": summary.on_hand_qty,
		"in_transit_qty": summary.in_transit_qty,
		"stock_value": summary.stock_value,
		"shipped_qty": summary.shipped_qty,
		"shipped_value": summary.shipped_value,
		"customers_count": summary.customers,
		"sites_count": summary.sites,
	}


def scope_rows(scope, products: dict, companies: dict) -> dict[str, list[dict]]:
	"""The Lot Recall's tables of a scope: affected lots, stock locations and customers.
	`products` and `companies`: each customer's products received and the company that last
	delivered to it (`recall.scope.customer_products`, `customer_companies`)."""
	on_hand: dict[str, float] = {}
	for row in scope.stock:
		on_hand[row.lot] = on_hand.get(row.lot, 0.0) + row.qty
	items = {lot.lot: lot.item for lot in scope.lots}
	return {
		"affected_lots": [
			{
				"batch": lot.lot,
				"item": lot.item,
				"level": lot.level,
				"made_qty": lot.made_qty,
				"traced_qty": lot.traced_qty,
				"share": 100 * lot.share,
				"on_hand_qty": on_hand.get(lot.lot, 0.0),
				"status_before": lot.lot_status,
			}
			for lot in scope.lots
		],
		"locations": [
			{
				"company": row.company,
				"warehouse": row.warehouse,
				"batch": row.lot,
				"item": items.get(row.lot),
				"qty": row.qty,
				"affected_qty": row.affected_qty,
				"stock_value": row.value,
				"in_transit": int(row.in_transit),
			}
			for row in scope.stock
		],
		"customers": [
			{
				**customer_row(customer, scope.contacts[customer.customer]),
				"products": products.get(customer.customer),
				"company": companies.get(customer.customer),
			}
			for customer in scope.customers
		],
	}


def scope_roots(recall) -> tuple[list[str] | None, str | None]:
	"""What a recall's scope is computed from, once it was captured: its source lots (the lots of its
	supplier lot no among them, as the capture resolved them), else its supplier lot no. One rule for
	the containment figures and the war room."""
	lots = [row.batch for row in recall.source_lots]
	return (lots, None) if lots else (None, recall.supplier_lot_no)
