"""The app's whitelisted methods (the only ones).

Heavy reads that decide nothing run on a MariaDB read replica where the site has one (Frappe's
`read_from_replica`), through `frappe.read_only()`: traces, recall impact, allocation explanations,
lot lookup, the lot overview and the number cards. What allows or refuses a movement (the scan of a
label on a form, the batch picker, every validation hook) reads the primary: a replica that lags
must not decide."""

import json

import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability import access
from lot_traceability.config import get_lot_rule, get_settings
from lot_traceability.messages import bold, esc
from lot_traceability.queries import lots as lot_queries
from lot_traceability.status_changes import change_lot_status as record_status_change
from lot_traceability.traceability.statuses import LotStatus


@frappe.whitelist()
def get_effective_lot_rule(item_code: str, company: str | None = None) -> dict:
	"""The rule that governs an item's lots in a company, with Settings defaults filled in."""
	frappe.has_permission("Item", "read", item_code, throw=True)
	if not frappe.db.exists("Item", item_code):
		frappe.throw(_("Item {0} does not exist.").format(bold(item_code)), frappe.DoesNotExistError)
	if company:
		access.check_company_access(company)
	rule = get_lot_rule(item_code, company)
	settings = get_settings()
	return {
		"item_code": item_code,
		"company": company,
		"lot_rule": rule.name if rule else None,
		"receipt_status": (rule and rule.receipt_status) or settings.default_receipt_status,
		"allocation_policy": (rule and rule.allocation_policy) or settings.default_allocation_policy,
		"supplier_lot_mandatory": bool(rule and rule.supplier_lot_mandatory),
		"quality_inspection_decides_release": bool(rule and rule.quality_inspection_decides_release),
		"shelf_life": rule.shelf_life_value if rule and rule.shelf_life else None,
		"shelf_life_unit": rule.shelf_life_unit if rule and rule.shelf_life else None,
		"min_remaining_shelf_life": rule.min_remaining_value if rule else None,
		"min_remaining_shelf_life_unit": rule.min_remaining_unit if rule else None,
	}


@frappe.whitelist()
@frappe.read_only()
def get_lot_overview(batch: str) -> dict:
	"""A lot's status, what it may do, its status history and the statuses the current user may move
	it to, each with what it would do."""
	from lot_traceability.lot_overview import lot_overview

	walled = access.wall()
	access.check_lot_access(batch, walled)
	return lot_overview(
		batch, frappe.get_roles(), frappe.has_permission("Lot Status Change", "submit"), walled
	)


@frappe.whitelist(methods=["POST"])
def change_lot_status(
	batches: str | list,
	to_status: str,
	reason: str | None = None,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	scope: str | list | None = None,
	cap_qty: float | None = None,
	valid_until: str | None = None,
	concession_reference: str | None = None,
) -> str:
	"""Move one or many lots to a status as one recorded Lot Status Change; returns its name. Where
	Settings ask a second person to approve the change, it is recorded awaiting that approval.
	`scope` ([{applies_to, value}]), `cap_qty`, `valid_until`, `concession_reference`: the release
	scope of a change into a restricted status."""
	if isinstance(batches, str):
		batches = json.loads(batches) if batches.strip().startswith("[") else [batches]
	if not batches:
		frappe.throw(_("Select at least one lot."))
	if isinstance(scope, str):
		scope = json.loads(scope or "[]")
	rows = [(row.get("applies_to"), row.get("value")) for row in scope or []]
	frappe.has_permission("Lot Status Change", "create", throw=True)
	access.check_lots_access(batches)
	if not frappe.db.exists("Lot Status", to_status):  # Frappe's own "not found" quotes it unescaped
		frappe.throw(_("Lot Status {0} does not exist.").format(bold(to_status)), frappe.DoesNotExistError)
	return record_status_change(
		batches,
		to_status,
		reason,
		reference_doctype,
		reference_name,
		scope=rows,
		cap_qty=flt(cap_qty) or None,
		valid_until=valid_until or None,
		concession_reference=concession_reference,
	).name


