"""Regulators' exports: EPCIS events and documents, FSMA 204 records, the recall audit pack (downloads, or
a background job's id for big ones). (whitelisted: see `lot_traceability.api`)."""

import frappe

from lot_traceability import access
from lot_traceability.api.files import download, download_or_job


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

	return download_or_job(
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

	return download_or_job(
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
	download(filename, content)
