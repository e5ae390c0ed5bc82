"""Element strings scanned, checked, read and written (pure): `parse`, `build`, `to_raw`, `to_human`."""

from datetime import date
from decimal import Decimal

from lot_traceability.traceability.gs1.ais import (
	_AI_BY_FIELD,
	_AI_LENGTH_BY_PREFIX,
	_AIS,
	_DATE_FIELDS,
	_DIGITS,
	_FIELD_ORDER,
	_MAX_COUNT,
	CSET82,
	GS,
	SYMBOLOGY_IDENTIFIERS,
	Gs1Data,
	Gs1Error,
	_Ai,
)
from lot_traceability.traceability.gs1.gtin import normalize_gtin
from lot_traceability.traceability.gs1.values import _current_year, _decode_date, _encode_date, _encode_weight


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
