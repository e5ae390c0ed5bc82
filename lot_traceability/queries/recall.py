"""Reads and writes of Lot Recalls: their rows (paged), lots and statuses after, the fingerprint of a
scope, the recalls of lots and of status changes (the reads a scope uses: `queries.lot_ledger`,
`warehouses`, `contacts`, `demand`, `items`, `vouchers`)."""

import frappe

from lot_traceability.queries.locks import lock_clause
from lot_traceability.queries.quoting import value_list


def set_recall_lots_status_after(recall: str, lots, status: str | None, docstatus: int | None = None) -> None:
	"""Record on a recall's affected-lot rows the status the recall left them in (one write; raw
	SQL: thousands of lots). `lots` None: every affected lot of the recall; `docstatus`: the
	recall's, written with it."""
	lots = None if lots is None else sorted(set(lots))
	if lots == []:
		return
	frappe.db.sql(
		f"""update `tabLot Recall Lot` set status_after = %(status)s
			{"" if docstatus is None else ", docstatus = %(docstatus)s"}
		where parent = %(recall)s and parenttype = 'Lot Recall' and parentfield = 'affected_lots'
		{"" if lots is None else "and batch in %(lots)s"}""",
		{"status": status, "recall": recall, "lots": lots, "docstatus": docstatus},
	)


def get_open_recalls_of_lots(lots) -> list[str]:
	"""Submitted, real recalls still open or contained whose scope holds any of the lots."""
	if not lots:
		return []
	recall = frappe.qb.DocType("Lot Recall")
	row = frappe.qb.DocType("Lot Recall Lot")
	return (
		frappe.qb.from_(row)
		.join(recall)
		.on(recall.name == row.parent)
		.select(recall.name)
		.distinct()
		.where(
			row.batch.isin(list(set(lots)))
			& (row.parenttype == "Lot Recall")
			& (recall.docstatus == 1)
			& (recall.is_mock == 0)
			& recall.status.isin(["Open", "Contained"])
		)
		.run(pluck=True)
	)


# A recall's scope tables: (child doctype, fields shown in the form, fields searched)
SCOPE_ROW_FIELDS = {
	"affected_lots": (
		"Lot Recall Lot",
		(
			"batch",
			"item",
			"level",
			"made_qty",
			"traced_qty",
			"share",
			"on_hand_qty",
			"status_before",
			"status_after",
		),
		("batch", "item"),
	),
	"locations": (
		"Lot Recall Location",
		("company", "warehouse", "batch", "item", "qty", "affected_qty", "stock_value", "in_transit"),
		("company", "warehouse", "batch", "item"),
	),
	# the customers' listed fields are the service's (`recall.scope.CUSTOMER_LIST_FIELDS`)
	"customers": (
		"Lot Recall Customer",
		("customer", "customer_name", "company", "email", "phone", "lots"),
		("customer", "customer_name", "lots"),
	),
}


def get_recall_rows(
	recall: str,
	table: str,
	start: int,
	page_length: int,
	search: str | None,
	within: dict | None = None,
	after: int | None = None,
	fields: tuple | None = None,
):
	"""A page of a recall's scope table in its order, how many rows match, and the key (idx) of the
	page's last row. `within`: further filters, the rows the user may read; `after`: the page starts
	after the row of this idx (read by key, `start` unused); `fields`: the fields listed (else the
	table's own, `SCOPE_ROW_FIELDS`)."""
	doctype, listed, searched = SCOPE_ROW_FIELDS[table]
	fields = fields or listed
	filters = {"parent": recall, "parenttype": "Lot Recall", "parentfield": table, **(within or {})}
	or_filters = {field: ("like", f"%{search}%") for field in searched} if search else None
	rows = frappe.get_all(
		doctype,
		filters={**filters, "idx": (">", after)} if after is not None else filters,
		or_filters=or_filters,
		fields=[*fields, "idx as page_key"],
		order_by="idx asc",
		limit_start=0 if after is not None else start,
		limit_page_length=page_length,
	)
	last = rows[-1].page_key if rows else None
	for row in rows:
		del row["page_key"]
	total = (
		frappe.db.count(doctype, filters)
		if not search
		else len(frappe.get_all(doctype, filters=filters, or_filters=or_filters, pluck="name"))
	)
	return rows, total, last


def get_recall_lot_names(recall: str) -> list[str]:
	"""The affected lots saved on a recall."""
	return frappe.get_all(
		"Lot Recall Lot",
		filters={"parent": recall, "parenttype": "Lot Recall", "parentfield": "affected_lots"},
		pluck="batch",
		order_by="idx asc",
	)


def get_recall_rows_of_table(recall, table: str) -> list[dict]:
	"""Every saved row of one of a recall's scope tables, in its order, as Frappe loads child rows."""
	doctype = recall.meta.get_field(table).options
	return frappe.db.sql(
		f"select * from `tab{doctype}` where parent = %s and parenttype = %s and parentfield = %s order by idx",
		(recall.name, recall.doctype, table),
		as_dict=True,
	)


def get_scope_fingerprint(lots) -> str:
	"""What a recall's scope of these lots is computed from, in a few numbers: the count and a
	checksum of the lots' kept movements and of the genealogy links from them. Any movement posted
	or cancelled for one of the lots, any lot made from one of them changes it. Inside
	`locking_reads` it reads the last committed rows (and holds them). Raw SQL: frappe.qb writes
	neither `bit_xor` nor `crc32`."""
	lots = sorted({lot for lot in lots or () if lot})
	if not lots:
		return ""
	lock = lock_clause()
	quoted = value_list(lots)  # thousands of names, quoted once for both reads
	parts = [
		frappe.db.sql(
			f"select count(*), bit_xor(crc32(name)) from `tabLot Ledger Entry` where batch_no in %(lots)s{lock}",
			{"lots": quoted},
		)[0],
		frappe.db.sql(
			f"""select count(*), bit_xor(crc32(concat(name, ':', child_lot, ':', qty)))
			from `tabLot Genealogy` where parent_lot in %(lots)s{lock}""",
			{"lots": quoted},
		)[0],
	]
	return " ".join(f"{int(count or 0)}:{int(checksum or 0)}" for count, checksum in parts)


def get_submitted_recalls_of_lots(lots) -> list[str]:
	"""Submitted recalls (drills too, any status) whose scope holds any of the lots."""
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return []
	return [
		row[0]
		for row in frappe.db.sql(
			"""select distinct r.name from `tabLot Recall Lot` l join `tabLot Recall` r on r.name = l.parent
			where l.parenttype = 'Lot Recall' and l.batch in %(lots)s and r.docstatus = 1""",
			{"lots": lots},
		)
	]


def get_recalls_of_status_change(name: str) -> list[str]:
	return frappe.get_all("Lot Recall", filters={"status_change": name, "docstatus": 1}, pluck="name")
