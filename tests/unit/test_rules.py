import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.problems import Problem
from lot_traceability.traceability.rules import (
	LotRule,
	Scope,
	find_conflicts,
	resolve_rule,
	validate_rule,
)

GROUPS = ["Dairy", "Ingredients", "All Item Groups"]  # nearest first


def rule(name, scope, value, company=None, **fields):
	if scope is Scope.COMPANY:
		company = value
	return LotRule(name=name, scope=scope, scope_value=value, company=company, **fields)


ITEM = rule("item", Scope.ITEM, "MILK-1L")
ITEM_IN_ACME = rule("item-acme", Scope.ITEM, "MILK-1L", company="Acme")
DAIRY = rule("dairy", Scope.ITEM_GROUP, "Dairy")
INGREDIENTS = rule("ingredients", Scope.ITEM_GROUP, "Ingredients")
ROOT_GROUP = rule("root", Scope.ITEM_GROUP, "All Item Groups")
ACME = rule("acme", Scope.COMPANY, "Acme")
BETA = rule("beta", Scope.COMPANY, "Beta")


def resolve(rules, company="Acme", item="MILK-1L", groups=GROUPS):
	found = resolve_rule(rules, item, groups, company)
	return found.name if found else None


def test_item_rule_beats_group_and_company():
	assert resolve([ACME, ROOT_GROUP, INGREDIENTS, DAIRY, ITEM]) == "item"


def test_company_limited_item_rule_beats_general_item_rule():
	assert resolve([ITEM, ITEM_IN_ACME]) == "item-acme"
	assert resolve([ITEM, ITEM_IN_ACME], company="Beta") == "item"


def test_nearest_item_group_wins():
	assert resolve([ROOT_GROUP, INGREDIENTS, DAIRY]) == "dairy"
	assert resolve([ROOT_GROUP, INGREDIENTS]) == "ingredients"
	assert resolve([ROOT_GROUP, ACME]) == "root"


def test_company_default_applies_only_to_its_company():
	assert resolve([ACME, BETA]) == "acme"
	assert resolve([ACME, BETA], company="Beta") == "beta"
	assert resolve([ACME], company="Gamma") is None
	assert resolve([ACME], company=None) is None


def test_group_rule_limited_to_another_company_does_not_apply():
	dairy_beta = rule("dairy-beta", Scope.ITEM_GROUP, "Dairy", company="Beta")
	assert resolve([dairy_beta, INGREDIENTS]) == "ingredients"
	assert resolve([dairy_beta, INGREDIENTS], company="Beta") == "dairy-beta"


def test_disabled_rules_are_ignored():
	disabled = rule("off", Scope.ITEM, "MILK-1L", enabled=False)
	assert resolve([disabled, DAIRY]) == "dairy"


def test_rules_for_other_items_and_groups_do_not_apply():
	other = rule("other", Scope.ITEM, "CHEESE")
	frozen = rule("frozen", Scope.ITEM_GROUP, "Frozen")
	assert resolve([other, frozen]) is None


def test_no_rules_means_no_rule():
	assert resolve([]) is None


@given(st.permutations([ACME, ROOT_GROUP, INGREDIENTS, DAIRY, ITEM, ITEM_IN_ACME, BETA]))
def test_resolution_does_not_depend_on_order(rules):
	assert resolve(rules) == "item-acme"


def test_rule_from_record_reads_the_doctype_fields():
	record = {
		"name": "LR-00001",
		"applies_to": "Item Group",
		"item_group": "Dairy",
		"rule_company": "",
		"enabled": 1,
		"receipt_status": "Pending Inspection",
		"supplier_lot_mandatory": 1,
		"shelf_life": 6,
		"shelf_life_unit": "Months",
		"allocation_policy": "FEFO",
		"min_remaining_shelf_life": 30,
		"min_remaining_shelf_life_unit": "% of Shelf Life",
		"quality_inspection_decides_release": 1,
	}
	parsed = LotRule.from_record(record)
	assert parsed.key == (Scope.ITEM_GROUP, "Dairy", None)
	assert parsed.shelf_life.value == 6 and parsed.shelf_life.unit.value == "Months"
	assert parsed.minimum_remaining.value == 30 and parsed.minimum_remaining.unit.value == "% of Shelf Life"
	assert parsed.supplier_lot_mandatory and parsed.quality_inspection_decides_release
	assert validate_rule(parsed) == []


def codes(problems):
	return [p.code for p in problems]


def test_negative_shelf_life_is_a_problem():
	problems = validate_rule(rule("x", Scope.ITEM, "A", shelf_life_value=-3, shelf_life_unit="Days"))
	assert codes(problems) == ["negative_shelf_life"]
	assert problems[0].field == "shelf_life" and problems[0].params == {"value": -3}


