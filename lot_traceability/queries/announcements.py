"""Reads for lot announcements: whom and what a supplier's shipment names (supplier by GLN, items by
GTIN, units by UN/CEFACT code, open purchase orders), the announcements of a receipt, and the
findings their reconciliation stored."""

import frappe


def get_supplier_by_gln(gln: str | None) -> str | None:
	if not gln:
		return None
	return frappe.db.get_value("Supplier", {"gln": gln, "disabled": 0})


def get_items_by_gtin(gtins) -> dict[str, list[str]]:
	"""GTIN-14 → the items carrying it as a barcode (written in any GTIN length)."""
	gtins = sorted({gtin for gtin in gtins if gtin})
	if not gtins:
		return {}
	candidates = sorted({gtin.lstrip("0") for gtin in gtins})
	found: dict[str, list[str]] = {}
	# raw SQL: a barcode may be written as GTIN-8/12/13/14, compared without its leading zeros
	for item, barcode in frappe.db.sql(
		"""select b.parent, b.barcode from `tabItem Barcode` b join `tabItem` i on i.name = b.parent
		where b.parenttype = 'Item' and i.disabled = 0 and trim(leading '0' from trim(b.barcode)) in %(codes)s
		order by b.parent""",
		{"codes": candidates},
	):
		found.setdefault(barcode.strip().zfill(14), []).append(item)
	return found


def get_item_units(items) -> dict[str, dict]:
	"""Item → has_batch_no, stock_uom, purchase_uom and its conversion factors by unit."""
	items = sorted({item for item in items if item})
	if not items:
		return {}
	rows = frappe.get_all(
		"Item",
		filters={"name": ("in", items)},
		fields=["name", "has_batch_no", "stock_uom", "purchase_uom", "disabled"],
	)
	found = {row.name: frappe._dict({**row, "factors": {row.stock_uom: 1.0}}) for row in rows}
	for record in frappe.get_all(
		"UOM Conversion Detail",
		filters={"parenttype": "Item", "parent": ("in", items)},
		fields=["parent", "uom", "conversion_factor"],
	):
		if record.parent in found:
			found[record.parent]["factors"][record.uom] = float(record.conversion_factor or 0)
	return found


def get_uoms_by_code() -> dict[str, str]:
	"""UN/CEFACT code → the unit that carries it."""
	return {
		code: name
		for name, code in frappe.get_all(
			"UOM", filters={"un_cefact_code": ("is", "set")}, fields=["name", "un_cefact_code"], as_list=True
		)
	}


def get_open_purchase_orders(supplier: str, company: str | None) -> dict[str, str | None]:
	"""The supplier's submitted orders not yet fully received: name → its confirmation number."""
	filters = {
		"supplier": supplier,
		"docstatus": 1,
		"status": ("not in", ("Closed", "Completed")),
		"per_received": ("<", 100),
	}
	if company:
		filters["company"] = company
	return dict(
		frappe.get_all(
			"Purchase Order", filters=filters, fields=["name", "order_confirmation_no"], as_list=True
		)
	)


def get_purchase_order(name: str) -> dict | None:
	return frappe.db.get_value(
		"Purchase Order", name, ["name", "supplier", "company", "docstatus"], as_dict=True
	)


def get_order_rows(purchase_order: str) -> list[dict]:
	return frappe.get_all(
		"Purchase Order Item",
		filters={"parent": purchase_order, "parenttype": "Purchase Order"},
		fields=["name", "item_code", "rate", "warehouse", "uom", "conversion_factor", "qty", "received_qty"],
		order_by="idx",
	)


def get_captured(supplier: str, references) -> dict[str, str]:
	"""Reference (shipping event ID, sheet reference) → the announcement already made of it."""
	references = sorted({ref for ref in references if ref})
	if not references:
		return {}
	return dict(
		frappe.get_all(
			"Lot Announcement",
			filters={"supplier": supplier, "reference": ("in", references)},
			fields=["reference", "name"],
			as_list=True,
		)
	)


def get_open_announcement_of_orders(supplier: str, orders) -> list[str]:
	orders = sorted({order for order in orders if order})
	if not orders:
		return []
	return frappe.get_all(
		"Lot Announcement",
		filters={"supplier": supplier, "purchase_order": ("in", orders), "status": "Announced"},
		pluck="name",
	)


def get_receipts_of(announcement: str) -> list[str]:
	"""The submitted receipts that received an announcement, in posting order. Read as last committed
	(a locking read: a receipt another transaction submitted after this one began counts)."""
	# raw SQL: a current read (`lock in share mode`) the query builder does not write
	return frappe.db.sql_list(
		"""select name from `tabPurchase Receipt`
		where lot_announcement = %(announcement)s and docstatus = 1 and is_return = 0
		order by posting_date, posting_time, name lock in share mode""",
		{"announcement": announcement},
	)


def get_receipt_rows(receipts) -> list[dict]:
	"""The rows of submitted receipts, as last committed."""
	if not receipts:
		return []
	return frappe.db.sql(
		"""select name, parent, item_code, supplier_lot_no, received_qty, qty, conversion_factor,
			supplier_manufacturing_date, supplier_expiry_date
		from `tabPurchase Receipt Item`
		where parenttype = 'Purchase Receipt' and parent in %(receipts)s
		order by parent, idx lock in share mode""",
		{"receipts": list(receipts)},
		as_dict=True,
	)


def get_received_lots(receipts) -> list[dict]:
	"""(row, lot) pairs the receipts brought in (their submitted inward bundles), as last committed."""
	if not receipts:
		return []
	return frappe.db.sql(
		"""select sabb.voucher_detail_no, e.batch_no
		from `tabSerial and Batch Entry` e
		join `tabSerial and Batch Bundle` sabb on sabb.name = e.parent
		where sabb.voucher_type = 'Purchase Receipt' and sabb.voucher_no in %(receipts)s
			and sabb.type_of_transaction = 'Inward' and sabb.is_cancelled = 0 and sabb.docstatus = 1
			and e.batch_no is not null
		order by e.idx lock in share mode""",
		{"receipts": list(receipts)},
		as_dict=True,
	)


def get_announcement_findings(lots=None, company: str | None = None) -> list[dict]:
	"""Stored findings that name a received lot (with their announcement), for the Lot Exceptions."""
	finding = frappe.qb.DocType("Lot Announcement Finding")
	announcement = frappe.qb.DocType("Lot Announcement")
	query = (
		frappe.qb.from_(finding)
		.join(announcement)
		.on(announcement.name == finding.parent)
		.select(
			finding.parent,
			finding.finding,
			finding.batch_no,
			finding.item_code,
			finding.supplier_lot_no,
			finding.announced,
			finding.received,
		)
		.where(
			(finding.parenttype == "Lot Announcement")
			& finding.batch_no.isnotnull()
			& (finding.batch_no != "")
		)
	)
	if lots is not None:
		query = query.where(finding.batch_no.isin(sorted(lots) or [""]))
	if company:
		query = query.where(announcement.company == company)
	return query.run(as_dict=True)
