"""Every read the app makes of ERPNext's (and its own) tables."""

from datetime import date

import frappe
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Count, Sum

from lot_traceability.queries import packed
from lot_traceability.queries.locks import locking
from lot_traceability.traceability.movements import INWARD, RECEIVING_VOUCHERS, SELLING_VOUCHERS

RULE_FIELDS = (
	"name",
	"applies_to",
	"item",
	"item_group",
	"rule_company",
	"enabled",
	"receipt_status",
	"supplier_lot_mandatory",
	"shelf_life",
	"shelf_life_unit",
	"allocation_policy",
	"min_remaining_shelf_life",
	"min_remaining_shelf_life_unit",
	"quality_inspection_decides_release",
)


def get_item_group_lineage(item_group: str | None) -> list[str]:
	"""The group and its ancestors, nearest first (Item Group is a nested set)."""
	if not item_group:
		return []
	bounds = frappe.db.get_value("Item Group", item_group, ["lft", "rgt"], as_dict=True)
	if not bounds:
		return [item_group]
	group = frappe.qb.DocType("Item Group")
	return (
		frappe.qb.from_(group)
		.select(group.name)
		.where((group.lft <= bounds.lft) & (group.rgt >= bounds.rgt))
		.orderby(group.lft, order=frappe.qb.desc)
		.run(pluck=True)
	)


def get_item_group(item_code: str) -> str | None:
	return frappe.get_cached_value("Item", item_code, "item_group")


def get_candidate_rules(item_code: str, item_groups: list[str], company: str | None) -> list[dict]:
	"""Enabled rules that may govern the item: its own, its groups', its company's."""
	rule = frappe.qb.DocType("Lot Rule")
	scopes = [(rule.applies_to == "Item") & (rule.item == item_code)]
	if item_groups:
		scopes.append((rule.applies_to == "Item Group") & rule.item_group.isin(item_groups))
	if company:
		scopes.append(rule.applies_to == "Company")
	company_match = rule.rule_company.isnull() | (rule.rule_company == "")
	if company:
		company_match = company_match | (rule.rule_company == company)
	return (
		frappe.qb.from_(rule)
		.select(*(rule[field] for field in RULE_FIELDS))
		.where((rule.enabled == 1) & Criterion.any(scopes) & company_match)
		.run(as_dict=True)
	)


def get_rules_for_scope(applies_to: str, scope_field: str, scope_value: str | None) -> list[dict]:
	"""Every rule (enabled or not) for one item, item group or company."""
	return frappe.get_all(
		"Lot Rule",
		filters={"applies_to": applies_to, scope_field: scope_value},
		fields=list(RULE_FIELDS),
	)


def get_voucher_company(doctype: str | None, name: str | None) -> str | None:
	return get_voucher_values(doctype, name).get("company")


def get_voucher_values(doctype: str | None, name: str | None, fields=("company", "posting_date")) -> dict:
	"""Company and posting date (or the fields asked) of a voucher, where it has them."""
	if not doctype or not name or not frappe.db.exists("DocType", doctype):
		return {}
	meta = frappe.get_meta(doctype)
	fields = [field for field in fields if meta.has_field(field)]
	return (fields and frappe.db.get_value(doctype, name, fields, as_dict=True)) or {}


def get_lot_statuses() -> list[dict]:
	return frappe.get_all("Lot Status", fields=["*"], order_by="creation asc")


LOT_FIELDS = (
	"name",
	"item",
	"lot_status",
	"expiry_date",
	"manufacturing_date",
	"received_date",
	"supplier",
	"supplier_lot_no",
)


def get_lots(batch_nos, for_update: bool = False) -> dict[str, dict]:
	"""Lots by name; with `for_update`, their rows are locked in name order until the transaction ends."""
	batch_nos = {name for name in batch_nos or () if name}
	if not batch_nos:
		return {}
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(batch)
		.select(*(batch[field] for field in LOT_FIELDS))
		.where(batch.name.isin(sorted(set(batch_nos))))
		.orderby(batch.name)
	)
	if for_update:
		query = query.for_update()
	return {row.name: row for row in query.run(as_dict=True)}


