"""The Application Identifiers a lot label needs, the data of an element string and its errors (pure; the
rules: the package's docstring)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

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
