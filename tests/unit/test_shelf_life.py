from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.shelf_life import (
	MinimumRemaining,
	RemainingUnit,
	ShelfLife,
	ShelfLifeUnit,
	expiry_date,
	is_expired,
	last_day_meeting,
	meets_minimum_remaining,
	remaining_days,
)


@pytest.mark.parametrize(
	("start", "value", "unit", "expected"),
	[
		(date(2025, 1, 31), 1, "Months", date(2025, 2, 28)),
		(date(2024, 1, 31), 1, "Months", date(2024, 2, 29)),
		(date(2025, 3, 31), 1, "Months", date(2025, 4, 30)),
		(date(2025, 8, 31), 6, "Months", date(2026, 2, 28)),
		(date(2024, 2, 29), 1, "Years", date(2025, 2, 28)),
		(date(2024, 2, 29), 4, "Years", date(2028, 2, 29)),
		(date(2023, 2, 28), 1, "Years", date(2024, 2, 28)),
		(date(2024, 2, 28), 1, "Days", date(2024, 2, 29)),
		(date(2025, 2, 28), 1, "Days", date(2025, 3, 1)),
		(date(2025, 12, 31), 1, "Days", date(2026, 1, 1)),
		(date(2025, 1, 15), 365, "Days", date(2026, 1, 15)),
		(date(2024, 1, 15), 365, "Days", date(2025, 1, 14)),
		(date(2025, 1, 15), 0, "Days", date(2025, 1, 15)),
		(date(2025, 11, 30), 3, "Months", date(2026, 2, 28)),
	],
)
def test_expiry_date_uses_calendar_units(start, value, unit, expected):
	assert expiry_date(start, ShelfLife(value, unit)) == expected


def test_month_shelf_life_is_not_a_day_count():
	# 12 months from 2024-03-01 spans 365 days, from 2023-03-01 spans 366 (leap day inside)
	assert expiry_date(date(2024, 3, 1), ShelfLife(12, "Months")) == date(2025, 3, 1)
	assert expiry_date(date(2023, 3, 1), ShelfLife(12, "Months")) == date(2024, 3, 1)


def test_negative_shelf_life_is_refused():
	with pytest.raises(ValueError, match="negative"):
		ShelfLife(-1, "Days")


def test_unknown_unit_is_refused():
	with pytest.raises(ValueError):
		ShelfLife(3, "Weeks")


def test_minimum_remaining_validates_its_value():
	with pytest.raises(ValueError):
		MinimumRemaining(-5)
	with pytest.raises(ValueError):
		MinimumRemaining(101, RemainingUnit.PERCENT)


def test_lot_is_usable_on_its_expiry_date():
	assert not is_expired(date(2025, 6, 30), date(2025, 6, 30))
	assert is_expired(date(2025, 6, 30), date(2025, 7, 1))
	assert not is_expired(None, date(2099, 1, 1))


def test_remaining_days():
	assert remaining_days(date(2025, 3, 1), date(2025, 2, 1)) == 28
	assert remaining_days(date(2024, 3, 1), date(2024, 2, 1)) == 29
	assert remaining_days(date(2025, 3, 1), date(2025, 3, 2)) == -1


def test_minimum_remaining_in_days():
	minimum = MinimumRemaining(90)
	expiry = date(2025, 12, 31)
	assert meets_minimum_remaining(expiry, expiry - timedelta(days=90), minimum)
	assert not meets_minimum_remaining(expiry, expiry - timedelta(days=89), minimum)
	assert meets_minimum_remaining(None, date(2025, 1, 1), minimum)
	assert meets_minimum_remaining(expiry, expiry, None)


def test_minimum_remaining_as_percentage_of_total_shelf_life():
	made, expiry = date(2025, 1, 1), date(2025, 1, 1) + timedelta(days=100)
	minimum = MinimumRemaining(60, "% of Shelf Life")
	assert meets_minimum_remaining(expiry, made + timedelta(days=40), minimum, made)
	assert not meets_minimum_remaining(expiry, made + timedelta(days=41), minimum, made)


def test_percentage_without_manufacturing_date_is_not_met():
	assert not meets_minimum_remaining(
		date(2030, 1, 1), date(2025, 1, 1), MinimumRemaining(10, "% of Shelf Life")
	)


def test_expired_lot_never_meets_a_zero_minimum():
	assert not meets_minimum_remaining(date(2025, 1, 1), date(2025, 1, 2), MinimumRemaining(0.0001))


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
units = st.sampled_from(list(ShelfLifeUnit))


@given(start=dates, value=st.integers(min_value=0, max_value=120), unit=units)
def test_expiry_never_before_start_and_within_longest_span(start, value, unit):
	shelf_life = ShelfLife(value, unit)
	end = expiry_date(start, shelf_life)
	assert start <= end
	assert (end - start).days <= shelf_life.longest_days()


@given(start=dates, a=st.integers(0, 60), b=st.integers(0, 60), unit=units)
def test_expiry_is_monotone_in_shelf_life(start, a, b, unit):
	low, high = sorted((a, b))
	assert expiry_date(start, ShelfLife(low, unit)) <= expiry_date(start, ShelfLife(high, unit))


