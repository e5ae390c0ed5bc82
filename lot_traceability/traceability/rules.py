"""Lot Rules: which rule governs an item's lots, and whether a rule is well formed.

A rule applies to one Item, to an Item Group (and every group below it), or to a whole Company.
Item and Item Group rules may be limited to one company. For a given item in a given company the
most specific rule wins, as a whole rule (fields are not merged across rules):

1. a rule for the item itself;
2. a rule for the item's group, then for each parent group going up the tree (nearest first);
3. the company's default rule.

At each of these levels a rule limited to the company beats one that applies to every company.
Fields a winning rule leaves empty fall back to Lot Traceability Settings, never to a less
specific rule. Two enabled rules for the same item, group or company and the same company limit
are a conflict and cannot be saved.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from lot_traceability.traceability.problems import Problem
from lot_traceability.traceability.shelf_life import (
	MinimumRemaining,
	RemainingUnit,
	ShelfLife,
	ShelfLifeUnit,
)


class Scope(str, Enum):
	ITEM = "Item"
	ITEM_GROUP = "Item Group"
	COMPANY = "Company"


class AllocationPolicy(str, Enum):
	FEFO = "FEFO"
	FIFO = "FIFO"


SCOPE_FIELD = {Scope.ITEM: "item", Scope.ITEM_GROUP: "item_group", Scope.COMPANY: "rule_company"}
SCOPE_RANK = {Scope.ITEM: 0, Scope.ITEM_GROUP: 1, Scope.COMPANY: 2}


@dataclass(frozen=True)
class LotRule:
	name: str
	scope: Scope
	scope_value: str | None
	company: str | None = None
	enabled: bool = True
	receipt_status: str | None = None
	supplier_lot_mandatory: bool = False
	shelf_life_value: int | None = None
	shelf_life_unit: str | None = None
	allocation_policy: str | None = None
	min_remaining_value: float | None = None
	min_remaining_unit: str | None = None
	quality_inspection_decides_release: bool = False
	announcement_mismatch_status: str | None = None

	@property
	def key(self) -> tuple[Scope, str | None, str | None]:
		"""What the rule is for; two enabled rules may not share a key."""
		return (self.scope, self.scope_value, self.company)

	@property
	def shelf_life(self) -> ShelfLife | None:
		if not self.shelf_life_value:
			return None
		return ShelfLife(int(self.shelf_life_value), ShelfLifeUnit(self.shelf_life_unit or "Days"))

	@property
	def minimum_remaining(self) -> MinimumRemaining | None:
		if not self.min_remaining_value:
			return None
		return MinimumRemaining(self.min_remaining_value, RemainingUnit(self.min_remaining_unit or "Days"))

	@classmethod
	def from_record(cls, record: Mapping[str, Any]) -> "LotRule":
		scope = Scope(record.get("applies_to"))
		company = record.get("rule_company") or None
		return cls(
			name=record.get("name"),
			scope=scope,
			scope_value=record.get(SCOPE_FIELD[scope]) or None,
			company=company,
			enabled=bool(record.get("enabled", 1)),
			receipt_status=record.get("receipt_status") or None,
			supplier_lot_mandatory=bool(record.get("supplier_lot_mandatory")),
			shelf_life_value=record.get("shelf_life"),
			shelf_life_unit=record.get("shelf_life_unit") or None,
			allocation_policy=record.get("allocation_policy") or None,
			min_remaining_value=record.get("min_remaining_shelf_life"),
			min_remaining_unit=record.get("min_remaining_shelf_life_unit") or None,
			quality_inspection_decides_release=bool(record.get("quality_inspection_decides_release")),
			announcement_mismatch_status=record.get("announcement_mismatch_status") or None,
		)


def precedence(rule: LotRule, item_code: str, item_groups: Sequence[str], company: str | None):
	"""The rule's rank for this item and company (lower wins), or None if it does not apply.

	`item_groups` is the item's group followed by its ancestors, nearest first.
	"""
	if not rule.enabled:
		return None
	if rule.company and rule.company != company:
		return None
	if rule.scope is Scope.ITEM:
		if rule.scope_value != item_code:
			return None
		depth = 0
	elif rule.scope is Scope.ITEM_GROUP:
		if rule.scope_value not in item_groups:
			return None
		depth = list(item_groups).index(rule.scope_value)
	else:
		depth = 0
	return (SCOPE_RANK[rule.scope], depth, 0 if rule.company else 1)


def resolve_rule(
	rules: Iterable[LotRule], item_code: str, item_groups: Sequence[str], company: str | None
) -> LotRule | None:
	"""The one rule that governs `item_code` in `company`, or None when no rule applies."""
	ranked = []
	for rule in rules:
		rank = precedence(rule, item_code, item_groups, company)
		if rank is not None:
			ranked.append((rank, rule.name or "", rule))
	if not ranked:
		return None
	return min(ranked, key=lambda entry: entry[:2])[2]


def validate_rule(rule: LotRule) -> list[Problem]:
	problems = []
	if rule.scope is Scope.COMPANY and not rule.company:
		problems.append(Problem("scope_value_missing", "rule_company", {"scope": rule.scope.value}))
	elif not rule.scope_value:
		problems.append(Problem("scope_value_missing", SCOPE_FIELD[rule.scope], {"scope": rule.scope.value}))

	if rule.shelf_life_value is not None and rule.shelf_life_value < 0:
		problems.append(Problem("negative_shelf_life", "shelf_life", {"value": rule.shelf_life_value}))
	if rule.shelf_life_unit and rule.shelf_life_unit not in {u.value for u in ShelfLifeUnit}:
		problems.append(Problem("unknown_unit", "shelf_life_unit", {"unit": rule.shelf_life_unit}))
	if rule.allocation_policy and rule.allocation_policy not in {p.value for p in AllocationPolicy}:
		problems.append(Problem("unknown_policy", "allocation_policy", {"policy": rule.allocation_policy}))

	minimum = rule.min_remaining_value
	unit = rule.min_remaining_unit or RemainingUnit.DAYS.value
	if unit not in {u.value for u in RemainingUnit}:
		problems.append(Problem("unknown_unit", "min_remaining_shelf_life_unit", {"unit": unit}))
	elif minimum is not None and minimum < 0:
		problems.append(Problem("negative_minimum_remaining", "min_remaining_shelf_life", {"value": minimum}))
	elif minimum and unit == RemainingUnit.PERCENT.value and minimum > 100:
		problems.append(Problem("minimum_over_100_percent", "min_remaining_shelf_life", {"value": minimum}))
	elif minimum and unit == RemainingUnit.DAYS.value and not problems and rule.shelf_life:
		longest = rule.shelf_life.longest_days()
		if minimum > longest:
			problems.append(
				Problem(
					"minimum_exceeds_shelf_life",
					"min_remaining_shelf_life",
					{"value": minimum, "longest": longest},
				)
			)
	return problems


def find_conflicts(rule: LotRule, others: Iterable[LotRule]) -> list[LotRule]:
	"""Other enabled rules with the same scope and company limit as `rule`."""
	if not rule.enabled:
		return []
	return [other for other in others if other.enabled and other.name != rule.name and other.key == rule.key]
