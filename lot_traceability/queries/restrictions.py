"""Reads and writes of release scopes (Lot Restriction), their use of the cap (Lot Restriction Use),
and what a production document makes (for the scope's items and the formula check)."""

import frappe
from frappe.utils import now_datetime

from lot_traceability.queries.quoting import value_list

RESTRICTION_FIELDS = (
	"name",
	"batch",
	"item",
	"lot_status",
	"cap_qty",
	"used_qty",
	"uom",
	"valid_until",
	"concession_reference",
	"summary",
)


def get_active_restrictions(batches, for_update: bool = False) -> dict[str, dict]:
	"""The scope in effect of each lot; with `for_update` read as last committed and locked (in name
	order) until the transaction ends: the cap's count is decided on it."""
	batches = sorted({batch for batch in batches or () if batch})
	if not batches:
		return {}
	restriction = frappe.qb.DocType("Lot Restriction")
	query = (
		frappe.qb.from_(restriction)
		.select(*(restriction[field] for field in RESTRICTION_FIELDS))
		.where(restriction.batch.isin(batches) & (restriction.is_active == 1))
		.orderby(restriction.name)
	)
	if for_update:
		query = query.for_update()
	return {row.batch: row for row in query.run(as_dict=True)}


def get_scope_rows(restrictions) -> dict[str, list[tuple[str, str]]]:
	"""(applies to, value) rows of each restriction."""
	if not restrictions:
		return {}
	entry = frappe.qb.DocType("Lot Scope Entry")
	rows = (
		frappe.qb.from_(entry)
		.select(entry.parent, entry.applies_to, entry.value)
		.where((entry.parenttype == "Lot Restriction") & entry.parent.isin(sorted(set(restrictions))))
		.orderby(entry.idx)
		.run()
	)
	found: dict[str, list] = {}
	for parent, applies_to, value in rows:
		found.setdefault(parent, []).append((applies_to, value))
	return found


def set_used(restriction: str, used: float) -> None:
	frappe.db.set_value("Lot Restriction", restriction, "used_qty", used, update_modified=False)


def insert_use(restriction: str, batch: str, voucher_type: str, voucher_no: str, qty: float) -> None:
	doc = frappe.new_doc("Lot Restriction Use")
	doc.update(
		{
			"restriction": restriction,
			"batch": batch,
			"voucher_type": voucher_type,
			"voucher_no": voucher_no,
			"qty": qty,
		}
	)
	doc.db_insert()


def get_uses_of(voucher_type: str, voucher_no: str) -> list[dict]:
	return frappe.get_all(
		"Lot Restriction Use",
		filters={"voucher_type": voucher_type, "voucher_no": voucher_no},
		fields=["name", "restriction", "batch", "qty"],
		order_by="restriction",
	)


def lock_restrictions(names) -> dict[str, float]:
	"""Lock restrictions by name (name order) and read their count as last committed."""
	names = sorted(set(names))
	if not names:
		return {}
	return dict(
		frappe.db.sql(
			"select name, used_qty from `tabLot Restriction` where name in %(names)s order by name for update",
			{"names": names},
		)
	)


def delete_uses(names) -> None:
	if names:
		frappe.db.delete("Lot Restriction Use", {"name": ("in", list(names))})


def end_restrictions(batches, ended_by: str | None) -> None:
	"""The scopes in effect of these lots end (a later change replaced or lifted them)."""
	batches = sorted(set(batches))
	if not batches:
		return
	frappe.db.sql(  # raw SQL: a recall ends the scopes of thousands of lots at once
		"""update `tabLot Restriction` set is_active = 0, ended = %(now)s, ended_by = %(ended_by)s
		where batch in %(batches)s and is_active = 1""",
		{"now": now_datetime(), "ended_by": ended_by, "batches": value_list(batches)},
	)


def set_batch_restriction(batches, restriction: str | None, summary: str | None) -> None:
	"""Set (or clear) the scope in effect shown on lots; clearing writes only the lots that had one
	(a recall lifts thousands of lots, few of them restricted). Raw SQL, as `lots.get_lots`."""
	batches = sorted(set(batches))
	if not batches:
		return
	only_restricted = (
		"" if restriction or summary else " and (lot_restriction is not null or restricted_to is not null)"
	)
	frappe.db.sql(
		f"""update `tabBatch` set lot_restriction = %(restriction)s, restricted_to = %(summary)s
		where name in %(batches)s{only_restricted}""",
		{"restriction": restriction, "summary": summary, "batches": value_list(batches)},
	)


def get_lapsed_restrictions(before) -> list[dict]:
	"""Scopes in effect whose last valid day is before the date."""
	return frappe.get_all(
		"Lot Restriction",
		filters={"is_active": 1, "valid_until": ("<", before)},
		fields=["name", "batch", "lot_status", "valid_until"],
		order_by="batch",
	)


def get_customer_groups() -> dict[str, str | None]:
	"""Each customer group's parent."""
	return dict(frappe.get_all("Customer Group", fields=["name", "parent_customer_group"], as_list=True))


