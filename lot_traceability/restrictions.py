"""Restricted release and the formula check on real documents (rules: `traceability.restrictions`).

A lot in a restricted status has one release scope in effect (a Lot Restriction), recorded by the
Lot Status Change that put it there and ended by the next one. Every outward movement of such a
lot is checked against it where the lot's status is checked (`enforcement`): at validate for an
early answer, at the bundle's submit for the decision — the scope read as last committed and
locked, so two documents submitted at once queue on it and cannot together pass its cap. A
permitted shipment or issue adds to the cap's count (a Lot Restriction Use per document); a
cancelled document gives it back.
"""

from dataclasses import dataclass

import frappe
from frappe import _
from frappe.utils import flt, format_date, getdate, now_datetime

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.messages import Refused, bold, quantity
from lot_traceability.queries import restrictions as restriction_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.traceability import restrictions as core
from lot_traceability.traceability.movements import PRODUCTION_ISSUE_PURPOSES, PRODUCTION_PURPOSES
from lot_traceability.traceability.problems import Problem
from lot_traceability.traceability.statuses import Movement

SELLING = ("Delivery Note", "Sales Invoice", "POS Invoice", "Pick List", "Sales Order")


@dataclass(frozen=True)
class Context:
	"""What a document says about the use of the lots it moves."""

	customer: str | None = None
	customer_groups: frozenset[str] = frozenset()
	items_made: frozenset[str] = frozenset()
	bom: str | None = None
	company: str | None = None
	production: bool = False  # a production document (its issues are checked against the formula)
	work_order: str | None = None


@dataclass(frozen=True)
class ScopeRefusal:
	batch: str
	item: str
	status: str
	problem: Problem
	summary: str
	uom: str | None = None


def context_of_voucher(voucher_type: str, voucher_no: str) -> Context:
	"""The context of a submitted (or saved) voucher, read from the database — once per version of
	the voucher: a document with many lot rows submits one bundle per row."""
	cache = voucher_cache(voucher_type, voucher_no)
	if "context" not in cache:
		cache["context"] = read_context(voucher_type, voucher_no)
	return cache["context"]


def voucher_cache(voucher_type: str, voucher_no: str) -> dict:
	"""What was read about the voucher being posted, kept while its version (`modified`) stays the
	same; another voucher, or another version, starts afresh."""
	key = (voucher_type, voucher_no, str(frappe.db.get_value(voucher_type, voucher_no, "modified")))
	held = getattr(frappe.local, "lot_voucher_cache", None)
	if not held or held[0] != key:
		held = frappe.local.lot_voucher_cache = (key, {})
	return held[1]


def read_context(voucher_type: str, voucher_no: str) -> Context:
	if voucher_type == "Stock Entry":
		production = restriction_queries.get_stock_entry_production(voucher_no)
		work_order = frappe.db.get_value("Stock Entry", voucher_no, "work_order")
		return production_context(production, work_order)
	if voucher_type == "Subcontracting Receipt":
		rows = restriction_queries.get_subcontracted_items(voucher_no)
		company = frappe.db.get_value(voucher_type, voucher_no, "company")
		return subcontracting_context(rows, company)
	party = restriction_queries.get_voucher_party(voucher_type, voucher_no)
	if not party:
		party = voucher_queries.get_voucher_values(voucher_type, voucher_no, ("company",))
	return customer_context(party.get("customer"), party.get("company"))


def context_of_doc(doc) -> Context:
	"""The context of a document being saved (it may not be in the database yet)."""
	if doc.doctype == "Stock Entry":
		made, bom = restriction_queries.get_ordered_production(
			doc.get("work_order"), doc.get("subcontracting_order"), doc.get("bom_no")
		)
		if not made:
			inward = [row for row in doc.items if row.t_warehouse and not row.s_warehouse]
			finished = [row.item_code for row in inward if row.get("is_finished_item")]
			made.update(finished or [row.item_code for row in inward])
		return production_context(
			{"items_made": made, "bom": bom, "company": doc.company, "purpose": doc.purpose},
			doc.get("work_order"),
		)
	if doc.doctype == "Subcontracting Receipt":
		rows = [frappe._dict(item_code=row.item_code, bom=row.get("bom")) for row in doc.items]
		return subcontracting_context(rows, doc.company)
	return customer_context(doc.get("customer"), doc.get("company"))