@frappe.whitelist(methods=["POST"])
def approve_lot_status_change(name: str, password: str | None = None, action: str = "Approve") -> dict:
	"""Approve or reject (`action`) a Lot Status Change awaiting sign-off, signed electronically by
	the session user with their password (21 CFR Part 11). A wrong password is answered with an
	error (HTTP 417) whose failure count is kept: five within 15 minutes lock signing for 15 minutes."""
	from lot_traceability.signatures import SignatureError, signature_summary
	from lot_traceability.status_changes import approve_change

	try:
		doc = approve_change(name, password, action)
	except SignatureError:  # nothing was written but the failure count (and a lock's notifications)
		frappe.local.response["http_status_code"] = 417
		return {"signed": False}
	return {
		"signed": True,
		"name": doc.name,
		"docstatus": doc.docstatus,
		"workflow_state": doc.get("workflow_state"),
		"signature": signature_summary(doc),
	}


@frappe.whitelist()
def get_batch_no(doctype, txt, searchfield, start, page_len, filters):
	"""ERPNext's batch picker query, without the lots that cannot leave stock.

	Installed in place of `erpnext.controllers.queries.get_batch_no` (see
	`overrides/erpnext_queries.py`), so every batch picker of every stock form uses it.
	"""
	from lot_traceability.overrides.erpnext_queries import batch_picker

	return batch_picker(doctype, txt, searchfield, start, page_len, filters)


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
def check_allocation(
	item_code: str,
	warehouse: str | list,
	qty: float,
	posting_date: str | None = None,
	customer: str | None = None,
	company: str | None = None,
) -> dict:
	"""Which lots the app's allocation takes for a line (policy order, status, expiry and shelf life
	at the posting date, the customer's requirements) and why every other lot was passed over."""
	from frappe.utils import flt, getdate, nowdate

	from lot_traceability.allocation import allocate_lots, explain, policy_for

	frappe.has_permission("Batch", "read", throw=True)
	if not frappe.db.exists("Item", item_code):
		frappe.throw(_("Item {0} does not exist.").format(bold(item_code)), frappe.DoesNotExistError)
	if flt(qty) <= 0:
		frappe.throw(_("Quantity must be greater than zero, not {0}.").format(qty))
	warehouses = (
		frappe.parse_json(warehouse)
		if isinstance(warehouse, str) and warehouse.startswith("[")
		else warehouse
	)
	walled = access.check_stock_access(company, warehouses)
	on_date = getdate(posting_date or nowdate())
	allocation = allocate_lots(item_code, warehouses, flt(qty), on_date, customer, company, explain=True)
	return {
		"item_code": item_code,
		"uom": frappe.get_cached_value("Item", item_code, "stock_uom"),
		"policy": policy_for(item_code, company),
		"qty": flt(qty),
		"allocated": allocation.qty,
		"shortfall": allocation.shortfall,
		"lots": [row for row in explain(allocation, on_date) if walled.reads_warehouse(row["warehouse"])],
	}


@frappe.whitelist()
def scan_lot_label(
	text: str, doctype: str, purpose: str | None = None, posting_date: str | None = None
) -> dict:
	"""The row a scanned GS1 lot label gives on a stock form (refused at once when the lot may not
	make the form's movement)."""
	from lot_traceability.scanning import scan

	frappe.has_permission(doctype, "write", throw=True)
	return scan(text, doctype, purpose, posting_date)


@frappe.whitelist()
@frappe.read_only()
def lookup_lot(text: str) -> dict:
	"""A lot found by its GS1 label or its name: status, expiry, supplier lot and stock by warehouse."""
	from lot_traceability.scanning import lookup

	frappe.has_permission("Batch", "read", throw=True)
	return lookup(text)


@frappe.whitelist()
def scan_barcode(search_value: str) -> dict:
	"""ERPNext's barcode scan field, understanding GS1 lot labels too: the label's item and lot (a
	lot that may not leave stock at all is refused at once); anything else as ERPNext reads it."""
	from erpnext.stock.utils import scan_barcode as erpnext_scan_barcode

	from lot_traceability.scanning import scan_for_any_form

	found = scan_for_any_form(search_value)
	return found if found is not None else erpnext_scan_barcode(search_value)


