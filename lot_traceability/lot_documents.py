"""Lot documents (rules: `traceability.documents`): what each lot's Lot Rule requires, lots received
without it held with the missing documents as the reason, releases refused until they are attached,
and the documents present recorded on every status change."""

import frappe
from erpnext import get_default_company
from frappe import _

from lot_traceability.config import get_lot_rules, get_lot_status, get_settings
from lot_traceability.messages import Refusal, bold
from lot_traceability.queries import documents as document_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.status_changes import change_lot_status
from lot_traceability.traceability import documents as core

MAX_LISTED = 20


class LotDocumentsError(Refusal, frappe.ValidationError):
	pass


def required_of(lots: dict) -> dict[str, list[str]]:
	"""Lot → the document types its Lot Rule requires (`lots`: name → row with `item`; `company`
	where known)."""
	if not lots or not document_queries.any_rule_requires_documents():
		return {}
	unknown = [name for name, row in lots.items() if not row.get("company")]
	companies = document_queries.get_lot_companies(unknown) if unknown else {}
	default_company = get_default_company()
	key_of = {
		name: (row.get("item"), row.get("company") or companies.get(name) or default_company)
		for name, row in lots.items()
	}
	rules = get_lot_rules(key_of.values())
	rule_of = {name: rules[key] for name, key in key_of.items()}
	required = document_queries.get_required_documents({rule.name for rule in rules.values() if rule})
	return {name: required.get(rule.name, []) for name, rule in rule_of.items() if rule}


def documents_of(batch_nos, for_update: bool = False) -> dict[str, list[core.LotDocument]]:
	return {
		lot: [core.LotDocument(row.document_type, row.attachment, row.document_number) for row in rows]
		for lot, rows in document_queries.get_lot_documents(batch_nos, for_update=for_update).items()
	}


def missing_of(lots: dict, for_update: bool = False) -> dict[str, list[str]]:
	"""Lot → the required documents it lacks (lots lacking none are left out)."""
	required = {lot: kinds for lot, kinds in required_of(lots).items() if kinds}
	if not required:
		return {}
	documents = documents_of(required, for_update=for_update)
	found = {lot: core.missing(kinds, documents.get(lot, ())) for lot, kinds in required.items()}
	return {lot: kinds for lot, kinds in found.items() if kinds}


def missing_words(kinds) -> str:
	return ", ".join(_(kind) for kind in kinds)


def describe(documents) -> str:
	"""The documents a lot carries, in words: one line each (type: file, number)."""
	return "\n".join(
		f"{_(document.document_type)}: {document.file}"
		+ (_(" (No. {0})").format(document.number) if document.number else "")
		for document in documents
		if document.is_present
	)


# Receipt


def hold_lots_missing_documents(doc) -> list[str]:
	"""On a receiving voucher's submit: the lots it received (created by it, or made by hand before
	it) that lack a required document and would otherwise be usable are held, in one recorded change
	per set of missing documents. Returns the changes."""
	hold_status = get_settings().documents_hold_status
	if not hold_status or not document_queries.any_rule_requires_documents():
		return []
	received = [
		entry.batch_no
		for entry in voucher_queries.get_inward_lots_of_voucher(doc.doctype, doc.name)
		if entry.batch_no
	]
	lots = {
		row.name: frappe._dict(row, company=doc.get("company"))
		for row in document_queries.get_lots_received_by(received, doc.name)
	}
	missing = missing_of(lots)
	changes = []
	for kinds, group in core.group_by_missing(missing).items():
		moving = [
			lot
			for lot in group
			if core.receipt_status(
				get_lot_status(lots[lot].lot_status or get_settings().default_receipt_status),
				kinds,
				hold_status,
			)
		]
		if moving:
			changes.append(
				change_lot_status(
					moving,
					hold_status,
					reason=_("Missing: {0}").format(missing_words(kinds)),
					reference_doctype=doc.doctype,
					reference_name=doc.name,
					source="System",
					by_system=True,
				).name
			)
	return changes


# Release


def check_release(change, for_update: bool = False) -> None:
	"""A change that would let lots be used is refused while any of them lacks a required document,
	naming each lot and what it lacks. With `for_update` (at submit, the lots' rows already locked)
	the documents are read as last committed, and those present are recorded on each row."""
	target = get_lot_status(change.to_status)
	lots = {row.batch: frappe._dict(item=row.item) for row in change.lots if row.batch}
	if core.lets_lot_be_used(target):
		missing = missing_of(lots, for_update=for_update)
		refusals = [
			_(
				"Lot {0} ({1}, now {2}) cannot be released as {3} while documents are missing: {4}. Attach them to the lot (Lot Documents) first."
			).format(
				bold(row.batch),
				row.item,
				_(row.from_status or ""),
				_(change.to_status),
				bold(missing_words(missing[row.batch])),
			)
			for row in change.lots
			if row.batch in missing
		]
		if refusals:
			if len(refusals) > MAX_LISTED:
				refusals = [*refusals[:MAX_LISTED], _("… and {0} more").format(len(refusals) - MAX_LISTED)]
			frappe.throw(
				refusals if len(refusals) > 1 else refusals[0],
				LotDocumentsError,
				title=_("Documents Missing"),
				as_list=len(refusals) > 1,
			)
	# the documents a row records are the server's: written at submit, never taken from a form
	documents = documents_of(lots, for_update=True) if for_update else {}
	for row in change.lots:
		row.documents = describe(documents.get(row.batch, ())) or None


# Editing a lot's documents


def validate_lot_documents(doc) -> None:
	"""On a lot's save: document types must be enabled, and a required document may not be taken off
	a lot whose status lets it be used (its release rested on it)."""
	for row in doc.get("lot_documents") or []:
		if row.document_type and frappe.db.get_value("Lot Document Type", row.document_type, "disabled"):
			frappe.throw(
				_("Lot Documents row {0}: document type {1} is disabled.").format(
					row.idx, bold(row.document_type)
				),
				LotDocumentsError,
			)
	before = doc.get_doc_before_save()
	if doc.is_new() or not before:
		return
	required = required_of({doc.name: frappe._dict(item=doc.item)}).get(doc.name)
	if not required:
		return

	def documents(record):
		return [
			core.LotDocument(row.document_type, row.attachment, row.document_number)
			for row in record.get("lot_documents") or []
		]

	status = get_lot_status(before.lot_status or get_settings().default_receipt_status)
	removed = core.removed_required(required, documents(before), documents(doc), status)
	if removed:
		frappe.throw(
			_(
				"Lot {0} is {1}: its release rests on {2}, which cannot be removed. Add the replacement before removing a document, or hold the lot first."
			).format(bold(doc.name), bold(_(status.name)), bold(missing_words(removed))),
			LotDocumentsError,
		)


# Lots waiting


def waiting_for_documents(company: str | None = None, lots=None) -> dict[str, tuple[str, list[str]]]:
	"""Lots with stock (in `company`; among `lots` where given), not disposed of, that lack a document
	their rule requires: lot → (status, missing types)."""
	if not document_queries.any_rule_requires_documents():
		return {}
	wanted = set(lots) if lots is not None else None
	rows = {
		row.name: row
		for row in document_queries.get_lots_with_stock_for_documents(company)
		if (wanted is None or row.name in wanted)
		and not get_lot_status(row.lot_status or get_settings().default_receipt_status).is_terminal
	}
	return {
		lot: (rows[lot].lot_status or get_settings().default_receipt_status, kinds)
		for lot, kinds in missing_of(rows).items()
	}
