"""GS1 element strings: GS1's published examples, both forms, every error kind, dates, and
properties over generated data and fuzzed input."""

import calendar
import dataclasses
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.gs1 import (
	CSET82,
	GS,
	Gs1Data,
	Gs1Error,
	build,
	gtin_check_digit,
	is_valid_gtin,
	normalize_gtin,
	parse,
	to_human,
	to_raw,
)

TODAY = 2025  # the current year for the century of YYMMDD dates in these tests

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROPERTY = settings(max_examples=300, deadline=None)


# ---------------------------------------------------------------- GS1's published examples

# The GS1 General Specifications and the GS1 DataMatrix Guideline use these element strings.
EXAMPLES = [
	(
		"(01)09506000134352(17)201225(10)ABC123",
		"01095060001343521720122510ABC123",
		Gs1Data(gtin="09506000134352", expiry=date(2020, 12, 25), lot="ABC123"),
	),
	(
		"(01)09501101530003(17)140704(10)AB-123",
		"01095011015300031714070410AB-123",
		Gs1Data(gtin="09501101530003", expiry=date(2014, 7, 4), lot="AB-123"),
	),
	(
		"(01)09521234543213(3103)000189",
		"01095212345432133103000189",
		Gs1Data(gtin="09521234543213", net_weight_kg=Decimal("0.189")),
	),
]


@pytest.mark.parametrize("gtin", ["09506000134352", "09501101530003", "09521234543213"])
def test_example_gtins_have_valid_check_digits(gtin):
	assert gtin_check_digit(gtin[:13]) == int(gtin[13])
	assert is_valid_gtin(gtin)


def test_check_digit_by_hand():
	# 0950600013435: from the right the digits are weighted 3, 1, 3, …
	# 5·3 + 3 + 4·3 + 3 + 1·3 + 0 + 0·3 + 0 + 6·3 + 0 + 5·3 + 9 + 0·3 = 78, and 78 + 2 = 80.
	assert gtin_check_digit("0950600013435") == 2


@pytest.mark.parametrize(("human", "raw", "data"), EXAMPLES)
def test_published_examples_parse_and_build_in_both_forms(human, raw, data):
	assert parse(human, today=TODAY) == data
	assert parse(raw, today=TODAY) == data
	assert build(data, today=TODAY) == human
	assert build(data, raw=True, today=TODAY) == raw
	assert to_raw(human, today=TODAY) == raw
	assert to_human(raw, today=TODAY) == human


@pytest.mark.parametrize(("human", "raw", "data"), EXAMPLES)
@pytest.mark.parametrize("prefix", ["]C1", "]d2", "]Q3", GS, "]C1" + GS, "]d2" + GS, "]Q3" + GS])
def test_scanner_prefixes_are_dropped(human, raw, data, prefix):
	assert parse(prefix + raw, today=TODAY) == data
	assert to_raw(prefix + raw, today=TODAY) == raw


def test_the_example_date_reads_in_the_century_of_its_publication():
	assert parse("(17)201225", today=2020).expiry == date(2020, 12, 25)
	assert parse("(17)140704", today=2014).expiry == date(2014, 7, 4)


# ---------------------------------------------------------------- GTIN


