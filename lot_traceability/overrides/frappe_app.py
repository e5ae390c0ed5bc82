"""A deadlock (or lock wait timeout) MariaDB reports is answered the way Frappe means to answer it.

Frappe's request handler turns a deadlock into HTTP 508, which the desk shows as "Please try again —
another transaction is blocking this one"; but it recognises only the database driver's own error,
and Frappe 15 wraps that error first (`frappe.QueryDeadlockError`, `frappe.QueryTimeoutError`), so
the user gets a raw server error (HTTP 500) instead. The transaction itself is rolled back whole by
MariaDB and by Frappe either way: nothing is half-posted. Installed at request start (idempotent).
"""

import frappe
import frappe.app

frappe_handle_exception = frappe.app.handle_exception
RETRYABLE = (frappe.QueryDeadlockError, frappe.QueryTimeoutError)


def apply():
	if frappe.app.handle_exception is not handle_exception:
		frappe.app.handle_exception = handle_exception


def handle_exception(e):
	if isinstance(e, RETRYABLE):
		e.http_status_code = 508
	return frappe_handle_exception(e)


def unapply():
	frappe.app.handle_exception = frappe_handle_exception
