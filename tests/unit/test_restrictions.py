from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.restrictions import (
	CAP,
	COMPANY,
	CUSTOMER,
	ITEM,
	LAPSED,
	WAREHOUSE,
	Formula,
	Scope,
	Use,
	add_use,
	ancestors,
	check_formula,
	check_use,
	may_allocate,
	scope_from,
)
from lot_traceability.traceability.statuses import Movement

M = Movement
DAY = date(2026, 6, 1)
BAKERY = Scope(
	customers=frozenset({"Bakery North"}),
	items=frozenset({"CAKE-MIX"}),
	cap=200.0,
	valid_until=date(2026, 6, 30),
	reference="CONC-7",
)


def use(movement=M.SHIPMENT, qty=10.0, on=DAY, **context):
	return Use(movement, qty, on, **context)


def code(problem):
	return problem.code if problem else None


# customers -------------------------------------------------------------------------------------
def test_a_scope_ships_to_its_customer_only():
	assert check_use(BAKERY, use(customer="Bakery North")) is None
	assert code(check_use(BAKERY, use(customer="Bakery South"))) == CUSTOMER
	assert code(check_use(BAKERY, use(customer=None))) == CUSTOMER


def test_a_scope_naming_a_group_covers_the_customers_below_it():
	scope = Scope(customer_groups=frozenset({"Bakeries"}))
	parents = {"North Bakeries": "Bakeries", "Bakeries": "All Customer Groups"}
	inside = ancestors("North Bakeries", parents)
	assert check_use(scope, use(customer="Any", customer_groups=inside)) is None
	outside = ancestors("Retail", {"Retail": "All Customer Groups"})
	assert code(check_use(scope, use(customer="Any", customer_groups=outside))) == CUSTOMER


def test_a_scope_without_customers_ships_to_nobody_and_allocates_to_nobody():
	scope = Scope(items=frozenset({"CAKE-MIX"}))
	assert code(check_use(scope, use(customer="Bakery North"))) == CUSTOMER
	assert code(check_use(scope, use(M.ALLOCATION, customer="Bakery North"))) == CUSTOMER


# production ------------------------------------------------------------------------------------
def test_production_for_a_permitted_item_or_bom_only():
	assert check_use(BAKERY, use(M.ISSUE, items_made=frozenset({"CAKE-MIX"}))) is None
	assert code(check_use(BAKERY, use(M.ISSUE, items_made=frozenset({"BREAD"})))) == ITEM
	by_bom = Scope(boms=frozenset({"BOM-CAKE-002"}))
	assert check_use(by_bom, use(M.ISSUE, items_made=frozenset({"CAKE-MIX"}), bom="BOM-CAKE-002")) is None
	# the same item under another formula revision is not the permitted formula
	assert (
		code(check_use(by_bom, use(M.ISSUE, items_made=frozenset({"CAKE-MIX"}), bom="BOM-CAKE-001"))) == ITEM
	)
	assert code(check_use(by_bom, use(M.ISSUE))) == ITEM


def test_a_lot_restricted_before_scopes_existed_may_still_be_used_internally():
	legacy = Scope(any_production=True)
	assert check_use(legacy, use(M.ISSUE, items_made=frozenset({"ANYTHING"}))) is None
	assert code(check_use(legacy, use(customer="Bakery North"))) == CUSTOMER


# places ----------------------------------------------------------------------------------------
def test_companies_and_warehouses_bound_every_movement_where_listed():
	scope = Scope(
		customers=frozenset({"C"}), companies=frozenset({"Foods"}), warehouses=frozenset({"Stores", "Line"})
	)
	assert (
		check_use(scope, use(M.TRANSFER, warehouse="Stores", target_warehouse="Line", company="Foods"))
		is None
	)
	assert code(check_use(scope, use(M.TRANSFER, warehouse="Stores", target_warehouse="Dock"))) == WAREHOUSE
	assert code(check_use(scope, use(customer="C", warehouse="Dock"))) == WAREHOUSE
	assert code(check_use(scope, use(customer="C", warehouse="Stores", company="Retail"))) == COMPANY
	# not listed: anywhere
	assert check_use(Scope(), use(M.TRANSFER, warehouse="Any", target_warehouse="Other", company="X")) is None


