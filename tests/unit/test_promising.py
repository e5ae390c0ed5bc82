from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.allocation import Candidate, Requirement
from lot_traceability.traceability.promising import (
	CLASSES,
	EXPIRED_AT_DATE,
	HELD,
	IN_QUARANTINE,
	RESERVED,
	RESTRICTED,
	SHORT,
	USABLE,
	promise,
)
from lot_traceability.traceability.restrictions import Scope, Use
from lot_traceability.traceability.shelf_life import MinimumRemaining, RemainingUnit
from lot_traceability.traceability.statuses import DEFAULT_STATUSES, Movement

S = {status.name: status for status in DEFAULT_STATUSES}
ON = date(2026, 6, 1)


def lot(name, qty, status="Approved", warehouse="W1", expires_in=None, made_days_ago=100, **extra):
	return Candidate(
		lot=name,
		warehouse=warehouse,
		qty=qty,
		status=S[status],
		expiry_date=ON + timedelta(days=expires_in) if expires_in is not None else None,
		manufacturing_date=ON - timedelta(days=made_days_ago),
		**extra,
	)


def for_customer(customer, groups=()):
	return Use(Movement.SHIPMENT, 0.0, ON, customer=customer, customer_groups=frozenset(groups))


def days(n):
	return MinimumRemaining(n, RemainingUnit.DAYS)


def test_flour_500_on_hand_300_quarantined_promises_200():
	result = promise([lot("OK", 200), lot("Q", 300, status="Quarantined")], ON)
	assert result.on_hand == 500
	assert result.promisable == 200
	assert result.total(HELD) == 300
	assert [s.lot for s in result.of_class(HELD)] == ["Q"]


def test_every_class_with_its_lot():
	stock = [
		lot("GOOD", 100, expires_in=200),
		lot("HOLD", 40, status="Quarantined", expires_in=200),
		lot("GONE", 30, expires_in=-1),
		lot("SHORT", 20, expires_in=10),
		lot("QW", 50, warehouse="QUAR", in_quarantine=True, expires_in=200),
		lot("R-OTHER", 25, status="Restricted", scope=Scope(customers=frozenset({"Other"}))),
		lot("R-MINE", 15, status="Restricted", scope=Scope(customers=frozenset({"Mine"}))),
	]
	result = promise(
		stock,
		ON,
		Requirement((days(30),)),
		for_customer("Mine"),
		reserved={("GOOD", "W1"): 10},
	)
	assert {s.lot: s.klass for s in result.shares if s.klass != RESERVED} == {
		"GOOD": USABLE,
		"HOLD": HELD,
		"GONE": EXPIRED_AT_DATE,
		"SHORT": SHORT,
		"QW": IN_QUARANTINE,
		"R-OTHER": RESTRICTED,
		"R-MINE": RESTRICTED,
	}
	totals = result.totals()
	assert totals[USABLE] == 90 and totals[RESERVED] == 10 and totals[RESTRICTED] == 40
	assert totals["promisable"] == 90 + 15
	assert totals["on_hand"] == 280
	other = next(share for share in result.of_class(RESTRICTED) if share.lot == "R-OTHER")
	assert other.skip.scope_problem == "customer_not_in_scope" and other.promisable == 0


def test_expiry_is_judged_on_the_date_given_and_the_expiry_date_itself_is_still_usable():
	stock = [lot("A", 10, expires_in=0)]
	assert promise(stock, ON).promisable == 10
	assert promise(stock, ON + timedelta(days=1)).total(EXPIRED_AT_DATE) == 10


def test_short_only_for_the_requirement_that_applies():
	stock = [lot("A", 10, expires_in=45)]
	assert promise(stock, ON, Requirement((days(45),))).promisable == 10
	assert promise(stock, ON, Requirement((days(46),))).total(SHORT) == 10


def test_older_than_the_customers_last_lot_is_short():
	stock = [lot("OLD", 5, made_days_ago=50), lot("NEW", 7, made_days_ago=5)]
	result = promise(stock, ON, Requirement(not_older_than=ON - timedelta(days=10)))
	assert result.total(SHORT) == 5 and result.promisable == 7


def test_quarantine_warehouse_wins_over_every_status():
	stock = [lot("A", 10, status="Quarantined", warehouse="Q", in_quarantine=True, expires_in=-5)]
	assert promise(stock, ON).total(IN_QUARANTINE) == 10


def test_restricted_is_promisable_only_to_a_customer_in_scope_and_within_its_cap():
	scope = Scope(customers=frozenset({"Mine"}), cap=30, used=10)
	stock = [lot("R", 15, status="Restricted", scope=scope), lot("R", 15, "Restricted", "W2", scope=scope)]
	assert promise(stock, ON).promisable == 0  # no customer named
	result = promise(stock, ON, use=for_customer("Mine"))
	assert result.total(RESTRICTED) == 30
	assert result.promisable == 20  # what is left of the cap, across both warehouses


