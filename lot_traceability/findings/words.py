"""Lot exceptions in words: each kind's label and each finding's reason as a person reads it."""

from frappe import _
from frappe.utils import flt, formatdate

from lot_traceability.traceability.findings import (
	ANOMALY_KINDS,
	Finding,
	Kind,
)

KIND_LABELS = {
	Kind.SHIPPED_BEFORE_RELEASE: "Shipped or Issued before Release",
	Kind.HELD_LOT_OVERRIDE: "Held Lot Moved by Override",
	Kind.BACK_DATED: "Back-Dated Entry after a Hold",
	Kind.MASS_BALANCE: "Mass-Balance Break",
	Kind.NO_INPUTS: "Finished Lot without Inputs",
	Kind.BOM_YIELD: "Consumption off the BOM",
	Kind.SUPPLIER_LOT_REUSE: "Supplier Lot No Reused",
	Kind.NEAR_EXPIRY_ORDERS: "Near Expiry with Open Orders",
	Kind.REPEATED_ADJUSTMENTS: "Repeated Adjustments",
	Kind.OUTSIDE_SCOPE: "Restricted Lot Moved outside its Scope",
	Kind.MISSING_DOCUMENTS: "Waiting for Documents",
	Kind.YIELD_ANOMALY: "Unusual Production Yield",
	Kind.ADJUSTMENT_BURST: "Burst of Adjustments",
	Kind.UNUSUAL_QUANTITY: "Unusual Movement Quantity",
	Kind.SUPPLIER_DATES: "Supplier Dates Out of Line",
	Kind.RUN_DURATION: "Unusual Run Duration",
	Kind.ANNOUNCEMENT_MISMATCH: "Received unlike its Announcement",
	Kind.COUNT_VARIANCE: "Count Variance Confirmed",
	Kind.COUNT_NOT_IN_LEDGER: "Counted where the Ledger Has None",
}


MAX_LISTED = 3


def _qty(value) -> str:
	return f"{flt(value, 3):g}"


def _pct(value) -> str:
	return f"{flt(value, 1):g}"


def _listed(names) -> str:
	names = list(names)
	text = ", ".join(names[:MAX_LISTED])
	if len(names) > MAX_LISTED:
		text += " " + _("and {0} more").format(len(names) - MAX_LISTED)
	return text


def _document(finding: Finding) -> str:
	return f"{_(finding.reference_doctype)} {finding.reference_name}"


def describe(finding: Finding) -> str:
	return DESCRIBERS[Kind(finding.kind)](finding, finding.params)


def _shipped_before_release(finding, p):
	verb = _("Shipped") if p["movement"] == "shipment" else _("Issued")
	if p["moment"] == "posting":
		text = _("{0} by {1} dated {2}, when the lot was {3}").format(
			verb, _document(finding), formatdate(p["posting_date"]), _(p["status"])
		)
	else:
		text = _("{0} by {1}, entered while the lot was {2}").format(verb, _document(finding), _(p["status"]))
	if p.get("release_date"):
		text += _(", before its release on {0}").format(formatdate(p["release_date"]))
	return text


def _held_lot_override(finding, p):
	if p.get("override"):
		return _("Shipped by override of a shelf-life requirement ({0})").format(_document(finding))
	return _("Moved out ({0}) by {1} while the lot was held as {2}").format(
		_movement(p["movement"]), _document(finding), _(p["status"])
	)


def _outside_scope(finding, p):
	verb = _("Shipped") if p["movement"] == "shipment" else _("Issued")
	return _("{0} by {1} without its release scope judging it (released {2})").format(
		verb, _document(finding), p.get("summary") or p.get("restriction")
	)


def _missing_documents(finding, p):
	return _("Missing: {0} (the lot is {1})").format(
		", ".join(_(kind) for kind in p["missing"]), _(p["status"])
	)


def _movement(value: str) -> str:
	return {
		"receipt": _("receipt"),
		"issue": _("issue"),
		"transfer": _("transfer"),
		"allocation": _("allocation"),
		"shipment": _("shipment"),
		"customer_return": _("customer return"),
		"supplier_return": _("return to supplier"),
		"write_off": _("write-off"),
	}.get(value, value)


def _back_dated(finding, p):
	return _("{0} entered on {1} but dated {2}, before the lot went to {3} on {4}").format(
		_document(finding),
		formatdate(p["entered_at"]),
		formatdate(p["posting_date"]),
		_(p["status"]),
		formatdate(p["hold_date"]),
	)


