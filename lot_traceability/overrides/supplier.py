"""Supplier: its GLN, as the EPCIS events name it."""

from lot_traceability.exports.epcis import validate_gln


def validate(doc, method=None):
	validate_gln(doc)