@pytest.mark.parametrize(
	("code", "gtin14"),
	[
		("96385074", "00000096385074"),  # GTIN-8
		("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
		("9506000134352", "09506000134352"),  # GTIN-13
		("09506000134352", "09506000134352"),  # GTIN-14
	],
)
def test_short_gtins_are_padded_to_14_digits(code, gtin14):
	assert is_valid_gtin(code)
	assert normalize_gtin(code) == gtin14
	assert build(Gs1Data(gtin=code)) == f"(01){gtin14}"
	assert parse(f"(01){gtin14}").gtin == gtin14


@pytest.mark.parametrize(
	"code",
	[
		"09506000134353",
		"0950600013435",
		"095060001343520",
		"",
		"0950600013435x",
		"９5060001343５2",
		None,
		9506000134352,
	],
)
def test_invalid_gtins(code):
	assert not is_valid_gtin(code)
	with pytest.raises(Gs1Error) as error:
		normalize_gtin(code)
	assert error.value.ai == "01"


@pytest.mark.parametrize(
	("code", "message"),
	[
		(9506000134352, "AI (01): a GTIN is a string of digits, not int"),
		("0950600013435x", "AI (01): a GTIN has only digits: '0950600013435x'"),
		("1234567", "AI (01): a GTIN has 8, 12, 13 or 14 digits, not 7: '1234567'"),
		("09506000134353", "AI (01): wrong check digit in GTIN 09506000134353: 3, expected 2"),
		("96385076", "AI (01): wrong check digit in GTIN 96385076: 6, expected 4"),
	],
)
def test_a_refused_gtin_says_why(code, message):
	"""A bad GTIN is refused naming what is wrong: its type, a non-digit, its length, or the check
	digit found and the one expected."""
	with pytest.raises(Gs1Error) as error:
		normalize_gtin(code)
	assert str(error.value) == message


def test_a_check_digit_of_non_digits_is_refused_naming_them():
	"""A check digit is refused for anything but ASCII digits, quoting what was given."""
	with pytest.raises(Gs1Error) as error:
		gtin_check_digit("12a")
	assert str(error.value) == "a check digit is computed over digits, not '12a'"


@pytest.mark.parametrize("digits", ["", "12a", "١٢٣", None])
def test_check_digit_needs_ascii_digits(digits):
	with pytest.raises(Gs1Error):
		gtin_check_digit(digits)


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.integers(0, 12), st.integers(1, 9))
@PROPERTY
def test_check_digit_catches_every_single_digit_error(body, position, change):
	gtin = body + str(gtin_check_digit(body))
	assert is_valid_gtin(gtin)
	wrong = gtin[:position] + str((int(gtin[position]) + change) % 10) + gtin[position + 1 :]
	assert not is_valid_gtin(wrong)


# ---------------------------------------------------------------- the two forms


def test_raw_form_separates_variable_length_fields_only():
	data = Gs1Data(
		gtin="09506000134352",
		production_date=date(2025, 1, 15),
		best_before=date(2026, 1, 15),
		expiry=date(2026, 5, 31),
		net_weight_kg=Decimal("1.250"),
		lot="L-1",
		serial="S1",
		count=12,
		trade_item_count=3,
	)
	raw = build(data, raw=True, today=TODAY)
	assert raw == (
		"0109506000134352" + "11250115" + "15260115" + "17260531" + "3103001250"
		"10L-1" + GS + "21S1" + GS + "3012" + GS + "373"
	)
	human = build(data, today=TODAY)
	assert human == ("(01)09506000134352(11)250115(15)260115(17)260531(3103)001250(10)L-1(21)S1(30)12(37)3")
	assert parse(raw, today=TODAY) == data == parse(human, today=TODAY)


def test_conversions_keep_the_order_given():
	assert to_raw("(10)ABC(17)260531(21)X", today=TODAY) == "10ABC" + GS + "17260531" + "21X"
	assert to_human("10ABC" + GS + "1726053121X", today=TODAY) == "(10)ABC(17)260531(21)X"
	assert parse("(10)ABC(17)260531", today=TODAY) == parse("(17)260531(10)ABC", today=TODAY)


def test_a_parenthesis_in_data_is_escaped_in_the_human_readable_form():
	data = Gs1Data(lot="A(1)", serial="((")
	assert build(data) == "(10)A\\(1)(21)\\(\\("
	assert build(data, raw=True) == "10A(1)" + GS + "21(("
	assert parse("(10)A\\(1)(21)\\(\\(") == data
	assert parse("10A(1)" + GS + "21((") == data
	assert to_human("10A(1)" + GS + "21((") == "(10)A\\(1)(21)\\(\\("


def test_closing_parenthesis_in_data_needs_no_escape():
	assert parse("(10)A)B(21)C)").lot == "A)B"


@pytest.mark.parametrize(
	"raw",
	[
		"0109506000134352" + GS + "17201225" + GS + "10ABC123",  # GS after predefined-length fields
		"01095060001343521720122510ABC123" + GS,  # GS at the very end
		"]d2" + GS + "0109506000134352" + GS + "1720122510ABC123" + GS,
	],
)
def test_superfluous_separators_are_tolerated(raw):
	assert parse(raw, today=TODAY) == EXAMPLES[0][2]
	assert to_raw(raw, today=TODAY) == EXAMPLES[0][1]


