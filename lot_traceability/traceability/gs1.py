"""GS1 element strings for lots: build them for labels, parse them from scans.

A GS1 element string is a run of *element strings*, each an Application Identifier (AI) followed
by its data. This module handles the AIs a lot label needs:

=========  ======================  =============================================================
AI         data                    rule
=========  ======================  =============================================================
(01)       GTIN                    14 digits, the last one the GS1 mod-10 check digit
(10)       batch or lot            1 to 20 characters of GS1 AI encodable character set 82
(11)       production date         YYMMDD
(15)       best before date        YYMMDD
(17)       expiration date         YYMMDD
(21)       serial number           1 to 20 characters of character set 82
(30)       variable count          1 to 8 digits
(37)       count of trade items    1 to 8 digits
(310n)     net weight in kg        6 digits, the last n of them decimals (n = 0 … 5)
=========  ======================  =============================================================

Two forms of the same data are understood and produced:

* the human-readable form (HRI) printed under a barcode, each AI in parentheses:
  ``(01)09506000134352(17)260531(10)ABC123``. Character set 82 contains ``(``, so a ``(`` inside
  a lot or serial number is written ``\\(`` in this form, as in GS1's bracketed AI syntax;
* the raw form carried in a GS1-128, GS1 DataMatrix or GS1 QR Code symbol and passed on by a
  scanner. The element strings are concatenated without parentheses. Element strings of
  predefined length ((01), (11), (15), (17), (310n): GS1 General Specifications 7.8, the table of
  element strings with predefined length) need nothing after them; every other element string is
  followed by the FNC1 separator, transmitted as GS (ASCII 29, ``"\\x1d"``), unless it is the
  last one. A scanner may put a symbology identifier in front (``]C1`` GS1-128, ``]d2`` GS1
  DataMatrix, ``]Q3`` GS1 QR Code) and some send a leading GS for the symbol's first FNC1; both
  are accepted and dropped. GS1 says a predefined-length element string SHOULD NOT be followed
  by a separator; one there, or at the very end, is tolerated when reading, and :func:`build`
  never writes one.

Dates (GS1 General Specifications 3.4.2–3.4.6 and 7.12):

* YYMMDD with MM 01–12 and DD a day of that month. DD may be ``00`` when only the year and month
  are known. For the expiration date (17) GS1 says such a date SHALL be read as the last day of
  that month, leap years included (``240200`` is 29 February 2024); the best before date (15), the
  other "use until" date, is read the same way. GS1 gives no reading for a production date (11)
  with day 00; it is read here as the first day of the month, the earliest the lot can have been
  made, so a shelf life counted from it never ends later than the true one.
  :attr:`Gs1Data.month_only` records which dates came as YYMM00, so that they are written back
  that way.
* The century: a two-digit year YY is the year within 49 years before and 50 years after the
  current year (7.12: a difference YY − current YY of 51…99 means the previous century, −99…−50
  the next one). With 2025 as the current year, ``75`` is 2075 and ``76`` is 1976. Both
  :func:`parse` and :func:`build` take the current year as ``today`` (a date or a year) so that
  the result does not depend on the day the code runs; it defaults to today.

The module checks the syntax and the values of each element string. It does not check GS1's
rules about which AIs must or must not appear together (for instance that (37) belongs with (02),
which this module does not handle, and not with (01)).

Every problem with the input, whatever it is, raises :class:`Gs1Error`, a ``ValueError`` whose
message names the problem and, when one element string is at fault, its AI (also in ``.ai``).
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = [
	"CSET82",
	"GS",
	"SYMBOLOGY_IDENTIFIERS",
	"Gs1Data",
	"Gs1Error",
	"build",
	"gtin_check_digit",
	"is_valid_gtin",
	"normalize_gtin",
	"parse",
	"to_human",
	"to_raw",
]

GS = "\x1d"
"""The FNC1 field separator as transmitted by a scanner: ASCII 29, group separator."""

CSET82 = frozenset("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
"""GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1)."""

SYMBOLOGY_IDENTIFIERS = {"]C1": "GS1-128", "]d2": "GS1 DataMatrix", "]Q3": "GS1 QR Code"}
"""Symbology identifiers (ISO/IEC 15424) of the GS1 symbols whose scans :func:`parse` accepts."""

_DIGITS = frozenset("0123456789")
_GTIN_LENGTHS = (8, 12, 13, 14)
_MAX_COUNT = 99_999_999
_MAX_WEIGHT_DECIMALS = 5

# The first two digits of an AI fix its length; this table is used only to name, in an error, an AI
# this module does not handle.
_AI_LENGTH_BY_PREFIX = {
	**{prefix: 3 for prefix in ("23", "24", "25", "40", "41", "42", "71")},
	**{
		prefix: 4 for prefix in ("31", "32", "33", "34", "35", "36", "39", "43", "70", "72", "80", "81", "82")
	},
}


class Gs1Error(ValueError):
	"""A GS1 element string, or data to build one, that breaks a GS1 rule.

	``ai`` is the Application Identifier concerned (``"17"``, ``"3103"``), or None when the
	problem is not with one element string (empty input, an unknown symbology identifier).
	"""

	def __init__(self, message: str, ai: str | None = None):
		super().__init__(f"AI ({ai}): {message}" if ai is not None else message)
		self.ai = ai


@dataclass(frozen=True)
class Gs1Data:
	"""The data of a lot's GS1 element string; a field left None is not encoded.

	``gtin`` is the 14-digit GTIN as read (GTIN-8, -12 and -13 are accepted by :func:`build` and
	written with leading zeros). ``count`` is AI (30), ``trade_item_count`` AI (37).
	``net_weight_kg`` is a ``Decimal`` whose exponent gives the number of decimals written in
	(310n): ``Decimal("1.890")`` is written as (3103)001890, ``Decimal("1.89")`` as (3102)000189.
	``month_only`` holds the names of the date fields (``"expiry"``, ``"best_before"``,
	``"production_date"``) given as YYMM00; see the module documentation for the day each is read
	as.
	"""

	gtin: str | None = None
	lot: str | None = None
	expiry: date | None = None
	production_date: date | None = None
	best_before: date | None = None
	serial: str | None = None
	count: int | None = None
	trade_item_count: int | None = None
	net_weight_kg: Decimal | None = None
	month_only: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Ai:
	code: str
	field: str
	kind: str  # "gtin", "text", "date", "count" or "weight"
	length: int | None = None  # the data's length when the AI has a predefined length
	max_length: int | None = None  # the longest data when it has not

	@property
	def predefined_length(self) -> bool:
		return self.length is not None


_AIS = {
	ai.code: ai
	for ai in (
		_Ai("01", "gtin", "gtin", length=14),
		_Ai("11", "production_date", "date", length=6),
		_Ai("15", "best_before", "date", length=6),
		_Ai("17", "expiry", "date", length=6),
		*(_Ai(f"310{n}", "net_weight_kg", "weight", length=6) for n in range(_MAX_WEIGHT_DECIMALS + 1)),
		_Ai("10", "lot", "text", max_length=20),
		_Ai("21", "serial", "text", max_length=20),
		_Ai("30", "count", "count", max_length=8),
		_Ai("37", "trade_item_count", "count", max_length=8),
	)
}
# build() writes the predefined-length element strings first, so that only variable-length ones
# need a separator.
_FIELD_ORDER = (
	"gtin",
	"production_date",
	"best_before",
	"expiry",
	"net_weight_kg",
	"lot",
	"serial",
	"count",
	"trade_item_count",
)
_AI_BY_FIELD = {ai.field: ai for ai in _AIS.values() if ai.kind != "weight"}
_DATE_FIELDS = {ai.field: ai for ai in _AIS.values() if ai.kind == "date"}
_END_OF_MONTH_FIELDS = frozenset({"expiry", "best_before"})


# ---------------------------------------------------------------- GTIN


def gtin_check_digit(digits: str) -> int:
	"""The GS1 mod-10 check digit for ``digits``, a GTIN without its check digit (7, 11, 12 or 13
	digits; any length works, as for SSCCs).

	From the right, the digits are weighted 3, 1, 3, 1, …; the check digit brings the weighted sum
	up to a multiple of ten.
	"""
	if not isinstance(digits, str) or not digits or not _DIGITS.issuperset(digits):
		raise Gs1Error(f"a check digit is computed over digits, not {digits!r}")
	total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
	return -total % 10


def is_valid_gtin(code: object) -> bool:
	"""Whether ``code`` is a GTIN-8, -12, -13 or -14 (a string of digits) with a correct check digit."""
	return (
		isinstance(code, str)
		and len(code) in _GTIN_LENGTHS
		and _DIGITS.issuperset(code)
		and gtin_check_digit(code[:-1]) == int(code[-1])
	)


def normalize_gtin(code: str) -> str:
	"""The GTIN-14 form of a GTIN-8, -12, -13 or -14: padded on the left with zeros, which leaves
	the check digit unchanged."""
	if not isinstance(code, str):
		raise Gs1Error(f"a GTIN is a string of digits, not {type(code).__name__}", "01")
	if not _DIGITS.issuperset(code):
		raise Gs1Error(f"a GTIN has only digits: {code!r}", "01")
	if len(code) not in _GTIN_LENGTHS:
		raise Gs1Error(f"a GTIN has 8, 12, 13 or 14 digits, not {len(code)}: {code!r}", "01")
	if not is_valid_gtin(code):
		expected = gtin_check_digit(code[:-1])
		raise Gs1Error(f"wrong check digit in GTIN {code}: {code[-1]}, expected {expected}", "01")
	return code.zfill(14)


def first_gtin(codes) -> str | None:
	"""The GTIN-14 form of the first code that is a valid GTIN-8/12/13/14 (an item's barcodes, in
	their order), or None."""
	for code in codes or ():
		if code and is_valid_gtin(code.strip()):
			return normalize_gtin(code.strip())
	return None


# ---------------------------------------------------------------- the current year and dates


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


# ---------------------------------------------------------------- scanning element strings


def _unknown_ai(text: str, pos: int, offset: int) -> Gs1Error:
	length = _AI_LENGTH_BY_PREFIX.get(text[pos : pos + 2], 2)
	code = text[pos : pos + length]
	digits = len(code) - len(code.lstrip("0123456789"))
	if digits == 0:
		found = "the end" if pos >= len(text) else repr(text[pos])
		return Gs1Error(f"expected an application identifier at position {pos + offset}, found {found}")
	if digits < len(code) or len(code) < length:
		return Gs1Error(f"incomplete application identifier at position {pos + offset}", code[:digits])
	return Gs1Error("unknown or unsupported application identifier", code)


def _match_ai(text: str, pos: int, offset: int) -> _Ai:
	for length in (2, 3, 4):
		ai = _AIS.get(text[pos : pos + length])
		if ai is not None:
			return ai
	raise _unknown_ai(text, pos, offset)


def _scan_raw(body: str, offset: int) -> list[tuple[_Ai, str]]:
	elements = []
	pos = 0
	while pos < len(body):
		ai = _match_ai(body, pos, offset)
		pos += len(ai.code)
		if ai.predefined_length:
			value = body[pos : pos + ai.length]
			if len(value) < ai.length or GS in value:
				got = len(value.split(GS)[0])
				raise Gs1Error(f"must have exactly {ai.length} digits of data, found {got}", ai.code)
			pos += ai.length
			if body[pos : pos + 1] == GS:
				pos += 1
		else:
			end = body.find(GS, pos)
			if end == -1:
				end = len(body)
			value = body[pos:end]
			pos = end + 1
		elements.append((ai, value))
	return elements


def _scan_human(text: str) -> list[tuple[_Ai, str]]:
	elements = []
	pos = 0
	while pos < len(text):
		if text[pos] != "(":
			raise Gs1Error(
				f"expected '(' and an application identifier at position {pos}, found {text[pos]!r}"
			)
		close = text.find(")", pos + 1)
		if close == -1:
			raise Gs1Error(f"the '(' at position {pos} is not closed")
		code = text[pos + 1 : close]
		ai = _AIS.get(code)
		if ai is None:
			shown = code if len(code) <= 10 else code[:10] + "…"
			raise Gs1Error("unknown or unsupported application identifier", shown)
		pos = close + 1
		chars = []
		while pos < len(text) and text[pos] != "(":
			if text.startswith("\\(", pos):
				chars.append("(")
				pos += 2
			else:
				chars.append(text[pos])
				pos += 1
		elements.append((ai, "".join(chars)))
	return elements


def _scan(text: object) -> list[tuple[_Ai, str]]:
	if not isinstance(text, str):
		raise Gs1Error(f"a GS1 element string is text, not {type(text).__name__}")
	body = text
	offset = 0
	if body.startswith("]"):
		identifier = body[:3]
		if identifier not in SYMBOLOGY_IDENTIFIERS:
			known = ", ".join(SYMBOLOGY_IDENTIFIERS)
			raise Gs1Error(f"unsupported symbology identifier {identifier!r} (accepted: {known})")
		body = body[3:]
		offset += 3
	if body.startswith(GS):
		body = body[1:]
		offset += 1
	if not body:
		raise Gs1Error("empty GS1 element string")
	elements = _scan_human(body) if body.startswith("(") and offset == 0 else _scan_raw(body, offset)
	seen: dict[str, str] = {}
	for ai, _value in elements:
		if ai.field in seen:
			if seen[ai.field] == ai.code:
				raise Gs1Error("appears more than once", ai.code)
			raise Gs1Error(f"the net weight is already given by ({seen[ai.field]})", ai.code)
		seen[ai.field] = ai.code
	return elements


# ---------------------------------------------------------------- values


def _check_data(ai: _Ai, value: str) -> None:
	"""Length and character set of one element string's data."""
	if ai.predefined_length:
		if len(value) != ai.length:
			raise Gs1Error(f"must have exactly {ai.length} digits of data, found {len(value)}", ai.code)
	elif not value:
		raise Gs1Error("has no data", ai.code)
	elif len(value) > ai.max_length:
		raise Gs1Error(f"must have at most {ai.max_length} characters of data, found {len(value)}", ai.code)
	allowed, what = (CSET82, "GS1 character set 82") if ai.kind == "text" else (_DIGITS, "digits")
	for position, char in enumerate(value):
		if char not in allowed:
			raise Gs1Error(
				f"character {char!r} at data position {position} is not allowed: only {what}", ai.code
			)