@frappe.whitelist()
@frappe.read_only()
def lots_on_hold_card(filters=None) -> dict:
	"""Number card: lots with stock whose status holds them (quarantined, rejected, expired, recalled)."""

	frappe.has_permission("Batch", "read", throw=True)
	held = [
		s.name
		for s in map(LotStatus.from_record, lot_queries.get_lot_statuses())
		if s.is_hold and not s.is_terminal
	]
	return {
		"value": lot_queries.count_lots_with_stock(statuses=held),
		"fieldtype": "Int",
		"route": ["List", "Batch"],
		"route_options": {"lot_status": ["in", held]},
	}


@frappe.whitelist()
@frappe.read_only()
def restricted_lots_card(filters=None) -> dict:
	"""Number card: lots with stock released for named uses only (a restricted status), apart from
	the lots on hold."""
	frappe.has_permission("Batch", "read", throw=True)
	restricted = [
		s.name for s in map(LotStatus.from_record, lot_queries.get_lot_statuses()) if s.is_restricted
	]
	return {
		"value": lot_queries.count_lots_with_stock(statuses=restricted) if restricted else 0,
		"fieldtype": "Int",
		"route": ["List", "Batch"],
		"route_options": {"lot_status": ["in", restricted]},
	}


@frappe.whitelist()
@frappe.read_only()
def lots_waiting_for_documents_card(filters=None) -> dict:
	"""Number card: lots with stock that lack a document their Lot Rule requires."""
	from lot_traceability.lot_documents import waiting_for_documents

	frappe.has_permission("Batch", "read", throw=True)
	return {
		"value": len(waiting_for_documents()),
		"fieldtype": "Int",
		"route": ["query-report", "Lot Exceptions"],
		"route_options": {"kind": "Waiting for Documents"},
	}


@frappe.whitelist()
@frappe.read_only()
def lots_expiring_card(filters=None) -> dict:
	"""Number card: lots with stock expiring within 30 days (not already expired)."""
	from frappe.utils import add_days, nowdate

	frappe.has_permission("Batch", "read", throw=True)
	return {
		"value": lot_queries.count_lots_with_stock(
			expiring_from=nowdate(), expiring_to=add_days(nowdate(), 30)
		),
		"fieldtype": "Int",
		"route": ["query-report", "Expiry Risk"],
		"route_options": {"days": 30},
	}


@frappe.whitelist()
@frappe.read_only()
def receiving_completeness_card(filters=None) -> dict:
	"""Number card: % of this month's receiving rows with supplier lot no and expiry."""
	from frappe.utils import get_first_day, nowdate

	from lot_traceability.kpis import receiving_completeness

	frappe.has_permission("Batch", "read", throw=True)
	ratio = receiving_completeness()
	if ratio.pct is None:
		month = frappe.utils.formatdate(get_first_day(nowdate()), "MMMM yyyy")
		return {
			"value": _("No receipts in {0}").format(month),
			"fieldtype": "Data",
			"route": ["query-report", "Lot Traceability KPIs"],
		}
	return {
		"value": ratio.pct,
		"fieldtype": "Percent",
		"route": ["query-report", "Lot Traceability KPIs"],
	}


@frappe.whitelist(methods=["POST"])
def make_lot_complaint(delivery_note: str, row: str) -> str:
	"""A draft customer-complaint Lot Deviation for a Delivery Note row (customer, lot and quantity
	filled); returns its name."""
	from lot_traceability.deviations import complaint_from_delivery_note

	frappe.has_permission("Lot Deviation", "create", throw=True)
	return complaint_from_delivery_note(delivery_note, row)


@frappe.whitelist(methods=["POST"])
def close_lot_deviation(name: str) -> None:
	"""Carry out each lot's disposition of a Lot Deviation and close it (Quality Managers)."""
	frappe.get_doc("Lot Deviation", name).close()


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


@frappe.whitelist(methods=["POST"])
def check_lot_ledger_now() -> str:
	"""Run the daily check of the kept lot ledger and lot balances against ERPNext's ledger now, on
	the long queue; the user sees its progress. Once at a time (a second request joins the first)."""
	frappe.only_for(("System Manager", "Stock Manager"))
	job_id = "lot_traceability_check_lot_ledger"
	frappe.enqueue(
		"lot_traceability.tasks.check_lot_ledger_now",
		queue="long",
		timeout=7200,
		job_id=job_id,
		deduplicate=True,
	)
	return job_id