def test_full_character_set_82_round_trips():
	chars = "".join(sorted(CSET82))
	assert len(chars) == 82
	data = Gs1Data(lot=chars[:20], serial=chars[20:40])
	for raw in (False, True):
		assert parse(build(data, raw=raw)) == data


# ---------------------------------------------------------------- errors

ERRORS = [
	# (input, the AI named or None, a piece of the message)
	("", None, "empty"),
	("]d2", None, "empty"),
	(GS, None, "empty"),
	("]Q3" + GS, None, "empty"),
	("]e0" + "0109506000134352", None, "symbology identifier"),
	("]", None, "symbology identifier"),
	("(01)09506000134353", "01", "check digit"),
	("0109506000134353", "01", "check digit"),
	("(99)ABC", "99", "unknown"),
	("(240)ABC", "240", "unknown"),
	("(3106)000189", "3106", "unknown"),
	("(1)A", "1", "unknown"),
	("()A", "", "unknown"),
	("24012", "240", "unknown"),
	("99ABC", "99", "unknown"),
	("3106000189", "3106", "unknown"),
	("010950600013435231", "31", "incomplete"),
	("ABC", None, "expected an application identifier"),
	("(10)" + "A" * 21, "10", "at most 20"),
	("10" + "A" * 21, "10", "at most 20"),
	("(21)" + "1" * 21, "21", "at most 20"),
	("(30)123456789", "30", "at most 8"),
	("(37)123456789", "37", "at most 8"),
	("(10)", "10", "no data"),
	("(10)(17)260531", "10", "no data"),
	("10" + GS + "17260531", "10", "no data"),
	("(01)0950600013435", "01", "exactly 14"),
	("(01)095060001343520", "01", "exactly 14"),
	("010950600013435", "01", "exactly 14"),
	("(17)26053", "17", "exactly 6"),
	("(17)2605310", "17", "exactly 6"),
	("17260" + GS + "10ABC", "17", "exactly 6"),
	("(3103)00189", "3103", "exactly 6"),
	("(01)0950600013435x", "01", "not allowed"),
	("(17)26O531", "17", "not allowed"),
	("(30)1a", "30", "not allowed"),
	("(37)-1", "37", "not allowed"),
	("(3103)0001.9", "3103", "not allowed"),
	("(30)١٢", "30", "not allowed"),
	("(17)261301", "17", "month 13"),
	("(17)260001", "17", "month 00"),
	("(11)260532", "11", "day 32"),
	("(15)260231", "15", "day 31"),
	("(17)250229", "17", "day 29"),  # 2025 is not a leap year
	("(17)260431", "17", "day 31"),
	("(10)A B", "10", "' '"),
	("(10)A#B", "10", "'#'"),
	("(21)Ä", "21", "'Ä'"),
	("(10)A" + GS + "B", "10", "not allowed"),
	("(10)A\\B", "10", "'\\\\'"),
	("(10)A~", "10", "'~'"),
	("(10)A(10)B", "10", "more than once"),
	("10A" + GS + "10B", "10", "more than once"),
	("(17)260531(17)260531", "17", "more than once"),
	("(3102)000189(3103)000189", "3103", "already given by (3102)"),
	("(3103)000189(3103)000189", "3103", "more than once"),
	("(01", None, "not closed"),
	("(10)A(", None, "not closed"),
	("x(10)A", None, "expected an application identifier"),
	("10A" + GS + GS + "21B", None, "expected an application identifier at position 4"),
	("]d210A" + GS + GS, None, "expected an application identifier at position 7"),
]


@pytest.mark.parametrize(("text", "ai", "message"), ERRORS)
def test_invalid_element_strings_raise_gs1_error_naming_the_ai(text, ai, message):
	with pytest.raises(Gs1Error) as error:
		parse(text, today=TODAY)
	assert error.value.ai == ai
	assert message in str(error.value)
	if ai is not None:
		assert f"AI ({ai})" in str(error.value)
	else:
		assert not str(error.value).startswith("AI (")
	for convert in (to_raw, to_human):
		with pytest.raises(Gs1Error):
			convert(text, today=TODAY)