@pytest.mark.parametrize(
	("fields", "expected"),
	[
		({"min_remaining_value": -1}, ["negative_minimum_remaining"]),
		({"min_remaining_value": 120, "min_remaining_unit": "% of Shelf Life"}, ["minimum_over_100_percent"]),
		(
			{"min_remaining_value": 40, "shelf_life_value": 1, "shelf_life_unit": "Months"},
			["minimum_exceeds_shelf_life"],
		),
		({"min_remaining_value": 31, "shelf_life_value": 1, "shelf_life_unit": "Months"}, []),
		({"shelf_life_unit": "Weeks", "shelf_life_value": 2}, ["unknown_unit"]),
		({"allocation_policy": "LIFO"}, ["unknown_policy"]),
		({"min_remaining_unit": "Hours", "min_remaining_value": 2}, ["unknown_unit"]),
	],
)
def test_rule_validation(fields, expected):
	assert codes(validate_rule(rule("x", Scope.ITEM, "A", **fields))) == expected


def test_rule_without_its_scope_value_is_a_problem():
	assert codes(validate_rule(rule("x", Scope.ITEM, None))) == ["scope_value_missing"]
	assert codes(validate_rule(rule("x", Scope.ITEM_GROUP, ""))) == ["scope_value_missing"]
	assert codes(validate_rule(LotRule("x", Scope.COMPANY, None, None))) == ["scope_value_missing"]


def test_two_enabled_rules_with_the_same_scope_conflict():
	twin = rule("twin", Scope.ITEM, "MILK-1L")
	assert [r.name for r in find_conflicts(twin, [ITEM, ITEM_IN_ACME, DAIRY])] == ["item"]
	assert find_conflicts(twin, [twin]) == []


def test_disabled_rules_never_conflict():
	off = rule("off", Scope.ITEM, "MILK-1L", enabled=False)
	assert find_conflicts(off, [ITEM]) == []
	assert find_conflicts(ITEM, [off]) == []


def test_same_item_in_different_companies_is_no_conflict():
	assert find_conflicts(ITEM_IN_ACME, [ITEM, rule("b", Scope.ITEM, "MILK-1L", company="Beta")]) == []


def test_the_nearest_group_wins_whatever_the_rule_names() -> None:
	"""The group nearest the item wins even when a farther group's rule sorts first by name."""
	far = rule("a-root", Scope.ITEM_GROUP, "All Item Groups")
	middle = rule("b-ingredients", Scope.ITEM_GROUP, "Ingredients")
	near = rule("z-dairy", Scope.ITEM_GROUP, "Dairy")
	assert resolve([far, middle, near]) == "z-dairy"
	assert resolve([far, middle]) == "b-ingredients"


def test_rules_of_equal_standing_resolve_by_name_whatever_their_order() -> None:
	"""Two rules for the same item and company (a conflict that got in) resolve to the first by
	name; a rule not yet named comes before named ones; two unnamed ones go by the order given."""
	later = rule("LR-00002", Scope.ITEM, "MILK-1L")
	earlier = rule("LR-00001", Scope.ITEM, "MILK-1L")
	assert resolve([later, earlier]) == "LR-00001"
	unnamed = rule(None, Scope.ITEM, "MILK-1L", receipt_status="Approved")
	assert resolve_rule([earlier, unnamed], "MILK-1L", GROUPS, "Acme") is unnamed
	blank = rule("", Scope.ITEM, "MILK-1L", receipt_status="Quarantined")
	assert resolve_rule([blank, unnamed], "MILK-1L", GROUPS, "Acme") is blank
	assert resolve_rule([unnamed, blank], "MILK-1L", GROUPS, "Acme") is unnamed


def test_a_company_rule_naming_its_company_is_well_formed() -> None:
	"""A company default rule that names its company has no problem; one that names none is told so
	on the company field."""
	assert validate_rule(ACME) == []
	assert validate_rule(LotRule("x", Scope.COMPANY, None, None)) == [
		Problem("scope_value_missing", "rule_company", {"scope": "Company"})
	]


@pytest.mark.parametrize(
	"fields",
	[
		{"shelf_life_value": 0},
		{"min_remaining_value": 0},
		{"min_remaining_value": 0.5},
		{"min_remaining_value": 100, "min_remaining_unit": "% of Shelf Life"},
		{
			"min_remaining_value": 50,
			"min_remaining_unit": "% of Shelf Life",
			"shelf_life_value": 1,
			"shelf_life_unit": "Months",
		},
		{"min_remaining_value": 50, "min_remaining_unit": "% of Shelf Life"},
		{"shelf_life_value": 1, "shelf_life_unit": "Months"},
	],
)
def test_boundary_values_of_shelf_life_and_minimum_are_accepted(fields) -> None:
	"""No shelf life (0), no or a fractional minimum, a 100 % minimum, and a percentage minimum
	whatever the shelf life's length are all well formed."""
	assert validate_rule(rule("x", Scope.ITEM, "A", **fields)) == []


def test_a_percentage_minimum_over_100_is_refused_with_its_value() -> None:
	"""Just over 100 % is refused, naming the field and the value."""
	problems = validate_rule(
		rule("x", Scope.ITEM, "A", min_remaining_value=100.5, min_remaining_unit="% of Shelf Life")
	)
	assert problems == [Problem("minimum_over_100_percent", "min_remaining_shelf_life", {"value": 100.5})]