def test_customer_group_in_scope():
	scope = Scope(customer_groups=frozenset({"Retail"}))
	stock = [lot("R", 9, status="Restricted", scope=scope)]
	assert promise(stock, ON, use=for_customer("Shop", {"Shop Group", "Retail"})).promisable == 9


def test_a_lapsed_scope_is_held():
	scope = Scope(customers=frozenset({"Mine"}), valid_until=ON - timedelta(days=1))
	result = promise([lot("R", 9, status="Restricted", scope=scope)], ON, use=for_customer("Mine"))
	assert result.total(HELD) == 9 and result.promisable == 0


def test_reservations_of_held_stock_are_not_subtracted_again():
	result = promise([lot("Q", 10, status="Quarantined")], ON, reserved={("Q", "W1"): 10})
	assert result.total(HELD) == 10 and result.total(RESERVED) == 0


def test_reserved_beyond_the_stock_never_makes_promisable_negative():
	result = promise([lot("A", 10)], ON, reserved={("A", "W1"): 50})
	assert result.total(RESERVED) == 10 and result.promisable == 0


def test_reservations_naming_no_lot_take_the_earliest_expiry_first_and_count_what_is_not_covered():
	stock = [lot("LATE", 10, expires_in=300), lot("EARLY", 10, expires_in=100)]
	result = promise(stock, ON, reserved_unassigned={"W1": 15, "W2": 4})
	reserved = Counter()
	for share in result.of_class(RESERVED):
		reserved[share.lot] += share.qty
	assert reserved == {"EARLY": 10, "LATE": 5}
	assert result.promisable == 5
	assert result.unbacked_reserved == 4


def test_reservations_naming_no_lot_take_usable_stock_before_a_restricted_lot_in_scope():
	scope = Scope(customers=frozenset({"Mine"}))
	stock = [lot("R", 10, status="Restricted", expires_in=10, scope=scope), lot("U", 10, expires_in=300)]
	result = promise(stock, ON, use=for_customer("Mine"), reserved_unassigned={"W1": 12})
	reserved = Counter()
	for share in result.of_class(RESERVED):
		reserved[share.lot] += share.qty
	assert reserved == {"U": 10, "R": 2}
	assert result.promisable == 8 and result.total(RESTRICTED) == 8


def test_reservations_naming_no_lot_leave_a_restricted_lot_out_of_scope_alone():
	scope = Scope(customers=frozenset({"Other"}))
	stock = [lot("R", 10, status="Restricted", scope=scope), lot("U", 4)]
	result = promise(stock, ON, use=for_customer("Mine"), reserved_unassigned={"W1": 6})
	assert result.total(RESERVED) == 4 and result.total(RESTRICTED) == 10
	assert result.unbacked_reserved == 2


def test_negative_balances_are_not_stock():
	assert promise([lot("NEG", -5), lot("A", 3)], ON).on_hand == 3


# Property: every unit in exactly one class, against a unit-by-unit reference -----------------------


def reference(stock, on_date, minimum, not_older_than, customer, reserved, unassigned):
	"""Classify unit by unit, from the rules as the spec states them."""
	units = []  # [lot, warehouse, class, candidate]
	for c in stock:
		for i in range(int(c.qty)):
			scope = c.scope
			if c.in_quarantine:
				klass = IN_QUARANTINE
			elif Movement.SHIPMENT not in c.status.allowed or (
				scope and scope.valid_until and on_date > scope.valid_until
			):
				klass = HELD
			elif c.expiry_date and on_date > c.expiry_date:
				klass = EXPIRED_AT_DATE
			elif (minimum and c.expiry_date and (c.expiry_date - on_date).days < minimum) or (
				not_older_than and c.manufacturing_date < not_older_than
			):
				klass = SHORT
			elif i < reserved.get((c.lot, c.warehouse), 0):
				klass = RESERVED
			else:
				klass = None
			units.append([c.lot, c.warehouse, klass, c])

	def in_scope(c):
		s = c.scope
		return s is None or (customer in s.customers and (s.cap is None or s.cap - s.used > 0))

	for warehouse, wanted in unassigned.items():
		open_units = [u for u in units if u[1] == warehouse and u[2] is None and in_scope(u[3])]
		open_units.sort(
			key=lambda u: (
				u[3].scope is not None,
				u[3].expiry_date or date.max,
				u[3].manufacturing_date,
				u[0],
			)
		)
		for u in open_units[:wanted]:
			u[2] = RESERVED
	promisable = Counter()
	for u in units:
		if u[2] is None:
			u[2] = USABLE if u[3].scope is None else RESTRICTED
			if u[2] == USABLE or in_scope(u[3]):
				promisable[u[0]] += 1
	for name in promisable:
		scope = next(c.scope for c in stock if c.lot == name)
		if scope and scope.cap is not None:
			promisable[name] = min(promisable[name], max(0, scope.cap - scope.used))
	return units, promisable