@pytest.mark.parametrize(
	("text", "message"),
	[
		("", "empty GS1 element string"),
		("ABC", "expected an application identifier at position 0, found 'A'"),
		("10A" + GS + GS + "21B", "expected an application identifier at position 4, found '\\x1d'"),
		("]d2010950600013435231", "AI (31): incomplete application identifier at position 19"),
		("99ABC", "AI (99): unknown or unsupported application identifier"),
		("(17)261301", "AI (17): month 13 does not exist (date 261301)"),
		("17260" + GS + "10ABC", "AI (17): must have exactly 6 digits of data, found 3"),
		("010950600013435", "AI (01): must have exactly 14 digits of data, found 13"),
		("(10)", "AI (10): has no data"),
		("(10)A B", "AI (10): character ' ' at data position 1 is not allowed: only GS1 character set 82"),
		("(30)1a", "AI (30): character 'a' at data position 1 is not allowed: only digits"),
		(GS + "ABC", "expected an application identifier at position 1, found 'A'"),
		("]d2" + GS + "ABC", "expected an application identifier at position 4, found 'A'"),
		(GS + "(10)A", "expected an application identifier at position 1, found '('"),
		("]d2(10)A", "expected an application identifier at position 3, found '('"),
		("]e0ABC", "unsupported symbology identifier ']e0' (accepted: ]C1, ]d2, ]Q3)"),
		("(99)ABC", "AI (99): unknown or unsupported application identifier"),
		("(1234567890)A", "AI (1234567890): unknown or unsupported application identifier"),
		("(12345678901)A", "AI (1234567890…): unknown or unsupported application identifier"),
		("(10)A(21)B(10)C", "AI (10): appears more than once"),
		("(09506000134353", "the '(' at position 0 is not closed"),
		("(10)A)(17", "the '(' at position 6 is not closed"),
		("(10)A x", "AI (10): character ' ' at data position 1 is not allowed: only GS1 character set 82"),
	],
)
def test_a_refused_scan_says_exactly_what_is_wrong_and_where(text, message):
	"""The whole message of a refused scan: the AI, the problem, and positions counted in the text
	as scanned (a symbology identifier included)."""
	with pytest.raises(Gs1Error) as error:
		parse(text, today=TODAY)
	assert str(error.value) == message


@pytest.mark.parametrize(
	("text", "message"),
	[
		(b"(10)A", "a GS1 element string is text, not bytes"),
		(["(10)A"], "a GS1 element string is text, not list"),
	],
)
def test_a_scan_that_is_not_text_is_refused_naming_its_type(text, message):
	"""A scan handed over as bytes or a list is refused, naming the type it came as."""
	with pytest.raises(Gs1Error) as error:
		parse(text)
	assert str(error.value) == message


def test_gs1_error_is_a_value_error():
	assert issubclass(Gs1Error, ValueError)


@pytest.mark.parametrize("text", [None, b"0109506000134352", 109506000134352, ["(10)A"]])
def test_input_that_is_not_text(text):
	with pytest.raises(Gs1Error, match="text"):
		parse(text)


@pytest.mark.parametrize("today", [99, 9900, "2025", 2025.0, True])
def test_today_must_be_a_date_or_a_plausible_year(today):
	with pytest.raises(Gs1Error, match="today"):
		parse("(10)A", today=today)
	with pytest.raises(Gs1Error, match="today"):
		build(Gs1Data(lot="A"), today=today)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
	("text", "field", "expected"),
	[
		("(17)260200", "expiry", date(2026, 2, 28)),
		("(17)240200", "expiry", date(2024, 2, 29)),  # leap year
		("(17)000200", "expiry", date(2000, 2, 29)),  # 2000 is a leap year (divisible by 400)
		("(17)261200", "expiry", date(2026, 12, 31)),
		("(17)260400", "expiry", date(2026, 4, 30)),
		("(15)240200", "best_before", date(2024, 2, 29)),
		("(15)251100", "best_before", date(2025, 11, 30)),
		("(11)240200", "production_date", date(2024, 2, 1)),
		("(11)251100", "production_date", date(2025, 11, 1)),
	],
)
def test_day_00_means_month_only(text, field, expected):
	data = parse(text, today=TODAY)
	assert getattr(data, field) == expected
	assert data.month_only == {field}
	assert build(data, today=TODAY) == text