def _supplier_lot_reuse(finding, p):
	return _("Supplier lot no {0} of {1} was also received from {2} (lots {3})").format(
		p["supplier_lot_no"], p["supplier"], _listed(p["other_suppliers"]), _listed(p["other_lots"])
	)


def _no_inputs(finding, p):
	return _("Made by {0} with no input lot recorded as consumed").format(_document(finding))


def _with_unit(value, p) -> str:
	unit = p.get("unit")
	return f"{_qty(value)} {_(unit)}" if unit else _qty(value)


def _mass_balance(finding, p):
	if p["deviation"] is None:
		return _("{0} made {1} without consuming anything").format(
			_document(finding), _with_unit(p["made"], p)
		)
	return _("{0} consumed {1} and made {2} ({3}% apart, tolerance {4}%)").format(
		_document(finding),
		_with_unit(p["consumed"], p),
		_with_unit(p["made"], p),
		_pct(p["deviation"]),
		_pct(p["tolerance"]),
	)


def _bom_yield(finding, p):
	worst = p["items"][0]
	text = _("{0} consumed {1} of {2} where BOM {3} asks for {4} ({5}% off, tolerance {6}%)").format(
		_document(finding),
		_qty(worst["actual"]),
		worst["item"],
		p["bom"],
		_qty(worst["expected"]),
		_pct(worst["deviation"]),
		_pct(p["tolerance"]),
	)
	if len(p["items"]) > 1:
		text += " " + _("and {0} more items").format(len(p["items"]) - 1)
	return text


def _repeated_adjustments(finding, p):
	return _("Adjusted {0} times between {1} and {2} (more than {3} within {4} days)").format(
		p["count"], formatdate(p["first"]), formatdate(p["last"]), p["max"], p["window"]
	)


def _near_expiry_orders(finding, p):
	wanted = _listed(f"{_(doctype)} {name}" for doctype, name in p["demand"])
	if p["days_left"] < 0:
		return _("Expired on {0} with {1} on hand, still wanted by {2}").format(
			formatdate(p["expiry_date"]), _qty(p["on_hand"]), wanted
		)
	return _("Expires on {0} ({1} days left) with {2} on hand, wanted by {3}").format(
		formatdate(p["expiry_date"]), p["days_left"], _qty(p["on_hand"]), wanted
	)


def _announcement_mismatch(finding, p):
	what = {
		"Not Announced": _("Received as supplier lot {0}, which {1} did not announce"),
		"Quantity Difference": _("Supplier lot {0}: quantity differs from {1} ({2})"),
		"Production Date Difference": _("Supplier lot {0}: production date differs from {1} ({2})"),
		"Expiry Date Difference": _("Supplier lot {0}: expiry date differs from {1} ({2})"),
	}.get(p.get("finding"), _("Supplier lot {0} differs from {1} ({2})"))
	figures = _("{0} announced, {1} received").format(p.get("announced") or "–", p.get("received") or "–")
	return what.format(p.get("supplier_lot_no") or "", _document(finding), figures)


def _anomaly(finding, p):
	return p.get("description") or ""


def _count_not_in_ledger(finding, p):
	return _("Counted {0} at {1} on {2} (row {3}), where the ledger holds none of the lot").format(
		_qty(p["qty"]), p["warehouse"], _document(finding), p["row"]
	)


DESCRIBERS = {
	Kind.SHIPPED_BEFORE_RELEASE: _shipped_before_release,
	Kind.HELD_LOT_OVERRIDE: _held_lot_override,
	Kind.BACK_DATED: _back_dated,
	Kind.SUPPLIER_LOT_REUSE: _supplier_lot_reuse,
	Kind.NO_INPUTS: _no_inputs,
	Kind.MASS_BALANCE: _mass_balance,
	Kind.BOM_YIELD: _bom_yield,
	Kind.REPEATED_ADJUSTMENTS: _repeated_adjustments,
	Kind.NEAR_EXPIRY_ORDERS: _near_expiry_orders,
	Kind.OUTSIDE_SCOPE: _outside_scope,
	Kind.MISSING_DOCUMENTS: _missing_documents,
	**{kind: _anomaly for kind in ANOMALY_KINDS},
	Kind.ANNOUNCEMENT_MISMATCH: _announcement_mismatch,
	Kind.COUNT_NOT_IN_LEDGER: _count_not_in_ledger,
}
