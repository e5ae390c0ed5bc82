"""The configuration every rule reads: Lot Traceability Settings, Lot Statuses, the Lot Rule that
governs an item, the status transitions roles may make. One floor below the services and the
doctype controllers, so that both read configuration here and neither imports the other for it."""

from collections import defaultdict

import frappe
from frappe import _

from lot_traceability.messages import bold
from lot_traceability.queries import rules as rule_queries
from lot_traceability.traceability import rules as core
from lot_traceability.traceability.lifecycle import Transition
from lot_traceability.traceability.statuses import LotStatus


def get_settings():
	"""Lot Traceability Settings (Frappe's document cache)."""
	return frappe.get_cached_doc("Lot Traceability Settings")


def get_transitions() -> list[Transition]:
	"""Who may move lots to which status (Settings → Who May Change a Lot's Status)."""
	return [
		Transition(row.to_status, row.role, row.from_status or None) for row in get_settings().transitions
	]


def get_lot_status(name: str) -> LotStatus:
	"""The status as the core sees it (cached per request, and per version of the record: a change
	of thousands of lots asks for it once a lot)."""
	record = frappe.get_cached_doc("Lot Status", name)
	cache = getattr(frappe.local, "lot_statuses", None)
	if cache is None:
		cache = frappe.local.lot_statuses = {}
	key = (name, str(record.modified))
	found = cache.get(key)
	if found is None:
		found = cache[key] = LotStatus.from_record(record.as_dict())
	return found


def get_lot_rule(item_code: str, company: str | None = None) -> core.LotRule | None:
	"""The Lot Rule that governs `item_code` in `company`, or None (the item's lots are ungoverned)."""
	item_groups = rule_queries.get_item_group_lineage(rule_queries.get_item_group(item_code))
	candidates = [
		core.LotRule.from_record(record)
		for record in rule_queries.get_candidate_rules(item_code, item_groups, company)
	]
	return core.resolve_rule(candidates, item_code, item_groups, company)


def get_lot_rules(pairs) -> dict[tuple[str, str | None], core.LotRule | None]:
	"""The Lot Rule of each (item, company) pair, resolved in a few reads however many pairs: the
	items' groups, each group's ancestors, and the candidate rules of them all."""
	pairs = set(pairs)
	if not pairs:
		return {}
	group_of = rule_queries.get_item_groups({item for item, _company in pairs})
	lineages = {group: rule_queries.get_item_group_lineage(group) for group in set(group_of.values())}
	by_item, by_group, company_wide = defaultdict(list), defaultdict(list), []
	for record in rule_queries.get_candidate_rules_of_many(
		{item for item, _company in pairs},
		{group for lineage in lineages.values() for group in lineage},
		{company for _item, company in pairs},
	):
		rule = core.LotRule.from_record(record)
		if rule.scope is core.Scope.ITEM:
			by_item[rule.scope_value].append(rule)
		elif rule.scope is core.Scope.ITEM_GROUP:
			by_group[rule.scope_value].append(rule)
		else:
			company_wide.append(rule)
	resolved = {}
	for item, company in pairs:
		groups = lineages.get(group_of.get(item), [])
		candidates = by_item[item] + [rule for group in groups for rule in by_group[group]] + company_wide
		resolved[(item, company)] = core.resolve_rule(candidates, item, groups, company)
	return resolved


def check_lot_read(lot: str) -> None:
	"""Refuse, naming the lot, a user who may not read it (Frappe's own check says only that a
	permission is missing)."""
	if not frappe.has_permission("Batch", "read", lot):
		frappe.throw(
			_("You may not read lot {0}.").format(bold(lot)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
