# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt

from lot_traceability import access
from lot_traceability.findings import (
	KIND_LABELS,
	describe,
	find_exceptions,
	get_thresholds,
	productions_not_balanced,
)
from lot_traceability.foresight.job import computed_note
from lot_traceability.foresight.supplier_risk import standing_words
from lot_traceability.messages import esc
from lot_traceability.queries import findings as q
from lot_traceability.traceability.findings import DEFAULT_WEIGHTS, Kind, LotScore, rank_lots

REASON_SEPARATOR = "; "


def execute(filters=None):
	filters = frappe._dict(filters or {})
	kind = parse_kind(filters.get("kind"))
	lots = [filters.lot] if filters.get("lot") else None
	walled = access.wall()
	if filters.get("company"):
		access.check_company_access(filters.company, walled)
	access.check_lots_access(lots or (), walled)
	findings = find_exceptions(lots, filters.get("company"), get_thresholds(), kind)
	scores = [s for s in rank_lots(findings) if s.score >= flt(filters.get("min_score"))]
	return get_columns(), get_data(scores), get_message(lots, filters, kind), None, get_summary(scores)


def get_message(lots, filters, kind) -> str:
	"""When the anomalies were last computed; productions the mass balance could not judge, and how to
	make them comparable."""
	note = computed_note()
	if kind not in (None, Kind.MASS_BALANCE):
		return note
	skipped = productions_not_balanced(lots, filters.get("company"))
	if not skipped:
		return note
	listed = ", ".join(skipped[:5]) + (" …" if len(skipped) > 5 else "")
	return (
		note
		+ " "
		+ _(
			"{0} production entries were not checked for mass balance: their items are counted in different units and the weight of some is unknown ({1}). Set Weight Per Unit on those items to compare them in kilograms."
		).format(len(skipped), esc(listed))
	)


def parse_kind(value) -> Kind | None:
	if not value:
		return None
	for kind, label in KIND_LABELS.items():
		if value in (label, kind.value):
			return kind
	frappe.throw(
		_("Exception must be one of {0}, not {1}.").format(
			", ".join(map(_, KIND_LABELS.values())), esc(value)
		)
	)


# Shaping


def col(fieldname, label, fieldtype="Data", width=120, options=None, **more):
	column = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **more}
	if options:
		column["options"] = options
	return column


def get_columns():
	return [
		col("score", _("Score"), "Float", 80, precision=1),
		col("lot", _("Lot"), "Link", 170, "Batch"),
		col("item", _("Item"), "Link", 150, "Item"),
		col("lot_status", _("Status"), "Link", 120, "Lot Status"),
		col("reasons", _("Reasons"), "Data", 520),
		col("findings", _("Findings"), "Int", 80),
		col("supplier", _("Supplier"), "Link", 150, "Supplier"),
		col("supplier_standing", _("Supplier Standing"), "Data", 200),
		col("document_type", _("Document Type"), "Data", 130),
		col("document", _("Document"), "Dynamic Link", 170, "document_type"),
	]


def get_data(scores: list[LotScore]) -> list[dict]:
	lots = q.get_lot_rows([s.lot for s in scores])
	standings = standing_words({lot.supplier for lot in lots.values() if lot.get("supplier")})
	data = []
	for score in scores:
		lot = lots.get(score.lot) or frappe._dict()
		first = score.reasons[0].finding
		data.append(
			{
				"score": score.score,
				"lot": score.lot,
				"item": lot.get("item"),
				"lot_status": lot.get("lot_status"),
				"reasons": REASON_SEPARATOR.join(describe(reason.finding) for reason in score.reasons),
				"findings": len(score.reasons),
				"supplier": lot.get("supplier"),
				"supplier_standing": standings.get(lot.get("supplier")),
				"kinds": [kind.value for kind in score.kinds],
				"document_type": first.reference_doctype,
				"document": first.reference_name,
			}
		)
	return data


def get_summary(scores: list[LotScore]) -> list[dict]:
	counts = defaultdict(int)
	for score in scores:
		for kind in score.kinds:
			counts[kind] += 1
	summary = [{"label": _("Lots"), "value": len(scores), "indicator": "blue", "datatype": "Int"}]
	for kind, label in KIND_LABELS.items():
		severity = DEFAULT_WEIGHTS[kind]
		summary.append(
			{
				"label": _(label),
				"value": counts[kind],
				"indicator": "red" if severity >= 70 else "orange" if severity >= 40 else "yellow",
				"datatype": "Int",
			}
		)
	return summary
