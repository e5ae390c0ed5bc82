"""Reads behind supplier risk learned from outcomes: each supplier's lots, and the lots rejected, in
a deviation, returned to the supplier or recalled (with the lots made from them), and the stored
scores."""

import frappe

from lot_traceability.queries.lot_ledger import SUPPLIER_DOCUMENTS
from lot_traceability.traceability.movements import INTERNAL_TRANSFER


def get_supplier_lots() -> list[dict]:
	"""Lots received from a supplier that is not one of our companies: supplier, item group and the
	day received."""
	return frappe.db.sql(
		"""select lot.name as lot, lot.supplier, item.item_group,
			coalesce(lot.received_date, date(lot.creation)) as received
		from `tabBatch` lot
		join `tabItem` item on item.name = lot.item
		join `tabSupplier` supplier on supplier.name = lot.supplier
		where ifnull(supplier.is_internal_supplier, 0) = 0""",
		as_dict=True,
	)


def get_rejections(rejection_status: str | None) -> list[dict]:
	"""Lots rejected: moved into the rejection status by a submitted change, or a submitted Quality
	Inspection of the lot that rejected it."""
	changes = (
		frappe.db.sql(
			"""select line_row.batch as lot, date(status_change.change_datetime) as on_date,
				'Lot Status Change' as reference_doctype, status_change.name as reference_name
			from `tabLot Status Change Lot` line_row
			join `tabLot Status Change` status_change on status_change.name = line_row.parent
			where status_change.docstatus = 1 and status_change.to_status = %(status)s""",
			{"status": rejection_status},
			as_dict=True,
		)
		if rejection_status
		else []
	)
	inspections = frappe.db.sql(
		"""select batch_no as lot, report_date as on_date, 'Quality Inspection' as reference_doctype,
			name as reference_name
		from `tabQuality Inspection`
		where docstatus = 1 and status = 'Rejected' and ifnull(batch_no, '') != ''""",
		as_dict=True,
	)
	return changes + inspections


def get_deviation_lots() -> list[dict]:
	"""Lots named by a submitted Lot Deviation, with its type and day."""
	return frappe.db.sql(
		"""select line_row.batch as lot, deviation.deviation_type, deviation.reported_on as on_date,
			deviation.name as reference_name
		from `tabLot Deviation Lot` line_row
		join `tabLot Deviation` deviation on deviation.name = line_row.parent
		where deviation.docstatus = 1 and ifnull(line_row.batch, '') != ''""",
		as_dict=True,
	)


def get_supplier_returns() -> list[dict]:
	"""Lots sent back to the supplier (a return on a receipt or purchase invoice), by document."""
	return frappe.db.sql(
		"""select batch_no as lot, min(posting_date) as on_date, voucher_type as reference_doctype,
			voucher_no as reference_name
		from `tabLot Ledger Entry`
		where voucher_type in %(documents)s and qty < 0 and party_type = 'Supplier'
			and ifnull(purpose, '') != %(internal)s
		group by batch_no, voucher_type, voucher_no""",
		{"documents": SUPPLIER_DOCUMENTS, "internal": INTERNAL_TRANSFER},
		as_dict=True,
	)


def get_recall_sources() -> list[dict]:
	"""Source lots of submitted real recalls (and every lot of a recall's supplier lot no)."""
	return frappe.db.sql(
		"""select source.batch as lot, recall.recall_date as on_date, recall.name as reference_name
		from `tabLot Recall Source` source
		join `tabLot Recall` recall on recall.name = source.parent
		where recall.docstatus = 1 and recall.is_mock = 0 and ifnull(source.batch, '') != ''
		union
		select lot.name, recall.recall_date, recall.name
		from `tabLot Recall` recall
		join `tabBatch` lot on lot.supplier_lot_no = recall.supplier_lot_no
		where recall.docstatus = 1 and recall.is_mock = 0 and ifnull(recall.supplier_lot_no, '') != ''""",
		as_dict=True,
	)


def get_ancestor_lots(lots) -> dict[str, set[str]]:
	"""For each of `lots`, every lot it was made from, at any depth (a cycle in bad data ends)."""
	lots = sorted(set(lots))
	if not lots:
		return {}
	rows = frappe.db.sql(
		"""with recursive ancestry (lot, ancestor, depth) as (
			select child_lot, parent_lot, 1 from `tabLot Genealogy` where child_lot in %(lots)s
			union
			select a.lot, g.parent_lot, a.depth + 1
			from `tabLot Genealogy` g join ancestry a on g.child_lot = a.ancestor
			where a.depth < 50
		)
		select distinct lot, ancestor from ancestry""",
		{"lots": lots},
	)
	found: dict[str, set[str]] = {}
	for lot, ancestor in rows:
		found.setdefault(lot, set()).add(ancestor)
	return found


def get_supplier_score(supplier: str, item_group: str) -> dict | None:
	"""The stored learned score of a supplier for an item group, on the primary (it decides a hold)."""
	return frappe.db.get_value(
		"Supplier Risk Score",
		{"supplier": supplier, "item_group": item_group},
		["score", "lots", "failed_lots", "computed_on"],
		as_dict=True,
	)


def get_supplier_scores(supplier=None, item_group=None, min_score=None) -> list[dict]:
	"""Stored scores (of a supplier, an item group, from a score), riskiest first."""
	filters = {}
	if supplier:
		filters["supplier"] = supplier
	if item_group:
		filters["item_group"] = item_group
	if min_score:
		filters["score"] = (">=", min_score)
	return frappe.get_all(
		"Supplier Risk Score",
		filters=filters,
		fields=[
			"supplier",
			"item_group",
			"score",
			"lots",
			"failed_lots",
			"raw_rate",
			"prior_rate",
			"evidence",
			"computed_on",
		],
		order_by="score desc, supplier, item_group",
	)