def subcontracting_context(rows, company) -> Context:
	"""A subcontracting receipt consumes the supplied lots to make its finished items."""
	return Context(
		items_made=frozenset(row.item_code for row in rows if row.item_code),
		bom=next((row.bom for row in rows if row.get("bom")), None),
		company=company,
		production=True,
	)


def production_context(production: dict, work_order: str | None) -> Context:
	purpose = production.get("purpose")
	made = frozenset(item for item in production.get("items_made") or () if item)
	bom = production.get("bom")
	is_production = purpose in PRODUCTION_ISSUE_PURPOSES or purpose in PRODUCTION_PURPOSES
	if is_production and not bom and len(made) == 1:
		bom = restriction_queries.get_default_bom(next(iter(made)))
	if purpose == "Disassemble":
		bom = None  # the lot issued is the product itself, not one of its formula's inputs
	return Context(
		items_made=made if is_production else frozenset(),
		bom=bom if is_production else None,
		company=production.get("company"),
		production=is_production,
		work_order=work_order,
	)


def customer_context(customer: str | None, company: str | None) -> Context:
	groups = frozenset()
	if customer:
		groups = core.ancestors(
			restriction_queries.get_customer_group(customer), restriction_queries.get_customer_groups()
		)
	return Context(customer=customer, customer_groups=groups, company=company)


def scope_of(restriction, rows) -> core.Scope:
	return core.scope_from(
		rows,
		cap=flt(restriction.cap_qty) if restriction.cap_qty else None,
		used=flt(restriction.used_qty),
		valid_until=getdate(restriction.valid_until) if restriction.valid_until else None,
		reference=restriction.concession_reference or "",
	)


# A lot restricted before release scopes existed (no Lot Restriction): as it was released then,
# for internal use only.
LEGACY_SCOPE = core.Scope(any_production=True)


def check_restricted(
	lots: dict,
	movement: Movement,
	quantities: dict[str, float],
	context: Context,
	on_date,
	warehouse: str | None = None,
	target_warehouse: str | None = None,
	for_update: bool = False,
) -> tuple[list[ScopeRefusal], dict]:
	"""Why each restricted lot among `lots` (records with name, item, lot_status) may not make the
	movement, and the scopes in effect read (by lot). With `for_update` the scopes are read as last
	committed and locked: the decision."""
	default_status = get_settings().default_receipt_status
	restricted = [
		record
		for record in lots.values()
		if get_lot_status(record.lot_status or default_status).is_restricted
	]
	if not restricted or movement is None:
		return [], {}
	restrictions = restriction_queries.get_active_restrictions(
		[record.name for record in restricted], for_update=for_update
	)
	rows = restriction_queries.get_scope_rows([r.name for r in restrictions.values()])
	refusals = []
	for record in restricted:
		restriction = restrictions.get(record.name)
		scope = scope_of(restriction, rows.get(restriction.name, [])) if restriction else LEGACY_SCOPE
		use = core.Use(
			movement,
			abs(flt(quantities.get(record.name))),
			getdate(on_date),
			customer=context.customer,
			customer_groups=context.customer_groups,
			items_made=context.items_made,
			bom=context.bom,
			company=context.company,
			warehouse=warehouse,
			# where a transfer, or an issue to production or a subcontractor, takes the lot
			target_warehouse=target_warehouse if movement in (Movement.TRANSFER, Movement.ISSUE) else None,
		)
		problem = core.check_use(scope, use)
		if problem:
			refusals.append(
				ScopeRefusal(
					record.name,
					record.item,
					record.lot_status or default_status,
					problem,
					restriction.summary if restriction else _("for internal use only (no release scope)"),
					restriction.uom if restriction else None,
				)
			)
	return refusals, restrictions


def record_uses(restrictions: dict, movement: Movement, quantities: dict, voucher_type, voucher_no) -> None:
	"""A permitted shipment or issue adds its quantity to the cap's count of each scope (rows locked
	by `check_restricted(for_update=True)`)."""
	if movement not in core.CAPPED:
		return
	for batch, restriction in restrictions.items():
		qty = abs(flt(quantities.get(batch)))
		if not qty:
			continue
		restriction_queries.insert_use(restriction.name, batch, voucher_type, voucher_no, qty)
		used = core.add_use(flt(restriction.used_qty), qty)
		restriction_queries.set_used(restriction.name, used)
		restriction.used_qty = used