def set_lot_status(batch_nos, status: str, release_date=None) -> None:
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.update(batch)
		.set(batch.lot_status, status)
		.set(batch.modified, frappe.utils.now_datetime())
		.set(batch.modified_by, frappe.session.user)
		.where(batch.name.isin(sorted(set(batch_nos))))
	)
	if release_date:
		query = query.set(batch.release_date, release_date)
	query.run()


def get_bundle_batches(bundle_names) -> dict[str, list[str]]:
	"""The batches in each bundle (draft or submitted)."""
	if not bundle_names:
		return {}
	entry = frappe.qb.DocType("Serial and Batch Entry")
	rows = (
		frappe.qb.from_(entry)
		.select(entry.parent, entry.batch_no)
		.where(entry.parent.isin(list(set(bundle_names))) & entry.batch_no.isnotnull())
		.run(as_dict=True)
	)
	batches: dict[str, list[str]] = {}
	for row in rows:
		batches.setdefault(row.parent, []).append(row.batch_no)
	return batches


VOUCHER_CONTEXT_FIELDS = {
	"Stock Entry": ["purpose", "is_return", "posting_date", "is_lot_write_off"],
	"Stock Reconciliation": ["purpose", "posting_date"],
	"Pick List": ["purpose"],
}


def get_voucher_context(voucher_type: str, voucher_no: str, direction: str | None = None) -> dict:
	"""What the enforcement needs to know of a voucher: purpose, return, write-off, posting date.

	Selling vouchers and inward receipts are told apart by their direction alone: no read.
	"""
	if voucher_type in SELLING_VOUCHERS or (voucher_type in RECEIVING_VOUCHERS and direction == INWARD):
		return {}
	fields = VOUCHER_CONTEXT_FIELDS.get(voucher_type)
	if fields is None:
		meta = frappe.get_meta(voucher_type)
		fields = [field for field in ("is_return", "posting_date") if meta.has_field(field)]
	if not fields:
		return {}
	return frappe.db.get_value(voucher_type, voucher_no, fields, as_dict=True) or {}


def get_target_warehouse(voucher_type: str, voucher_detail_no: str | None) -> str | None:
	if voucher_type != "Stock Entry" or not voucher_detail_no:
		return None
	return frappe.db.get_value("Stock Entry Detail", voucher_detail_no, "t_warehouse")


def is_quarantine_warehouse(warehouse: str | None) -> bool:
	return bool(warehouse) and bool(
		frappe.get_cached_value("Warehouse", warehouse, "is_quarantine_warehouse")
	)


def get_inward_lots_of_voucher(voucher_type: str, voucher_no: str) -> list[dict]:
	"""(row, batch) pairs a voucher received, read from its submitted bundles."""
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	return (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(bundle.voucher_detail_no, entry.batch_no)
		.where(
			(bundle.voucher_type == voucher_type)
			& (bundle.voucher_no == voucher_no)
			& (bundle.type_of_transaction == "Inward")
			& (bundle.is_cancelled == 0)
			& (bundle.docstatus == 1)
			& entry.batch_no.isnotnull()
		)
		.distinct()
		.run(as_dict=True)
	)


def find_supplier_lot_elsewhere(
	item_code: str, supplier_lot_no: str, supplier: str | None, batch_no: str
) -> list[dict]:
	"""Other lots of the item carrying the same supplier lot no from a different supplier."""
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(batch)
		.select(batch.name, batch.supplier)
		.where(
			(batch.item == item_code)
			& (batch.supplier_lot_no == supplier_lot_no)
			& (batch.name != batch_no)
			& batch.supplier.isnotnull()
			& (batch.supplier != "")
		)
	)
	if supplier:
		query = query.where(batch.supplier != supplier)
	return query.run(as_dict=True)


