"""GTINs (pure): the GS1 mod-10 check digit, validity, the 14-digit form."""

from lot_traceability.traceability.gs1.ais import _DIGITS, _GTIN_LENGTHS, Gs1Error


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
