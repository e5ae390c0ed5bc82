"""Reads and writes of the kept lot ledger (Lot Ledger Entry), and the same rows from ERPNext's ledger.

One statement says what a lot ledger entry is (`LEDGER_MOVEMENTS`): every submitted bundle entry of
a lot (Pick Lists reserve, they do not move) and every legacy `SLE.batch_no` row without a bundle,
with its Stock Entry purpose, the customer or supplier of its document and, on a selling document,
the net amount of the lot's quantity. The submit hook, the rebuild and the comparison all use it, so
kept rows and rebuilt rows cannot drift apart by construction.

Raw SQL here: conditional joins to one table per document type and set-based `insert … select`
are not expressible in frappe.qb."""

import json
from collections.abc import Iterator

import frappe
from frappe.utils import now_datetime

from lot_traceability.queries import packed
from lot_traceability.queries.ledger import MAKING_PURPOSES, RECEIVING_DOCTYPES, SELLING_DOCTYPES
from lot_traceability.queries.locks import lock_clause
from lot_traceability.queries.quoting import value_list
from lot_traceability.queries.vouchers import INTERNAL_PARTY_FLAGS
from lot_traceability.traceability.movements import INTERNAL_TRANSFER

SELLING_ROWS = {
	"Delivery Note": "Delivery Note Item",
	"Sales Invoice": "Sales Invoice Item",
	"POS Invoice": "POS Invoice Item",
}
SUPPLIER_DOCUMENTS = ("Purchase Receipt", "Purchase Invoice", "Subcontracting Receipt")
COLUMNS = (
	"name",
	"batch_no",
	"item_code",
	"warehouse",
	"qty",
	"posting_date",
	"voucher_type",
	"voucher_no",
	"voucher_detail_no",
	"purpose",
	"party_type",
	"party",
	"sales_amount",
	"company",
	"serial_and_batch_bundle",
)


def _document_joins(voucher_type: str, voucher_no: str, voucher_detail_no: str) -> tuple[str, ...]:
	"""Joins (by primary key) to each movement's Stock Entry, selling row and party document, and
	the expressions over them: party, sales amount, whether the party is one of our own companies
	(an internal customer or supplier that represents a company) and that company."""
	joins = [f"left join `tabStock Entry` se on {voucher_type} = 'Stock Entry' and se.name = {voucher_no}"]
	parties, amounts, internal, companies = [], [], [], []

	def own_company(alias: str, doctype: str) -> None:
		flag = INTERNAL_PARTY_FLAGS.get(doctype)
		if flag:
			internal.append(
				f"(ifnull({alias}.{flag}, 0) = 1 and ifnull({alias}.represents_company, '') != '')"
			)
			companies.append(f"{alias}.represents_company")

	for number, (doctype, row_doctype) in enumerate(SELLING_ROWS.items()):
		joins.append(
			f"left join `tab{row_doctype}` sold_row{number} "
			f"on {voucher_type} = '{doctype}' and sold_row{number}.name = {voucher_detail_no}"
		)
		joins.append(
			f"left join `tab{doctype}` sold{number} "
			f"on {voucher_type} = '{doctype}' and sold{number}.name = {voucher_no}"
		)
		parties.append(f"sold{number}.customer")
		amounts.append(f"sold_row{number}.base_net_amount / nullif(sold_row{number}.stock_qty, 0)")
		own_company(f"sold{number}", doctype)
	for number, doctype in enumerate(SUPPLIER_DOCUMENTS):
		joins.append(
			f"left join `tab{doctype}` bought{number} "
			f"on {voucher_type} = '{doctype}' and bought{number}.name = {voucher_no}"
		)
		parties.append(f"bought{number}.supplier")
		own_company(f"bought{number}", doctype)
	return (
		"\n".join(joins),
		f"coalesce({', '.join(parties)})",
		f"coalesce({', '.join(amounts)})",
		f"({' or '.join(internal)})",
		f"coalesce({', '.join(companies)})",
	)


def _party_type(voucher_type: str, internal: str) -> str:
	selling = ", ".join(f"'{doctype}'" for doctype in SELLING_ROWS)
	buying = ", ".join(f"'{doctype}'" for doctype in SUPPLIER_DOCUMENTS)
	return (
		f"case when {internal} then 'Company' when {voucher_type} in ({selling}) then 'Customer' "
		f"when {voucher_type} in ({buying}) then 'Supplier' end"
	)


# ERPNext's index of Stock Ledger Entry by batch. Since batches moved to bundles the column is empty
# on nearly every row, and MariaDB's estimate for a list of lots can prefer a scan of the whole
# ledger (0.3 s on a 330,000-row ledger, 0.04 s through the index): the read of given lots names it.
SLE_BATCH_INDEX = "force index (batch_no_item_code_warehouse_index)"