def test_a_full_date_is_not_month_only():
	data = parse("(17)260531", today=TODAY)
	assert data.expiry == date(2026, 5, 31)
	assert data.month_only == frozenset()
	assert build(data, today=TODAY) == "(17)260531"


def test_month_only_must_match_the_date_when_building():
	with pytest.raises(Gs1Error, match="last day") as error:
		build(Gs1Data(expiry=date(2026, 2, 27), month_only=frozenset({"expiry"})), today=TODAY)
	assert error.value.ai == "17"
	with pytest.raises(Gs1Error, match="first day"):
		build(Gs1Data(production_date=date(2026, 2, 2), month_only=frozenset({"production_date"})))
	with pytest.raises(Gs1Error, match="not given"):
		build(Gs1Data(lot="A", month_only=frozenset({"expiry"})))
	with pytest.raises(Gs1Error, match="not dates"):
		build(Gs1Data(lot="A", expiry=date(2026, 2, 28), month_only=frozenset({"lot"})))
	with pytest.raises(Gs1Error, match="month_only"):
		build(Gs1Data(lot="A", month_only=5))
	assert build(Gs1Data(expiry=date(2026, 2, 28), month_only={"expiry"}), today=TODAY) == "(17)260200"


@pytest.mark.parametrize(
	("yy", "current_year", "year"),
	[
		(25, 2025, 2025),
		(75, 2025, 2075),  # YY − current YY = 50: this century
		(76, 2025, 1976),  # 51: the previous century
		(99, 2025, 1999),
		(0, 2025, 2000),
		(50, 2000, 2050),
		(51, 2000, 1951),
		(0, 2099, 2100),  # −99: the next century
		(48, 2099, 2148),  # −51: the next century
		(49, 2099, 2149),  # −50: the next century
		(50, 2099, 2050),  # −49: this century
		(10, 2060, 2110),  # −50: the next century
		(11, 2060, 2011),  # −49: this century
	],
)
def test_century_window(yy, current_year, year):
	assert parse(f"(17){yy:02d}0101", today=current_year).expiry == date(year, 1, 1)
	assert parse(f"(17){yy:02d}0101", today=date(current_year, 12, 31)).expiry == date(year, 1, 1)
	assert current_year - 49 <= year <= current_year + 50


def test_today_may_be_any_year_from_100_to_9899():
	"""The current year may be 100 … 9899 (99 and 9900 are refused): dates then fall in year 51 … 9949."""
	assert parse("(17)000101", today=100).expiry == date(100, 1, 1)
	assert parse("(17)510101", today=100).expiry == date(51, 1, 1)
	assert parse("(17)990101", today=9899).expiry == date(9899, 1, 1)
	assert parse("(17)491231", today=9899).expiry == date(9949, 12, 31)
	assert build(Gs1Data(expiry=date(9949, 12, 31)), today=9899) == "(17)491231"
	assert build(Gs1Data(expiry=date(51, 1, 1)), today=date(100, 6, 1)) == "(17)510101"


def test_the_current_year_defaults_to_today():
	this_year = date.today().year
	assert parse(f"(17){this_year % 100:02d}0615").expiry == date(this_year, 6, 15)


def test_29_february_depends_on_the_century():
	assert parse("(17)000229", today=2025).expiry == date(2000, 2, 29)
	with pytest.raises(Gs1Error, match="day 29"):
		parse("(17)000229", today=2060)  # 00 is 2100 then, not a leap year


def test_build_refuses_a_year_a_reader_would_put_in_another_century():
	assert build(Gs1Data(expiry=date(2075, 1, 1)), today=2025) == "(17)750101"
	with pytest.raises(Gs1Error, match="1976 to 2075") as error:
		build(Gs1Data(expiry=date(2076, 1, 1)), today=2025)
	assert error.value.ai == "17"
	with pytest.raises(Gs1Error, match="1976 to 2075"):
		build(Gs1Data(production_date=date(1975, 12, 31)), today=2025)


def test_conversions_read_dates_in_the_given_current_year():
	"""to_raw and to_human check 29 February in the century of the caller's current year, and
	refuse a current year that is not one."""
	assert to_raw("(17)000229", today=2025) == "17000229"
	assert to_human("17000229", today=2025) == "(17)000229"
	for convert in (to_raw, to_human):
		with pytest.raises(Gs1Error, match="day 29"):
			convert("17000229", today=2060)  # 00 is 2100 then, not a leap year
		with pytest.raises(Gs1Error, match="today"):
			convert("(10)A", today="2025")


