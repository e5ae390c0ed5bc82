"""The boundaries the spec states, each pinned on both sides: a lot made the same day as the last
one shipped is not older; a lot without an expiry comes after every lot with one under FEFO; a
customer return posted on the recall date is recovered, the day before it is not; a lot with the
same expiry is no FEFO departure, an earlier one is; a deviation exactly at the tolerance is within
it, a hair over is flagged."""

from datetime import date, timedelta

from lot_traceability.traceability.allocation import (
	FEFO,
	OLDER_THAN_LAST,
	Candidate,
	Request,
	Requirement,
	allocate,
	check_candidate,
)
from lot_traceability.traceability.findings import Production, bom_yield_findings, mass_balance_findings
from lot_traceability.traceability.kpis import LotFacts, Shipment, fefo_adherence
from lot_traceability.traceability.recall import LotMove, tally
from lot_traceability.traceability.statuses import DEFAULT_STATUSES

APPROVED = next(status for status in DEFAULT_STATUSES if status.name == "Approved")
TODAY = date(2026, 3, 10)


def candidate(name, made=None, expiry=None, qty=10.0):
	return Candidate(name, "W1", qty, APPROVED, expiry_date=expiry, manufacturing_date=made)


# ---------------------------------------------------------------- never older than the last lot


def test_a_lot_made_the_same_day_as_the_last_one_shipped_is_not_older():
	last = date(2026, 3, 1)
	request = Request(1, TODAY, requirement=Requirement(not_older_than=last))
	assert check_candidate(candidate("SAME", made=last, expiry=TODAY + timedelta(300)), request) is None


def test_a_lot_made_the_day_before_the_last_one_shipped_is_older():
	last = date(2026, 3, 1)
	request = Request(1, TODAY, requirement=Requirement(not_older_than=last))
	skip = check_candidate(
		candidate("EARLIER", made=last - timedelta(1), expiry=TODAY + timedelta(300)), request
	)
	assert skip is not None and skip.reason == OLDER_THAN_LAST


# ---------------------------------------------------------------- FEFO order


def test_under_fefo_a_lot_without_expiry_is_taken_after_every_lot_with_one():
	lots = [candidate("NO-EXPIRY", made=date(2025, 1, 1)), candidate("LATE", expiry=TODAY + timedelta(900))]
	picked = allocate(lots, Request(10, TODAY, policy=FEFO))
	assert [c.lot for c, _qty in picked.picks] == ["LATE"]
	picked = allocate(lots, Request(15, TODAY, policy=FEFO))
	assert [c.lot for c, _qty in picked.picks] == ["LATE", "NO-EXPIRY"]


# ---------------------------------------------------------------- recovered from the recall date on


def returned(posted):
	shipped = LotMove("L", "Delivery Note", "DN-1", date(2026, 3, 1), "W1", -10, party="C", is_selling=True)
	back = LotMove("L", "Delivery Note", "DN-R", posted, "W1", 4, party="C", is_selling=True)
	return tally([shipped, back], recall_date=TODAY)


def test_a_customer_return_posted_on_the_recall_date_is_recovered():
	rows = returned(TODAY).shipments.values()
	assert sum(row.recovered_qty for row in rows) == 4


def test_a_customer_return_posted_the_day_before_the_recall_is_not_recovered():
	rows = returned(TODAY - timedelta(1)).shipments.values()
	assert sum(row.recovered_qty for row in rows) == 0
	assert sum(row.returned_qty for row in rows) == 4  # it still nets the shipment


# ---------------------------------------------------------------- FEFO adherence


def adherence(other_expiry):
	shipped_expiry = date(2026, 6, 1)
	shipment = Shipment("SHIPPED", "I", "W1", TODAY, shipped_expiry)
	lots = [
		LotFacts("SHIPPED", "I", "W1", shipped_expiry, True, ((date(2026, 1, 1), 10.0),)),
		LotFacts("OTHER", "I", "W1", other_expiry, True, ((date(2026, 1, 1), 10.0),)),
	]
	return fefo_adherence([shipment], lots)


def test_a_lot_with_the_same_expiry_left_behind_is_no_fefo_departure():
	ratio, departures = adherence(date(2026, 6, 1))
	assert departures == [] and ratio.part == 1


