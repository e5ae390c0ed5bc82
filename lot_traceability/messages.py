"""User-facing wording for the problems the pure core reports (the core itself holds no text)."""

import frappe
from frappe import _
from frappe.utils import escape_html, flt

from lot_traceability.traceability.problems import Problem
from lot_traceability.traceability.statuses import Movement


def esc(value) -> str:
	"""A value quoted in a message or a page, as text: `<img …>` reads as itself, never as markup.
	None quotes as nothing."""
	return escape_html("" if value is None else str(value))


def bold(value) -> str:
	"""A value quoted in a message in bold, escaped first (the desk renders messages as HTML)."""
	return frappe.bold(esc(value))


def movement_label(movement: str | Movement) -> str:
	labels = {
		Movement.RECEIPT: _("be received into"),
		Movement.ISSUE: _("be issued to production"),
		Movement.TRANSFER: _("be transferred"),
		Movement.ALLOCATION: _("be allocated or picked"),
		Movement.SHIPMENT: _("be shipped"),
		Movement.CUSTOMER_RETURN: _("be returned into by a customer"),
		Movement.SUPPLIER_RETURN: _("be returned to the supplier"),
		Movement.WRITE_OFF: _("be written off or disposed"),
	}
	return labels[Movement(movement)]


def movement_phrase(movement: str | Movement) -> str:
	"""A movement as a list of what a lot may or may not do names it ("May: be shipped, …")."""
	phrases = {
		Movement.RECEIPT: _("be received"),
		Movement.ISSUE: _("be issued to production"),
		Movement.TRANSFER: _("move between warehouses"),
		Movement.ALLOCATION: _("be allocated or picked"),
		Movement.SHIPMENT: _("be shipped"),
		Movement.CUSTOMER_RETURN: _("come back from customers"),
		Movement.SUPPLIER_RETURN: _("go back to the supplier"),
		Movement.WRITE_OFF: _("be written off or disposed"),
	}
	return phrases[Movement(movement)]


def may_phrase(movement: str | Movement, restricted: bool = False) -> str:
	"""What a lot may do, in a list ("May: …"): for a restricted lot, a use its release scope limits
	(shipping, allocating, issuing to production) says so."""
	from lot_traceability.traceability.restrictions import SCOPED_USES

	phrase = movement_phrase(movement)
	if restricted and Movement(movement) in SCOPED_USES:
		return _("{0} (only within its release scope)").format(phrase)
	return phrase


def quantity(value, uom: str | None = None) -> str:
	"""A quantity as people read it: no trailing zeros, with its unit ("120 Kg", "2.5 Nos")."""
	text = f"{round(flt(value), 6):g}"  # `flt(value, 6)` rounds half to even, slowly: thousands of lines
	return f"{text} {_(uom)}" if uom else text


def document_label(doctype: str, name: str | None, saved: bool = True) -> str:
	"""A document as a message names it: "Delivery Note MAT-DN-…", or, while it has never been
	saved (its number is only reserved, and given to another draft if this one is not kept), "this
	Delivery Note (not saved)"."""
	if not saved or not name or str(name).startswith("new-"):
		return _("this {0} (not saved)").format(_(doctype))
	return _("{0} {1}").format(_(doctype), name)


def problem_message(problem: Problem, doc=None) -> str:
	p = problem.params
	label = doc.meta.get_label(problem.field) if doc is not None and problem.field else problem.field
	messages = {
		"status_name_missing": lambda: _("A Lot Status needs a name."),
		"unknown_colour": lambda: _("Colour {0} is not an indicator colour.").format(bold(p.get("colour"))),
		"terminal_allows_movement": lambda: _(
			"Lot Status {0} is terminal, so a lot in it may not {1}. Clear {2} or untick Terminal."
		).format(bold(doc.name if doc else ""), movement_label(p["movement"]), bold(label)),
		"scope_value_missing": lambda: _("A Lot Rule that applies to {0} needs {1}.").format(
			_(p["scope"]), bold(label)
		),
		"negative_shelf_life": lambda: _("Shelf Life cannot be negative (got {0}).").format(p["value"]),
		"unknown_unit": lambda: _("{0} is not a valid unit for {1}.").format(bold(p["unit"]), bold(label)),
		"unknown_policy": lambda: _("Allocation Policy must be FEFO or FIFO, not {0}.").format(
			bold(p["policy"])
		),
		"negative_minimum_remaining": lambda: _(
			"Minimum Remaining Shelf Life cannot be negative (got {0})."
		).format(p["value"]),
		"minimum_over_100_percent": lambda: _(
			"Minimum Remaining Shelf Life cannot exceed 100 % of the shelf life (got {0})."
		).format(p["value"]),
		"minimum_exceeds_shelf_life": lambda: _(
			"Minimum Remaining Shelf Life of {0} days is longer than the whole shelf life (at most {1} days): no lot could ever be shipped."
		).format(p["value"], p["longest"]),
		"recall_closed": lambda: _("the recall is closed"),
		"recall_cannot_reopen": lambda: _("a recall cannot be opened again"),
		"recall_stock_on_hand": lambda: _(
			"{0} of the affected lots is still on hand: dispose of it or return it to the supplier first"
		).format(frappe.format(p["qty"], {"fieldtype": "Float"})),
		"recall_not_contained": lambda: _(
			"{0} shipped is still with customers: recover it or mark the recall contained first"
		).format(frappe.format(p["qty"], {"fieldtype": "Float"})),
		"same_status": lambda: _("it is already {0}").format(bold(_(p["status"]))),
		"from_terminal": lambda: _("it is {0}, a terminal status, and can no longer change").format(
			bold(_(p["status"]))
		),
		"reason_required": lambda: _("a reason is required to make a lot {0}").format(bold(_(p["status"]))),
		"transition_not_allowed": lambda: _("moving a lot from {0} to {1} is allowed only to {2}").format(
			bold(_(p["from"])),
			bold(_(p["to"])),
			", ".join(esc(_(role)) for role in p["roles"]) or _("no role (see Lot Traceability Settings)"),
		),
	}
	return messages[problem.code]()


def throw_problems(problems: list[Problem], doc=None, title=None):
	"""Refuse the save with every problem listed at once."""
	if not problems:
		return
	messages = [problem_message(problem, doc) for problem in problems]
	frappe.throw(
		messages[0] if len(messages) == 1 else messages,
		title=title or _("Invalid {0}").format(_(doc.doctype) if doc else _("Lot Data")),
		as_list=len(messages) > 1,
		exc=Refused,
	)


class Refusal(Exception):
	"""A refusal whose message says what was refused and why: the user's answer, not a fault of the
	code. Frappe sends the server's traceback with every error while System Settings allow it, which
	the desk prints in the browser's console; a refusal goes without it (as Frappe's own permission
	refusals do). Errors that are no refusal keep their traceback, in the console and the Error Log."""

	def __init__(self, *args):
		super().__init__(*args)
		if getattr(frappe.local, "request", None) is not None:
			frappe.local.flags.disable_traceback = True


class Refused(Refusal, frappe.ValidationError):
	"""A refusal that needs no class of its own (`frappe.throw(message, Refused)`)."""


class RefusedPermission(Refusal, frappe.PermissionError):
	"""A permission refusal that names what the user may not read or do."""