def _movements(entry_filter: str = "", sle_filter: str = "", sle_index: str = "") -> str:
	"""A movement whose party is one of our own companies is a transfer between our sites, not a sale
	or a purchase: its purpose is *Internal Transfer*, its party that company (the receiving one on a
	delivery, the sending one on a receipt) and it has no sales amount."""
	b_joins, b_party, b_amount, b_internal, b_company = _document_joins(
		"b.voucher_type", "b.voucher_no", "b.voucher_detail_no"
	)
	s_joins, s_party, s_amount, s_internal, s_company = _document_joins(
		"sle.voucher_type", "sle.voucher_no", "sle.voucher_detail_no"
	)
	return f"""
		select e.name, e.batch_no, b.item_code,
			if(ifnull(e.warehouse, '') = '', b.warehouse, e.warehouse) as warehouse, e.qty,
			b.posting_date, b.voucher_type, b.voucher_no, b.voucher_detail_no,
			coalesce(se.purpose, if({b_internal}, '{INTERNAL_TRANSFER}', null)) as purpose,
			{_party_type("b.voucher_type", b_internal)} as party_type,
			if({b_internal}, {b_company}, {b_party}) as party,
			if({b_internal}, 0, ifnull(-e.qty * {b_amount}, 0)) as sales_amount, b.company,
			b.name as serial_and_batch_bundle
		from `tabSerial and Batch Entry` e
		join `tabSerial and Batch Bundle` b on b.name = e.parent
		{b_joins}
		where b.docstatus = 1 and b.is_cancelled = 0 and b.voucher_type != 'Pick List'
			and ifnull(e.batch_no, '') != '' {entry_filter}
		union all
		select concat('sle-', sle.name), sle.batch_no, sle.item_code, sle.warehouse, sle.actual_qty,
			sle.posting_date, sle.voucher_type, sle.voucher_no, sle.voucher_detail_no,
			coalesce(se.purpose, if({s_internal}, '{INTERNAL_TRANSFER}', null)),
			{_party_type("sle.voucher_type", s_internal)},
			if({s_internal}, {s_company}, {s_party}),
			if({s_internal}, 0, ifnull(-sle.actual_qty * {s_amount}, 0)), sle.company, null
		from `tabStock Ledger Entry` sle {sle_index}
		{s_joins}
		where sle.is_cancelled = 0 and ifnull(sle.batch_no, '') != ''
			and ifnull(sle.serial_and_batch_bundle, '') = '' {sle_filter}
	"""


LEDGER_MOVEMENTS = _movements()
BUNDLE_MOVEMENTS = _movements(entry_filter="and b.name = %(bundle)s", sle_filter="and 1 = 0")
LOT_MOVEMENTS = _movements(
	entry_filter="and e.batch_no in %(batches)s",
	sle_filter="and sle.batch_no in %(batches)s",
	sle_index=SLE_BATCH_INDEX,
)


def _insert(movements: str, values: dict) -> None:
	stamp, user = now_datetime(), frappe.session.user
	columns = ", ".join(f"`{column}`" for column in COLUMNS)
	frappe.db.sql(
		f"""insert into `tabLot Ledger Entry` ({columns}, docstatus, creation, modified, owner, modified_by)
		select {columns}, 0, %(stamp)s, %(stamp)s, %(user)s, %(user)s from ({movements}) ledger""",
		{**values, "stamp": stamp, "user": user},
	)


def insert_bundle_movements(bundle: str) -> None:
	"""The kept rows of a bundle just submitted (its entries are in the database by then)."""
	_insert(BUNDLE_MOVEMENTS, {"bundle": bundle})


def delete_bundle_movements(bundle: str) -> None:
	frappe.db.delete("Lot Ledger Entry", {"serial_and_batch_bundle": bundle})


def replace_all_movements() -> int:
	"""Every kept row replaced by the ledger's; returns the number of rows."""
	frappe.db.delete("Lot Ledger Entry")
	_insert(LEDGER_MOVEMENTS, {})
	return frappe.db.count("Lot Ledger Entry")


def has_kept_movements() -> bool:
	return bool(frappe.db.count("Lot Ledger Entry"))


def set_lot_movements_from_ledger(batches) -> None:
	"""Replace the kept rows of these lots by the ledger's."""
	batches = list(set(batches))
	frappe.db.delete("Lot Ledger Entry", {"batch_no": ("in", batches)})
	_insert(LOT_MOVEMENTS, {"batches": batches})


def get_ledger_movements(batches) -> list[dict]:
	"""The rows the kept lot ledger should hold for these lots."""
	return frappe.db.sql(LOT_MOVEMENTS, {"batches": list(set(batches)) or [""]}, as_dict=True)


