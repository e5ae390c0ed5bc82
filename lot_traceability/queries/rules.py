"""Reads of Lot Rules and of the item group tree they are resolved over."""

import frappe
from frappe.query_builder import Criterion

RULE_FIELDS = (
	"name",
	"applies_to",
	"item",
	"item_group",
	"rule_company",
	"enabled",
	"receipt_status",
	"supplier_lot_mandatory",
	"shelf_life",
	"shelf_life_unit",
	"allocation_policy",
	"min_remaining_shelf_life",
	"min_remaining_shelf_life_unit",
	"quality_inspection_decides_release",
	"announcement_mismatch_status",
)


def get_item_group_lineage(item_group: str | None) -> list[str]:
	"""The group and its ancestors, nearest first (Item Group is a nested set), in one read."""
	if not item_group:
		return []
	# read, not cached: adding a group elsewhere renumbers the tree by SQL, behind the document cache
	lineage = frappe.db.sql_list(
		"""select ancestor.name from `tabItem Group` node
		join `tabItem Group` ancestor on ancestor.lft <= node.lft and ancestor.rgt >= node.rgt
		where node.name = %s order by ancestor.lft desc""",
		item_group,
	)
	return lineage or [item_group]


def get_item_group(item_code: str) -> str | None:
	return frappe.get_cached_value("Item", item_code, "item_group")


def get_candidate_rules(item_code: str, item_groups: list[str], company: str | None) -> list[dict]:
	"""Enabled rules that may govern the item: its own, its groups', its company's."""
	rule = frappe.qb.DocType("Lot Rule")
	scopes = [(rule.applies_to == "Item") & (rule.item == item_code)]
	if item_groups:
		scopes.append((rule.applies_to == "Item Group") & rule.item_group.isin(item_groups))
	if company:
		scopes.append(rule.applies_to == "Company")
	company_match = rule.rule_company.isnull() | (rule.rule_company == "")
	if company:
		company_match = company_match | (rule.rule_company == company)
	return (
		frappe.qb.from_(rule)
		.select(*(rule[field] for field in RULE_FIELDS))
		.where((rule.enabled == 1) & Criterion.any(scopes) & company_match)
		.run(as_dict=True)
	)


def get_rules_for_scope(applies_to: str, scope_field: str, scope_value: str | None) -> list[dict]:
	"""Every rule (enabled or not) for one item, item group or company."""
	return frappe.get_all(
		"Lot Rule",
		filters={"applies_to": applies_to, scope_field: scope_value},
		fields=list(RULE_FIELDS),
	)


def get_item_groups(item_codes) -> dict[str, str]:
	"""Item → its group, for many items in one read."""
	item_codes = sorted({code for code in item_codes or () if code})
	if not item_codes:
		return {}
	item = frappe.qb.DocType("Item")
	return dict(
		frappe.qb.from_(item).select(item.name, item.item_group).where(item.name.isin(item_codes)).run()
	)


def get_candidate_rules_of_many(item_codes, item_groups, companies) -> list[dict]:
	"""Enabled rules that may govern any of these items in any of these companies (their own rules,
	their groups', the companies'), in one read."""
	rule = frappe.qb.DocType("Lot Rule")
	item_codes, item_groups = sorted(set(item_codes)), sorted(set(item_groups))
	companies = sorted({company for company in companies if company})
	scopes = [(rule.applies_to == "Item") & rule.item.isin(item_codes or [""])]
	if item_groups:
		scopes.append((rule.applies_to == "Item Group") & rule.item_group.isin(item_groups))
	company_match = rule.rule_company.isnull() | (rule.rule_company == "")
	if companies:
		scopes.append(rule.applies_to == "Company")
		company_match = company_match | rule.rule_company.isin(companies)
	return (
		frappe.qb.from_(rule)
		.select(*(rule[field] for field in RULE_FIELDS))
		.where((rule.enabled == 1) & Criterion.any(scopes) & company_match)
		.run(as_dict=True)
	)
