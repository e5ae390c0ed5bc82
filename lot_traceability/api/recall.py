"""Traces and recalls: lot traces, recall impact and its paged rows, a workstation window's scope, the
genealogy graph, a recall's status and war room. (whitelisted: see `lot_traceability.api`)."""

import json

import frappe
from frappe import _

from lot_traceability import access
from lot_traceability.messages import esc


@frappe.whitelist()
@frappe.read_only()
def get_lot_trace(
	batch: str | None = None, supplier_lot_no: str | None = None, direction: str = "Both", max_depth: int = 25
) -> dict:
	"""A lot's genealogy, backward (what it was made from, down to receipts and suppliers) and forward
	(what was made from it, up to deliveries and customers), with quantities; `max_depth` levels,
	1 to `traceability.genealogy.MAX_DEPTH`."""
	from lot_traceability.genealogy.trace import checked_depth, trace_lot

	frappe.has_permission("Batch", "read", throw=True)
	return trace_lot(
		batch=batch, supplier_lot_no=supplier_lot_no, direction=direction, max_depth=checked_depth(max_depth)
	)


@frappe.whitelist(methods=["POST"])
def update_recall(recall: str, status: str | None = None) -> dict:
	"""Refresh a recall's containment from the ledger and, if asked, mark it Contained or Closed."""
	doc = frappe.get_doc("Lot Recall", recall)
	doc.check_permission("submit")
	access.check_recall_access(doc)
	if status and status not in ("Contained", "Closed"):
		frappe.throw(_("A recall can be marked Contained or Closed, not {0}.").format(esc(status)))
	doc.update_containment(status or None)
	doc.reload()
	return {"status": doc.status, "outstanding_qty": doc.outstanding_qty, "recovered_qty": doc.recovered_qty}


@frappe.whitelist()
@frappe.read_only()
def get_recall_impact(
	batches: str | list | None = None, supplier_lot_no: str | None = None, max_depth: int = 25
) -> dict:
	"""Recall impact of source lots (or of a supplier lot no) as JSON: affected lots, stock, open
	demand, customers and upstream receipts, with the summary and the seconds it took."""
	from lot_traceability.genealogy.trace import checked_depth
	from lot_traceability.recall.scope import check_sources, compute_scope, scope_as_dict, within_walls

	frappe.has_permission("Batch", "read", throw=True)
	check_sources(batches, supplier_lot_no)
	return scope_as_dict(
		within_walls(compute_scope(batches, supplier_lot_no, max_depth=checked_depth(max_depth)))
	)


@frappe.whitelist()
@frappe.read_only()
def get_workstation_window_scope(
	workstation: str | list,
	from_datetime: str,
	to_datetime: str,
	company: str | None = None,
	recall_date: str | None = None,
	max_depth: int = 25,
) -> dict:
	"""The lots made and consumed on workstations during [from, to) (their runs), and the recall
	scope forward from them: where they went, what stock is left, who received them."""
	from lot_traceability.genealogy.trace import checked_depth
	from lot_traceability.recall.scope import compute_scope, scope_as_dict, within_walls, workstation_sources

	frappe.has_permission("Batch", "read", throw=True)
	max_depth = checked_depth(max_depth)
	window = workstation_sources(workstation, from_datetime, to_datetime, company)
	answer = {
		"workstations": window.workstations,
		"made": window.made,
		"consumed": window.consumed,
		"runs": window.runs,
		"hidden_note": window.hidden_note,
		"scope": None,
	}
	if window.lots:
		scope = compute_scope(window.lots, recall_date=recall_date, max_depth=max_depth)
		answer["scope"] = scope_as_dict(within_walls(scope))
	return answer


@frappe.whitelist()
@frappe.read_only()
def get_recall_rows(
	recall: str,
	table: str,
	start: int = 0,
	page_length: int = 50,
	search: str | None = None,
	after: str | int | None = None,
) -> dict:
	"""One page of a recall's scope table (affected lots, stock locations or customers), for the
	form: `rows` and the `total` matching `search` (a lot, item, warehouse or customer, in part);
	`after` the key to pass for the next page (read by key rather than from `start`)."""
	from lot_traceability.queries.recall import SCOPE_ROW_FIELDS
	from lot_traceability.recall.scope import readable_recall_rows

	doc = frappe.get_doc("Lot Recall", recall)
	doc.check_permission("read")
	if table not in SCOPE_ROW_FIELDS:
		frappe.throw(
			_("A recall's scope tables are {0}, not {1}.").format(", ".join(SCOPE_ROW_FIELDS), esc(table))
		)
	start, page_length = max(0, int(start or 0)), min(500, max(1, int(page_length or 50)))
	after = None if after in (None, "") else max(0, frappe.utils.cint(after))
	page = readable_recall_rows(doc, table, start, page_length, (search or "").strip() or None, after)
	return {**page, "start": start, "page_length": page_length}


@frappe.whitelist()
@frappe.read_only()
def get_lot_graph(lot: str, expand: str | list | None = None, limit: int = 25) -> dict:
	"""A lot's genealogy as a graph (Lot Genealogy page): lots, suppliers and customers as nodes,
	traced quantities on the edges; columns and parties beyond `limit` grouped unless in `expand`."""
	from lot_traceability.genealogy.graph import graph_of

	if isinstance(expand, str):
		expand = json.loads(expand) if expand.startswith("[") else [expand]
	return graph_of(lot, expand or (), limit=max(1, min(int(limit), 500)))


@frappe.whitelist()
@frappe.read_only()
def get_recall_war_room(recall: str) -> dict:
	"""The war room of a Lot Recall: exposure by site, in transit, shipped, recovered and outstanding
	by customer, sales value, tasks, containment over time (the figures of Recall Impact, now)."""
	from lot_traceability.recall.war_room import figures

	return figures(recall)
