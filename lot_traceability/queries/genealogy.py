"""Reads and writes of the lot genealogy (Lot Genealogy records)."""

import frappe

from lot_traceability.queries.locks import locking
from lot_traceability.queries.quoting import value_list


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
		{"roots": value_list(roots), "max_depth": int(max_depth)},
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
				{"lots": value_list(sorted(frontier))},
			)
			rows += [(direction, *edge, level) for edge in edges]
			frontier = {edge[far] for edge in edges} - seen
			seen |= frontier
			level += 1
	return rows