def get_customer_group(customer: str | None) -> str | None:
	return frappe.get_cached_value("Customer", customer, "customer_group") if customer else None


PRODUCTION_FIELDS = ("purpose", "work_order", "bom_no", "fg_completed_qty", "company", "subcontracting_order")


def get_stock_entry_production(name: str) -> dict:
	"""What a Stock Entry makes: its work order's item and BOM, else its own BOM and the items it
	receives as finished (or, for a repack, every item it receives)."""
	meta = frappe.get_meta("Stock Entry")
	fields = [field for field in PRODUCTION_FIELDS if meta.has_field(field)]
	entry = frappe.db.get_value("Stock Entry", name, fields, as_dict=True) or frappe._dict()
	made, bom = get_ordered_production(
		entry.get("work_order"), entry.get("subcontracting_order"), entry.get("bom_no")
	)
	if not made:
		rows = frappe.get_all(
			"Stock Entry Detail",
			filters={"parent": name, "t_warehouse": ("is", "set")},
			fields=["item_code", "is_finished_item", "s_warehouse"],
		)
		finished = [row.item_code for row in rows if row.is_finished_item and not row.s_warehouse]
		made.update(finished or [row.item_code for row in rows if not row.s_warehouse])
	return {"items_made": made, "bom": bom, "company": entry.get("company"), "purpose": entry.get("purpose")}


def get_ordered_production(work_order, subcontracting_order, bom=None) -> tuple[set[str], str | None]:
	"""What a work order, else a subcontracting order, makes and under which BOM (`bom`: the entry's
	own, used where the order names none)."""
	made = set()
	if work_order:
		order = frappe.db.get_value("Work Order", work_order, ["production_item", "bom_no"], as_dict=True)
		if order:
			made.add(order.production_item)
			bom = order.bom_no or bom
	elif subcontracting_order:
		for row in frappe.get_all(
			"Subcontracting Order Item",
			filters={"parent": subcontracting_order},
			fields=["item_code", "bom"],
		):
			made.add(row.item_code)
			bom = bom or row.bom
	return made, bom


def get_default_bom(item: str) -> str | None:
	return frappe.db.get_value("Item", item, "default_bom") or frappe.db.get_value(
		"BOM", {"item": item, "is_default": 1, "is_active": 1, "docstatus": 1}, "name"
	)


def get_formula_items(bom: str) -> tuple[set[str], set[str]]:
	"""The items a BOM consumes (its rows and, for multi-level work orders, its exploded items) and
	the substitutes ERPNext allows for them (Item Alternative, where the BOM allows alternatives)."""
	items = set(frappe.get_all("BOM Item", filters={"parent": bom}, pluck="item_code"))
	items |= set(frappe.get_all("BOM Explosion Item", filters={"parent": bom}, pluck="item_code"))
	substitutes: set[str] = set()
	if items and frappe.db.get_value("BOM", bom, "allow_alternative_item"):
		for row in frappe.get_all(
			"Item Alternative",
			filters={"item_code": ("in", sorted(items))},
			fields=["item_code", "alternative_item_code", "two_way"],
		):
			substitutes.add(row.alternative_item_code)
		for row in frappe.get_all(
			"Item Alternative",
			filters={"alternative_item_code": ("in", sorted(items)), "two_way": 1},
			fields=["item_code"],
		):
			substitutes.add(row.item_code)
	return items, substitutes


def get_voucher_party(voucher_type: str, voucher_no: str) -> dict:
	"""Customer and company of a selling document or pick list."""
	meta = frappe.get_meta(voucher_type)
	fields = [field for field in ("customer", "company") if meta.has_field(field)]
	return (fields and frappe.db.get_value(voucher_type, voucher_no, fields, as_dict=True)) or {}


def get_row_warehouses(voucher_type: str, voucher_detail_no: str | None) -> tuple[str | None, str | None]:
	"""Source and target warehouse of a voucher row."""
	if not voucher_detail_no:
		return None, None
	if voucher_type == "Stock Entry":
		row = frappe.db.get_value(
			"Stock Entry Detail", voucher_detail_no, ["s_warehouse", "t_warehouse"], as_dict=True
		)
		return (row.s_warehouse, row.t_warehouse) if row else (None, None)
	child = {"Pick List": "Pick List Item"}.get(voucher_type) or f"{voucher_type} Item"
	if not frappe.db.exists("DocType", child):
		return None, None
	meta = frappe.get_meta(child)
	fields = [field for field in ("warehouse", "target_warehouse") if meta.has_field(field)]
	row = frappe.db.get_value(child, voucher_detail_no, fields, as_dict=True) or {}
	return row.get("warehouse"), row.get("target_warehouse")


def get_subcontracted_items(receipt: str) -> list[dict]:
	"""The finished items a Subcontracting Receipt receives, with their BOMs."""
	return frappe.get_all(
		"Subcontracting Receipt Item",
		filters={"parent": receipt},
		fields=["item_code", "bom"],
		order_by="idx",
	)