@frappe.whitelist()
@frappe.read_only()
def epcis_events(
	eventType: str | None = None,
	GE_eventTime: str | None = None,
	LT_eventTime: str | None = None,
	EQ_bizStep: str | None = None,
	EQ_bizLocation: str | None = None,
	MATCH_anyEPCClass: str | None = None,
	lot: str | None = None,
	perPage: int | None = None,
	nextPageToken: str | None = None,
) -> dict:
	"""The site's lot events as the EPCIS 2.0 query interface answers a SimpleEventQuery, with its
	standard parameters (comma-separated values: any of them), a page at a time: `document` (an
	EPCISQueryDocument) and `nextPageToken` (none on the last page). Only the events of companies
	whose stock the caller may read."""
	from lot_traceability.exports import epcis as epcis_export

	if lot:
		access.check_lot_access(lot)
	return epcis_export.query(
		event_type=eventType,
		since=GE_eventTime,
		until=LT_eventTime,
		biz_step=EQ_bizStep,
		biz_location=EQ_bizLocation,
		epc_classes=MATCH_anyEPCClass,
		lot=lot,
		per_page=perPage,
		page_token=nextPageToken,
	)


@frappe.whitelist()
@frappe.read_only()
def download_epcis(
	lot: str | None = None,
	lot_recall: str | None = None,
	company: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
) -> dict | None:
	"""An EPCIS 2.0 document (JSON-LD) to download: of a lot's trace, of a Lot Recall's scope, or of
	a company's events between two dates (a range over `export_jobs.MAX_DAYS` days: made in the
	background, the answer the job's id)."""
	from lot_traceability.exports import jobs as export_jobs

	return _download_or_job(
		export_jobs.answer(
			"EPCIS", lot=lot, lot_recall=lot_recall, company=company, from_date=from_date, to_date=to_date
		)
	)


@frappe.whitelist()
@frappe.read_only()
def download_fsma204(
	lot: str | None = None,
	lot_recall: str | None = None,
	item: str | None = None,
	company: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	file_format: str = "xlsx",
) -> dict | None:
	"""The FSMA 204 electronic sortable spreadsheet (.xlsx or .csv) to download: of a lot's trace, a
	Lot Recall's scope, a product, or a company's dates (a range over `export_jobs.MAX_DAYS` days:
	made in the background, the answer the job's id)."""
	from lot_traceability.exports import jobs as export_jobs

	return _download_or_job(
		export_jobs.answer(
			"FSMA 204",
			file_format=file_format,
			lot=lot,
			lot_recall=lot_recall,
			item=item,
			company=company,
			from_date=from_date,
			to_date=to_date,
		)
	)


@frappe.whitelist()
@frappe.read_only()
def download_recall_audit_pack(lot_recall: str) -> None:
	"""A Lot Recall's audit pack (ZIP): summary PDF, customer notice list (CSV), EPCIS document and
	FSMA 204 spreadsheet of its scope."""
	from lot_traceability.recall import audit as recall_audit

	filename, content = recall_audit.pack(lot_recall)
	_download(filename, content)


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


@frappe.whitelist(methods=["POST"])
def make_quarantine_transfer(batch: str) -> list[str]:
	"""Draft Material Transfers of a lot's stock into its companies' quarantine warehouses (nothing
	submitted); their names."""
	from lot_traceability.quarantine_moves import make_quarantine_transfers

	return make_quarantine_transfers(batch)


@frappe.whitelist(methods=["POST"])
def make_rebalance_transfer(batch: str, from_warehouse: str, to_warehouse: str, qty: float) -> dict:
	"""A draft move of part of a lot to where it is forecast to sell before it expires (a Material
	Transfer, or an inter-company Delivery Note between two of our companies); nothing submitted."""
	from lot_traceability.foresight.expiry import make_rebalance_transfer as make

	return make(batch, from_warehouse, to_warehouse, qty)