def test_datetime_is_written_as_its_date():
	assert build(Gs1Data(expiry=datetime(2026, 5, 31, 13, 45)), today=TODAY) == "(17)260531"


# ---------------------------------------------------------------- building from bad data


@pytest.mark.parametrize(
	("data", "ai", "message"),
	[
		(Gs1Data(), None, "nothing to encode"),
		(Gs1Data(gtin="09506000134353"), "01", "check digit"),
		(Gs1Data(gtin="1234567"), "01", "8, 12, 13 or 14"),
		(Gs1Data(gtin=9506000134352), "01", "string"),
		(Gs1Data(lot=""), "10", "no data"),
		(Gs1Data(lot="A" * 21), "10", "at most 20"),
		(Gs1Data(lot="A B"), "10", "not allowed"),
		(Gs1Data(lot="A" + GS), "10", "not allowed"),
		(Gs1Data(lot=123), "10", "must be a str"),
		(Gs1Data(serial="é"), "21", "not allowed"),
		(Gs1Data(count=-1), "30", "from 0 to 99999999"),
		(Gs1Data(count=100_000_000), "30", "from 0 to 99999999"),
		(Gs1Data(count="12"), "30", "must be an int"),
		(Gs1Data(count=True), "30", "must be an int"),
		(Gs1Data(trade_item_count=1.5), "37", "must be an int"),
		(Gs1Data(expiry="2026-05-31"), "17", "must be a date"),
		(Gs1Data(net_weight_kg=Decimal("0.000001")), "310n", "more than 5 decimals"),
		(Gs1Data(net_weight_kg=Decimal("1000000")), "310n", "six digits"),
		(Gs1Data(net_weight_kg=Decimal("1000000.000001")), "310n", "six digits"),
		(Gs1Data(net_weight_kg=Decimal("1500000.5")), "310n", "six digits"),
		(Gs1Data(net_weight_kg=Decimal("0.0000010")), "310n", "more than 5 decimals"),
		(Gs1Data(net_weight_kg=Decimal("12345.67")), "310n", "six digits"),
		(Gs1Data(net_weight_kg=Decimal("-1")), "310n", "at least 0"),
		(Gs1Data(net_weight_kg=Decimal("NaN")), "310n", "finite"),
		(Gs1Data(net_weight_kg=float("inf")), "310n", "finite"),
		(Gs1Data(net_weight_kg="1.5"), "310n", "must be a number"),
	],
)
def test_build_rejects_invalid_data(data, ai, message):
	with pytest.raises(Gs1Error) as error:
		build(data)
	assert error.value.ai == ai
	assert message in str(error.value)


def test_build_takes_only_gs1_data():
	with pytest.raises(Gs1Error, match="Gs1Data") as error:
		build({"lot": "A"})
	assert str(error.value) == "build takes a Gs1Data, not dict"


@pytest.mark.parametrize(
	("data", "message"),
	[
		(Gs1Data(), "nothing to encode: every field of the Gs1Data is empty"),
		(Gs1Data(expiry="2026-05-31"), "AI (17): expiry must be a date, not str"),
		(Gs1Data(net_weight_kg="1.5"), "AI (310n): net_weight_kg must be a number, not str"),
		(Gs1Data(count="12"), "AI (30): count must be an int, not str"),
		(Gs1Data(lot=123), "AI (10): lot must be a str, not int"),
		(
			Gs1Data(lot="A", month_only=frozenset({"x", "lot"})),
			"month_only names fields that are not dates: 'lot', 'x'",
		),
		(
			Gs1Data(lot="A", month_only=frozenset({"expiry"})),
			"AI (17): month_only names expiry, which is not given",
		),
	],
)
def test_a_refused_label_says_exactly_what_is_wrong(data, message):
	"""The whole message when a lot's label data cannot be written: the field, the AI and the type
	that was given instead."""
	with pytest.raises(Gs1Error) as error:
		build(data, today=TODAY)
	assert str(error.value) == message