def _status_changes():
	"""Submitted Lot Status Changes joined to their lots."""
	change = frappe.qb.DocType("Lot Status Change")
	row = frappe.qb.DocType("Lot Status Change Lot")
	query = frappe.qb.from_(row).join(change).on(change.name == row.parent).where(change.docstatus == 1)
	return query, change, row


def get_lot_history(batch_no: str, limit: int = 50) -> list[dict]:
	query, change, row = _status_changes()
	return (
		query.select(
			change.name,
			change.change_datetime,
			row.from_status,
			change.to_status,
			change.reason,
			change.source,
			change.reference_doctype,
			change.reference_name,
			change.owner,
			change.modified_by,
		)
		.where(row.batch == batch_no)
		.orderby(change.change_datetime, order=frappe.qb.desc)
		.orderby(change.creation, order=frappe.qb.desc)
		.limit(limit)
		.run(as_dict=True)
	)


def get_changes_made_by(reference_doctype: str, reference_name: str) -> list[dict]:
	"""Submitted status changes a document caused, newest first, one row per lot."""
	query, change, row = _status_changes()
	return (
		query.select(change.name, row.batch, row.from_status, change.to_status)
		.where((change.reference_doctype == reference_doctype) & (change.reference_name == reference_name))
		.orderby(change.creation, order=frappe.qb.desc)
		.run(as_dict=True)
	)


def get_lots_past_expiry(on_date, exclude_statuses) -> list[dict]:
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(batch)
		.select(batch.name, batch.lot_status, batch.expiry_date)
		.where(batch.expiry_date.isnotnull() & (batch.expiry_date < on_date) & (batch.disabled == 0))
	)
	if exclude_statuses:
		query = query.where(batch.lot_status.notin(list(exclude_statuses)))
	return query.run(as_dict=True)


def get_lots_expiring(from_date, to_date, exclude_statuses) -> list[dict]:
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(batch)
		.select(batch.name, batch.item, batch.item_name, batch.lot_status, batch.expiry_date)
		.where((batch.expiry_date >= from_date) & (batch.expiry_date <= to_date) & (batch.disabled == 0))
		.orderby(batch.expiry_date)
	)
	if exclude_statuses:
		query = query.where(batch.lot_status.notin(list(exclude_statuses)))
	return query.run(as_dict=True)


def get_lot_balances(batch_nos) -> dict[str, float]:
	"""Stock on hand of each lot from the ledger (bundles, and legacy SLE.batch_no rows)."""
	if not batch_nos:
		return {}
	batch_nos = list(set(batch_nos))
	sle = frappe.qb.DocType("Stock Ledger Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	bundled = (
		frappe.qb.from_(sle)
		.join(entry)
		.on(entry.parent == sle.serial_and_batch_bundle)
		.select(entry.batch_no, Sum(entry.qty).as_("qty"))
		.where((sle.is_cancelled == 0) & entry.batch_no.isin(batch_nos))
		.groupby(entry.batch_no)
		.run(as_dict=True)
	)
	legacy = (
		frappe.qb.from_(sle)
		.select(sle.batch_no, Sum(sle.actual_qty).as_("qty"))
		.where(
			(sle.is_cancelled == 0)
			& sle.batch_no.isin(batch_nos)
			& (sle.serial_and_batch_bundle.isnull() | (sle.serial_and_batch_bundle == ""))
		)
		.groupby(sle.batch_no)
		.run(as_dict=True)
	)
	balances = dict.fromkeys(batch_nos, 0.0)
	for row in bundled + legacy:
		balances[row.batch_no] += float(row.qty or 0)
	return balances


def get_users_with_roles(roles) -> list[str]:
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	return (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(user.name)
		.distinct()
		.where(
			(has_role.parenttype == "User")
			& has_role.role.isin(list(roles))
			& (user.enabled == 1)
			& (user.user_type == "System User")
			& user.name.notin(["Administrator", "Guest"])
		)
		.run(pluck=True)
	)


