"""Foresight: a rebalancing transfer from a forecast's suggestion, a supplier's risk scores, computing
foresight now. (whitelisted: see `lot_traceability.api`)."""

import frappe


@frappe.whitelist(methods=["POST"])
def make_rebalance_transfer(batch: str, from_warehouse: str, to_warehouse: str, qty: float) -> dict:
	"""A draft move of part of a lot to where it is forecast to sell before it expires (a Material
	Transfer, or an inter-company Delivery Note between two of our companies); nothing submitted."""
	from lot_traceability.foresight.expiry import make_rebalance_transfer as make

	return make(batch, from_warehouse, to_warehouse, qty)


@frappe.whitelist()
@frappe.read_only()
def get_supplier_risk(supplier: str) -> list[dict]:
	"""A supplier's learned risk scores by item group, with their evidence (stored by the daily job)."""
	from lot_traceability.foresight.supplier_scores import supplier_scores

	frappe.has_permission("Supplier", "read", supplier, throw=True)
	return supplier_scores(supplier)


@frappe.whitelist(methods=["POST"])
def compute_foresight_now() -> str:
	"""Recompute the expiry forecast, supplier scores and anomalies now, on the long queue; the user
	sees its progress. Once at a time (a second request joins the first)."""
	from lot_traceability.foresight.job import enqueue_compute

	frappe.only_for(("System Manager", "Stock Manager", "Quality Manager"))
	return enqueue_compute()