def test_counts_up_to_eight_nines_are_written():
	"""(30) and (37) take 0 … 99999999; one more is refused (see the invalid-data cases)."""
	data = Gs1Data(count=99_999_999, trade_item_count=0)
	assert build(data) == "(30)99999999(37)0"
	assert build(Gs1Data(trade_item_count=99_999_999)) == "(37)99999999"


@pytest.mark.parametrize(
	("weight", "element"),
	[
		(Decimal("0.189"), "(3103)000189"),
		(Decimal("1.890"), "(3103)001890"),
		(Decimal("1.89"), "(3102)000189"),
		(Decimal("189"), "(3100)000189"),
		(2, "(3100)000002"),
		(0.25, "(3102)000025"),
		(Decimal("1E+2"), "(3100)000100"),
		(Decimal("0.1000000"), "(3105)010000"),  # trailing zeros dropped down to five decimals
		(Decimal("12345.60"), "(3101)123456"),  # and down to six digits
		(Decimal("10.00000"), "(3104)100000"),  # trailing zeros dropped one at a time: 10.0000 kg
		(Decimal("100000.0"), "(3100)100000"),
		(Decimal("123456.0"), "(3100)123456"),  # down to no decimals at all
		(Decimal("999999"), "(3100)999999"),
		(Decimal("0.00001"), "(3105)000001"),
		(Decimal("0"), "(3100)000000"),
	],
)
def test_net_weight_decimals(weight, element):
	assert build(Gs1Data(net_weight_kg=weight)) == element
	assert parse(element).net_weight_kg == Decimal(str(weight))


@pytest.mark.parametrize("n", range(6))
def test_net_weight_n_is_the_number_of_decimals(n):
	weight = parse(f"(310{n})123456").net_weight_kg
	assert weight == Decimal(123456) / 10**n
	assert weight.as_tuple().exponent == -n
	assert build(Gs1Data(net_weight_kg=weight)) == f"(310{n})123456"


def test_leading_zeros_of_a_count_are_read_but_not_written():
	data = parse("(30)0012(37)00000000")
	assert (data.count, data.trade_item_count) == (12, 0)
	assert build(data) == "(30)12(37)0"


# ---------------------------------------------------------------- properties

ALPHABET82 = "".join(sorted(CSET82))
gtins = st.text(alphabet="0123456789", min_size=13, max_size=13).map(lambda b: b + str(gtin_check_digit(b)))
texts82 = st.text(alphabet=ALPHABET82, min_size=1, max_size=20)
counts = st.integers(0, 99_999_999)
weights = st.builds(lambda units, n: Decimal(units).scaleb(-n), st.integers(0, 999_999), st.integers(0, 5))
# Dates a reader puts back in the same century in TODAY: TODAY − 49 … TODAY + 50.
dates = st.dates(min_value=date(TODAY - 49, 1, 1), max_value=date(TODAY + 50, 12, 31))


@st.composite
def gs1_data(draw):
	fields = {
		"gtin": draw(st.none() | gtins),
		"lot": draw(st.none() | texts82),
		"serial": draw(st.none() | texts82),
		"count": draw(st.none() | counts),
		"trade_item_count": draw(st.none() | counts),
		"net_weight_kg": draw(st.none() | weights),
	}
	month_only = set()
	for field in ("expiry", "best_before", "production_date"):
		value = draw(st.none() | dates)
		if value is not None and draw(st.booleans()):
			last = calendar.monthrange(value.year, value.month)[1]
			value = value.replace(day=1 if field == "production_date" else last)
			month_only.add(field)
		fields[field] = value
	if all(value is None for value in fields.values()):
		fields["lot"] = draw(texts82)
	return Gs1Data(**fields, month_only=frozenset(month_only))