def get_voucher_lot_moves(voucher_type: str, voucher_nos) -> list[dict]:
	"""Every lot a submitted voucher moved: bundle entries, and legacy `SLE.batch_no` rows without bundle.

	Rows: voucher_no, item_code, batch_no, qty (signed: negative out), is_rejected.
	"""
	if not voucher_nos:
		return []
	voucher_nos = list(set(voucher_nos))
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	bundled = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(bundle.voucher_no, bundle.item_code, entry.batch_no, entry.qty, bundle.is_rejected)
		.where(
			(bundle.voucher_type == voucher_type)
			& bundle.voucher_no.isin(voucher_nos)
			& (bundle.docstatus == 1)
			& (bundle.is_cancelled == 0)
			& entry.batch_no.isnotnull()
		)
		.run(as_dict=True)
	)
	sle = frappe.qb.DocType("Stock Ledger Entry")
	legacy = (
		frappe.qb.from_(sle)
		.select(sle.voucher_no, sle.item_code, sle.batch_no, sle.actual_qty.as_("qty"))
		.where(
			(sle.voucher_type == voucher_type)
			& sle.voucher_no.isin(voucher_nos)
			& (sle.is_cancelled == 0)
			& sle.batch_no.isnotnull()
			& (sle.batch_no != "")
			& (sle.serial_and_batch_bundle.isnull() | (sle.serial_and_batch_bundle == ""))
		)
		.run(as_dict=True)
	)
	return bundled + legacy


def get_genealogy_vouchers(
	voucher_type: str, purposes=None, work_order: str | None = None, names=None
) -> list[dict]:
	doctype = frappe.qb.DocType(voucher_type)
	fields = [doctype.name, doctype.company, doctype.posting_date]
	query = frappe.qb.from_(doctype).where(doctype.docstatus == 1)
	if names is not None:
		query = query.where(doctype.name.isin(list(names) or [""]))
	if voucher_type == "Stock Entry":
		fields += [doctype.purpose, doctype.work_order]
		query = query.where(doctype.purpose.isin(list(purposes)))
		if work_order:
			query = query.where(doctype.work_order == work_order)
	return query.select(*fields).orderby(doctype.posting_date).orderby(doctype.creation).run(as_dict=True)


def get_lot_items(batch_nos) -> dict[str, str]:
	if not batch_nos:
		return {}
	batch = frappe.qb.DocType("Batch")
	return dict(
		frappe.qb.from_(batch)
		.select(batch.name, batch.item)
		.where(batch.name.isin(list(set(batch_nos))))
		.run()
	)


def get_stored_edges(voucher_nos=None) -> list[dict]:
	genealogy = frappe.qb.DocType("Lot Genealogy")
	query = frappe.qb.from_(genealogy).select(
		genealogy.parent_lot, genealogy.child_lot, genealogy.qty, genealogy.voucher_type, genealogy.voucher_no
	)
	if voucher_nos is not None:
		query = query.where(genealogy.voucher_no.isin(list(voucher_nos) or [""]))
	return query.run(as_dict=True)


def delete_edges(voucher_type: str, voucher_nos) -> None:
	if voucher_nos:
		frappe.db.delete(
			"Lot Genealogy", {"voucher_type": voucher_type, "voucher_no": ("in", list(voucher_nos))}
		)


