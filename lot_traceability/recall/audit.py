"""A recall's audit pack: one ZIP for regulators, customers and insurers — the summary PDF (scope
with time to scope, affected quantities and value by site, every action with its user and time,
tasks and their state, containment over time; a drill's mass balance), the customer notice list as
CSV, the EPCIS document and the FSMA 204 spreadsheet of the scope. The PDF is the Lot Recall's
print format "Lot Recall Audit Summary", rendered by Frappe's print (wkhtmltopdf); its figures
come from `audit_figures`, a Jinja method."""

import csv
import io
import json
import zipfile

import frappe
from frappe import _
from frappe.utils import flt, getdate, strip_html

from lot_traceability import access
from lot_traceability.exports.scopes import lots_of_recall, readable_companies
from lot_traceability.messages import bold
from lot_traceability.queries import recall_audit as queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.recall.rows import CUSTOMER_FIGURE_FIELDS, field_label
from lot_traceability.traceability import recall_audit
from lot_traceability.traceability.spreadsheet import safe_cell

PRINT_FORMAT = "Lot Recall Audit Summary"
COMPANY_DOCUMENTS = ("Pick List", "Stock Reservation Entry", "Stock Entry", "Delivery Note")
# The customer notice list's columns: who, how to reach them and what they received, then the
# recall's per-customer figures (`recall.rows.CUSTOMER_FIGURES`, labelled as Lot Recall Customer's
# fields) and the deliveries.
NOTICE_COLUMNS = (
	("customer", "Customer"),
	("customer_name", "Customer Name"),
	("company", "Our Company"),
	("contact", "Contact"),
	("email", "Email"),
	("phone", "Phone"),
	("address_display", "Address"),
	("products", "Products"),
	("lots", "Lots"),
	*((field, None) for field in CUSTOMER_FIGURE_FIELDS),
	("documents", "Delivery Documents"),
)


def _recall(name: str):
	recall = frappe.get_doc("Lot Recall", name)
	walled = access.check_recall_access(recall)
	if recall.docstatus != 1:
		frappe.throw(
			_("Lot Recall {0} is not submitted: its scope and actions are not on record yet.").format(
				bold(name)
			)
		)
	return within_walls(recall, walled)


def within_walls(recall, walled):
	"""The recall as the user may read it (in memory, never saved): the source and affected lots,
	stock locations and customers of companies they may not read left out, the scope's figures summed
	again from what is left; `hidden` counts what was left out."""
	recall.walled, recall.hidden = walled, {}
	if walled.open:
		return recall
	lots = {row.batch for row in recall.affected_lots} | {row.batch for row in recall.source_lots}
	shown = walled.readable_lots(lots)
	walled.know_warehouses({row.warehouse for row in recall.locations})
	kept = {
		"source_lots": [row for row in recall.source_lots if row.batch in shown],
		"affected_lots": [row for row in recall.affected_lots if row.batch in shown],
		"locations": [
			row
			for row in recall.locations
			if row.batch in shown and walled.reads_warehouse(row.warehouse, row.company)
		],
		"customers": [row for row in recall.customers if walled.reads_company(row.company)],
		"actions": readable_actions(recall.actions, shown, walled),
	}
	recall.hidden = access.hidden_counts(
		lots=len({row.batch for row in recall.affected_lots} - shown),
		locations=len(
			{(row.company, row.warehouse) for row in recall.locations}
			- {(row.company, row.warehouse) for row in kept["locations"]}
		),
		customers=len(recall.customers) - len(kept["customers"]),
		actions=len(recall.actions) - len(kept["actions"]),
	)
	for table, rows in kept.items():
		recall.set(table, rows)
	stock, customers = kept["locations"], kept["customers"]
	recall.update(
		{
			"affected_lots_count": len(kept["affected_lots"]),
			"on_hand_qty": sum(flt(row.qty) for row in stock),
			"in_transit_qty": sum(flt(row.qty) for row in stock if row.in_transit),
			"stock_value": sum(flt(row.stock_value) for row in stock),
			"sites_count": len({row.warehouse for row in stock if row.warehouse}),
			"shipped_qty": sum(flt(row.shipped_qty) for row in customers),
			"shipped_value": sum(flt(row.sales_value) for row in customers),
			"customers_count": len(customers),
		}
	)
	return recall


