"""Lot exceptions: found (`detect`: the detectors read, the core's rules judge) and said in words
(`words`); the names the report and other services use are importable from here."""

from lot_traceability.findings.detect import (
	DETECTORS,
	find_exceptions,
	get_thresholds,
	productions_not_balanced,
)
from lot_traceability.findings.words import KIND_LABELS, describe

__all__ = [
	"DETECTORS",
	"KIND_LABELS",
	"describe",
	"find_exceptions",
	"get_thresholds",
	"productions_not_balanced",
]