def get_reachable_edges(roots, directions, max_depth: int) -> list[dict]:
	"""Every edge within `max_depth` + 1 links of `roots`, walking to outputs (`forward`) and/or to
	inputs (`backward`): one recursive read per direction over the genealogy's covering indexes, all
	in one statement. Each row carries its `direction` and the length of the path that reached it
	(`level`); an edge reached by paths of several lengths comes once per length, and a cycle in bad
	data ends at the depth bound. Rows are tuples (direction, parent_lot, child_lot, qty, voucher_no,
	level). Raw SQL: frappe.qb does not write recursive common table expressions."""
	if not roots or not directions:
		return []
	if locking():
		return _reachable_edges_locked(roots, directions, max_depth)
	reaches, selects = [], []
	for direction in directions:
		near, far = ("parent_lot", "child_lot") if direction == "forward" else ("child_lot", "parent_lot")
		reaches.append(
			f"""{direction}_reach (parent_lot, child_lot, qty, voucher_no, level) as (
				select parent_lot, child_lot, qty, voucher_no, 1
				from `tabLot Genealogy` where {near} in %(roots)s
				union
				select g.parent_lot, g.child_lot, g.qty, g.voucher_no, r.level + 1
				from `tabLot Genealogy` g join {direction}_reach r on g.{near} = r.{far}
				where r.level <= %(max_depth)s
			)"""
		)
		selects.append(
			f"select '{direction}' as direction, parent_lot, child_lot, qty, voucher_no, level "
			f"from {direction}_reach"
		)
	return frappe.db.sql(
		f"with recursive {', '.join(reaches)} {' union all '.join(selects)}",
		{"roots": list(roots), "max_depth": int(max_depth)},
	)


def _reachable_edges_locked(roots, directions, max_depth: int) -> list[tuple]:
	"""`get_reachable_edges` with locking reads, level by level (MariaDB reads a recursive common
	table expression without locks): each level's edges as last committed, and no new edge from
	these lots until the transaction ends."""
	rows = []
	for direction in directions:
		near, far = (0, 1) if direction == "forward" else (1, 0)
		column = ("parent_lot", "child_lot")[near]
		frontier, seen, level = set(roots), set(roots), 1
		while frontier and level <= max_depth + 1:
			edges = frappe.db.sql(
				f"""select parent_lot, child_lot, qty, voucher_no from `tabLot Genealogy`
				where {column} in %(lots)s order by name lock in share mode""",
				{"lots": sorted(frontier)},
			)
			rows += [(direction, *edge, level) for edge in edges]
			frontier = {edge[far] for edge in edges} - seen
			seen |= frontier
			level += 1
	return rows


MAKING_PURPOSES = ("Material Receipt", "Manufacture", "Repack", "Disassemble")
RECEIVING_DOCTYPES = (
	"Purchase Receipt",
	"Purchase Invoice",
	"Subcontracting Receipt",
	"Stock Reconciliation",
)
SELLING_DOCTYPES = ("Delivery Note", "Sales Invoice", "POS Invoice")


def ledger_entries(lots=None):
	"""The base of every read of the lots' ledger: submitted, not cancelled bundle entries that moved a
	lot (Pick Lists reserve, they do not move), for these lots or all. Returns (query, bundle, entry)."""
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	lot_condition = entry.batch_no.isin(list(lots)) if lots is not None else entry.batch_no.isnotnull()
	query = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.where(
			lot_condition
			& (bundle.docstatus == 1)
			& (bundle.is_cancelled == 0)
			& (bundle.voucher_type != "Pick List")
		)
	)
	return query, bundle, entry


def get_lot_documents(lots, voucher_types, party_field: str) -> list[dict]:
	"""Deliveries (or receipts) of the lots, with their customer (or supplier), netted per voucher."""
	if not lots:
		return []
	query, bundle, entry = ledger_entries(lots)
	rows = (
		query.select(
			entry.batch_no,
			bundle.voucher_type,
			bundle.voucher_no,
			bundle.posting_date,
			Sum(entry.qty).as_("qty"),
		)
		.where(bundle.voucher_type.isin(list(voucher_types)))
		.groupby(entry.batch_no, bundle.voucher_type, bundle.voucher_no, bundle.posting_date)
		.run(as_dict=True)
	)
	parties = get_parties(rows, party_field)
	for row in rows:
		row["party"] = parties.get(row.voucher_no)
	return rows


def get_lots_of_supplier_lot(supplier_lot_no: str) -> list[str]:
	return frappe.get_all(
		"Batch", filters={"supplier_lot_no": supplier_lot_no}, pluck="name", order_by="name"
	)