@given(start=dates, months=st.integers(1, 120))
def test_month_expiry_keeps_the_day_or_clamps_to_month_end(start, months):
	end = expiry_date(start, ShelfLife(months, "Months"))
	assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
	if end.day != start.day:
		assert end.day < start.day
		assert (end + timedelta(days=1)).day == 1


@given(expiry=dates, on=dates, days=st.integers(0, 400))
def test_days_minimum_matches_remaining_days(expiry, on, days):
	assert meets_minimum_remaining(expiry, on, MinimumRemaining(days)) == (
		remaining_days(expiry, on) >= days and not is_expired(expiry, on)
	)


def test_last_day_meeting_a_minimum_in_days_on_both_sides():
	expiry = date(2026, 6, 30)
	minimum = MinimumRemaining(10)
	last = last_day_meeting(expiry, minimum)
	assert last == date(2026, 6, 20)
	assert meets_minimum_remaining(expiry, last, minimum)
	assert not meets_minimum_remaining(expiry, last + timedelta(days=1), minimum)


def test_last_day_meeting_a_percentage_on_both_sides():
	made, expiry = date(2026, 1, 1), date(2026, 4, 11)  # 100 days
	minimum = MinimumRemaining(25, RemainingUnit.PERCENT)
	last = last_day_meeting(expiry, minimum, made)
	assert last == date(2026, 3, 17)  # 25 days left: exactly a quarter
	assert meets_minimum_remaining(expiry, last, minimum, made)
	assert not meets_minimum_remaining(expiry, last + timedelta(days=1), minimum, made)


def test_last_day_meeting_without_minimum_is_the_expiry_and_unknown_percentage_is_none():
	expiry = date(2026, 6, 30)
	assert last_day_meeting(expiry, None) == expiry
	assert last_day_meeting(expiry, MinimumRemaining(20, RemainingUnit.PERCENT)) is None
	assert last_day_meeting(expiry, MinimumRemaining(20, RemainingUnit.PERCENT), expiry) is None


@given(
	st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
	st.integers(min_value=1, max_value=800),
	st.floats(min_value=0, max_value=100),
	st.booleans(),
)
def test_last_day_meeting_is_the_boundary_of_meets_minimum(made, total, value, percent):
	"""Checked against the day-by-day definition: the last day meets the minimum, the next does not."""
	expiry = made + timedelta(days=total)
	minimum = MinimumRemaining(value, RemainingUnit.PERCENT if percent else RemainingUnit.DAYS)
	last = last_day_meeting(expiry, minimum, made)
	assert last is not None
	day = expiry
	while day >= made - timedelta(days=800) and not meets_minimum_remaining(expiry, day, minimum, made):
		day -= timedelta(days=1)
	assert last == day


def test_the_longest_span_of_a_shelf_life_is_exact():
	assert ShelfLife(2, ShelfLifeUnit.MONTHS).longest_days() == 62
	assert ShelfLife(2, ShelfLifeUnit.YEARS).longest_days() == 732
	assert ShelfLife(45).longest_days() == 45


def test_a_minimum_given_by_name_is_read_as_its_unit_and_refused_in_words():
	assert MinimumRemaining(10, "Days").unit is RemainingUnit.DAYS
	assert MinimumRemaining(10, "% of Shelf Life").unit is RemainingUnit.PERCENT
	assert MinimumRemaining(100, RemainingUnit.PERCENT).value == 100  # the whole shelf life: allowed
	with pytest.raises(ValueError, match=r"cannot exceed 100 %: 100\.5"):
		MinimumRemaining(100.5, RemainingUnit.PERCENT)
	with pytest.raises(ValueError, match="cannot be negative: -1"):
		MinimumRemaining(-1)
	with pytest.raises(ValueError, match="cannot be negative: -1"):
		ShelfLife(-1)


def test_a_percentage_of_an_empty_or_one_day_shelf_life():
	day = date(2026, 6, 1)
	percent = MinimumRemaining(50, RemainingUnit.PERCENT)
	# made and expiring the same day: no shelf life to take a share of, never met
	assert not meets_minimum_remaining(day, day, percent, manufacturing_date=day)
	assert not meets_minimum_remaining(
		day, day, MinimumRemaining(0, RemainingUnit.PERCENT), manufacturing_date=day
	)
	# one day of shelf life: half of it is met on the day it was made, not on the expiry day
	made = day - timedelta(days=1)
	assert meets_minimum_remaining(day, made, percent, manufacturing_date=made)
	assert not meets_minimum_remaining(day, day, percent, manufacturing_date=made)
	assert last_day_meeting(day, percent, made) == made


def test_any_positive_percentage_however_small_needs_a_day_left():
	"""Even the smallest positive percentage is more than nothing: the lot must still have a day left,
	so the last day is the day before expiry; a zero percentage is met on the expiry date itself."""
	made, expiry = date(2026, 1, 1), date(2026, 1, 17)  # 16 days of shelf life
	tiny = MinimumRemaining(5e-324, RemainingUnit.PERCENT)  # the smallest positive float there is
	assert last_day_meeting(expiry, tiny, made) == date(2026, 1, 16)
	assert meets_minimum_remaining(expiry, date(2026, 1, 16), tiny, made)
	assert not meets_minimum_remaining(expiry, expiry, tiny, made)
	assert last_day_meeting(expiry, MinimumRemaining(0, RemainingUnit.PERCENT), made) == expiry