def test_a_lot_expiring_a_day_earlier_left_behind_is_a_fefo_departure():
	ratio, departures = adherence(date(2026, 5, 31))
	assert [lot for _shipment, lot in departures] == ["OTHER"] and ratio.part == 0


# ---------------------------------------------------------------- tolerances


def production(consumed, made, bom_qty=None):
	return Production(
		"SE-1", ("SE-1",), "BOM-1" if bom_qty else None, 100.0, {"FLOUR": consumed}, made, ("OUT",)
	)


def test_a_mass_balance_exactly_at_the_tolerance_is_within_it():
	assert mass_balance_findings([production(100.0, 95.0)], tolerance=5.0) == []


def test_a_mass_balance_a_hair_over_the_tolerance_is_flagged():
	(finding,) = mass_balance_findings([production(100.0, 94.99)], tolerance=5.0)
	assert finding.lot == "OUT"


def test_a_bom_yield_exactly_at_the_tolerance_is_within_it_and_over_it_is_flagged():
	per_unit = {"BOM-1": {"FLOUR": 1.0}}  # 100 made: 100 expected
	assert bom_yield_findings([production(110.0, 100.0, bom_qty=True)], per_unit, tolerance=10.0) == []
	(finding,) = bom_yield_findings([production(110.01, 100.0, bom_qty=True)], per_unit, tolerance=10.0)
	assert finding.params["items"][0]["item"] == "FLOUR"


# ---------------------------------------------------------------- shelf life


def test_a_lot_is_usable_on_its_expiry_date_and_expired_the_day_after():
	from lot_traceability.traceability.shelf_life import is_expired

	assert not is_expired(TODAY, TODAY)
	assert is_expired(TODAY, TODAY + timedelta(1))


def test_a_month_shelf_life_from_a_month_end_ends_on_the_shorter_months_last_day():
	from lot_traceability.traceability.shelf_life import ShelfLife, ShelfLifeUnit, expiry_date

	assert expiry_date(date(2026, 1, 31), ShelfLife(1, ShelfLifeUnit.MONTHS)) == date(2026, 2, 28)
	assert expiry_date(date(2028, 1, 31), ShelfLife(1, ShelfLifeUnit.MONTHS)) == date(2028, 2, 29)
	assert expiry_date(date(2026, 2, 28), ShelfLife(1, ShelfLifeUnit.MONTHS)) == date(2026, 3, 28)


def test_a_minimum_remaining_shelf_life_exactly_met_is_met_a_day_short_is_not():
	from lot_traceability.traceability.shelf_life import (
		MinimumRemaining,
		RemainingUnit,
		meets_minimum_remaining,
	)

	days = MinimumRemaining(30, RemainingUnit.DAYS)
	assert meets_minimum_remaining(TODAY + timedelta(30), TODAY, days)
	assert not meets_minimum_remaining(TODAY + timedelta(29), TODAY, days)
	half = MinimumRemaining(50, RemainingUnit.PERCENT)  # 100 days of shelf life, 50 left
	made = TODAY - timedelta(50)
	assert meets_minimum_remaining(TODAY + timedelta(50), TODAY, half, made)
	assert not meets_minimum_remaining(TODAY + timedelta(49), TODAY, half, made - timedelta(1))


# ---------------------------------------------------------------- a restricted release's cap


def test_a_cap_exactly_reached_leaves_nothing_and_a_hair_below_leaves_something():
	from lot_traceability.traceability.allocation import SCOPE
	from lot_traceability.traceability.restrictions import Scope
	from lot_traceability.traceability.statuses import Movement

	restricted = next(status for status in DEFAULT_STATUSES if status.name == "Restricted")

	def offered(used):
		lot = Candidate(
			"R",
			"W1",
			50.0,
			restricted,
			expiry_date=TODAY + timedelta(300),
			scope=Scope(cap=20.0, used=used, any_production=True),
		)
		return check_candidate(lot, Request(1, TODAY, movement=Movement.ISSUE))

	skip = offered(20.0)
	assert skip is not None and skip.reason == SCOPE
	assert offered(19.5) is None
