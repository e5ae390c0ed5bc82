"""The demo's documents, submitted through ERPNext's controllers: receipts, stock entries, deliveries,
signed-off status changes, inspections, lot documents, inter-company transfers, BOMs and work order
production."""

import frappe

from lot_traceability.demo.builders.masters import party


def submit(doc):
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def purchase_receipt(company_name, supplier, posting_date, rows):
	"""rows: dicts with item_code, qty, rate, warehouse, supplier_lot_no, supplier dates."""
	return submit(
		frappe.get_doc(
			{
				"doctype": "Purchase Receipt",
				"company": company_name,
				"supplier": supplier,
				"posting_date": posting_date,
				"set_posting_time": 1,
				"currency": frappe.get_cached_value("Company", company_name, "default_currency"),
				"items": [{"conversion_factor": 1, "received_qty": row["qty"], **row} for row in rows],
			}
		)
	)


def received_lots(voucher_type: str, voucher_no: str) -> list[str]:
	from lot_traceability.queries.vouchers import get_inward_lots_of_voucher

	return [row.batch_no for row in get_inward_lots_of_voucher(voucher_type, voucher_no)]


def stock_entry(company_name, purpose, posting_date, rows, **fields):
	return submit(
		frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"company": company_name,
				"purpose": purpose,
				"stock_entry_type": purpose,
				"posting_date": posting_date,
				"set_posting_time": 1,
				"items": [{"conversion_factor": 1, **row} for row in rows],
				**fields,
			}
		)
	)


def lot_row(item_code, qty, batch, **fields):
	return {"item_code": item_code, "qty": qty, "batch_no": batch, "use_serial_batch_fields": 1, **fields}


def delivery_note(company_name, customer, posting_date, rows, **fields):
	return submit(
		frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": company_name,
				"customer": customer,
				"posting_date": posting_date,
				"set_posting_time": 1,
				"currency": frappe.get_cached_value("Company", company_name, "default_currency"),
				"selling_price_list": "Standard Selling",
				"items": [{"conversion_factor": 1, **row} for row in rows],
				**fields,
			}
		)
	)


def refused_delivery_note(company_name, customer, posting_date, rows) -> str:
	"""Try a shipment the lots' statuses forbid: returns the refusal (nothing of it is kept)."""
	from lot_traceability.enforcement import LotNotAllowedError

	frappe.db.savepoint("demo_refused_delivery")
	try:
		delivery_note(company_name, customer, posting_date, rows)
	except LotNotAllowedError as refusal:
		frappe.db.rollback(save_point="demo_refused_delivery")
		frappe.clear_messages()
		return str(refusal)
	frappe.throw(f"The demo's shipment to {customer} should have been refused and was not.")


def signed_off(change, approver: str):
	"""A change that waits for a second person's approval, approved and signed by `approver` (the
	demo's quality lead, given a new random password to sign with: the demo's users have none
	anyone knows); a change that did not need one is returned as it is."""
	from frappe.utils.password import update_password

	from lot_traceability.status_changes import approve_change

	if change.docstatus == 1:
		return change
	password = frappe.generate_hash(length=24)
	update_password(approver, password)
	requester = frappe.session.user
	frappe.set_user(approver)
	try:
		return approve_change(change.name, password)
	finally:
		frappe.set_user(requester)


def dated(change: str, day) -> None:
	"""Give a lot status change the story's date (it is recorded when the demo loads): effective
	at noon that day, and the release date of its lots when it released them."""
	from lot_traceability.config import get_settings

	frappe.db.set_value(
		"Lot Status Change", change, "change_datetime", f"{day} 12:00:00", update_modified=False
	)
	frappe.db.set_value(
		"Lot Restriction", {"lot_status_change": change}, "started", f"{day} 12:00:00", update_modified=False
	)
	if frappe.db.get_value("Lot Status Change", change, "to_status") == get_settings().release_status:
		lots = frappe.get_all("Lot Status Change Lot", filters={"parent": change}, pluck="batch")
		frappe.db.set_value("Batch", {"name": ("in", lots)}, "release_date", day, update_modified=False)


def quality_inspection(item_code, batch, receipt, status, posting_date):
	inspection = _quality_inspection(item_code, batch, receipt, status, posting_date)
	for change in frappe.get_all(
		"Lot Status Change",
		filters={"reference_doctype": "Quality Inspection", "reference_name": inspection.name},
		pluck="name",
	):
		dated(change, posting_date)
	return inspection


def _quality_inspection(item_code, batch, receipt, status, posting_date):
	return submit(
		frappe.get_doc(
			{
				"doctype": "Quality Inspection",
				"inspection_type": "Incoming",
				"reference_type": "Purchase Receipt",
				"reference_name": receipt,
				"item_code": item_code,
				"batch_no": batch,
				"sample_size": 1,
				"inspected_by": "Administrator",
				"report_date": posting_date,
				"manual_inspection": 1,
				"status": status,
			}
		)
	)


def lot_document(batch: str, document_type: str, number: str, issued_on, text: str) -> str:
	"""A typed document on a lot: a small file attached to it, listed under Lot Documents."""
	lot = frappe.get_doc("Batch", batch)
	if any(row.document_number == number for row in lot.get("lot_documents") or []):
		return batch
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{number}.txt",
			"content": text,
			"attached_to_doctype": "Batch",
			"attached_to_name": batch,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	lot.append(
		"lot_documents",
		{
			"document_type": document_type,
			"attachment": file.file_url,
			"document_number": number,
			"issued_on": issued_on,
		},
	)
	lot.flags.ignore_permissions = True
	lot.save()
	return batch