def give_back(voucher_type: str, voucher_no: str) -> None:
	"""A cancelled document gives back what it took of the caps."""
	uses = restriction_queries.get_uses_of(voucher_type, voucher_no)
	if not uses:
		return
	counts = restriction_queries.lock_restrictions([use.restriction for use in uses])
	for use in uses:
		counts[use.restriction] = core.add_use(flt(counts.get(use.restriction)), -flt(use.qty))
	for name, used in counts.items():
		restriction_queries.set_used(name, used)
	restriction_queries.delete_uses([use.name for use in uses])


def scopes_of(batches, for_update: bool = False) -> dict[str, core.Scope]:
	"""The release scope in effect of each of these restricted lots (the legacy scope where a lot has
	none)."""
	if not batches:
		return {}
	restrictions = restriction_queries.get_active_restrictions(batches, for_update=for_update)
	rows = restriction_queries.get_scope_rows([r.name for r in restrictions.values()])
	return {
		batch: scope_of(restrictions[batch], rows.get(restrictions[batch].name, []))
		if batch in restrictions
		else LEGACY_SCOPE
		for batch in batches
	}


def allocation_use(customer, company, movement, posting_date) -> core.Use:
	"""What an allocation is for, as restricted lots' scopes judge it."""
	context = customer_context(customer, company)
	return core.Use(
		movement,
		0.0,
		getdate(posting_date),
		customer=context.customer,
		customer_groups=context.customer_groups,
		company=context.company,
	)


def pick_limits(records, movement, on_date, customer, company, for_update: bool = False) -> dict[str, float]:
	"""How much of each restricted lot an automatic pick may offer: nothing where its scope does not
	permit the pick or whom it is for is not known, else up to what is left of its cap."""
	if not records:
		return {}
	scopes = scopes_of([record.name for record in records], for_update=for_update)
	if not customer and movement in (None, Movement.SHIPMENT, Movement.ALLOCATION):
		return dict.fromkeys(scopes, 0.0)
	use = allocation_use(customer, company, movement or Movement.ALLOCATION, on_date)
	return {batch: core.may_allocate(scope, use) for batch, scope in scopes.items()}


def allocation_refusal(skip) -> str:
	"""Why an allocation passed a restricted lot over, in words."""
	scope = skip.candidate.scope
	status = _(skip.candidate.status.name)
	if scope is LEGACY_SCOPE:
		return _("{0} for internal use only (no release scope)").format(status)
	if skip.scope_problem == core.CAP:
		return _("{0}: nothing left of its cap of {1}").format(status, flt(scope.cap))
	return _("{0}, released {1}: not for this line").format(status, scope_summary(scope, None))


# Formula -------------------------------------------------------------------------------------------


def check_formula(lots: dict, context: Context, cache: dict | None = None) -> list[tuple[str, str, Problem]]:
	"""(lot, item, problem) for each lot issued to a production whose formula does not list its
	item (Settings → Check Production Use against the Formula). `cache`: the voucher's, where the
	formula read for its first row serves the others."""
	if not context.production or not context.bom or not get_settings().check_formula:
		return []
	cache = {} if cache is None else cache
	key = ("formula", context.bom)
	if key not in cache:
		cache[key] = restriction_queries.get_formula_items(context.bom)
	items, substitutes = cache[key]
	if not items:
		return []
	formula = core.Formula(context.bom, frozenset(items), frozenset(substitutes))
	found = []
	for record in lots.values():
		problem = core.check_formula(record.item, formula)
		if problem:
			found.append((record.name, record.item, problem))
	return found


# Wording -------------------------------------------------------------------------------------------


def scope_summary(scope: core.Scope, uom: str | None) -> str:
	""" "to Demo Bakery North; not for production; 200 Kg in all; until 31-12-2026; CONC-7"."""
	parts = []
	who = sorted(scope.customers) + [_("group {0}").format(g) for g in sorted(scope.customer_groups)]
	uses = sorted(scope.items) + [_("BOM {0}").format(b) for b in sorted(scope.boms)]
	if who:
		parts.append(_("to {0}").format(", ".join(who)))
	if uses:
		parts.append(_("to make {0}").format(", ".join(uses)))
	if not who:
		parts.append(_("not for sale"))
	if not uses and not scope.any_production:
		parts.append(_("not for production"))
	if scope.companies:
		parts.append(_("in {0}").format(", ".join(sorted(scope.companies))))
	if scope.warehouses:
		parts.append(_("within {0}").format(", ".join(sorted(scope.warehouses))))
	if scope.cap is not None:
		parts.append(_("{0} in all").format(quantity(scope.cap, uom)))
	if scope.valid_until:
		parts.append(_("until {0}").format(format_date(scope.valid_until)))
	if scope.reference:
		parts.append(scope.reference)
	return "; ".join(parts)


