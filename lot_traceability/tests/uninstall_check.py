"""Checks run around `bench uninstall-app`: what the app leaves on a site once it is removed.

Run as `bench --site SITE execute lot_traceability.tests.uninstall_check.assert_clean`.
"""

import json
from pathlib import Path

import frappe

from lot_traceability.install import (
	LABEL_DEFAULT,
	LOT_READ_PERMISSION,
	LOT_READERS,
	RECORDS_ABOUT_DOCTYPES,
)
from lot_traceability.queries.balances import BATCH_ITEM_EXPIRY_INDEX
from lot_traceability.setup.custom_fields import CUSTOM_FIELDS, MODULE

DOCTYPE_FOLDER = Path(__file__).resolve().parents[1] / "lot_traceability" / "doctype"
# Records that belong to the app's module (reports, print formats, workspace, cards, charts).
MODULE_RECORDS = ("Report", "Print Format", "Workspace", "Number Card", "Dashboard Chart", "Page")
DOCTYPES = tuple(json.loads(path.read_text())["name"] for path in sorted(DOCTYPE_FOLDER.glob("*/*.json")))


def leftovers() -> list[str]:
	found = []
	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			name = field["fieldname"]
			if frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": name}):
				found.append(f"Custom Field {doctype}.{name}")
			if frappe.db.has_column(doctype, name):
				found.append(f"column {doctype}.{name}")
	found += [
		f"Custom Field {name}" for name in frappe.get_all("Custom Field", {"module": MODULE}, pluck="name")
	]
	for doctype in DOCTYPES:
		if frappe.db.exists("DocType", doctype):
			found.append(f"DocType {doctype}")
		if frappe.db.sql("show tables like %s", f"tab{doctype}"):
			found.append(f"table tab{doctype}")
		if frappe.db.sql("select 1 from `tabSingles` where doctype = %s limit 1", doctype):
			found.append(f"settings values of {doctype}")
	for record_doctype, field in RECORDS_ABOUT_DOCTYPES.items():
		count = frappe.db.count(record_doctype, {field: ("in", DOCTYPES)})
		if count:
			found.append(f"{count} {record_doctype} record(s) about the app's doctypes")
	added_rules = frappe.db.count(
		"Custom DocPerm",
		{
			"parent": "Batch",
			"role": ("in", LOT_READERS),
			"write": 0,
			"create": 0,
			"delete": 0,
			**LOT_READ_PERMISSION,
		},
	)
	if added_rules:
		found.append(f"{added_rules} Batch read rule(s) added by the app")
	if frappe.db.has_index("tabBatch", BATCH_ITEM_EXPIRY_INDEX):
		found.append(f"index {BATCH_ITEM_EXPIRY_INDEX} on Batch")
	if frappe.db.exists("Property Setter", LABEL_DEFAULT):
		found.append("the Lot Label as Batch's default print format")
	for doctype in MODULE_RECORDS:
		names = frappe.get_all(doctype, filters={"module": MODULE}, pluck="name")
		found += [f"{doctype} {name}" for name in names]
	if frappe.db.exists("Module Def", MODULE):
		found.append(f"Module Def {MODULE}")
	if "lot_traceability" in frappe.get_installed_apps():
		found.append("app still listed as installed")
	return found


def assert_clean():
	found = leftovers()
	if found:
		raise AssertionError("uninstall left behind: " + ", ".join(found))
	print("uninstall check: site is clean")
