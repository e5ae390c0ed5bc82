"""Shelf-life arithmetic.

Calendar units are calendar units: a lot made on 31 January with a shelf life of one month
expires on the last day of February (28 or 29), and a lot made on 29 February with one year
expires on 28 February of the next year. `dateutil.relativedelta` gives exactly that; a day
count would not.

A lot is usable through its expiry date and expired from the day after it.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from dateutil.relativedelta import relativedelta


class ShelfLifeUnit(str, Enum):
	DAYS = "Days"
	MONTHS = "Months"
	YEARS = "Years"


class RemainingUnit(str, Enum):
	DAYS = "Days"
	PERCENT = "% of Shelf Life"


@dataclass(frozen=True)
class ShelfLife:
	value: int
	unit: ShelfLifeUnit = ShelfLifeUnit.DAYS

	def __post_init__(self):
		object.__setattr__(self, "unit", ShelfLifeUnit(self.unit))
		if self.value < 0:
			raise ValueError(f"shelf life cannot be negative: {self.value} {self.unit.value}")

	def delta(self) -> relativedelta:
		if self.unit is ShelfLifeUnit.MONTHS:
			return relativedelta(months=self.value)
		if self.unit is ShelfLifeUnit.YEARS:
			return relativedelta(years=self.value)
		return relativedelta(days=self.value)

	def longest_days(self) -> int:
		"""The most days this shelf life can span, whatever the start date."""
		if self.unit is ShelfLifeUnit.MONTHS:
			return self.value * 31
		if self.unit is ShelfLifeUnit.YEARS:
			return self.value * 366
		return self.value


@dataclass(frozen=True)
class MinimumRemaining:
	"""How much shelf life a lot must still have on a given date (e.g. the delivery date)."""

	value: float
	unit: RemainingUnit = RemainingUnit.DAYS

	def __post_init__(self):
		object.__setattr__(self, "unit", RemainingUnit(self.unit))
		if self.value < 0:
			raise ValueError(f"minimum remaining shelf life cannot be negative: {self.value}")
		if self.unit is RemainingUnit.PERCENT and self.value > 100:
			raise ValueError(f"minimum remaining shelf life cannot exceed 100 %: {self.value}")


def expiry_date(start: date, shelf_life: ShelfLife) -> date:
	"""The last day a lot made (or received) on `start` may be used."""
	return start + shelf_life.delta()


def is_expired(expiry: date | None, on_date: date) -> bool:
	"""True from the day after the expiry date; a lot without expiry never expires."""
	return expiry is not None and on_date > expiry


def remaining_days(expiry: date, on_date: date) -> int:
	"""Days of shelf life left on `on_date` (0 on the expiry date, negative once expired)."""
	return (expiry - on_date).days


def meets_minimum_remaining(
	expiry: date | None,
	on_date: date,
	minimum: MinimumRemaining | None,
	manufacturing_date: date | None = None,
) -> bool:
	"""Whether a lot still has the required shelf life on `on_date`.

	A lot without expiry always meets it. A percentage is measured against the lot's total shelf
	life (manufacturing date to expiry); a lot whose total shelf life is unknown (no
	manufacturing date) cannot be shown to meet a percentage and does not.
	"""
	if minimum is None or expiry is None:
		return True
	left = remaining_days(expiry, on_date)
	if left < 0:
		return False
	if minimum.unit is RemainingUnit.DAYS:
		return left >= minimum.value
	if manufacturing_date is None:
		return False
	total = (expiry - manufacturing_date).days
	if total <= 0:
		return False
	return left * 100 >= minimum.value * total


def last_day_meeting(
	expiry: date, minimum: MinimumRemaining | None, manufacturing_date: date | None = None
) -> date | None:
	"""The last day on which a lot still has the required shelf life (`meets_minimum_remaining`), or
	None when no day does (a percentage of an unknown or empty total shelf life). Without a minimum it
	is the expiry date itself."""
	if minimum is None:
		return expiry
	if minimum.unit is RemainingUnit.PERCENT and (
		manufacturing_date is None or (expiry - manufacturing_date).days <= 0
	):
		return None
	total = (expiry - manufacturing_date).days if manufacturing_date else 0

	def meets(left: int) -> bool:  # the very comparison `meets_minimum_remaining` makes
		if minimum.unit is RemainingUnit.DAYS:
			return left >= minimum.value
		return left * 100 >= minimum.value * total

	needed = minimum.value if minimum.unit is RemainingUnit.DAYS else minimum.value * total / 100
	required = max(0, math.ceil(needed))
	while not meets(required):  # float rounding: settle on what the check itself decides
		required += 1
	while required > 0 and meets(required - 1):
		required -= 1
	return expiry - timedelta(days=required)