LOT_DETAIL_FIELDS = ("name", "item", "item_name", "lot_status", "expiry_date", "supplier_lot_no")


def get_lot_details(lots) -> dict[str, dict]:
	"""Item, status, expiry and supplier lot no of each lot. Raw SQL: a trace or recall passes
	thousands of lots, sent as one list parameter (frappe.qb would bind each value on its own), and
	their rows come packed into one string (`queries.packed`)."""
	if not lots:
		return {}
	rows = packed.read_all(
		[f"`{field}`" for field in LOT_DETAIL_FIELDS],
		"from `tabBatch` where name in %(lots)s",
		{"lots": list(set(lots))},
	)
	expiry = LOT_DETAIL_FIELDS.index("expiry_date")
	for row in rows:
		if isinstance(row[expiry], str):  # packed rows give dates as ISO strings
			row[expiry] = date.fromisoformat(row[expiry])
	return {row[0]: frappe._dict(zip(LOT_DETAIL_FIELDS, row, strict=True)) for row in rows}


def get_parties(voucher_rows, party_field: str) -> dict[str, str]:
	parties = {}
	for voucher_type in {row.voucher_type for row in voucher_rows}:
		names = list({row.voucher_no for row in voucher_rows if row.voucher_type == voucher_type})
		if frappe.get_meta(voucher_type).has_field(party_field):
			parties.update(
				dict(
					frappe.get_all(
						voucher_type,
						filters={"name": ("in", names)},
						fields=["name", party_field],
						as_list=True,
					)
				)
			)
	return parties


def set_recall_lots_status_after(recall: str, lots, status: str | None) -> None:
	"""Record on a recall's affected-lot rows the status the recall left them in (one write)."""
	if not lots:
		return
	row = frappe.qb.DocType("Lot Recall Lot")
	(
		frappe.qb.update(row)
		.set(row.status_after, status)
		.where((row.parent == recall) & (row.parenttype == "Lot Recall") & row.batch.isin(list(lots)))
		.run()
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


def get_quarantine_warehouse(company: str | None) -> str | None:
	"""The company's first quarantine warehouse (not a group)."""
	if not company:
		return None
	warehouses = frappe.get_all(
		"Warehouse",
		filters={"company": company, "is_quarantine_warehouse": 1, "is_group": 0, "disabled": 0},
		pluck="name",
		order_by="name",
		limit=1,
	)
	return warehouses[0] if warehouses else None


def get_row_lots(voucher_type: str, row_names) -> dict[str, list[str]]:
	"""Lots each voucher row moved (submitted bundles, by row name): a return's original rows."""
	if not row_names:
		return {}
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	rows = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(bundle.name == entry.parent)
		.select(bundle.voucher_detail_no, entry.batch_no)
		.distinct()
		.where(
			(bundle.voucher_type == voucher_type)
			& bundle.voucher_detail_no.isin(list(set(row_names)))
			& (bundle.docstatus == 1)
			& (bundle.is_cancelled == 0)
		)
		.run(as_dict=True)
	)
	found: dict[str, list[str]] = {}
	for row in rows:
		if row.batch_no:  # serial-numbered entries carry no lot
			found.setdefault(row.voucher_detail_no, []).append(row.batch_no)
	return found


def count_lots_with_stock(statuses=None, expiring_from=None, expiring_to=None) -> int:
	"""Lots with stock (kept lot balances) in these statuses or expiring in this window."""
	balance = frappe.qb.DocType("Lot Balance")
	batch = frappe.qb.DocType("Batch")
	query = (
		frappe.qb.from_(balance)
		.join(batch)
		.on(batch.name == balance.batch)
		.select(Count(balance.batch).distinct())
		.where(balance.qty > 0)
	)
	if statuses is not None:
		query = query.where(batch.lot_status.isin(list(statuses) or [""]))
	if expiring_from:
		query = query.where(batch.expiry_date >= expiring_from)
	if expiring_to:
		query = query.where(batch.expiry_date <= expiring_to)
	return query.run()[0][0] or 0
