"""The core reads Frappe records through small adapters (`LotStatus.from_record`, `LotRule.from_record`):
every field they read is a field of the doctype, and a record shaped like the doctype's gives exactly
the value written out here."""

import json
from pathlib import Path

import pytest

from lot_traceability.traceability.rules import LotRule, Scope
from lot_traceability.traceability.statuses import LotStatus, Movement

DOCTYPES = Path(__file__).resolve().parents[2] / "lot_traceability" / "lot_traceability" / "doctype"


def fields_of(doctype: str) -> set[str]:
	folder = doctype.lower().replace(" ", "_")
	meta = json.loads((DOCTYPES / folder / f"{folder}.json").read_text())
	return {field["fieldname"] for field in meta["fields"]} | {"name"}


class Reading(dict):
	"""A record that remembers which fields were read."""

	def __init__(self, *args, **kwargs):
		super().__init__(*args, **kwargs)
		self.read = set()

	def get(self, key, default=None):
		self.read.add(key)
		return super().get(key, default)


def test_a_status_record_is_read_field_by_field():
	record = Reading(
		name="QC Hold",
		status_name="QC Hold",
		colour="orange",
		is_terminal=0,
		requires_reason=1,
		allow_receipt=1,
		allow_issue=0,
		allow_transfer=1,
		allow_allocation=0,
		allow_shipment=0,
		allow_customer_return=1,
		allow_supplier_return=1,
		allow_write_off=1,
		description="Held by quality",
		is_restricted=0,
	)
	assert LotStatus.from_record(record) == LotStatus(
		name="QC Hold",
		allowed=frozenset(
			{
				Movement.RECEIPT,
				Movement.TRANSFER,
				Movement.CUSTOMER_RETURN,
				Movement.SUPPLIER_RETURN,
				Movement.WRITE_OFF,
			}
		),
		colour="orange",
		is_terminal=False,
		requires_reason=True,
		description="Held by quality",
		is_restricted=False,
	)
	assert record.read <= fields_of("Lot Status")


def test_a_status_record_without_optional_values_takes_the_defaults():
	status = LotStatus.from_record({"name": "Plain", "is_terminal": 1, "is_restricted": 1})
	assert (status.name, status.colour, status.description, status.allowed) == (
		"Plain",
		"gray",
		"",
		frozenset(),
	)
	assert (status.is_terminal, status.is_restricted, status.requires_reason) == (True, True, False)


@pytest.mark.parametrize(
	("applies_to", "field", "value"),
	[("Item", "item", "FLOUR"), ("Item Group", "item_group", "Dairy"), ("Company", "rule_company", "Acme")],
)
def test_a_rule_record_is_read_field_by_field(applies_to, field, value):
	record = Reading(
		name="RULE-1",
		applies_to=applies_to,
		item=None,
		item_group=None,
		enabled=0,
		receipt_status="Pending Inspection",
		supplier_lot_mandatory=1,
		shelf_life=6,
		shelf_life_unit="Months",
		allocation_policy="FEFO",
		min_remaining_shelf_life=30,
		min_remaining_shelf_life_unit="% of Shelf Life",
		quality_inspection_decides_release=1,
	)
	record[field] = value
	if field != "rule_company":
		record["rule_company"] = "Acme"
	assert LotRule.from_record(record) == LotRule(
		name="RULE-1",
		scope=Scope(applies_to),
		scope_value=value,
		company="Acme",
		enabled=False,
		receipt_status="Pending Inspection",
		supplier_lot_mandatory=True,
		shelf_life_value=6,
		shelf_life_unit="Months",
		allocation_policy="FEFO",
		min_remaining_value=30,
		min_remaining_unit="% of Shelf Life",
		quality_inspection_decides_release=True,
	)
	assert record.read <= fields_of("Lot Rule")


def test_a_rule_record_without_optional_values():
	rule = LotRule.from_record({"name": "RULE-2", "applies_to": "Item", "item": "FLOUR"})
	assert rule == LotRule(name="RULE-2", scope=Scope.ITEM, scope_value="FLOUR")
	assert rule.enabled is True  # a record that does not say is enabled
	empty = LotRule.from_record(
		{"name": "RULE-3", "applies_to": "Item", "item": "", "rule_company": "", "receipt_status": ""}
	)
	assert (empty.scope_value, empty.company, empty.receipt_status) == (None, None, None)


# refusals of master data, each whole: its code, the form field it points at and the figures it names


def written(problems):
	return [(p.code, p.field, p.params) for p in problems]


def test_a_bad_status_is_refused_field_by_field():
	from lot_traceability.traceability.statuses import validate_status

	bad = LotStatus(
		name=" ",
		allowed=frozenset({Movement.SHIPMENT, Movement.RECEIPT, Movement.WRITE_OFF}),
		colour="chartreuse",
		is_terminal=True,
		is_restricted=True,
	)
	assert written(validate_status(bad)) == [
		("status_name_missing", "status_name", {}),
		("unknown_colour", "colour", {"colour": "chartreuse"}),
		("terminal_restricted", "is_restricted", {}),
		# in the movements' order by name, each pointing at its own tick box
		("terminal_allows_movement", "allow_receipt", {"movement": "receipt"}),
		("terminal_allows_movement", "allow_shipment", {"movement": "shipment"}),
	]


def rule(**fields):
	return LotRule(**{"name": "R", "scope": Scope.ITEM, "scope_value": "FLOUR", **fields})


@pytest.mark.parametrize(
	("fields", "expected"),
	[
		(
			{"scope": Scope.COMPANY, "scope_value": None},
			[("scope_value_missing", "rule_company", {"scope": "Company"})],
		),
		(
			{"scope": Scope.ITEM_GROUP, "scope_value": None},
			[("scope_value_missing", "item_group", {"scope": "Item Group"})],
		),
		({"shelf_life_value": -2}, [("negative_shelf_life", "shelf_life", {"value": -2})]),
		({"shelf_life_unit": "Weeks"}, [("unknown_unit", "shelf_life_unit", {"unit": "Weeks"})]),
		({"allocation_policy": "Random"}, [("unknown_policy", "allocation_policy", {"policy": "Random"})]),
		(
			{"min_remaining_value": 5, "min_remaining_unit": "Hours"},
			[("unknown_unit", "min_remaining_shelf_life_unit", {"unit": "Hours"})],
		),
		(
			{"min_remaining_value": -1},
			[("negative_minimum_remaining", "min_remaining_shelf_life", {"value": -1})],
		),
		(
			{"min_remaining_value": 101, "min_remaining_unit": "% of Shelf Life"},
			[("minimum_over_100_percent", "min_remaining_shelf_life", {"value": 101})],
		),
		(
			{"min_remaining_value": 63, "shelf_life_value": 2, "shelf_life_unit": "Months"},
			[("minimum_exceeds_shelf_life", "min_remaining_shelf_life", {"value": 63, "longest": 62})],
		),
		({"min_remaining_value": 62, "shelf_life_value": 2, "shelf_life_unit": "Months"}, []),
	],
)
def test_a_bad_rule_is_refused_field_by_field(fields, expected):
	from lot_traceability.traceability.rules import validate_rule

	assert written(validate_rule(rule(**fields))) == expected
