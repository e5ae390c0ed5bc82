"""Reads of lot documents: what Lot Rules require, what lots carry, which lots with stock may lack some."""

from collections import defaultdict

import frappe

from lot_traceability.queries.quoting import value_list


def any_rule_requires_documents() -> bool:
	"""Whether an enabled Lot Rule requires any document (if none, no lot can be waiting for one)."""
	rule = frappe.qb.DocType("Lot Rule")
	row = frappe.qb.DocType("Lot Rule Document")
	return bool(
		frappe.qb.from_(row)
		.join(rule)
		.on(rule.name == row.parent)
		.select(row.name)
		.where((row.parenttype == "Lot Rule") & (rule.enabled == 1))
		.limit(1)
		.run()
	)


def get_required_documents(rule_names) -> dict[str, list[str]]:
	"""Rule → the document types it requires, in the rule's order."""
	rule_names = sorted({name for name in rule_names or () if name})
	if not rule_names:
		return {}
	row = frappe.qb.DocType("Lot Rule Document")
	found = defaultdict(list)
	for record in (
		frappe.qb.from_(row)
		.select(row.parent, row.document_type)
		.where((row.parenttype == "Lot Rule") & row.parent.isin(rule_names))
		.orderby(row.parent)
		.orderby(row.idx)
		.run(as_dict=True)
	):
		found[record.parent].append(record.document_type)
	return dict(found)


def get_lot_documents(batch_nos, for_update: bool = False) -> dict[str, list[dict]]:
	"""Lot → its document rows (type, file, number, issued on) in the lot's order. With `for_update`
	the rows are read as last committed and locked (the caller holds the lots' own rows already)."""
	batch_nos = sorted({name for name in batch_nos or () if name})
	if not batch_nos:
		return {}
	# raw SQL: a recall's change reads thousands of lots, a list the query builder writes slowly
	records = frappe.db.sql(
		f"""select parent, document_type, attachment, document_number, issued_on from `tabLot Document`
		where parenttype = 'Batch' and parentfield = 'lot_documents' and parent in %(lots)s
		order by parent, idx{" for update" if for_update else ""}""",
		{"lots": value_list(batch_nos)},
		as_dict=True,
	)
	found = defaultdict(list)
	for record in records:
		found[record.parent].append(record)
	return dict(found)


def get_lot_companies(batch_nos) -> dict[str, str]:
	"""Lot → the company it belongs to: the company of the voucher that made it, else of a warehouse
	holding it."""
	batch_nos = sorted({name for name in batch_nos or () if name})
	if not batch_nos:
		return {}
	companies = {}
	balance = frappe.qb.DocType("Lot Balance")
	warehouse = frappe.qb.DocType("Warehouse")
	for lot, company in (
		frappe.qb.from_(balance)
		.join(warehouse)
		.on(warehouse.name == balance.warehouse)
		.select(balance.batch, warehouse.company)
		.where(balance.batch.isin(batch_nos) & (balance.qty > 0))
		.run()
	):
		companies.setdefault(lot, company)
	batch = frappe.qb.DocType("Batch")
	for lot, doctype, name in (
		frappe.qb.from_(batch)
		.select(batch.name, batch.reference_doctype, batch.reference_name)
		.where(batch.name.isin(batch_nos) & batch.reference_name.isnotnull())
		.run()
	):
		if (
			doctype
			and name
			and frappe.db.exists("DocType", doctype)
			and frappe.get_meta(doctype).has_field("company")
		):
			company = frappe.db.get_value(doctype, name, "company")
			if company:
				companies[lot] = company
	return companies


def get_lots_with_stock_for_documents(company: str | None = None) -> list[dict]:
	"""Lots with stock (kept balances): name, item, status and the company of a warehouse holding them."""
	balance = frappe.qb.DocType("Lot Balance")
	warehouse = frappe.qb.DocType("Warehouse")
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(balance)
		.join(batch)
		.on(batch.name == balance.batch)
		.join(warehouse)
		.on(warehouse.name == balance.warehouse)
		.select(batch.name, batch.item, batch.lot_status, warehouse.company)
		.where(balance.qty > 0)
		.distinct()
	)
	if company:
		query = query.where(warehouse.company == company)
	return query.run(as_dict=True)


def get_lots_received_by(batch_nos, voucher_no: str) -> list[dict]:
	"""Those of these lots the voucher created, or that no voucher created (made by hand before the
	receipt): name, item and status, in name order."""
	batch_nos = sorted({name for name in batch_nos or () if name})
	if not batch_nos:
		return []
	batch = frappe.qb.DocType("Batch")
	return (
		frappe.qb.from_(batch)
		.select(batch.name, batch.item, batch.lot_status)
		.where(
			batch.name.isin(batch_nos)
			& (
				(batch.reference_name == voucher_no)
				| batch.reference_name.isnull()
				| (batch.reference_name == "")
			)
		)
		.orderby(batch.name)
		.run(as_dict=True)
	)
