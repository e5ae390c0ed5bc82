"""Demo data: the two stories of the domain articles, made of real, submitted ERPNext documents.

bench --site <site> lot-traceability demo            # load (again: does nothing)
bench --site <site> lot-traceability demo --remove   # remove everything it made
"""

import frappe

from lot_traceability.demo import counting, distributor, manufacturer, partners
from lot_traceability.demo import portal as partner_portal
from lot_traceability.demo import promising as promising_story

MARKER = "lot_traceability_demo"
COMPANIES = (manufacturer.COMPANY, distributor.COMPANY, distributor.RETAIL_COMPANY)
ITEM_GROUPS = ("Demo Ingredients", "Demo Finished Goods", "Demo Specialty Foods")
PARTIES = {
	"Supplier": (
		"Demo Mill Co.",
		"Demo Dairy Cooperative",
		"Demo Cane Sugar Ltd",
		"Demo Olive Estate",
		"Demo Cheese Cellars",
		distributor.COMPANY,  # the internal supplier of the Retail company
		partners.SUPPLIER,
	),
	"Customer": (
		"Demo Bakery North",
		"Demo Bakery South",
		"Demo Gourmet Market",
		"Demo Hotel Group",
		distributor.RETAIL_COMPANY,  # the internal customer of Demo Specialty Foods
	),
	"Price List": ("Demo Inter-Company Transfers",),
}
USERS = (manufacturer.QUALITY_LEAD,)
SETTINGS = {
	("Stock Settings", "allow_to_make_quality_inspection_after_purchase_or_delivery"): 1,
	("Stock Settings", "enable_stock_reservation"): 1,  # the promising story's reservation
}


def is_loaded() -> bool:
	return frappe.db.get_default(MARKER) == "loaded"


def load() -> dict | None:
	"""Load both stories once; returns what was made, or None if the demo is already there. Demo
	companies found without the demo's marker (the app was re-installed since) are removed first."""
	if is_loaded():
		return None
	if any(frappe.db.exists("Company", name) for name in COMPANIES):
		# the demo's companies without its marker: left from before the app was re-installed (which
		# dropped the lots' statuses, history and genealogy): the demo's own data is made afresh
		remove()
	for (doctype, field), value in SETTINGS.items():
		frappe.db.set_single_value(doctype, field, value)
	made = {"manufacturer": manufacturer.load(), "distributor": distributor.load()}
	made["promising"] = promising_story.load()
	made["portal"] = partner_portal.load()
	made["partners"] = partners.load()
	settle_valuation()
	made["counting"] = counting.load()
	made["foresight"] = compute_foresight()
	frappe.db.set_default(MARKER, "loaded")
	return made


def compute_foresight() -> dict:
	"""The forecasts, supplier scores and anomalies of the demo's history, so the foresight reports
	have something to show before the daily job first runs."""
	from lot_traceability.foresight.job import compute_all

	return compute_all()


def settle_valuation() -> None:
	"""The stories post back-dated documents, for which ERPNext queues reposts of the stock values
	that follow: process them now, so the demo's stock values are final when it is loaded (a queued
	repost would also keep its documents from being cancelled)."""
	from erpnext.stock.doctype.repost_item_valuation.repost_item_valuation import repost_entries

	repost_entries()


def remove() -> None:
	"""Remove every document the demo made: transactions (through ERPNext's Transaction Deletion
	Record), lots and their status records, masters, warehouses and the demo companies."""
	companies = [name for name in COMPANIES if frappe.db.exists("Company", name)]
	demo_items = frappe.get_all("Item", filters={"item_group": ("in", ITEM_GROUPS)}, pluck="name")
	demo_lots = frappe.get_all("Batch", filters={"item": ("in", demo_items or [""])}, pluck="name")
	delete_recalls(demo_lots)  # before the companies' transactions: their customer rows link contacts
	for name in frappe.get_all(
		"Lot Announcement", filters={"company": ("in", companies or [""])}, pluck="name"
	):
		frappe.delete_doc("Lot Announcement", name, force=True, ignore_permissions=True)
	counting.remove(companies)
	for company in companies:
		delete_tax_templates(company)
		delete_company_transactions(company)
	delete_production_masters(companies, demo_items)
	delete_status_changes(demo_lots)
	for lot in demo_lots:
		frappe.delete_doc("Batch", lot, force=True, ignore_permissions=True)
	for rule in frappe.get_all(
		"Lot Rule",
		or_filters={
			"item": ("in", demo_items or [""]),
			"item_group": ("in", ITEM_GROUPS),
			"rule_company": ("in", COMPANIES),
		},
		pluck="name",
	):
		frappe.delete_doc("Lot Rule", rule, force=True, ignore_permissions=True)
	for item in demo_items:
		frappe.delete_doc("Item", item, force=True, ignore_permissions=True)
	for doctype, names in PARTIES.items():
		for name in names:
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	portal_users = [row[0] for row in partner_portal.PORTAL_USERS]
	for contact in frappe.get_all("Contact", filters={"user": ("in", portal_users)}, pluck="name"):
		frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
	for user in USERS + tuple(portal_users):
		if frappe.db.exists("User", user):
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
	for group in ITEM_GROUPS:
		if frappe.db.exists("Item Group", group):
			frappe.delete_doc("Item Group", group, force=True, ignore_permissions=True)
	from frappe.contacts.address_and_contact import delete_contact_and_address

	for company in companies:
		delete_contact_and_address("Company", company)
		frappe.delete_doc("Company", company, force=True, ignore_permissions=True)
	frappe.db.set_default(MARKER, None)


