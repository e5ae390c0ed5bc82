import frappe

from lot_traceability.enforcement import check_voucher_rows
from lot_traceability.exports.fsma204 import record_tlc_sources
from lot_traceability.genealogy.records import (
	CONSUMPTION_PURPOSE,
	PRODUCTION_PURPOSES,
	record_voucher,
	refresh_work_order,
)
from lot_traceability.locks import lock_if_submitting, lock_voucher
from lot_traceability.lot_documents import hold_lots_missing_documents
from lot_traceability.new_lots import close_voucher, open_voucher
from lot_traceability.overrides.stock_rows import stock_entry_rows
from lot_traceability.production_runs import record_entry as record_production_runs
from lot_traceability.recall.war_room import notify_for_voucher as notify_war_rooms_of
from lot_traceability.receiving import record_supplier_lots, validate_supplier_lots
from lot_traceability.returns import allow_cancelling_a_write_off

RECEIVING_PURPOSES = {"Material Receipt"}


def before_validate(doc, method=None):
	if not doc.purpose and doc.stock_entry_type:
		doc.purpose = frappe.get_cached_value("Stock Entry Type", doc.stock_entry_type, "purpose")
	if doc.purpose != "Material Issue":
		doc.is_lot_write_off = 0
	lock_if_submitting(doc, stock_entry_rows(doc))
	check_voucher_rows(doc, stock_entry_rows(doc))


def before_submit(doc, method=None):
	lock_voucher(doc, stock_entry_rows(doc))
	if doc.purpose in RECEIVING_PURPOSES:
		validate_supplier_lots(doc)
	open_voucher(doc)  # the lots ERPNext creates in its on_submit read the entry once


def on_submit(doc, method=None):
	close_voucher()
	if doc.purpose in RECEIVING_PURPOSES:
		record_supplier_lots(doc)
	record_genealogy(doc)
	record_production_runs(doc)
	record_tlc_sources(doc)
	hold_lots_missing_documents(doc)
	if doc.purpose == "Material Issue" and doc.is_lot_write_off:  # recalled stock destroyed
		notify_war_rooms_of(doc)


def before_cancel(doc, method=None):
	lock_voucher(doc, stock_entry_rows(doc), cancelling=True)


def on_cancel(doc, method=None):
	record_genealogy(doc)
	record_production_runs(doc)
	allow_cancelling_a_write_off(doc)


def record_genealogy(doc):
	if doc.purpose in PRODUCTION_PURPOSES:
		record_voucher(doc.doctype, doc.name)
	elif doc.purpose == CONSUMPTION_PURPOSE and doc.work_order:
		refresh_work_order(doc.work_order)
