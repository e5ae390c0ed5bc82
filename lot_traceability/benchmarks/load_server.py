"""Gunicorn settings of the load benchmark (`benchmarks/load.py`): every request is for the site in
FRAPPE_SITE (the server is reached as 127.0.0.1), and with LOT_TRACEABILITY_OFF=1 each worker runs
with the app switched off (`benchmarks/app_off.py`)."""

import os


def post_fork(server, worker):
	import frappe.app

	frappe.app._site = os.environ["FRAPPE_SITE"]
	if os.environ.get("LOT_TRACEABILITY_OFF") == "1":
		from lot_traceability.benchmarks.app_off import switch_off

		switch_off()