def delete_company_transactions(company: str) -> None:
	record = frappe.get_doc(
		{"doctype": "Transaction Deletion Record", "company": company, "process_in_single_transaction": 1}
	)
	record.insert(ignore_permissions=True)
	record.submit()
	record.start_deletion_tasks()
	status = frappe.db.get_value(
		"Transaction Deletion Record", record.name, ["status", "error_log"], as_dict=True
	)
	if status.status != "Completed":
		frappe.throw(
			frappe._("Deleting the transactions of {0} failed: {1}").format(
				company, status.error_log or status.status
			)
		)


def delete_status_changes(lots) -> None:
	"""Lot Status Changes are permanent records of real lots; the demo's go with the demo's lots."""
	if not lots:
		return
	parents = frappe.get_all(
		"Lot Status Change Lot", filters={"batch": ("in", lots)}, pluck="parent", distinct=True
	)
	if parents:
		frappe.db.delete("Lot Status Change Lot", {"parent": ("in", parents)})
		frappe.db.delete("Lot Scope Entry", {"parenttype": "Lot Status Change", "parent": ("in", parents)})
		frappe.db.delete("Lot Status Change", {"name": ("in", parents)})
		# the tasks automatic holds gave people go with them
		frappe.db.delete("ToDo", {"reference_type": "Lot Status Change", "reference_name": ("in", parents)})
	deviations = frappe.get_all(
		"Lot Deviation Lot", filters={"batch": ("in", lots)}, pluck="parent", distinct=True
	)
	if deviations:
		frappe.db.delete("Lot Deviation Lot", {"parent": ("in", deviations)})
		frappe.db.delete("Lot Deviation", {"name": ("in", deviations)})
		frappe.db.delete("ToDo", {"reference_type": "Lot Deviation", "reference_name": ("in", deviations)})
	restrictions = frappe.get_all("Lot Restriction", filters={"batch": ("in", lots)}, pluck="name")
	if restrictions:
		frappe.db.delete("Lot Scope Entry", {"parenttype": "Lot Restriction", "parent": ("in", restrictions)})
		frappe.db.delete("Lot Restriction", {"name": ("in", restrictions)})
	frappe.db.delete("Lot Restriction Use", {"batch": ("in", lots)})


def delete_recalls(lots) -> None:
	"""Recalls (drills above all) of the demo's lots, companies or customers go with them: a recall
	has no company, so ERPNext's deletion of a company's transactions leaves it, and its customer
	rows would keep the demo's contacts from being deleted."""
	touching = (
		("Lot Recall Source", {"batch": ("in", lots or [""])}),
		("Lot Recall Lot", {"batch": ("in", lots or [""])}),
		("Lot Recall Location", {"company": ("in", COMPANIES)}),
		("Lot Recall Customer", {"customer": ("in", PARTIES.get("Customer") or [""])}),
	)
	recalls = {
		parent
		for doctype, filters in touching
		for parent in frappe.get_all(doctype, filters=filters, pluck="parent", distinct=True)
	}
	if not recalls:
		return
	recalls = sorted(recalls)
	frappe.db.delete("Lot Recall Statement", {"recall": ("in", recalls)})
	for field in frappe.get_meta("Lot Recall").get_table_fields():
		frappe.db.delete(field.options, {"parenttype": "Lot Recall", "parent": ("in", recalls)})
	frappe.db.delete("Lot Recall", {"name": ("in", recalls)})
	frappe.db.delete("ToDo", {"reference_type": "Lot Recall", "reference_name": ("in", recalls)})


def delete_production_masters(companies, items) -> None:
	"""What the cake mix line is made of: ERPNext's deletion of a company's transactions keeps BOMs
	and employees, and workstations, operations and routings belong to no company."""
	from lot_traceability.demo.manufacturer import OPERATIONS, ROUTING

	boms = frappe.get_all("BOM", filters={"item": ("in", items or [""])}, pluck="name")
	if boms:
		for field in frappe.get_meta("BOM").get_table_fields():
			frappe.db.delete(field.options, {"parenttype": "BOM", "parent": ("in", boms)})
		frappe.db.delete("BOM", {"name": ("in", boms)})
		frappe.db.set_value("Item", {"name": ("in", items)}, "default_bom", None, update_modified=False)
	for employee in frappe.get_all("Employee", filters={"company": ("in", companies or [""])}, pluck="name"):
		frappe.delete_doc("Employee", employee, force=True, ignore_permissions=True)
	for doctype, names in (
		("Routing", [ROUTING]),
		("Operation", list(OPERATIONS)),
		("Workstation", list(OPERATIONS.values())),
	):
		for name in names:
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)


TAX_TEMPLATES = {
	"Sales Taxes and Charges Template": "Sales Taxes and Charges",
	"Purchase Taxes and Charges Template": "Purchase Taxes and Charges",
}


def delete_tax_templates(company: str) -> None:
	"""The company's tax templates with their rows. Deleting a company's transactions removes the
	templates but leaves their rows behind, which the templates made again by the same names on the
	next load took in: one more identical row per load (seven rows, 42% tax, after six loads). Rows
	left so by earlier loads go too."""
	for template, row in TAX_TEMPLATES.items():
		names = frappe.get_all(template, filters={"company": company}, pluck="name")
		for name in names:
			frappe.delete_doc(template, name, force=True, ignore_permissions=True)
		abbr = frappe.db.get_value("Company", company, "abbr")
		left = frappe.get_all(
			row, filters={"parenttype": template, "parent": ("like", f"% - {abbr}")}, pluck="parent"
		)
		orphans = sorted({parent for parent in left if not frappe.db.exists(template, parent)})
		if orphans:
			frappe.db.delete(row, {"parenttype": template, "parent": ("in", orphans)})