def get_all_lots() -> set[str]:
	"""Every lot the ledger or the kept lot ledger has rows of."""
	kept = frappe.db.sql("select distinct batch_no from `tabLot Ledger Entry`", pluck=True)
	return set(frappe.get_all("Batch", pluck="name")) | set(kept)


def get_kept_movements(batches) -> list[dict]:
	return frappe.get_all(
		"Lot Ledger Entry", filters={"batch_no": ("in", list(set(batches)) or [""])}, fields=list(COLUMNS)
	)


def has_ledger_movements() -> bool:
	return bool(
		frappe.db.sql(
			"""select 1 from `tabSerial and Batch Entry` where ifnull(batch_no, '') != '' limit 1"""
		)
	)


TRACE_FIELDS = ("batch_no", "voucher_type", "voucher_no", "posting_date", "qty", "purpose", "party")
RECALL_FIELDS = (*TRACE_FIELDS, "warehouse", "sales_amount")


NUMERIC_FIELDS = frozenset({"qty", "sales_amount"})


def listed(names) -> str:
	"""Trusted constant names as an SQL list."""
	return "(" + ", ".join(f"'{name}'" for name in names) + ")"


# The movements a trace answers from (a condition on the lot ledger's covering index): the
# receiving and selling documents' (its end documents, the transfers between our own companies among
# them) and the inward rows of the entries that make a lot (its made quantity, the dates of its
# nodes) — not the rows that consume a lot, move it between warehouses or count it.
ENDS_AND_MAKINGS = (
	f"(voucher_type in {listed((*RECEIVING_DOCTYPES, *SELLING_DOCTYPES))}"
	f" or (voucher_type = 'Stock Entry' and purpose in {listed(MAKING_PURPOSES)} and qty > 0))"
)
# ... and a recall's: those and the write-offs (a disposal on or after the recall date is counted)
ENDS_MAKINGS_AND_WRITE_OFFS = (
	f"({ENDS_AND_MAKINGS} or (voucher_type = 'Stock Entry' and purpose = 'Material Issue'))"
)


def get_lot_movements(lots, fields=TRACE_FIELDS, only: str | None = None) -> list[list]:
	"""The kept movements of these lots (`iter_lot_movements`) as a list."""
	return list(iter_lot_movements(lots, fields, only))


def iter_lot_movements(lots, fields=TRACE_FIELDS, only: str | None = None) -> Iterator[list]:
	"""The kept movements of these lots from the lot ledger's covering index, one at a time, each
	as a list of `fields` in that order (the first is the lot; dates as ISO strings).

	The rows come packed into one string (`traceability.packing`): the Python MySQL driver costs
	more per row (about 15 µs on a small server) than the index read itself, and a recall reads tens
	of thousands of rows; one at a time, so a caller that sums them keeps none. Where a value holds
	a separator, or the string was cut at the length limit (raised to the packet limit first), the
	rows are read again as one JSON array per lot. `only`: a trusted condition on the index's
	columns that keeps some of the movements (`ENDS_AND_MAKINGS`)."""
	if not lots:
		return
	if fields[0] != "batch_no" or not set(fields) <= set(COLUMNS):
		raise ValueError(f"lot movement fields must start with batch_no and be columns: {fields}")
	values = {"lots": value_list(set(lots))}
	where = "where batch_no in %(lots)s" + (f" and {only}" if only else "")
	rows = packed.read(
		[f"`{field}`" for field in fields],
		f"from `tabLot Ledger Entry` {where}",
		values,
		[field in NUMERIC_FIELDS for field in fields],
	)
	if rows is not None:
		yield from rows
		return
	columns = ", ".join(f"`{field}`" for field in fields[1:])
	for lot, moves in frappe.db.sql(
		f"""select batch_no, json_arrayagg(json_array({columns})) from `tabLot Ledger Entry`
		{where} group by batch_no"""
		+ lock_clause(),
		values,
	):
		for move in json.loads(moves):
			yield [lot, *move]


def movement_filters(lots=None, companies=None, warehouses=None, items=None, since=None, until=None):
	"""(conditions, values) that limit reads of `tabLot Ledger Entry` (as `l`) to these lots,
	companies, warehouses and items (None: any) and to posting dates from `since` to `until`
	(dates, both included)."""
	conditions, values = [], {}
	for column, key, given in (
		("batch_no", "lots", lots),
		("company", "companies", companies),
		("warehouse", "warehouses", warehouses),
		("item_code", "items", items),
	):
		if given is not None:
			conditions.append(f"l.{column} in %({key})s")
			values[key] = sorted(given) or [""]
	if since:
		conditions.append("l.posting_date >= %(since_date)s")
		values["since_date"] = since
	if until:
		conditions.append("l.posting_date <= %(until_date)s")
		values["until_date"] = until
	return conditions, values
