"""Reads behind the EPCIS export: which documents made lot events (in time order, paged), their lot
ledger rows, the status changes, and the master data that names lots, places, parties and units.

Raw SQL for the event sources: a union of two grouped reads ordered by time, which frappe.qb does
not write."""

import frappe
from frappe.utils import get_datetime

from lot_traceability.queries.lot_ledger import movement_filters
from lot_traceability.queries.vouchers import with_work_orders
from lot_traceability.traceability.epcis import KNOWN_VOUCHERS, STOCK_ENTRY_PURPOSES

# a movement's time: its bundle's posting date and time (the kept ledger has the date)
MOVEMENT_TIME = "timestamp(l.posting_date, ifnull(b.posting_time, '00:00:00'))"


def get_event_sources(
	lots=None,
	companies=None,
	warehouses=None,
	since=None,
	until=None,
	with_status_changes: bool = True,
	after: tuple | None = None,
	limit: int | None = None,
	row_kinds=None,
	status_sources=None,
	with_movements: bool = True,
) -> list[tuple]:
	"""(time, doctype, name) of the documents whose lot movements, or status changes, make events:
	the movements' documents (of these lots, companies, warehouses; with a row of these
	`traceability.epcis.row_kinds`, None: any; none with `with_movements` false) and the submitted
	Lot Status Changes of lots (of these lots; of lots these companies moved; of a Quality
	Inspection or not as `status_sources` says, None: any), from `since` (included) to `until`
	(excluded), in time order; a page of them: the first `limit` after the key `after` (time,
	doctype, name), read from just after it (keyset)."""
	conditions, values = movement_filters(lots, companies, warehouses)
	having = []
	if row_kinds is not None:
		conditions.append(kind_condition(row_kinds, values))
	if after:
		# past the key; a document's rows share its posting date, so none of its rows is before it
		conditions.append("l.posting_date >= date(%(after_time)s)")
		values.update(after_time=after[0], after_doctype=after[1], after_name=after[2])
	if since:
		having.append("time >= %(since)s")
		conditions.append("l.posting_date >= date(%(since)s)")  # through `lot_documents_by_date`
		values["since"] = since
	if until:
		having.append("time < %(until)s")
		conditions.append("l.posting_date <= date(%(until)s)")
		values["until"] = until
	movements = f"""
		select min({MOVEMENT_TIME}) as time, l.voucher_type as doctype, l.voucher_no as name
		from `tabLot Ledger Entry` l
		left join `tabSerial and Batch Bundle` b on b.name = l.serial_and_batch_bundle
		{"where " + " and ".join(conditions) if conditions else ""}
		group by l.voucher_type, l.voucher_no
		{
		"having " + " and ".join(having + past(after, "l.voucher_type", "l.voucher_no"))
		if having or after
		else ""
	}"""
	parts = [movements] if with_movements else []
	if with_status_changes and warehouses is None and status_sources != set():
		status_conditions = ["c.docstatus = 1"]
		if status_sources is not None and len(status_sources) == 1:
			inspection = "=" if True in status_sources else "<>"
			status_conditions.append(f"ifnull(c.source, '') {inspection} 'Quality Inspection'")
		if after:
			status_conditions.append("ifnull(c.change_datetime, c.modified) >= %(after_time)s")
		if lots is not None:
			status_conditions.append("r.batch in %(lots)s")
		if companies is not None:
			status_conditions.append(
				"r.batch in (select l.batch_no from `tabLot Ledger Entry` l where l.company in %(companies)s)"
			)
		parts.append(
			f"""
			select max(ifnull(c.change_datetime, c.modified)) as time, 'Lot Status Change' as doctype,
				c.name as name
			from `tabLot Status Change` c
			join `tabLot Status Change Lot` r on r.parent = c.name and r.parenttype = 'Lot Status Change'
			where {" and ".join(status_conditions)}
			group by c.name
			{
				"having " + " and ".join(having + past(after, "'Lot Status Change'", "c.name"))
				if having or after
				else ""
			}"""
		)
	if not parts:
		return []
	query = " union all ".join(f"({part})" for part in parts) + " order by time, doctype, name"
	if limit is not None:
		query += " limit %(limit)s"
		values["limit"] = int(limit)
	return [tuple(row) for row in frappe.db.sql(query, values)]