def refusal_reason(refusal: ScopeRefusal) -> str:
	p = refusal.problem.params
	uom = refusal.uom
	return {
		core.LAPSED: lambda: _("its release ended on {0}").format(format_date(p.get("valid_until"))),
		core.CUSTOMER: lambda: _("to {0}").format(bold(p.get("customer") or _("no customer"))),
		core.ITEM: lambda: _("to make {0}").format(
			bold(", ".join(p.get("items") or []) or _("nothing named"))
			+ (f" ({_('BOM')} {p['bom']})" if p.get("bom") else "")
		),
		core.COMPANY: lambda: _("in company {0}").format(bold(p.get("company"))),
		core.WAREHOUSE: lambda: _("through warehouse {0}").format(bold(p.get("warehouse"))),
		core.CAP: lambda: _("as {0} would pass its cap of {1} ({2} used, {3} left)").format(
			quantity(p["qty"], uom),
			quantity(p["cap"], uom),
			quantity(p["used"], uom),
			quantity(max(0.0, p["cap"] - p["used"]), uom),
		),
	}[refusal.problem.code]()


def summary_of(restriction_name: str) -> str:
	restriction = frappe.db.get_value(
		"Lot Restriction", restriction_name, list(restriction_queries.RESTRICTION_FIELDS), as_dict=True
	)
	rows = restriction_queries.get_scope_rows([restriction_name]).get(restriction_name, [])
	return scope_summary(scope_of(restriction, rows), restriction.uom)


# Granting and ending scopes ------------------------------------------------------------------------


def grant(change, lots) -> None:
	"""On a submitted change into a restricted status: the lots' new scope (the previous one ends)."""
	restriction_queries.end_restrictions([row.batch for row in lots], change.name)
	rows = [(entry.applies_to, entry.value) for entry in change.get("scope") or []]
	for row in lots:
		uom = frappe.get_cached_value("Item", row.item, "stock_uom") if row.item else None
		doc = frappe.new_doc("Lot Restriction")
		doc.update(
			{
				"batch": row.batch,
				"item": row.item,
				"lot_status": change.to_status,
				"lot_status_change": change.name,
				"is_active": 1,
				"started": change.change_datetime or now_datetime(),
				"cap_qty": flt(change.cap_qty) or None,
				"used_qty": 0,
				"uom": uom,
				"valid_until": change.valid_until,
				"concession_reference": change.concession_reference,
			}
		)
		for applies_to, value in rows:
			doc.append("scope", {"applies_to": applies_to, "value": value})
		doc.summary = scope_summary(
			core.scope_from(
				rows,
				cap=flt(change.cap_qty) or None,
				valid_until=getdate(change.valid_until) if change.valid_until else None,
				reference=change.concession_reference or "",
			),
			uom,
		)
		doc.insert(ignore_permissions=True)
		restriction_queries.set_batch_restriction([row.batch], doc.name, doc.summary[:240])


def lift(change, lots) -> None:
	"""On a submitted change into a status that is not restricted: the lots' scopes end. Where the
	change read the lots locked (`restricted_lots`: those with a scope in effect, the lot's
	`lot_restriction`, which `grant` sets and this clears), only those are written."""
	batches = [row.batch for row in lots]
	if change.flags.restricted_lots is not None:
		batches = [batch for batch in batches if batch in change.flags.restricted_lots]
	restriction_queries.end_restrictions(batches, change.name)
	restriction_queries.set_batch_restriction(batches, None, None)


def validate_scope_rows(change) -> None:
	"""A scope names existing records of the kinds it lists, each once."""
	seen = set()
	for row in change.get("scope") or []:
		key = (row.applies_to, row.value)
		if key in seen:
			frappe.throw(
				_("Release Scope row {0}: {1} {2} is listed twice.").format(
					row.idx, _(row.applies_to), bold(row.value)
				),
				exc=Refused,
			)
		seen.add(key)
	if flt(change.get("cap_qty")) < 0:
		frappe.throw(
			_("Quantity Cap per Lot cannot be negative (got {0}).").format(change.cap_qty), exc=Refused
		)
