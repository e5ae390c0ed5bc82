"""Whose partner the session user is: the suppliers or customers it speaks for (ERPNext's Portal Users
of the party, or its Contact linked to the party). Nothing else grants a portal page: not a desk role,
not a permission on the documents."""

import frappe
from frappe import _

from lot_traceability.messages import bold
from lot_traceability.queries import portal as portal_queries


class NotAPartnerError(frappe.PermissionError):
	pass


def partners_of(party_type: str, user: str | None = None) -> list[str]:
	return portal_queries.get_partners(user or frappe.session.user, party_type)


def require(party_type: str) -> list[str]:
	"""The session user's suppliers (or customers); refused (403) for a user who speaks for none."""
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see your lots."), frappe.PermissionError)
	found = partners_of(party_type)
	if not found:
		frappe.throw(
			_("Your user is not a contact of any {0}: ask us to link it.").format(_(party_type)),
			NotAPartnerError,
		)
	return found


def not_yours(kind: str, name: str) -> None:
	"""The one refusal for a record that does not exist and one of another partner: nothing tells
	them apart."""
	frappe.throw(
		_("{0} {1} is not one of yours.").format(_(kind), bold(name)),
		frappe.PermissionError,
	)