def past(after, doctype: str, name: str) -> list[str]:
	"""The having condition of a document past the key `after` (time, doctype, name)."""
	if not after:
		return []
	return [
		f"(time > %(after_time)s or (time = %(after_time)s and ({doctype} > %(after_doctype)s"
		f" or ({doctype} = %(after_doctype)s and {name} > %(after_name)s))))"
	]


def kind_condition(kinds, values: dict) -> str:
	"""A condition on `tabLot Ledger Entry` (as `l`) for rows of these kinds
	(`traceability.epcis.RowKind`): nothing when there are none."""
	values.setdefault("known_vouchers", list(KNOWN_VOUCHERS))
	values.setdefault("known_purposes", list(STOCK_ENTRY_PURPOSES))
	alternatives = []
	for number, kind in enumerate(kinds):
		parts = ["l.qty > 0" if kind.inward else "l.qty < 0"]
		if kind.voucher_type is None:
			parts.append("l.voucher_type not in %(known_vouchers)s")
		else:
			values[f"kind_voucher_{number}"] = kind.voucher_type
			parts.append(f"l.voucher_type = %(kind_voucher_{number})s")
		if kind.voucher_type == "Stock Entry" and kind.purpose is None:
			parts.append("ifnull(l.purpose, '') not in %(known_purposes)s")
		elif kind.purpose is not None:
			values[f"kind_purpose_{number}"] = kind.purpose
			parts.append(f"l.purpose = %(kind_purpose_{number})s")
		alternatives.append("(" + " and ".join(parts) + ")")
	return "(" + (" or ".join(alternatives) or "false") + ")"


MOVEMENT_COLUMNS = (
	"batch_no",
	"item_code",
	"warehouse",
	"qty",
	"voucher_type",
	"voucher_no",
	"purpose",
	"party_type",
	"party",
	"company",
)
LOT, WAREHOUSE, VOUCHER_TYPE, VOUCHER_NO = (
	MOVEMENT_COLUMNS.index(column) for column in ("batch_no", "warehouse", "voucher_type", "voucher_no")
)


def get_movements_of(vouchers, lots=None, companies=None, warehouses=None) -> list[dict]:
	"""The lot ledger rows of these (doctype, name) documents (of these lots, companies, warehouses),
	through `lot_document_rows`, in document order; a Stock Entry's rows with its work order
	(`work_order`), read once per entry rather than joined to every row. Their time is their
	document's (`get_event_sources`)."""
	vouchers = sorted(set(vouchers))
	if not vouchers:
		return []
	conditions, values = movement_filters(lots, companies, warehouses)
	values["vouchers"] = vouchers
	rows = frappe.db.sql(
		f"""select {", ".join("l." + column for column in MOVEMENT_COLUMNS)}
		from `tabLot Ledger Entry` l
		where (l.voucher_type, l.voucher_no) in %(vouchers)s
			{"".join(" and " + condition for condition in conditions)}""",
		values,
	)
	return with_work_orders(in_document_order(rows))


