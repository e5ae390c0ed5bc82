"""Dates and net weights in element strings (pure): YYMMDD with its century and the days of month-only
dates, (310n) weights with their decimals."""

import calendar
from datetime import date
from decimal import Decimal

from lot_traceability.traceability.gs1.ais import _END_OF_MONTH_FIELDS, _MAX_WEIGHT_DECIMALS, Gs1Error, _Ai


def _current_year(today: date | int | None) -> int:
	if today is None:
		return date.today().year
	year = today.year if isinstance(today, date) else today
	if not isinstance(year, int) or isinstance(year, bool) or not 100 <= year <= 9899:
		raise Gs1Error(f"today must be a date or a year between 100 and 9899, not {today!r}")
	return year


def _full_year(yy: int, current_year: int) -> int:
	"""The year ending in ``yy`` between ``current_year`` − 49 and ``current_year`` + 50 (GS1 7.12)."""
	earliest = current_year - 49
	return earliest + (yy - earliest) % 100


def _month_only_day(field: str, year: int, month: int) -> int:
	return calendar.monthrange(year, month)[1] if field in _END_OF_MONTH_FIELDS else 1


def _decode_date(ai: _Ai, value: str, current_year: int) -> tuple[date, bool]:
	yy, month, day = int(value[:2]), int(value[2:4]), int(value[4:])
	if not 1 <= month <= 12:
		raise Gs1Error(f"month {value[2:4]} does not exist (date {value})", ai.code)
	year = _full_year(yy, current_year)
	if day == 0:
		return date(year, month, _month_only_day(ai.field, year, month)), True
	last_day = calendar.monthrange(year, month)[1]
	if day > last_day:
		raise Gs1Error(f"day {value[4:]} does not exist in {year}-{month:02d} (date {value})", ai.code)
	return date(year, month, day), False


def _encode_date(ai: _Ai, value: object, month_only: bool, current_year: int) -> str:
	if not isinstance(value, date):
		raise Gs1Error(f"{ai.field} must be a date, not {type(value).__name__}", ai.code)
	value = date(value.year, value.month, value.day)
	earliest, latest = current_year - 49, current_year + 50
	if not earliest <= value.year <= latest:
		raise Gs1Error(
			f"{ai.field} {value.isoformat()} cannot be written as YYMMDD: in {current_year} a two-digit "
			f"year is read as a year from {earliest} to {latest}",
			ai.code,
		)
	day = value.day
	if month_only:
		expected = _month_only_day(ai.field, value.year, value.month)
		if day != expected:
			which = "last" if ai.field in _END_OF_MONTH_FIELDS else "first"
			raise Gs1Error(
				f"{ai.field} {value.isoformat()} is given as month only (DD 00), which is read as the "
				f"{which} day of the month, {value.replace(day=expected).isoformat()}",
				ai.code,
			)
		day = 0
	return f"{value.year % 100:02d}{value.month:02d}{day:02d}"


# ---------------------------------------------------------------- net weight


def _encode_weight(value: object) -> tuple[str, str]:
	"""The AI (310n) and its six digits for a weight in kg, with as many decimals as the value has
	(trailing zeros dropped only when six digits or five decimals would not hold it)."""
	if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
		raise Gs1Error(f"net_weight_kg must be a number, not {type(value).__name__}", "310n")
	number = value if isinstance(value, Decimal) else Decimal(str(value))
	if not number.is_finite() or number < 0:
		raise Gs1Error(f"net weight must be a finite number of kg, at least 0, not {value}", "310n")
	if number >= 10**6:
		raise Gs1Error(f"net weight {value} kg does not fit in six digits", "310n")
	_sign, digits, exponent = number.as_tuple()
	coefficient = int("".join(map(str, digits)))
	decimals = min(max(0, -exponent), _MAX_WEIGHT_DECIMALS)
	shift = exponent + decimals  # units = coefficient × 10^shift, computed exactly
	if coefficient == 0:
		units = 0
	elif shift >= 0:
		units = coefficient * 10**shift
	elif -shift > len(digits) or coefficient % 10**-shift:
		raise Gs1Error(f"net weight {value} kg has more than {_MAX_WEIGHT_DECIMALS} decimals", "310n")
	else:
		units = coefficient // 10**-shift
	while units >= 10**6 and decimals > 0 and units % 10 == 0:
		units //= 10
		decimals -= 1
	if units >= 10**6:
		raise Gs1Error(f"net weight {value} kg does not fit in six digits", "310n")
	return f"310{decimals}", f"{units:06d}"
