"""Reads behind a recall's audit pack: the lot ledger rows of its lots, its tasks, its change log."""

import frappe


def get_ledger_rows(lots) -> list[dict]:
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return []
	return frappe.db.sql(
		"""select batch_no, voucher_type, purpose, qty, posting_date, company from `tabLot Ledger Entry`
		where batch_no in %(lots)s and qty != 0""",
		{"lots": lots},
		as_dict=True,
	)


def get_tasks(references) -> list[dict]:
	"""The ToDos given on these (doctype, name) documents, oldest first."""
	rows = []
	for doctype, name in references:
		if name:
			rows += frappe.get_all(
				"ToDo",
				filters={"reference_type": doctype, "reference_name": name},
				fields=[
					"name",
					"allocated_to",
					"status",
					"date",
					"description",
					"creation",
					"modified",
					"assigned_by",
				],
				order_by="creation asc",
			)
	return rows


def get_changes(doctype: str, name: str) -> list[dict]:
	"""The document's Version log, oldest first."""
	return frappe.get_all(
		"Version",
		filters={"ref_doctype": doctype, "docname": name},
		fields=["owner", "creation", "data"],
		order_by="creation asc",
	)


def get_signed_changes(lots, limit: int = 200) -> list[str]:
	"""The signed Lot Status Changes (approved or rejected) naming any of these lots, newest first."""
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return []
	change = frappe.qb.DocType("Lot Status Change")
	row = frappe.qb.DocType("Lot Status Change Lot")
	return (
		frappe.qb.from_(row)
		.join(change)
		.on(change.name == row.parent)
		.select(change.name)
		.distinct()
		.where(row.batch.isin(lots) & change.signature_hash.isnotnull() & (change.signature_hash != ""))
		.orderby(change.name, order=frappe.qb.desc)
		.limit(limit)
		.run(pluck=True)
	)
