"""Gunicorn settings that serve one site whatever the request's Host header says.

	FRAPPE_SITE=<site> gunicorn --config <this file> --bind 127.0.0.1:8000 frappe.app:application

Frappe takes the site from the Host header (as nginx passes it in production); a server reached as
127.0.0.1 or through a tunnel names no site, so every request is given FRAPPE_SITE, as Frappe's own
development server does for `bench serve`. Used by scripts/try and the load benchmark."""

import os


def post_fork(server, worker):
	import frappe.app

	frappe.app._site = os.environ["FRAPPE_SITE"]