INTER_COMPANY_PRICE_LIST = "Demo Inter-Company Transfers"


def internal_parties(sender: str, receiver: str) -> tuple[str, str]:
	"""ERPNext's parties for moving stock from company `sender` to company `receiver`: a customer of
	`sender` that represents `receiver`, and a supplier of `receiver` that represents `sender`
	(named as the companies they represent), and a price list for both (ERPNext asks that an
	inter-company document's price list be for buying and selling)."""
	if not frappe.db.exists("Price List", INTER_COMPANY_PRICE_LIST):
		frappe.get_doc(
			{
				"doctype": "Price List",
				"price_list_name": INTER_COMPANY_PRICE_LIST,
				"buying": 1,
				"selling": 1,
				"currency": frappe.get_cached_value("Company", sender, "default_currency"),
			}
		).insert(ignore_permissions=True)
	customer = party(
		"Customer",
		receiver,
		is_internal_customer=1,
		represents_company=receiver,
		companies=[{"company": sender}],
	)
	supplier = party(
		"Supplier",
		sender,
		is_internal_supplier=1,
		represents_company=sender,
		companies=[{"company": receiver}],
	)
	return customer, supplier


def inter_company_transfer(sender, receiver, sent_on, received_on, warehouse, rows):
	"""Stock sent from `sender` on a Delivery Note to the customer that represents `receiver`, and
	received by `receiver` into `warehouse` on the Purchase Receipt ERPNext makes from it."""
	from erpnext.stock.doctype.delivery_note.delivery_note import make_inter_company_purchase_receipt

	customer, _supplier = internal_parties(sender, receiver)
	sent = delivery_note(sender, customer, sent_on, rows, selling_price_list=INTER_COMPANY_PRICE_LIST)
	receipt = make_inter_company_purchase_receipt(sent.name)
	receipt.posting_date = received_on
	receipt.set_posting_time = 1
	for row in receipt.items:
		row.warehouse = warehouse
	return sent, submit(receipt)


def bom(company_name: str, item_code: str, quantity: float, materials, routing_name: str) -> str:
	"""The item's default BOM: materials (item, qty) for `quantity`, the routing's operations."""
	existing = frappe.db.get_value("BOM", {"item": item_code, "is_default": 1, "docstatus": 1})
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "BOM",
			"item": item_code,
			"company": company_name,
			"currency": frappe.get_cached_value("Company", company_name, "default_currency"),
			"quantity": quantity,
			"is_default": 1,
			"is_active": 1,
			"with_operations": 1,
			"routing": routing_name,
			"rm_cost_as_per": "Valuation Rate",
			"items": [
				{
					"item_code": code,
					"qty": qty,
					"uom": frappe.get_cached_value("Item", code, "stock_uom"),
					"stock_uom": frappe.get_cached_value("Item", code, "stock_uom"),
				}
				for code, qty in materials
			],
			"operations": [
				{
					"operation": row.operation,
					"workstation": row.workstation,
					"time_in_mins": row.time_in_mins,
					"sequence_id": row.sequence_id,
				}
				for row in frappe.get_doc("Routing", routing_name).operations
			],
		}
	)
	return submit(doc).name


def work_order_production(company_name, bom_no, qty, source, target, logs, lots, posted, remarks=None):
	"""A Work Order of `qty` made by its BOM, its Job Cards completed with these time logs
	(`logs`: {workstation: [(from, to, employee)]}, the quantity completed on each card's last log),
	then its Manufacture entry posted at `posted` consuming `lots` ({item: lot}). Returns the entry."""
	from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry

	item_code = frappe.db.get_value("BOM", bom_no, "item")
	order = frappe.new_doc("Work Order")
	order.update(
		{
			"production_item": item_code,
			"bom_no": bom_no,
			"qty": qty,
			"company": company_name,
			"stock_uom": frappe.get_cached_value("Item", item_code, "stock_uom"),
			"source_warehouse": source,
			"fg_warehouse": target,
			"wip_warehouse": source,
			"skip_transfer": 1,
			"planned_start_date": min(start for rows in logs.values() for start, _end, _who in rows),
		}
	)
	order.get_items_and_operations_from_bom()
	for row in order.required_items:
		row.source_warehouse = source
	submit(order)
	for station, rows in logs.items():
		card = frappe.get_doc("Job Card", {"work_order": order.name, "workstation": station})
		for n, (start, end, who) in enumerate(rows):
			card.append(
				"time_logs",
				{
					"from_time": start,
					"to_time": end,
					"employee": who,
					"completed_qty": qty if n == len(rows) - 1 else 0,
				},
			)
		card.flags.ignore_permissions = True
		card.save()
		card.submit()
	entry = frappe.get_doc(make_stock_entry(order.name, "Manufacture", qty))
	day, time = str(posted).split(" ")
	entry.update({"posting_date": day, "posting_time": time, "set_posting_time": 1, "remarks": remarks})
	for row in entry.items:
		if row.s_warehouse and row.item_code in lots:
			row.batch_no = lots[row.item_code]
			row.use_serial_batch_fields = 1
	return submit(entry)


def production_inspection(item_code, batch, entry, status, report_date, remarks=None):
	"""The lab's inspection of a lot made by a production entry (before it is released)."""
	return submit(
		frappe.get_doc(
			{
				"doctype": "Quality Inspection",
				"inspection_type": "In Process",
				"reference_type": "Stock Entry",
				"reference_name": entry,
				"item_code": item_code,
				"batch_no": batch,
				"sample_size": 1,
				"inspected_by": "Administrator",
				"report_date": report_date,
				"manual_inspection": 1,
				"status": status,
				"remarks": remarks,
			}
		)
	)
