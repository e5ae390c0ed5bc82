"""Reads for the certificates that travel with a shipment: the lots a Delivery Note ships."""

import frappe


def get_shipped_lots(delivery_note: str) -> list[dict]:
	"""The lots a Delivery Note ships (its outward bundles, draft or submitted, not cancelled), one
	row per row and lot: item, item name, lot, quantity, expiry, supplier lot no."""
	# raw SQL: bundle entries joined to the lot and the note's rows in one read
	return frappe.db.sql(
		"""select dni.idx, dni.item_code, dni.item_name, e.batch_no, abs(sum(e.qty)) as qty,
			dni.stock_uom, b.expiry_date, b.manufacturing_date
		from `tabSerial and Batch Entry` e
		join `tabSerial and Batch Bundle` sabb on sabb.name = e.parent
		join `tabDelivery Note Item` dni on dni.name = sabb.voucher_detail_no
		join `tabBatch` b on b.name = e.batch_no
		where sabb.voucher_type = 'Delivery Note' and sabb.voucher_no = %(note)s
			and sabb.docstatus < 2 and sabb.is_cancelled = 0 and sabb.type_of_transaction = 'Outward'
		group by dni.idx, dni.item_code, dni.item_name, e.batch_no, dni.stock_uom, b.expiry_date,
			b.manufacturing_date
		order by dni.idx, e.batch_no""",
		{"note": delivery_note},
		as_dict=True,
	)


def get_file(file_url: str) -> str | None:
	return frappe.db.get_value("File", {"file_url": file_url}, "name")


def get_customer_contact_email(delivery_note: dict) -> str | None:
	"""Where a note's certificates go: its contact's email, else the customer's."""
	return delivery_note.get("contact_email") or frappe.db.get_value(
		"Customer", delivery_note.get("customer"), "email_id"
	)