def _decode(elements: list[tuple[_Ai, str]], current_year: int) -> Gs1Data:
	fields: dict[str, object] = {}
	month_only = set()
	for ai, value in elements:
		_check_data(ai, value)
		if ai.kind == "gtin":
			fields[ai.field] = normalize_gtin(value)
		elif ai.kind == "date":
			fields[ai.field], without_day = _decode_date(ai, value, current_year)
			if without_day:
				month_only.add(ai.field)
		elif ai.kind == "count":
			fields[ai.field] = int(value)
		elif ai.kind == "weight":
			fields[ai.field] = Decimal(int(value)).scaleb(-int(ai.code[3]))
		else:
			fields[ai.field] = value
	return Gs1Data(**fields, month_only=frozenset(month_only))


def _encode_field(field: str, value: object, month_only: frozenset, current_year: int) -> tuple[str, str]:
	if field == "net_weight_kg":
		return _encode_weight(value)
	ai = _AI_BY_FIELD[field]
	if ai.kind == "gtin":
		return ai.code, normalize_gtin(value)
	if ai.kind == "date":
		return ai.code, _encode_date(ai, value, field in month_only, current_year)
	if ai.kind == "count":
		if isinstance(value, bool) or not isinstance(value, int):
			raise Gs1Error(f"{field} must be an int, not {type(value).__name__}", ai.code)
		if not 0 <= value <= _MAX_COUNT:
			raise Gs1Error(f"{field} must be from 0 to {_MAX_COUNT}, not {value}", ai.code)
		return ai.code, str(value)
	if not isinstance(value, str):
		raise Gs1Error(f"{field} must be a str, not {type(value).__name__}", ai.code)
	_check_data(ai, value)
	return ai.code, value