@frappe.whitelist()
@frappe.read_only()
def get_supplier_risk(supplier: str) -> list[dict]:
	"""A supplier's learned risk scores by item group, with their evidence (stored by the daily job)."""
	from lot_traceability.foresight.supplier_scores import supplier_scores

	frappe.has_permission("Supplier", "read", supplier, throw=True)
	return supplier_scores(supplier)


@frappe.whitelist(methods=["POST"])
def compute_foresight_now() -> str:
	"""Recompute the expiry forecast, supplier scores and anomalies now, on the long queue; the user
	sees its progress. Once at a time (a second request joins the first)."""
	from lot_traceability.foresight.job import enqueue_compute

	frappe.only_for(("System Manager", "Stock Manager", "Quality Manager"))
	return enqueue_compute()


@frappe.whitelist()
def kpi_default_company() -> str | None:
	"""The company the Lot Traceability KPIs open on: the user's default one if it has lots, else the
	first company with lots the user may read."""
	from lot_traceability.kpis import default_company

	frappe.has_permission("Batch", "read", throw=True)
	return default_company()


def _download_or_job(answer) -> dict | None:
	"""A download (file name, content) as the request's answer, or a background job's id as it is."""
	if isinstance(answer, dict):
		return answer
	_download(*answer)


def _download(filename: str, content) -> None:
	"""Answer the request with a file to download."""
	frappe.response["filename"] = filename
	frappe.response["filecontent"] = content
	frappe.response["type"] = "download"


@frappe.whitelist()
@frappe.read_only()
def promisable(
	item_code: str,
	warehouses: str | list | None = None,
	date: str | None = None,
	customer: str | None = None,
	company: str | None = None,
	sales_order: str | None = None,
) -> dict:
	"""How much of an item may be promised to an order delivered on `date` (default today) for the
	customer: on-hand stock split into usable, restricted, held, in quarantine warehouse, expired,
	short shelf life and reserved for other orders (`sales_order`'s own reservations excepted), with
	the lots behind each figure and ERPNext's actual quantity beside it."""
	from lot_traceability.promising import promisable_for_user

	if isinstance(warehouses, str) and warehouses.startswith("["):
		warehouses = frappe.parse_json(warehouses)
	return promisable_for_user(item_code, warehouses, date, customer, company, sales_order)


@frappe.whitelist()
@frappe.read_only()
def lot_promisable(batch: str, date: str | None = None, customer: str | None = None) -> dict:
	"""One lot's share of its item's promisable stock on `date` (default today) for the customer: per
	warehouse its class, what may be promised and why, with the item's totals beside it."""
	from lot_traceability.promising import lot_promise_for_user

	return lot_promise_for_user(batch, date, customer)


# Partner portal (`portal`): a supplier's and a customer's own users; every answer is limited to the
# partner the session user speaks for (Portal Users of the party, or its Contact linked to it).


@frappe.whitelist(methods=["GET"])
def get_supplied_lots() -> list[dict]:
	"""The lots the session user's supplier supplied, as the supplier portal shows them."""
	from lot_traceability.portal.supplier import supplied_lots

	return supplied_lots()


@frappe.whitelist(methods=["POST"])
def upload_lot_document(
	lot: str,
	document_type: str,
	filename: str | None = None,
	filedata: str | None = None,
	document_number: str | None = None,
	issued_on: str | None = None,
) -> dict:
	"""A document for one of the session user's supplier's lots, sent as a multipart `file` or as
	base64 `filedata` with its `filename` (a PDF, PNG or JPEG of up to 10 MB)."""
	from lot_traceability.portal.supplier import decode_upload, upload_document

	sent = (
		frappe.request.files.get("file")
		if getattr(frappe, "request", None) and frappe.request.files
		else None
	)
	if sent:
		content = sent.stream.read(10 * 1024 * 1024 + 1)
		filename = sent.filename
	else:
		content = decode_upload(filedata)
	return upload_document(lot, document_type, filename or "", content, document_number, issued_on)


@frappe.whitelist(methods=["GET"])
def get_shipped_lots() -> list[dict]:
	"""The lots shipped to the session user's customer: delivery, item, lot, expiry, quantity."""
	from lot_traceability.portal.customer import shipped_lots

	return shipped_lots()


