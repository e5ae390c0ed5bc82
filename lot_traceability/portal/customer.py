"""The customer portal: a customer's user sees the lots shipped to its customer (delivery, item, lot,
expiry, quantities), downloads each lot's certificate of analysis, reads the recall notices that
concern lots it received (what to do), and answers them: per lot, what it still holds, destroyed and
returns. The answer is the customer's statement (*Lot Recall Statement*), shown on the recall's
customer row and in its war room beside what the ledger says — never a return posted in stock."""

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from lot_traceability.messages import bold, esc
from lot_traceability.portal import partners
from lot_traceability.queries import portal as portal_queries
from lot_traceability.traceability import portal as core

MAX_ROWS = 500  # shipments a page lists (newest first)
MAX_REMARKS = 2000
CERTIFICATE = "Certificate of Analysis"


class StatementRefusedError(frappe.ValidationError):
	pass


def shipped_lots() -> list[dict]:
	"""The lots shipped to the session user's customers, one row per delivery and lot, newest first."""
	customers = partners.require("Customer")
	rows = [row for row in portal_queries.get_shipments(customers, MAX_ROWS) if flt(row.qty)]
	certificates = certificate_files({row.batch_no for row in rows})
	return [
		{
			"customer": row.customer,
			"voucher_type": row.voucher_type,
			"voucher_no": row.voucher_no,
			"posting_date": row.posting_date,
			"lot": row.batch_no,
			"item": row.item_code,
			"item_name": row.item_name,
			"uom": row.stock_uom,
			"expiry_date": row.expiry_date,
			"qty": flt(row.qty),
			"has_certificate": row.batch_no in certificates,
		}
		for row in rows
	]


def received(customers, lots=None) -> dict[tuple[str, str], float]:
	"""(customer, lot) → what the customer received of it net of its returns posted in stock."""
	found: dict[tuple[str, str], float] = {}
	for row in portal_queries.get_shipments(customers, 100_000, lots=lots):
		key = (row.customer, row.batch_no)
		found[key] = found.get(key, 0.0) + flt(row.qty)
	return found


def certificate_files(lots) -> dict[str, str]:
	"""Lot → the file of its latest certificate of analysis."""
	found = {}
	for lot, rows in portal_queries.get_document_rows(sorted(lots)).items():
		for row in rows:
			if row.document_type == CERTIFICATE and row.attachment:
				found[lot] = row.attachment
	return found


def certificate(lot: str) -> tuple[str, bytes]:
	"""The certificate of analysis of a lot shipped to one of the session user's customers."""
	customers = partners.require("Customer")
	if not lot or not any(qty > 0 for qty in received(customers, [lot]).values()):
		partners.not_yours(_("Lot"), lot)
	url = certificate_files([lot]).get(lot)
	file_name = url and frappe.db.get_value(
		"File", {"file_url": url, "attached_to_doctype": "Batch", "attached_to_name": lot}, "name"
	)
	file_name = file_name or (url and frappe.db.get_value("File", {"file_url": url}, "name"))
	if not file_name:
		frappe.throw(
			_("Lot {0} has no certificate of analysis yet.").format(bold(lot)), frappe.DoesNotExistError
		)
	file = frappe.get_doc("File", file_name)
	content = file.get_content()
	return core.safe_filename(f"{lot}-{file.file_name}"), content if isinstance(
		content, bytes
	) else content.encode()


def notices(recall: str | None = None) -> list[dict]:
	"""The recall notices concerning the session user's customers: one per recall and customer, with
	the lots of the recall the customer received (net of returns posted), what to do, and its
	statements."""
	customers = partners.require("Customer")
	found = []
	for notice in portal_queries.get_recall_notices(customers, recall):
		lots = portal_queries.get_recall_lots(notice.recall)
		got = received([notice.customer], lots)
		statements = {
			row.batch: row for row in portal_queries.get_statements(notice.recall, [notice.customer])
		}
		items = dict(
			frappe.get_all(
				"Batch", filters={"name": ("in", lots or [""])}, fields=["name", "item"], as_list=True
			)
		)
		found.append(
			{
				"recall": notice.recall,
				"title": notice.title,
				"recall_date": notice.recall_date,
				"reason": notice.reason,
				"what_to_do": notice.customer_instructions,
				"status": notice.status,
				"customer": notice.customer,
				"products": notice.products,
				"lots": [
					{
						"lot": lot,
						"item": items.get(lot),
						"received": qty,
						"statement": statement_view(statements.get(lot)),
					}
					for (_customer, lot), qty in sorted(got.items(), key=lambda item: item[0][1])
					if qty > 0 or lot in statements
				],
			}
		)
	return found


