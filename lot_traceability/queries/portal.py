"""Reads for the partner portal: whose partner a user is, the lots a supplier supplied, the lots shipped
to a customer, the recall notices concerning a customer and its statements on them."""

import frappe
from frappe.query_builder.functions import Sum

SELLING_DOCTYPES = ("Delivery Note", "Sales Invoice", "POS Invoice")
NOTICE_STATUSES = ("Open", "Contained", "Closed")


def get_partners(user: str, party_type: str) -> list[str]:
	"""The suppliers (or customers) `user` speaks for: ERPNext's Portal Users of the party, and the
	parties its Contact (user = `user`) links to."""
	if not user or user == "Guest":
		return []
	portal_user = frappe.qb.DocType("Portal User")
	found = set(
		frappe.qb.from_(portal_user)
		.select(portal_user.parent)
		.where((portal_user.user == user) & (portal_user.parenttype == party_type))
		.run(pluck=True)
	)
	contact = frappe.qb.DocType("Contact")
	link = frappe.qb.DocType("Dynamic Link")
	found.update(
		frappe.qb.from_(link)
		.join(contact)
		.on(contact.name == link.parent)
		.select(link.link_name)
		.where(
			(contact.user == user)
			& (link.parenttype == "Contact")
			& (link.link_doctype == party_type)
			& link.link_name.isnotnull()
		)
		.run(pluck=True)
	)
	return sorted(found)


def get_supplied_lots(suppliers, limit: int, lot: str | None = None) -> list[dict]:
	"""The lots these suppliers supplied (newest received first)."""
	if not suppliers:
		return []
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	query = (
		frappe.qb.from_(batch)
		.left_join(item)
		.on(item.name == batch.item)
		.select(
			batch.name,
			batch.item,
			item.item_name,
			batch.supplier,
			batch.supplier_lot_no,
			batch.received_date,
			batch.manufacturing_date,
			batch.expiry_date,
			batch.lot_status,
		)
		.where(batch.supplier.isin(list(suppliers)))
		.orderby(batch.received_date, order=frappe.qb.desc)
		.orderby(batch.creation, order=frappe.qb.desc)
		.limit(limit)
	)
	if lot:
		query = query.where(batch.name == lot)
	return query.run(as_dict=True)


def get_shipments(customers, limit: int, lots=None) -> list[dict]:
	"""The lots shipped to (or returned by) these customers, one row per voucher and lot: quantity
	shipped (positive) or returned (negative)."""
	if not customers:
		return []
	entry = frappe.qb.DocType("Lot Ledger Entry")
	batch = frappe.qb.DocType("Batch")
	item = frappe.qb.DocType("Item")
	query = (
		frappe.qb.from_(entry)
		.join(batch)
		.on(batch.name == entry.batch_no)
		.left_join(item)
		.on(item.name == entry.item_code)
		.select(
			entry.party.as_("customer"),
			entry.voucher_type,
			entry.voucher_no,
			entry.posting_date,
			entry.batch_no,
			entry.item_code,
			item.item_name,
			item.stock_uom,
			batch.expiry_date,
			(Sum(entry.qty) * -1).as_("qty"),
		)
		.where(
			(entry.party_type == "Customer")
			& entry.party.isin(list(customers))
			& entry.voucher_type.isin(SELLING_DOCTYPES)
		)
		.groupby(entry.party, entry.voucher_type, entry.voucher_no, entry.posting_date, entry.batch_no)
		.orderby(entry.posting_date, order=frappe.qb.desc)
		.orderby(entry.voucher_no, order=frappe.qb.desc)
		.limit(limit)
	)
	if lots is not None:
		query = query.where(entry.batch_no.isin(list(lots) or [""]))
	return query.run(as_dict=True)


def get_recall_notices(customers, recall: str | None = None) -> list[dict]:
	"""The submitted, real recalls naming these customers: the recall and the customer's row."""
	if not customers:
		return []
	recall_doc = frappe.qb.DocType("Lot Recall")
	row = frappe.qb.DocType("Lot Recall Customer")
	query = (
		frappe.qb.from_(row)
		.join(recall_doc)
		.on(recall_doc.name == row.parent)
		.select(
			recall_doc.name.as_("recall"),
			recall_doc.title,
			recall_doc.recall_date,
			recall_doc.reason,
			recall_doc.customer_instructions,
			recall_doc.status,
			row.name.as_("row"),
			row.customer,
			row.customer_name,
			row.products,
			row.shipped_qty,
			row.returned_qty,
			row.first_delivery,
			row.last_delivery,
		)
		.where(
			(row.parenttype == "Lot Recall")
			& row.customer.isin(list(customers))
			& (recall_doc.docstatus == 1)
			& (recall_doc.is_mock == 0)
			& recall_doc.status.isin(NOTICE_STATUSES)
		)
		.orderby(recall_doc.recall_date, order=frappe.qb.desc)
		.orderby(recall_doc.name, order=frappe.qb.desc)
	)
	if recall:
		query = query.where(recall_doc.name == recall)
	return query.run(as_dict=True)


def get_recall_lots(recall: str) -> list[str]:
	row = frappe.qb.DocType("Lot Recall Lot")
	return (
		frappe.qb.from_(row)
		.select(row.batch)
		.distinct()
		.where((row.parenttype == "Lot Recall") & (row.parent == recall))
		.run(pluck=True)
	)


def get_statements(recall: str, customers=None) -> list[dict]:
	"""The customers' statements on a recall (of these customers, or all)."""
	statement = frappe.qb.DocType("Lot Recall Statement")
	query = (
		frappe.qb.from_(statement)
		.select(
			statement.name,
			statement.customer,
			statement.batch,
			statement.item,
			statement.received_qty,
			statement.held_qty,
			statement.destroyed_qty,
			statement.returning_qty,
			statement.remarks,
			statement.stated_by,
			statement.stated_on,
		)
		.where(statement.recall == recall)
		.orderby(statement.customer)
		.orderby(statement.batch)
	)
	if customers is not None:
		query = query.where(statement.customer.isin(list(customers) or [""]))
	return query.run(as_dict=True)


def get_document_rows(lots) -> dict[str, list[dict]]:
	"""Lot → its document rows with who supplied them (the lot's order)."""
	if not lots:
		return {}
	row = frappe.qb.DocType("Lot Document")
	found: dict[str, list[dict]] = {}
	for record in (
		frappe.qb.from_(row)
		.select(
			row.parent,
			row.document_type,
			row.attachment,
			row.document_number,
			row.issued_on,
			row.supplied_by,
			row.supplied_on,
		)
		.where(
			(row.parenttype == "Batch") & (row.parentfield == "lot_documents") & row.parent.isin(list(lots))
		)
		.orderby(row.parent)
		.orderby(row.idx)
		.run(as_dict=True)
	):
		found.setdefault(record.parent, []).append(record)
	return found