def readable_actions(actions, shown: set[str], walled) -> list:
	"""The recall's actions on lots the user may read and on documents of their companies."""
	companies = voucher_queries.get_voucher_companies(
		{
			(row.document_type, row.document)
			for row in actions
			if row.document_type in COMPANY_DOCUMENTS and row.document
		}
	)
	return [
		row
		for row in actions
		if (row.document_type != "Batch" or row.document in shown)
		and walled.reads_company(companies.get((row.document_type, row.document)))
	]


def audit_figures(name: str) -> dict:
	"""What the summary states beyond the recall's own fields: quantities and value by site, the
	mass balance, containment over time, actions, tasks and the change log."""
	recall = _recall(name)
	lots = lots_of_recall(recall)
	rows = [
		recall_audit.LedgerRow(
			row.batch_no, row.voucher_type, flt(row.qty), getdate(row.posting_date), row.purpose
		)
		for row in queries.get_ledger_rows(lots)
		if recall.walled.reads_company(row.company)
	]
	balance = recall_audit.mass_balance(rows)
	sites: dict[tuple, dict] = {}
	for row in recall.locations:
		site = sites.setdefault(
			(row.company or "", row.warehouse or ""),
			{
				"company": row.company,
				"warehouse": row.warehouse,
				"in_transit": row.in_transit,
				"qty": 0.0,
				"affected_qty": 0.0,
				"value": 0.0,
				"lots": set(),
			},
		)
		site["qty"] += flt(row.qty)
		site["affected_qty"] += flt(row.affected_qty)
		site["value"] += flt(row.stock_value)
		site["lots"].add(row.batch)
	by_site = [
		{**site, "lots": len(site["lots"])}
		for _key, site in sorted(sites.items(), key=lambda item: (item[0][0], item[0][1]))
	]
	actions = [
		{
			"time": row.creation,
			"user": row.owner,
			"document_type": row.document_type,
			"document": row.document,
			"action": row.action,
			"detail": row.detail,
		}
		for row in sorted(recall.actions, key=lambda row: (row.creation or "", row.idx))
	]
	tasks = [
		{**task, "description": strip_html(task.description or "")[:300]}
		for task in queries.get_tasks(
			[("Lot Recall", recall.name), ("Lot Status Change", recall.status_change)]
		)
	]
	changes = []
	for version in queries.get_changes("Lot Recall", recall.name):
		data = json.loads(version.data or "{}")
		fields = [change[0] for change in data.get("changed") or []]
		changes.append(
			{"time": version.creation, "user": version.owner, "fields": ", ".join(fields) or _("created")}
		)
	return {
		"by_site": by_site,
		"signatures": signed_changes(lots),
		"balance": {
			"made": balance.made,
			"on_hand": balance.on_hand,
			"shipped": balance.shipped,
			"consumed": balance.consumed,
			"located": balance.located,
			"written_off": balance.written_off,
			"adjusted": balance.adjusted,
			"share_located": balance.share_located,
		},
		"containment": [
			vars(day) for day in recall_audit.containment_over_time(rows, getdate(recall.recall_date))
		],
		"actions": actions,
		"tasks": tasks,
		"changes": changes,
		"statements": customer_statements(recall.name, {row.customer for row in recall.customers}),
		"lots": len(lots),
		"hidden": recall.hidden,
		"hidden_note": access.hidden_note(recall.hidden),
	}


def customer_statements(recall: str, customers) -> list[dict]:
	"""The customers' own statements on the notice (customer portal), per lot."""
	from lot_traceability.recall.war_room import customer_statements as statements

	return statements(recall, customers)