def candidates_strategy():
	scopes = st.one_of(
		st.none(),
		st.builds(
			Scope,
			customers=st.sets(st.sampled_from(["C1", "C2"])).map(frozenset),
			cap=st.one_of(st.none(), st.integers(0, 30).map(float)),
			used=st.integers(0, 10).map(float),
			valid_until=st.one_of(st.none(), st.integers(-3, 3).map(lambda d: ON + timedelta(days=d))),
		),
	)

	def build(name, qty, status, warehouse, expires_in, made, scope, in_quarantine):
		restricted = scope is not None
		return Candidate(
			lot=name,
			warehouse=warehouse,
			qty=float(qty),
			status=S["Restricted"] if restricted else S[status],
			expiry_date=ON + timedelta(days=expires_in) if expires_in is not None else None,
			manufacturing_date=ON - timedelta(days=made),
			scope=scope,
			in_quarantine=in_quarantine,
		)

	lots = st.builds(
		build,
		st.sampled_from(["A", "B", "C", "D"]),
		st.integers(-3, 20),
		st.sampled_from(["Approved", "Quarantined", "Pending Inspection", "Recalled"]),
		st.sampled_from(["W1", "W2", "Q"]),
		st.one_of(st.none(), st.integers(-10, 90)),
		st.integers(1, 200),
		scopes,
		st.booleans(),
	)
	# one lot has one status and scope: keep the first row of each lot's figures, vary only the place
	return st.lists(lots, max_size=10).map(_consistent)


def _consistent(rows):
	first, seen, out = {}, set(), []
	for row in rows:
		base = first.setdefault(row.lot, row)
		if (row.lot, row.warehouse) in seen:
			continue
		seen.add((row.lot, row.warehouse))
		out.append(
			Candidate(
				row.lot,
				row.warehouse,
				row.qty,
				base.status,
				base.expiry_date,
				base.manufacturing_date,
				scope=base.scope,
				in_quarantine=row.warehouse == "Q",
			)
		)
	return out


@given(
	candidates_strategy(),
	st.sampled_from([None, 10, 45]),
	st.sampled_from([None, 50]),
	st.sampled_from([None, "C1"]),
	st.dictionaries(
		st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.sampled_from(["W1", "W2", "Q"])),
		st.integers(0, 25),
	),
	st.dictionaries(st.sampled_from(["W1", "W2"]), st.integers(0, 25)),
)
@settings(max_examples=400, deadline=None)
def test_every_unit_falls_in_exactly_one_class_as_the_reference_says(
	stock, minimum, older_days, customer, reserved, unassigned
):
	not_older_than = ON - timedelta(days=older_days) if older_days else None
	requirement = Requirement((days(minimum),) if minimum else (), not_older_than)
	result = promise(
		stock,
		ON,
		requirement,
		for_customer(customer) if customer else None,
		{key: float(qty) for key, qty in reserved.items()},
		{key: float(qty) for key, qty in unassigned.items()},
	)
	units, promisable = reference(stock, ON, minimum, not_older_than, customer, reserved, unassigned)
	expected = Counter((lot, warehouse, klass) for lot, warehouse, klass, _c in units)
	found = defaultdict(float)
	for share in result.shares:
		found[(share.lot, share.warehouse, share.klass)] += share.qty
	assert {key: qty for key, qty in found.items() if qty} == pytest.approx(dict(expected))
	assert result.on_hand == pytest.approx(sum(max(0, c.qty) for c in stock))
	assert sum(result.total(klass) for klass in CLASSES) == pytest.approx(result.on_hand)
	by_lot = defaultdict(float)
	for share in result.shares:
		by_lot[share.lot] += share.promisable
	assert {k: v for k, v in by_lot.items() if v} == pytest.approx({k: v for k, v in promisable.items() if v})
	assert 0 <= result.promisable <= result.total(USABLE) + result.total(RESTRICTED) + 1e-9
	on_hand_open = result.total(USABLE) + result.total(RESERVED) + result.total(RESTRICTED)
	assert result.promisable >= result.total(USABLE) - 1e-9
	assert result.promisable <= on_hand_open - result.total(RESERVED) + 1e-9