@frappe.whitelist(methods=["GET"])
def download_lot_certificate(lot: str) -> None:
	"""The certificate of analysis of a lot shipped to the session user's customer."""
	from lot_traceability.portal.customer import certificate

	_download(*certificate(lot))


@frappe.whitelist(methods=["GET"])
def get_recall_notices() -> list[dict]:
	"""The recall notices concerning lots the session user's customer received, with its statements."""
	from lot_traceability.portal.customer import notices

	return notices()


@frappe.whitelist(methods=["POST"])
def answer_recall_notice(
	recall: str, lines: str | list, customer: str | None = None, remarks: str | None = None
) -> dict:
	"""The customer's statement on a recall notice: `lines` of {lot, held, destroyed, returning}."""
	from lot_traceability.portal.customer import answer

	if isinstance(lines, str):
		lines = frappe.parse_json(lines)
	if not isinstance(lines, list) or len(lines) > 500 or not all(isinstance(line, dict) for line in lines):
		frappe.throw(_("State each lot as {lot, held, destroyed, returning} (at most 500)."))
	return answer(recall, customer, lines, remarks)


# Partners: lots announced by suppliers, certificates travelling with deliveries


@frappe.whitelist(methods=["POST"])
def capture_epcis(
	document: str | dict | None = None, company: str | None = None, supplier: str | None = None, **_body
) -> dict:
	"""EPCIS 2.0 capture of a supplier's shipping events: POST an EPCISDocument (JSON-LD) as the request
	body (`company` and `supplier` in the query string, both optional) or as the form value
	`document`. It is held to GS1's EPCIS 2.0 schemas and refused with their reasons; each shipping
	event becomes a Lot Announcement (one captured before is answered, not made again)."""
	from lot_traceability import announcements

	frappe.has_permission("Lot Announcement", "create", throw=True)
	args = frappe.request.args if getattr(frappe.local, "request", None) else {}
	company = company or args.get("company")
	supplier = supplier or args.get("supplier")
	if document is None and getattr(frappe.local, "request", None):
		announcements.check_size(frappe.request.content_length or 0)
		document = frappe.request.get_data()
	if not document:
		frappe.throw(_("Send the EPCISDocument as the request's JSON body."), announcements.EpcisSchemaError)
	if company:
		access.check_company_access(company)
	if supplier:
		frappe.has_permission("Supplier", "read", supplier, throw=True)
	names = announcements.capture_epcis(document, company, supplier)
	return {"announcements": names}


@frappe.whitelist(methods=["POST"])
def upload_lot_announcements(
	file_url: str | None = None, company: str | None = None, supplier: str | None = None
) -> dict:
	"""A sheet (.xlsx) of FSMA 204 shipping KDEs, one row a lot, as the uploaded `file` of the request
	or a File (`file_url`) the caller may read: each shipment becomes a Lot Announcement."""
	from lot_traceability import announcements

	frappe.has_permission("Lot Announcement", "create", throw=True)
	if company:
		access.check_company_access(company)
	if supplier:
		frappe.has_permission("Supplier", "read", supplier, throw=True)
	upload = frappe.request.files.get("file") if getattr(frappe.local, "request", None) else None
	if upload:
		announcements.check_size(frappe.request.content_length or 0)
		content = upload.stream.read(announcements.MAX_CAPTURE_BYTES + 1)
	elif file_url:
		name = frappe.db.get_value("File", {"file_url": file_url})
		if not name:
			frappe.throw(_("File {0} does not exist.").format(bold(file_url)), frappe.DoesNotExistError)
		file = frappe.get_doc("File", name)
		file.check_permission("read")
		announcements.check_size(file.file_size or 0)
		content = file.get_content()
	else:
		frappe.throw(_("Upload the sheet as `file`, or give the `file_url` of one."))
	return {"announcements": announcements.capture_sheet(content, company, supplier)}


@frappe.whitelist()
def make_purchase_receipt_from_announcement(source_name: str, target_doc: str | dict | None = None):
	"""*Create → Purchase Receipt* of a Lot Announcement (ERPNext's mapped-document call)."""
	from lot_traceability import announcements

	announcement = frappe.get_doc("Lot Announcement", source_name)
	announcement.check_permission("read")
	access.check_company_access(announcement.company)
	frappe.has_permission("Purchase Receipt", "create", throw=True)
	return announcements.make_purchase_receipt(source_name, target_doc)


