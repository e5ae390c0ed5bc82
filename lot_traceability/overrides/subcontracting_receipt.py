"""A Subcontracting Receipt brings lots in exactly as a Purchase Receipt does."""

from lot_traceability.overrides.purchase_receipt import before_submit, before_validate, on_submit

__all__ = ["before_submit", "before_validate", "on_submit"]