def signed_changes(lots) -> list[dict]:
	"""The signed status changes of the recall's lots (the user may read): who requested, who signed,
	when, what it means, and whether the change is still what was signed (its hash checked now)."""
	from lot_traceability import signatures

	found = []
	for name in queries.get_signed_changes(lots):
		change = frappe.get_doc("Lot Status Change", name)
		summary = signatures.signature_summary(change)
		if not summary:
			continue
		found.append(
			{
				"change": change.name,
				"to_status": change.to_status,
				"lots": len(change.lots),
				"requested_by": change.requested_by,
				**summary,
			}
		)
	return found


def plain_address(value) -> str:
	"""An address as one line of text: its lines (HTML line breaks or new lines) joined by ", ", no
	markup."""
	import html
	import re

	lines = (
		html.unescape(strip_html(line)).strip() for line in re.split(r"<br\s*/?>|\n", value or "", flags=re.I)
	)
	return ", ".join(line for line in lines if line)


def notice_csv(recall) -> str:
	out = io.StringIO()
	writer = csv.writer(out)
	writer.writerow([_(label or field_label(field)) for field, label in NOTICE_COLUMNS])
	for row in recall.customers:
		values = []
		for field, _label in NOTICE_COLUMNS:
			value = row.get(field)
			value = safe_cell(plain_address(value) if field == "address_display" else value)
			values.append(
				value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else value)
			)
		writer.writerow(values)
	return out.getvalue()


def summary_pdf(name: str) -> bytes:
	"""The summary through Frappe's print and wkhtmltopdf, with the print stylesheets written into the
	page: wkhtmltopdf then needs no request back to the site (whose host name a server often cannot
	resolve for itself), and a pack can be made from a worker or a replica-reading request alike."""
	import logging

	import cssutils
	from frappe.utils.pdf import get_pdf

	html = frappe.get_print("Lot Recall", name, print_format=PRINT_FORMAT, doc=_recall(name))
	level = cssutils.log.getEffectiveLevel()
	cssutils.log.setLevel(
		logging.CRITICAL
	)  # Frappe reads the page's styles for its margins: CSS 3 is no error
	try:
		return get_pdf(inline_stylesheets(html))
	finally:
		cssutils.log.setLevel(level)


def inline_stylesheets(html: str) -> str:
	"""Each <link rel="stylesheet"> of the site's own assets replaced by a <style> of its content (a
	link to anything else dropped), and what the print view marks print-hide hidden."""
	import os
	import re

	assets = os.path.realpath(os.path.join(frappe.local.sites_path, "assets"))

	def inline(match):
		href = match.group(1)
		path = href.split("/assets/", 1)[1].split("?", 1)[0] if "/assets/" in href else None
		if path:
			full = os.path.realpath(os.path.join(assets, path))
			if full.startswith(assets + os.sep) and os.path.isfile(full):
				with open(full, encoding="utf-8") as stylesheet:
					return f"<style>{stylesheet.read()}</style>"
		return ""

	html = re.sub(r"<link[^>]*rel=[\"']stylesheet[\"'][^>]*href=[\"']([^\"']+)[\"'][^>]*>", inline, html)
	# the print view's buttons: hidden by the print media type, which not every wkhtmltopdf applies
	return html.replace("</head>", "<style>.print-hide { display: none !important; }</style></head>", 1)


def pack(name: str) -> tuple[str, bytes]:
	"""(file name, ZIP) of the recall's audit pack."""
	from lot_traceability.exports import epcis as epcis_export
	from lot_traceability.exports import fsma204 as fsma204_export

	recall = _recall(name)  # loaded once: its lots serve both exports
	lots = lots_of_recall(recall)
	document = epcis_export.export(lots=lots)
	rows = fsma204_export.rows_for(lots, readable_companies())
	out = io.BytesIO()
	with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
		archive.writestr(f"{name} summary.pdf", summary_pdf(name))
		archive.writestr(f"{name} customer notice list.csv", notice_csv(recall))
		archive.writestr(f"{name} EPCIS.jsonld", json.dumps(document, indent=1, ensure_ascii=False))
		archive.writestr(f"{name} FSMA 204.xlsx", fsma204_export.xlsx_of(rows))
	return f"{name} audit pack.zip", out.getvalue()
