"""Reads behind the statistical anomalies: production runs, stock adjustments, lot movements and
supplier receipts of the period, and the stored Lot Anomalies."""

import frappe

from lot_traceability.queries.foresight import CHUNK

ADJUSTMENT_PURPOSES = ("Material Receipt", "Material Issue")


def get_production_runs(since) -> list[dict]:
	"""Each submitted Manufacture or Repack entry since `since`: its finished item, the quantity
	consumed and the quantity made of it (stock units), its warehouse and company."""
	return frappe.db.sql(
		"""select se.name, se.posting_date, se.company,
			max(if(line_row.is_finished_item = 1, line_row.item_code, null)) as item,
			max(if(line_row.is_finished_item = 1, line_row.t_warehouse, null)) as warehouse,
			sum(if(ifnull(line_row.s_warehouse, '') != '' and ifnull(line_row.t_warehouse, '') = '', line_row.transfer_qty, 0))
				as consumed,
			sum(if(line_row.is_finished_item = 1, line_row.transfer_qty, 0)) as made
		from `tabStock Entry` se
		join `tabStock Entry Detail` line_row on line_row.parent = se.name and line_row.parenttype = 'Stock Entry'
		where se.docstatus = 1 and se.purpose in ('Manufacture', 'Repack') and se.posting_date >= %(since)s
		group by se.name, se.posting_date, se.company""",
		{"since": since},
		as_dict=True,
	)


def get_lots_of_vouchers(voucher_type: str, names) -> dict[str, list[str]]:
	"""The lots each voucher moved (any direction)."""
	found: dict[str, list[str]] = {}
	names = sorted(set(names))
	for start in range(0, len(names), CHUNK):
		for voucher_no, lot in frappe.db.sql(
			"""select distinct voucher_no, batch_no from `tabLot Ledger Entry`
			where voucher_type = %(type)s and voucher_no in %(names)s order by batch_no""",
			{"type": voucher_type, "names": names[start : start + CHUNK]},
		):
			found.setdefault(voucher_no, []).append(lot)
	return found


def get_adjustment_rows(since) -> list[dict]:
	"""Lot movements that adjusted stock since `since`: Stock Reconciliation rows and Material
	Receipt / Material Issue entries other than lot write-offs; a lot's own receipt is not one."""
	return frappe.db.sql(
		"""select entry.voucher_type, entry.voucher_no, entry.item_code, entry.warehouse, entry.company,
			entry.posting_date, entry.batch_no
		from `tabLot Ledger Entry` entry
		join `tabBatch` lot on lot.name = entry.batch_no
		left join `tabStock Entry` se on entry.voucher_type = 'Stock Entry' and se.name = entry.voucher_no
		where entry.posting_date >= %(since)s
			and (
				entry.voucher_type = 'Stock Reconciliation'
				or (entry.voucher_type = 'Stock Entry' and entry.purpose in %(purposes)s
					and ifnull(se.is_lot_write_off, 0) = 0)
			)
			and not (ifnull(lot.reference_doctype, '') = entry.voucher_type
				and ifnull(lot.reference_name, '') = entry.voucher_no)""",
		{"since": since, "purposes": ADJUSTMENT_PURPOSES},
		as_dict=True,
	)


def get_movements(since) -> list[dict]:
	"""Every lot movement since `since` (quantity as moved, signed), for the sizes an item usually
	moves in."""
	return frappe.db.sql(
		"""select voucher_type, voucher_no, purpose, item_code, warehouse, company, batch_no, posting_date, qty
		from `tabLot Ledger Entry` where posting_date >= %(since)s and qty != 0""",
		{"since": since},
		as_dict=True,
	)


def get_supplier_receipts(since) -> list[dict]:
	"""Lots received from a supplier (not one of ours), with the dates the supplier gave and the
	company that received them (of their first movement)."""
	return frappe.db.sql(
		"""select lot.name as lot, lot.supplier, lot.item, lot.manufacturing_date, lot.expiry_date,
			coalesce(lot.received_date, date(lot.creation)) as received,
			lot.reference_doctype, lot.reference_name,
			(select entry.company from `tabLot Ledger Entry` entry where entry.batch_no = lot.name
				order by entry.posting_date limit 1) as company
		from `tabBatch` lot
		join `tabSupplier` supplier on supplier.name = lot.supplier
		where ifnull(supplier.is_internal_supplier, 0) = 0
			and coalesce(lot.received_date, date(lot.creation)) >= %(since)s""",
		{"since": since},
		as_dict=True,
	)


ANOMALY_FIELDS = (
	"anomaly",
	"kind",
	"batch",
	"item",
	"warehouse",
	"company",
	"reference_doctype",
	"reference_name",
	"on_date",
	"strength",
	"value",
	"expected",
	"spread",
	"compared_with",
	"description",
	"params",
	"computed_on",
)


def get_lot_anomalies(lots=None, company: str | None = None) -> list[dict]:
	"""Stored anomalies of these lots (or all), strongest first."""
	filters = {}
	if lots is not None:
		filters["batch"] = ("in", list(lots) or [""])
	if company:
		filters["company"] = company
	return frappe.get_all(
		"Lot Anomaly",
		filters=filters,
		fields=list(ANOMALY_FIELDS[:-1]),
		order_by="strength desc, anomaly, batch",
	)