def _join(elements: list[tuple[str, str]], raw: bool) -> str:
	parts = []
	for i, (code, value) in enumerate(elements):
		if raw:
			last = i == len(elements) - 1
			parts.append(code + value + ("" if last or _AIS[code].predefined_length else GS))
		else:
			parts.append(f"({code})" + value.replace("(", "\\("))
	return "".join(parts)


# ---------------------------------------------------------------- public API


def parse(text: str, today: date | int | None = None) -> Gs1Data:
	"""Read a GS1 element string in either form (see the module documentation).

	``today`` (a date or a year, default today) sets the current year for the century of YYMMDD
	dates. Raises :class:`Gs1Error` for anything that is not a valid element string of the AIs
	handled here.
	"""
	current_year = _current_year(today)
	return _decode(_scan(text), current_year)


def build(data: Gs1Data, raw: bool = False, today: date | int | None = None) -> str:
	"""Write ``data`` as a GS1 element string: human-readable with parentheses, or with
	``raw=True`` the raw form to encode in a GS1 barcode.

	The element strings come in a fixed order: first those of predefined length ((01), (11), (15),
	(17), (310n)), then the variable-length ones ((10), (21), (30), (37)), so that the raw form
	needs a GS separator only between variable-length element strings. ``today`` sets the current
	year: a date whose year a GS1 reader would not read back from YY (49 years back to 50 ahead)
	raises :class:`Gs1Error`.

	For any ``x`` that :func:`build` produced, ``build(parse(x)) == x`` in the same form and with
	the same current year.
	"""
	if not isinstance(data, Gs1Data):
		raise Gs1Error(f"build takes a Gs1Data, not {type(data).__name__}")
	current_year = _current_year(today)
	try:
		month_only = frozenset(data.month_only)
	except TypeError:
		raise Gs1Error(f"month_only is a set of field names, not {data.month_only!r}") from None
	unknown = month_only - set(_DATE_FIELDS)
	if unknown:
		raise Gs1Error(f"month_only names fields that are not dates: {', '.join(sorted(map(repr, unknown)))}")
	for field in month_only:
		if getattr(data, field) is None:
			raise Gs1Error(f"month_only names {field}, which is not given", _DATE_FIELDS[field].code)
	elements = [
		_encode_field(field, getattr(data, field), month_only, current_year)
		for field in _FIELD_ORDER
		if getattr(data, field) is not None
	]
	if not elements:
		raise Gs1Error("nothing to encode: every field of the Gs1Data is empty")
	return _join(elements, raw)


def _convert(text: str, raw: bool, today: date | int | None) -> str:
	current_year = _current_year(today)
	elements = _scan(text)
	_decode(elements, current_year)
	return _join([(ai.code, value) for ai, value in elements], raw)


def to_raw(text: str, today: date | int | None = None) -> str:
	"""The raw form of a valid GS1 element string, its element strings in the order given.

	A symbology identifier and a leading GS are dropped. ``today`` is used to check the dates (only
	29 February depends on the century).
	"""
	return _convert(text, True, today)


def to_human(text: str, today: date | int | None = None) -> str:
	"""The human-readable form of a valid GS1 element string, its element strings in the order given."""
	return _convert(text, False, today)