def statement_view(row) -> dict | None:
	if not row:
		return None
	return {
		"held": row.held_qty,
		"destroyed": row.destroyed_qty,
		"returning": row.returning_qty,
		"remarks": row.remarks,
		"stated_by": row.stated_by,
		"stated_on": row.stated_on,
	}


def answer(recall: str, customer: str | None, lines: list[dict], remarks: str | None = None) -> dict:
	"""Record the customer's statement on a recall notice: per lot (each one of the recall's lots the
	customer received), what it still holds, destroyed and returns. Answering again replaces the
	statement of each lot named (its earlier answers stay in its versions)."""
	customers = partners.require("Customer")
	if customer and customer not in customers:
		partners.not_yours(_("Customer"), customer)
	found = [
		notice
		for notice in portal_queries.get_recall_notices(customers, recall)
		if notice.customer == (customer or notice.customer)
	]
	if not found:
		partners.not_yours(_("Recall notice"), recall)
	if len({notice.customer for notice in found}) > 1:
		frappe.throw(
			_("Recall {0} concerns several of your customers: say which one answers.").format(bold(recall)),
			StatementRefusedError,
		)
	notice = found[0]
	lots = portal_queries.get_recall_lots(recall)
	got = {lot: qty for (_customer, lot), qty in received([notice.customer], lots).items()}
	if not lines:
		frappe.throw(_("Recall {0}: state at least one lot.").format(bold(recall)), StatementRefusedError)
	remarks = (remarks or "").strip()[:MAX_REMARKS] or None
	refusals, parsed = [], []
	for line in lines:
		lot = str(line.get("lot") or "")
		if lot not in got:
			refusals.append(
				_("Lot {0} is not one of recall {1}'s lots you received.").format(bold(lot), bold(recall))
			)
			continue
		statement = core.Statement(
			flt(line.get("held")), flt(line.get("destroyed")), flt(line.get("returning"))
		)
		for problem in core.statement_problems(statement, got[lot]):
			refusals.append(statement_refusal(lot, problem))
		parsed.append((lot, statement))
	if refusals:
		frappe.throw(
			refusals if len(refusals) > 1 else refusals[0], StatementRefusedError, as_list=len(refusals) > 1
		)
	user, now = frappe.session.user, now_datetime()
	for lot, statement in parsed:
		name = frappe.db.get_value(
			"Lot Recall Statement", {"recall": recall, "customer": notice.customer, "batch": lot}
		)
		doc = (
			frappe.get_doc("Lot Recall Statement", name)
			if name
			else frappe.new_doc("Lot Recall Statement").update(
				{"recall": recall, "customer": notice.customer, "batch": lot}
			)
		)
		doc.update(
			{
				"item": frappe.db.get_value("Batch", lot, "item"),
				"received_qty": got[lot],
				"held_qty": statement.held,
				"destroyed_qty": statement.destroyed,
				"returning_qty": statement.returning,
				"remarks": remarks,
				"stated_by": user,
				"stated_on": now,
			}
		)
		doc.flags.ignore_permissions = True
		doc.save()
	record_on_recall(recall, notice, user, now)
	return notices(recall)[0]


def statement_refusal(lot: str, problem) -> str:
	p = problem.params
	if problem.code == "statement_negative":
		return _("Lot {0}: {1} cannot be negative (got {2}).").format(
			bold(lot), esc(_(problem.field)), flt(p["qty"])
		)
	return _("Lot {0}: held, destroyed and returning come to {1}, more than the {2} you received.").format(
		bold(lot), flt(p["accounted"]), flt(p["received"])
	)


def record_on_recall(recall: str, notice, user: str, when) -> None:
	"""The recall's customer row carries the customer's statement summed over its lots, the recall's
	actions say who answered, and its war room is redrawn."""
	from lot_traceability.recall.war_room import notify

	totals = {"held": 0.0, "destroyed": 0.0, "returning": 0.0}
	for row in portal_queries.get_statements(recall, [notice.customer]):
		totals["held"] += flt(row.held_qty)
		totals["destroyed"] += flt(row.destroyed_qty)
		totals["returning"] += flt(row.returning_qty)
	frappe.db.set_value(
		"Lot Recall Customer",
		notice.row,
		{
			"stated_held_qty": totals["held"],
			"stated_destroyed_qty": totals["destroyed"],
			"stated_returning_qty": totals["returning"],
			"stated_on": when,
			"stated_by": user,
		},
	)
	doc = frappe.get_doc("Lot Recall", recall)
	doc.add_action(
		"Customer",
		notice.customer,
		_("Customer's statement"),
		_("{0}: holds {1}, destroyed {2}, returning {3} (customer portal)").format(
			user, totals["held"], totals["destroyed"], totals["returning"]
		),
	)
	notify(recalls=[recall])
