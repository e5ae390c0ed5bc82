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

The AIs, the data and the errors are in `ais`, GTINs in `gtin`, dates and weights in `values`, the
element strings read and written in `strings`; every public name is importable from here.
"""

from lot_traceability.traceability.gs1.ais import CSET82, GS, SYMBOLOGY_IDENTIFIERS, Gs1Data, Gs1Error
from lot_traceability.traceability.gs1.gtin import first_gtin, gtin_check_digit, is_valid_gtin, normalize_gtin
from lot_traceability.traceability.gs1.strings import build, parse, to_human, to_raw

__all__ = [
	"CSET82",
	"GS",
	"SYMBOLOGY_IDENTIFIERS",
	"Gs1Data",
	"Gs1Error",
	"build",
	"first_gtin",
	"gtin_check_digit",
	"is_valid_gtin",
	"normalize_gtin",
	"parse",
	"to_human",
	"to_raw",
]