@frappe.whitelist()
@frappe.read_only()
def download_certificate_pack(delivery_note: str) -> None:
	"""A Delivery Note's certificate pack (PDF): the cover listing every shipped lot and its documents,
	then the documents."""
	from lot_traceability import certificate_packs

	note = frappe.get_doc("Delivery Note", delivery_note)
	note.check_permission("print")
	access.check_company_access(note.company)
	_download(
		certificate_packs.pack_file_name(delivery_note), certificate_packs.certificate_pack(delivery_note)
	)


@frappe.whitelist(methods=["POST"])
def send_certificate_pack(delivery_note: str, recipients: str | list | None = None) -> str:
	"""Email a Delivery Note's certificate pack to its contact (or `recipients`). Returns the addresses."""
	from lot_traceability import certificate_packs

	note = frappe.get_doc("Delivery Note", delivery_note)
	note.check_permission("email")
	access.check_company_access(note.company)
	if isinstance(recipients, str):
		recipients = [
			address.strip() for address in recipients.replace(";", ",").split(",") if address.strip()
		]
	return certificate_packs.send_certificates(delivery_note, recipients or None)


# cycle counts


@frappe.whitelist()
def make_lot_count(plan: str, count_date: str | None = None) -> str | None:
	"""The plan's Lot Count of the day, made now if the daily job has not made it (a Stock Manager)."""
	from lot_traceability.cycle_counts import make_count

	if not frappe.db.exists("Lot Count Plan", plan):
		frappe.throw(_("Lot Count Plan {0} does not exist.").format(bold(plan)), frappe.DoesNotExistError)
	frappe.has_permission("Lot Count Plan", "read", plan, throw=True)
	access.check_company_access(frappe.db.get_value("Lot Count Plan", plan, "company"))
	frappe.has_permission("Lot Count", "create", throw=True)
	return make_count(plan, count_date)


@frappe.whitelist()
def get_lot_counts() -> list[dict]:
	"""The counts still to count that the user may read (the Lot Counting page's list)."""
	from lot_traceability.cycle_counts import open_counts

	frappe.has_permission("Lot Count", "read", throw=True)
	return open_counts()


@frappe.whitelist()
def get_lot_count_sheet(name: str) -> dict:
	"""A count's rows as its counter sees them (book quantities hidden in a blind count)."""
	from lot_traceability.cycle_counts import count_sheet

	return count_sheet(name)


@frappe.whitelist()
def identify_counted_lot(name: str, text: str) -> dict:
	"""The lot a label scanned (or id typed) during count `name` names."""
	from lot_traceability.cycle_counts import identify, readable_count

	readable_count(name, "write")
	found = identify(text)
	access.check_lot_access(found["batch"])
	return found


@frappe.whitelist(methods=["POST"])
def record_lot_count(name: str, batch: str, warehouse: str, qty: float) -> dict:
	"""Record the count, or the recount by another person, of a lot at a location."""
	from lot_traceability.cycle_counts import record_count

	return record_count(name, batch, warehouse, qty)


@frappe.whitelist(methods=["POST"])
def complete_lot_count(name: str) -> dict:
	"""Close a count (a Stock Manager) and draft the reconciliation of its confirmed variances."""
	from lot_traceability.cycle_counts import complete

	return complete(name)


@frappe.whitelist()
@frappe.read_only()
def count_accuracy_card(filters=None) -> dict:
	"""Number card: lot-level inventory accuracy of this month's counts (the user's companies)."""
	from frappe.utils import get_first_day, nowdate

	from lot_traceability.cycle_counts import summary

	frappe.has_permission("Lot Count", "read", throw=True)
	walled = access.wall()
	companies = sorted(walled.companies) if walled.companies is not None else [None]
	counted = within = 0
	for company in companies:
		figures = summary(get_first_day(nowdate()), nowdate(), company)
		counted, within = counted + figures["counted"], within + figures["within"]
	return {
		"value": round(100.0 * within / counted, 1) if counted else 0,
		"fieldtype": "Percent",
		"route": ["query-report", "Lot Traceability KPIs"],
	}