def test_leaving_the_books_or_coming_back_is_never_limited_by_a_scope():
	walled = replace(BAKERY, warehouses=frozenset({"Stores"}), companies=frozenset({"Foods"}))
	for movement in (M.WRITE_OFF, M.SUPPLIER_RETURN, M.CUSTOMER_RETURN, M.RECEIPT):
		assert check_use(BAKERY, use(movement, qty=10_000)) is None
		assert (
			check_use(walled, use(movement, warehouse="Dock", company="Retail", on=date(2027, 1, 1))) is None
		)


# cap -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
	"used, qty, allowed",
	[
		(0, 200, True),  # exactly the cap
		(0, 200.0000001, False),
		(190, 10, True),  # exactly what is left
		(190, 10.5, False),
		(200, 0.001, False),  # nothing left
	],
)
def test_the_cap_allows_exactly_what_is_left(used, qty, allowed):
	scope = Scope(customers=frozenset({"C"}), items=frozenset({"I"}), cap=200.0, used=used)
	for movement, context in ((M.SHIPMENT, {"customer": "C"}), (M.ISSUE, {"items_made": frozenset({"I"})})):
		problem = check_use(scope, use(movement, qty=qty, **context))
		assert (problem is None) == allowed
		if not allowed:
			assert problem.code == CAP


def test_picks_and_transfers_do_not_use_the_cap_but_a_pick_gets_only_what_is_left():
	scope = Scope(customers=frozenset({"C"}), cap=200.0, used=150.0)
	assert code(check_use(scope, use(M.ALLOCATION, qty=500, customer="C"))) == CAP
	assert check_use(scope, use(M.ALLOCATION, qty=50, customer="C")) is None
	assert check_use(scope, use(M.TRANSFER, qty=500)) is None
	assert may_allocate(scope, use(M.ALLOCATION, customer="C")) == 50.0
	assert may_allocate(scope, use(M.SHIPMENT, customer="C")) == 50.0
	assert may_allocate(scope, use(M.SHIPMENT, customer="Other")) == 0.0
	assert may_allocate(Scope(customers=frozenset({"C"})), use(customer="C")) == float("inf")


def test_a_cancellation_gives_the_cap_back_never_below_zero():
	assert add_use(150.0, 30.0) == 180.0
	assert add_use(180.0, -30.0) == 150.0
	assert add_use(10.0, -30.0) == 0.0


@given(
	st.lists(st.floats(0.001, 100, allow_nan=False), max_size=30),
	st.floats(1, 500, allow_nan=False),
)
def test_permitted_uses_never_exceed_the_cap_whatever_their_order(quantities, cap):
	"""Taking each use the scope permits, in turn: the total taken never passes the cap, and a use is
	refused only when it would (reference: the running sum, written out)."""
	used = 0.0
	for qty in quantities:
		scope = Scope(customers=frozenset({"C"}), cap=cap, used=used)
		problem = check_use(scope, use(qty=qty, customer="C"))
		fits = used + qty <= cap + 1e-9
		assert (problem is None) == fits
		if fits:
			used = add_use(used, qty)
	assert used <= cap + 1e-9


# validity --------------------------------------------------------------------------------------
def test_a_lapsed_scope_holds_the_lot_from_the_day_after_valid_until():
	on_the_day = use(customer="Bakery North", on=date(2026, 6, 30))
	day_after = use(customer="Bakery North", on=date(2026, 7, 1))
	assert check_use(BAKERY, on_the_day) is None
	assert code(check_use(BAKERY, day_after)) == LAPSED
	assert code(check_use(BAKERY, use(M.TRANSFER, on=date(2026, 7, 1)))) == LAPSED
	assert check_use(BAKERY, use(M.WRITE_OFF, on=date(2026, 7, 1))) is None
	assert check_use(BAKERY, use(M.SUPPLIER_RETURN, on=date(2026, 7, 1))) is None


# building a scope ------------------------------------------------------------------------------
def test_a_scope_is_built_from_kind_and_value_rows():
	scope = scope_from(
		[
			("Customer", "A"),
			("Customer Group", "G"),
			("Item", "I"),
			("BOM", "B"),
			("Warehouse", "W"),
			("Item", ""),
		],
		cap=5.0,
	)
	assert (scope.customers, scope.customer_groups, scope.items, scope.boms, scope.warehouses, scope.cap) == (
		{"A"},
		{"G"},
		{"I"},
		{"B"},
		{"W"},
		5.0,
	)
	with pytest.raises(ValueError):
		scope_from([("Supplier", "S")])


def test_ancestors_stop_on_a_loop():
	assert ancestors("A", {"A": "B", "B": "A"}) == {"A", "B"}
	assert ancestors(None, {}) == frozenset()


