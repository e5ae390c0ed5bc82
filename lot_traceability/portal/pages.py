"""The portal pages' context: the partner's rows with dates and quantities written for the page (the
templates escape every value)."""

import frappe
from frappe import _
from frappe.utils import flt, format_datetime, formatdate


def login_first(route: str) -> None:
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=" + route
		raise frappe.Redirect


def base(context, title: str, route: str) -> None:
	login_first(route)
	context.no_cache = 1
	context.show_sidebar = True
	context.title = _(title)


def date(value) -> str:
	return formatdate(value) if value else ""


def when(value) -> str:
	return format_datetime(value) if value else ""


def number(value) -> str:
	return frappe.format(flt(value), {"fieldtype": "Float"})