def get_timed_movements(lots=None, companies=None, since=None, until=None) -> list[dict]:
	"""The lot ledger rows of these lots and companies (None: any) whose document's time is from
	`since` (included) to `until` (excluded), in document order, each with that time as `posted` and
	its work order as `get_movements_of` gives it. A document's time is its earliest row's, as
	`get_event_sources` reads it; here the rows and their documents' times come from one read, for a
	whole export that needs every document and no page of them."""
	since, until = get_datetime(since) if since else None, get_datetime(until) if until else None
	conditions, values = movement_filters(
		lots, companies, since=since and since.date(), until=until and until.date()
	)
	rows = frappe.db.sql(
		f"""select {", ".join("l." + column for column in MOVEMENT_COLUMNS)}, {MOVEMENT_TIME} as time
		from `tabLot Ledger Entry` l
		left join `tabSerial and Batch Bundle` b on b.name = l.serial_and_batch_bundle
		{"where " + " and ".join(conditions) if conditions else ""}""",
		values,
	)
	times: dict[tuple, object] = {}  # document → its time: its earliest row's
	for row in rows:
		document, time = (row[VOUCHER_TYPE], row[VOUCHER_NO]), row[-1]
		if document not in times or time < times[document]:
			times[document] = time
	kept = {
		document
		for document, time in times.items()
		if (since is None or time >= since) and (until is None or time < until)
	}
	found = in_document_order(row for row in rows if (row[VOUCHER_TYPE], row[VOUCHER_NO]) in kept)
	for row in found:
		row.posted = times[(row.voucher_type, row.voucher_no)]
	return with_work_orders(found)


def in_document_order(rows) -> list[frappe._dict]:
	"""Rows read as `MOVEMENT_COLUMNS` (and anything after them), as dicts ordered by document, lot
	and place. Sorted here rather than by the server: for tens of thousands of these wide rows the
	server's sort costs more than the read (0.23 s of 0.5 s for the widest lot's 25,650 rows)."""
	ordered = sorted(
		rows, key=lambda row: (row[VOUCHER_TYPE], row[VOUCHER_NO], row[LOT] or "", row[WAREHOUSE] or "")
	)
	return [frappe._dict(zip(MOVEMENT_COLUMNS, row, strict=False)) for row in ordered]


def get_status_changes_of(names, lots=None) -> list[dict]:
	"""The lots of these submitted Lot Status Changes (of these lots), with the change's status,
	time and source, and the status's EPCIS disposition."""
	names = sorted(set(names))
	if not names:
		return []
	values = {"names": names}
	lot_filter = ""
	if lots is not None:
		lot_filter = "and r.batch in %(lots)s"
		values["lots"] = sorted(lots) or [""]
	return frappe.db.sql(
		f"""select r.batch, c.name as change_name, c.to_status,
			ifnull(c.change_datetime, c.modified) as change_datetime, c.source,
			s.epcis_disposition
		from `tabLot Status Change` c
		join `tabLot Status Change Lot` r on r.parent = c.name and r.parenttype = 'Lot Status Change'
		left join `tabLot Status` s on s.name = c.to_status
		where c.name in %(names)s and c.docstatus = 1 {lot_filter}
		order by c.name, r.batch""",
		values,
		as_dict=True,
	)


def get_lot_masters(lots) -> dict[str, dict]:
	"""Lot → its item and the item's stock unit."""
	lots = sorted({lot for lot in lots if lot})
	if not lots:
		return {}
	rows = frappe.db.sql(
		"""select b.name, b.item, i.stock_uom from `tabBatch` b left join `tabItem` i on i.name = b.item
		where b.name in %(lots)s""",
		{"lots": lots},
		as_dict=True,
	)
	return {row.name: row for row in rows}


def get_item_barcodes(items) -> dict[str, list[str]]:
	"""Item → its barcodes in its table's order."""
	items = sorted({item for item in items if item})
	found: dict[str, list[str]] = {}
	if not items:
		return found
	for item, barcode in frappe.db.sql(
		"""select parent, barcode from `tabItem Barcode` where parenttype = 'Item' and parent in %(items)s
		order by parent, idx""",
		{"items": items},
	):
		found.setdefault(item, []).append(barcode)
	return found


def get_glns(doctype: str) -> dict[str, str]:
	"""Record → its GLN, for the records of this doctype that have one."""
	return dict(frappe.get_all(doctype, filters={"gln": ("is", "set")}, fields=["name", "gln"], as_list=True))


def get_uom_codes() -> dict[str, str]:
	return dict(
		frappe.get_all(
			"UOM", filters={"un_cefact_code": ("is", "set")}, fields=["name", "un_cefact_code"], as_list=True
		)
	)


def get_warehouse_by_gln(gln: str) -> str | None:
	return frappe.db.get_value("Warehouse", {"gln": gln})