@given(
	gs1_data(), st.sampled_from(["", "]C1", "]d2", "]Q3"]), st.booleans(), st.randoms(use_true_random=False)
)
@PROPERTY
def test_generated_data_round_trips_in_both_forms(data, identifier, leading_gs, rnd):
	human = build(data, today=TODAY)
	raw = build(data, raw=True, today=TODAY)
	assert all(c in CSET82 or c == GS for c in raw)

	# parse(build(data)) == data and build(parse(x)) == x, in both forms
	for text, is_raw in ((human, False), (raw, True)):
		assert parse(text, today=TODAY) == data
		assert build(parse(text, today=TODAY), raw=is_raw, today=TODAY) == text

	# the forms convert into each other, and into themselves
	assert to_raw(human, today=TODAY) == raw
	assert to_human(raw, today=TODAY) == human
	assert to_human(human, today=TODAY) == human
	assert to_raw(raw, today=TODAY) == raw

	# what a scanner sends: an optional symbology identifier and leading GS before the raw form
	scanned = identifier + (GS if leading_gs else "") + raw
	assert parse(scanned, today=TODAY) == data
	assert to_raw(scanned, today=TODAY) == raw

	# the element strings may come in any order
	parts = ["(" + part.replace("\0", "\\(") for part in human.replace("\\(", "\0").split("(")[1:]]
	rnd.shuffle(parts)
	shuffled = "".join(parts)
	assert parse(shuffled, today=TODAY) == data
	assert parse(to_raw(shuffled, today=TODAY), today=TODAY) == data


def _parses_or_raises_gs1_error(text):
	try:
		result = parse(text, today=TODAY)
	except Gs1Error:
		return None
	assert isinstance(result, Gs1Data)
	# Whatever parses is valid data: it builds, and the result reads back the same.
	assert parse(build(result, raw=True, today=TODAY), today=TODAY) == result
	assert parse(to_human(text, today=TODAY), today=TODAY) == result
	return result


@given(st.text())
@FUZZ
def test_fuzz_arbitrary_text(text):
	_parses_or_raises_gs1_error(text)


@given(st.binary().map(lambda b: b.decode("latin-1")))
@FUZZ
def test_fuzz_arbitrary_bytes_read_as_latin_1(text):
	_parses_or_raises_gs1_error(text)


@given(st.text(alphabet="0123456789()\\]" + GS + "AQCd123", max_size=60))
@FUZZ
def test_fuzz_text_made_of_the_syntax_characters(text):
	_parses_or_raises_gs1_error(text)


EDIT_CHARACTERS = "0123456789()\\]" + GS + "A-z #é\0"


@st.composite
def mutated(draw):
	data = draw(gs1_data())
	text = list(
		draw(st.sampled_from(["", "]d2", "]Q3" + GS])) + build(data, raw=draw(st.booleans()), today=TODAY)
	)
	for _ in range(draw(st.integers(1, 4))):
		position = draw(st.integers(0, len(text)))
		edit = draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
		char = draw(st.sampled_from(EDIT_CHARACTERS))
		if edit == "insert":
			text.insert(position, char)
		elif text and position < len(text):
			if edit == "delete":
				del text[position]
			elif edit == "replace":
				text[position] = char
			elif position + 1 < len(text):
				text[position], text[position + 1] = text[position + 1], text[position]
	return "".join(text)


@given(mutated())
@FUZZ
def test_fuzz_mutated_valid_strings(text):
	_parses_or_raises_gs1_error(text)


field_values = (
	st.none()
	| st.text(max_size=25)
	| texts82
	| gtins
	| st.integers(-(10**10), 10**10)
	| st.floats()
	| st.decimals()
	| st.dates()
	| st.booleans()
)


@given(
	st.fixed_dictionaries(
		{field.name: field_values for field in dataclasses.fields(Gs1Data) if field.name != "month_only"}
	),
	st.sets(st.sampled_from(["expiry", "best_before", "production_date", "lot", "x"]), max_size=2),
	st.booleans(),
)
@FUZZ
def test_fuzz_build_returns_text_or_raises_gs1_error(fields, month_only, raw):
	data = Gs1Data(**fields, month_only=frozenset(month_only))
	try:
		text = build(data, raw=raw, today=TODAY)
	except Gs1Error:
		return
	assert isinstance(text, str)
	assert build(parse(text, today=TODAY), raw=raw, today=TODAY) == text


def test_the_first_valid_gtin_of_an_items_barcodes_in_their_order():
	from lot_traceability.traceability.gs1 import first_gtin

	assert first_gtin(["not a gtin", " 9506000134352 ", "09506000134376"]) == "09506000134352"
	assert first_gtin(["12345678", "12345670"]) == "00000012345670"  # a bad check digit is passed over
	assert first_gtin(["", None, "abc"]) is None
	assert first_gtin(None) is None