# formula ---------------------------------------------------------------------------------------
def test_a_lot_belongs_in_a_formula_that_lists_its_item_or_allows_it_as_a_substitute():
	formula = Formula("BOM-CAKE-001", frozenset({"FLOUR", "SUGAR"}), frozenset({"RICE-FLOUR"}))
	assert check_formula("FLOUR", formula) is None
	assert check_formula("RICE-FLOUR", formula) is None
	problem = check_formula("MILK", formula)
	assert problem.code == "not_in_formula"
	assert problem.params == {"bom": "BOM-CAKE-001", "item": "MILK"}
	assert check_formula("MILK", None) is None  # no BOM known: not checked


def whole(problem):
	"""A refusal whole: its code, the form field it points at and the figures its message names."""
	return (problem.code, problem.field, problem.params) if problem else None


def test_each_refusal_of_a_use_points_at_its_field_and_names_what_refused():
	scoped = Scope(
		customers=frozenset({"Bakery North"}),
		items=frozenset({"CAKE-MIX"}),
		companies=frozenset({"Acme"}),
		warehouses=frozenset({"Stores"}),
		cap=200.0,
		used=150.0,
		valid_until=date(2026, 6, 30),
	)
	assert whole(check_use(scoped, use(on=date(2026, 7, 1)))) == (
		LAPSED,
		"valid_until",
		{"valid_until": date(2026, 6, 30)},
	)
	assert whole(check_use(scoped, use(company="Other Co"))) == (
		COMPANY,
		"companies",
		{"company": "Other Co"},
	)
	assert whole(
		check_use(scoped, use(warehouse="Stores", target_warehouse="Annex", movement=M.TRANSFER))
	) == (
		WAREHOUSE,
		"warehouses",
		{"warehouse": "Annex"},
	)
	assert whole(check_use(scoped, use(customer="Bakery South"))) == (
		CUSTOMER,
		"customers",
		{"customer": "Bakery South"},
	)
	assert whole(check_use(scoped, use(M.ISSUE, items_made=frozenset({"BREAD", "BAGEL"}), bom="BOM-9"))) == (
		ITEM,
		"items",
		{"items": ["BAGEL", "BREAD"], "bom": "BOM-9"},
	)
	assert whole(check_use(scoped, use(customer="Bakery North", qty=60))) == (
		CAP,
		"cap",
		{"cap": 200.0, "used": 150.0, "qty": 60},
	)
	assert check_use(scoped, use(customer="Bakery North", qty=50)) is None  # exactly what is left


def test_a_use_over_what_is_left_by_no_more_than_rounding_is_allowed():
	"""Quantities that add up to the cap only up to floating-point rounding are not refused."""
	scope = Scope(customers=frozenset({"C"}), cap=10.0)
	assert check_use(scope, use(qty=10.000000001, customer="C")) is None
	assert code(check_use(scope, use(qty=10.00000001, customer="C"))) == CAP


def test_an_allocation_asking_for_more_than_is_left_is_offered_what_is_left():
	"""However much an order asks for, a pick of a capped lot is offered what is left of the cap, even
	when that is less than one unit."""
	scope = Scope(customers=frozenset({"C"}), cap=200.0, used=199.5)
	assert may_allocate(scope, use(M.ALLOCATION, qty=500, customer="C")) == 0.5
	assert may_allocate(scope, use(M.SHIPMENT, qty=0.75, customer="C")) == 0.5
	assert may_allocate(scope, use(M.SHIPMENT, qty=500, customer="Other")) == 0.0


def test_a_formula_refusal_points_at_the_bom():
	formula = Formula("BOM-CAKE-001", frozenset({"FLOUR"}))
	assert whole(check_formula("MILK", formula)) == (
		"not_in_formula",
		"bom",
		{"bom": "BOM-CAKE-001", "item": "MILK"},
	)


def test_a_scope_row_for_a_company_keeps_the_lot_within_it():
	scope = scope_from([("Company", "Acme"), ("Company", "Acme Foods")])
	assert scope.companies == {"Acme", "Acme Foods"}
	assert code(check_use(scope, use(M.TRANSFER, company="Other Co"))) == COMPANY


def test_an_unknown_scope_kind_is_refused_naming_the_kinds_there_are():
	with pytest.raises(ValueError) as refused:
		scope_from([("Supplier", "S")])
	assert str(refused.value) == (
		"scope kind must be one of Customer, Customer Group, Item, BOM, Company, Warehouse, not 'Supplier'"
	)
