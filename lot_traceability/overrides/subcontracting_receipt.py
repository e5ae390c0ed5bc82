"""A Subcontracting Receipt brings lots in exactly as a Purchase Receipt does."""

from lot_traceability.overrides.purchase_receipt import before_submit, on_submit, validate

__all__ = ["before_submit", "on_submit", "validate"]
