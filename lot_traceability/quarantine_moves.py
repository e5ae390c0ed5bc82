"""Moving a lot's stock into quarantine from where a person finds it (Lot Lookup on a phone): a draft
Material Transfer per company, from each warehouse that holds the lot to that company's quarantine
warehouse. Nothing is submitted for the user: they check the draft and submit it, and the
transfer's own checks apply then (a held lot may still move into a quarantine warehouse)."""

import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability import access
from lot_traceability.messages import Refused, bold
from lot_traceability.queries import labels as label_queries
from lot_traceability.queries import warehouses as warehouse_queries


def make_quarantine_transfers(batch: str) -> list[str]:
	"""The drafts made (Stock Entry names), one per company that holds the lot outside quarantine."""
	if not batch or not frappe.db.exists("Batch", batch):
		frappe.throw(_("Lot {0} does not exist.").format(bold(batch or "")), frappe.DoesNotExistError)
	access.check_lot_access(batch)
	frappe.has_permission("Stock Entry", "create", throw=True)
	item = frappe.db.get_value("Batch", batch, "item")
	by_company: dict[str, list[tuple[str, float]]] = {}
	for row in label_queries.get_lot_stock(batch):
		if flt(row.qty) <= 0 or warehouse_queries.is_quarantine_warehouse(row.warehouse):
			continue
		company = frappe.get_cached_value("Warehouse", row.warehouse, "company")
		by_company.setdefault(company, []).append((row.warehouse, flt(row.qty)))
	if not by_company:
		frappe.throw(
			_("Lot {0} has no stock outside a quarantine warehouse: nothing to move.").format(bold(batch)),
			exc=Refused,
		)
	made = []
	for company, rows in sorted(by_company.items()):
		target = warehouse_queries.get_quarantine_warehouse(company)
		if not target:
			frappe.throw(
				_(
					"{0} has no quarantine warehouse to move lot {1} into: tick Is Quarantine Warehouse on one of its warehouses."
				).format(bold(company), bold(batch)),
				exc=Refused,
			)
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Transfer",
				"purpose": "Material Transfer",
				"company": company,
				"remarks": _("Lot {0} moved to quarantine").format(batch),
				"items": [
					{
						"item_code": item,
						"qty": qty,
						"s_warehouse": warehouse,
						"t_warehouse": target,
						"batch_no": batch,
						"use_serial_batch_fields": 1,
					}
					for warehouse, qty in rows
				],
			}
		)
		entry.insert()
		made.append(entry.name)
	return made
