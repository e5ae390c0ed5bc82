"""Frappe with lot_traceability switched off: the load benchmark's baseline (ERPNext alone).

Every path by which the app's code runs goes through `frappe.get_hooks`: doc_events (through
`frappe.get_doc_hooks`), `before_request` and `before_job` (where the app replaces ERPNext's batch
pickers and allocation), `override_whitelisted_methods`, scheduler events, jinja methods. With
`switch_off()` every hook value of this app is left out of what `get_hooks` answers, in this process
only (Frappe's cached hooks are untouched, so a process that did not switch off is unaffected). What
stays is the schema (the app's doctypes and custom fields, a few nullable columns), which no code
reads while it is off: equivalent, for timing, to the app not being installed.

Used by `benchmarks/load.py` (gunicorn settings `benchmarks/load_server.py`, RQ worker `worker()`).
"""

import sys

APP = "lot_traceability."


def without_app(value):
	"""A hook value with this app's entries removed (lists, dicts of lists, nested dicts)."""
	if isinstance(value, str):
		return None if value.startswith(APP) else value
	if isinstance(value, list | tuple):
		kept = [without_app(entry) for entry in value]
		return [entry for entry in kept if entry not in (None, [], {})]
	if isinstance(value, dict):
		kept = {key: without_app(entry) for key, entry in value.items()}
		return {key: entry for key, entry in kept.items() if entry not in (None, [], {})}
	return value


def switch_off() -> None:
	import frappe

	if getattr(frappe.get_hooks, "lot_traceability_off", False):
		return
	get_hooks = frappe.get_hooks

	def get_hooks_without_app(hook=None, default="_KEEP_DEFAULT_LIST", app_name=None):
		found = get_hooks(hook, default, app_name)
		if app_name and app_name + "." == APP:
			return [] if hook else frappe._dict()
		cleaned = without_app(found)
		return frappe._dict(cleaned) if isinstance(found, dict) and not hook else cleaned

	get_hooks_without_app.lot_traceability_off = True
	frappe.get_hooks = get_hooks_without_app


def worker() -> None:
	"""`python -m lot_traceability.benchmarks.app_off <frappe worker arguments>`: an RQ worker with the
	app switched off (run from the bench's sites folder)."""
	switch_off()
	from frappe.utils.bench_helper import main

	sys.argv = ["frappe", "frappe", *sys.argv[1:]]
	main()


if __name__ == "__main__":
	worker()
