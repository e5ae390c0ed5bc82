import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from lot_traceability.queries import balances as balance_queries
from lot_traceability.setup.custom_fields import MODULE, get_custom_fields
from lot_traceability.traceability.lifecycle import DEFAULT_TRANSITIONS
from lot_traceability.traceability.statuses import DEFAULT_STATUSES

DEFAULT_SETTING_STATUSES = {
	"default_receipt_status": "Approved",
	"release_status": "Approved",
	"rejection_status": "Rejected",
	"expired_status": "Expired",
	"recall_status": "Recalled",
	"lapsed_restriction_status": "Quarantined",
	"deviation_hold_status": "Quarantined",
}
# Switches on by default (an admin who turns one off keeps it off).
DEFAULT_SWITCHES = {
	"check_formula": 1,
	"require_sign_off": 1,
	"sign_off_from_holds_only": 1,
	"planning_uses_usable_stock": 1,
	"promisable_on_order_rows": 1,
}
DEFAULT_RECALL_ROLES = {
	"recall_warehouse_role": "Stock Manager",
	"recall_quality_role": "Quality Manager",
	"recall_customer_service_role": "Sales Manager",
	"shelf_life_override_role": "Quality Manager",
}
# Filled only where a site has never stored them: 0 is a meaningful threshold.
DEFAULT_EXCEPTION_THRESHOLDS = {
	"mass_balance_tolerance": 5,
	"bom_yield_tolerance": 10,
	"max_lot_adjustments": 2,
	"adjustment_window_days": 90,
	# foresight: the demand history, transfer lead time, supplier-score and anomaly thresholds
	"forecast_history_weeks": 26,
	"rebalance_lead_days": 2,
	"supplier_risk_half_life_days": 365,
	"supplier_risk_prior_lots": 5,
	"supplier_risk_hold_score": 0,
	"anomaly_yield_mads": 3.5,
	"anomaly_quantity_mads": 5,
	"anomaly_dates_mads": 3.5,
	"anomaly_adjustment_p": 0.001,
	"anomaly_min_adjustments": 3,
	"anomaly_min_history": 5,
}


def after_install():
	sync()
	set_default_task_roles()
	set_default_supplier_risk_status()
	set_default_documents_hold_status()
	create_default_document_types()
	rebuild_lot_balances()
	rebuild_lot_ledger()
	rebuild_genealogy()
	rebuild_production_runs()


def after_migrate():
	sync()
	if not frappe.db.count("Lot Balance"):
		rebuild_lot_balances()
	rebuild_lot_ledger()
	rebuild_genealogy()
	rebuild_production_runs()
	from lot_traceability.tasks import switch_heavy_reports

	switch_heavy_reports()  # a report's synced definition may have reset it


DEFAULT_TASK_ROLES = ("Quality Manager",)


def set_default_task_roles():
	"""Who gets a task when the app holds lots by itself: filled once (at install, or by the patch
	that brought the setting); an admin who empties the list keeps it empty."""
	settings = frappe.get_single("Lot Traceability Settings")
	if settings.get("hold_task_roles"):
		return
	for role in DEFAULT_TASK_ROLES:
		settings.append("hold_task_roles", {"role": role})
	settings.flags.ignore_permissions = True
	settings.save()


DEFAULT_SUPPLIER_RISK_STATUS = "Quarantined"


def set_default_supplier_risk_status():
	"""Lots from risky suppliers are quarantined: set once (at install, or by the patch that brought
	the setting); an admin who empties it keeps it empty (no such hold)."""
	if not frappe.db.get_single_value("Lot Traceability Settings", "supplier_risk_status"):
		frappe.db.set_single_value(
			"Lot Traceability Settings", "supplier_risk_status", DEFAULT_SUPPLIER_RISK_STATUS
		)


DEFAULT_DOCUMENTS_HOLD_STATUS = "Quarantined"


def set_default_documents_hold_status():
	"""Lots received without their required documents are quarantined: set once (at install, or by
	the patch that brought the setting); an admin who empties it keeps it empty."""
	if not frappe.db.get_single_value("Lot Traceability Settings", "documents_hold_status"):
		frappe.db.set_single_value(
			"Lot Traceability Settings", "documents_hold_status", DEFAULT_DOCUMENTS_HOLD_STATUS
		)


# The document types a new site starts with (an admin edits the list: Lot Document Type).
DEFAULT_DOCUMENT_TYPES = (
	(
		"Certificate of Analysis",
		"The supplier's or the laboratory's analysis of the lot against its specification.",
	),
	("Certificate of Origin", "Where the lot's goods were grown, made or processed."),
	("Allergen Statement", "The allergens the lot contains or may contain."),
)


def create_default_document_types():
	"""Create the shipped document types that are missing; types an admin removed after install are
	created again only by a new install."""
	for name, description in DEFAULT_DOCUMENT_TYPES:
		if not frappe.db.exists("Lot Document Type", name):
			frappe.get_doc(
				{"doctype": "Lot Document Type", "document_type_name": name, "description": description}
			).insert(ignore_permissions=True)


def rebuild_genealogy():
	"""The genealogy starts from the production vouchers a site already has (installed, or installed
	again), when it holds no record yet."""
	from lot_traceability.genealogy.records import rebuild

	if not frappe.db.count("Lot Genealogy"):
		rebuild()


def rebuild_production_runs():
	"""The lots' production runs start from the production entries a site already has, when it holds
	no run yet."""
	from lot_traceability.production_runs import rebuild

	if not frappe.db.count("Lot Production Run"):
		rebuild()


def rebuild_lot_ledger():
	"""The kept lot ledger starts from the stock ledger (a site with history, or a new version)."""
	from lot_traceability.lot_ledger import rebuild_if_empty

	rebuild_if_empty()


def rebuild_lot_balances():
	"""The kept lot balances start from the ledger (a site with history, or a new version of the app)."""
	from lot_traceability.balances import rebuild

	rebuild()


def sync():
	"""Bring the site's lot master data up to this version; safe to run any number of times."""
	from lot_traceability.kpis import set_status_chart_colours

	create_custom_fields(get_custom_fields(), update=True)
	create_default_statuses()
	set_default_settings()
	grant_lot_read_permissions()
	create_sign_off_workflow()
	dedupe_sign_off_workflow()
	print_labels_by_default()
	set_status_chart_colours()
	set_epcis_defaults()
	balance_queries.add_batch_index()


def set_epcis_defaults():
	"""The CBV disposition of each shipped status and the UN/CEFACT code of common units, where an
	admin has not set them."""
	from lot_traceability.traceability.epcis import DEFAULT_DISPOSITIONS, DEFAULT_UOM_CODES

	for status, disposition in DEFAULT_DISPOSITIONS.items():
		if frappe.db.exists("Lot Status", status) and not frappe.db.get_value(
			"Lot Status", status, "epcis_disposition"
		):
			frappe.db.set_value("Lot Status", status, "epcis_disposition", disposition, update_modified=False)
	for uom, code in DEFAULT_UOM_CODES.items():
		if frappe.db.exists("UOM", uom) and not frappe.db.get_value("UOM", uom, "un_cefact_code"):
			frappe.db.set_value("UOM", uom, "un_cefact_code", code, update_modified=False)


def create_default_statuses():
	"""Create the shipped statuses that are missing; statuses an admin has edited stay as they are."""
	for status in DEFAULT_STATUSES:
		if not frappe.db.exists("Lot Status", status.name):
			frappe.get_doc({"doctype": "Lot Status", **status.as_record()}).insert(ignore_permissions=True)


def set_default_settings():
	"""Fill the settings an admin has not set: the shipped statuses' roles, and the transitions."""
	settings = frappe.get_single("Lot Traceability Settings")
	for field, value in {**DEFAULT_SETTING_STATUSES, **DEFAULT_RECALL_ROLES}.items():
		if not settings.get(field):
			settings.set(field, value)
	stored = frappe.db.get_singles_dict("Lot Traceability Settings")
	for field, value in {**DEFAULT_EXCEPTION_THRESHOLDS, **DEFAULT_SWITCHES}.items():
		if stored.get(field) is None:
			settings.set(field, value)
	if not settings.transitions:
		add_default_transitions(settings)
	settings.flags.ignore_permissions = True
	settings.save()


def add_default_transitions(settings):
	for transition in DEFAULT_TRANSITIONS:
		settings.append(
			"transitions",
			{
				"from_status": transition.from_status,
				"to_status": transition.to_status,
				"role": transition.role,
			},
		)


# Records Frappe keeps about documents of a doctype, and the field naming the doctype.
RECORDS_ABOUT_DOCTYPES = {
	"Singles": "doctype",
	"Version": "ref_doctype",
	"Comment": "reference_doctype",
	"Property Setter": "doc_type",
	"Workflow": "document_type",
	"Custom DocPerm": "parent",
	"DocShare": "share_doctype",
	"Notification Log": "document_type",
	"ToDo": "reference_type",
}


# ERPNext lets only Item Managers read Batches; the people who govern lots must see them.
LOT_READERS = ("Quality Manager", "Stock Manager", "Stock User")
LOT_READ_PERMISSION = {"read": 1, "report": 1, "export": 1, "print": 1}


SIGN_OFF_STATES = (
	# state, docstatus, role that may edit it in that state, style
	("Draft", 0, "Stock User", ""),
	("Awaiting Approval", 0, "Quality Manager", "Warning"),
	("Approved", 1, "Quality Manager", "Success"),
	("Rejected", 0, "Quality Manager", "Danger"),
)
SIGN_OFF_TRANSITIONS = (
	# from, action, to, roles, condition, the requester may take it
	("Draft", "Submit", "Approved", ("Stock Manager", "Quality Manager"), "not doc.needs_sign_off", 1),
	(
		"Draft",
		"Request Approval",
		"Awaiting Approval",
		("Stock User", "Stock Manager", "Quality Manager"),
		"doc.needs_sign_off",
		1,
	),
	("Awaiting Approval", "Approve", "Approved", ("Quality Manager",), None, 0),
	("Awaiting Approval", "Reject", "Rejected", ("Quality Manager",), None, 1),
)


def create_sign_off_workflow():
	"""The two-person sign-off of status changes, as a Frappe Workflow an admin may edit: made once,
	then left as the admin keeps it."""
	from lot_traceability.status_changes import SIGN_OFF_WORKFLOW

	if frappe.db.exists("Workflow", SIGN_OFF_WORKFLOW):
		return
	for state, _docstatus, _role, style in SIGN_OFF_STATES:
		if not frappe.db.exists("Workflow State", state):
			frappe.get_doc(
				{"doctype": "Workflow State", "workflow_state_name": state, "style": style}
			).insert(ignore_permissions=True)
	for _from, action, *_rest in SIGN_OFF_TRANSITIONS:
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True
			)
	workflow = frappe.get_doc(
		{
			"doctype": "Workflow",
			"workflow_name": SIGN_OFF_WORKFLOW,
			"document_type": "Lot Status Change",
			"workflow_state_field": "workflow_state",
			"is_active": 1,
			"send_email_alert": 0,
		}
	)
	for state, docstatus, role, _style in SIGN_OFF_STATES:
		workflow.append("states", {"state": state, "doc_status": str(docstatus), "allow_edit": role})
	for state, action, next_state, roles, condition, self_approval in SIGN_OFF_TRANSITIONS:
		for role in dict.fromkeys(roles):
			workflow.append(
				"transitions",
				{
					"state": state,
					"action": action,
					"next_state": next_state,
					"allowed": role,
					"condition": condition,
					"allow_self_approval": self_approval,
				},
			)
	workflow.insert(ignore_permissions=True)


def dedupe_sign_off_workflow():
	"""Each state and each transition (state, action, next state, role) of the sign-off workflow once:
	repeated rows make its help and its actions name the same role and action several times. The
	first of each is kept, the rest of the workflow as the admin keeps it."""
	from lot_traceability.status_changes import SIGN_OFF_WORKFLOW

	if not frappe.db.exists("Workflow", SIGN_OFF_WORKFLOW):
		return
	workflow = frappe.get_doc("Workflow", SIGN_OFF_WORKFLOW)
	states = list({row.state: row for row in reversed(workflow.states)}.values())[::-1]
	transitions = list(
		{
			(row.state, row.action, row.next_state, row.allowed): row
			for row in reversed(workflow.transitions)
		}.values()
	)[::-1]
	if len(states) == len(workflow.states) and len(transitions) == len(workflow.transitions):
		return
	workflow.states, workflow.transitions = states, transitions
	workflow.save(ignore_permissions=True)


LABEL_DEFAULT = {"doc_type": "Batch", "property": "default_print_format", "value": "Lot Label"}


def print_labels_by_default():
	"""Print on a Batch prints its Lot Label, unless the site chose another default format."""
	from frappe.custom.doctype.property_setter.property_setter import make_property_setter

	if not frappe.get_meta("Batch").default_print_format:
		make_property_setter(
			"Batch",
			None,
			"default_print_format",
			"Lot Label",
			"Data",
			for_doctype=True,
			validate_fields_for_doctype=False,
		)


def grant_lot_read_permissions():
	from frappe.permissions import setup_custom_perms

	setup_custom_perms("Batch")
	for role in LOT_READERS:
		if not frappe.db.exists(
			"Custom DocPerm", {"parent": "Batch", "role": role, "permlevel": 0, "if_owner": 0}
		):
			frappe.get_doc(
				{
					"doctype": "Custom DocPerm",
					"parent": "Batch",
					"parenttype": "DocType",
					"parentfield": "permissions",
					"role": role,
					"permlevel": 0,
					**LOT_READ_PERMISSION,
				}
			).insert(ignore_permissions=True)
	frappe.clear_cache(doctype="Batch")


def revoke_lot_read_permissions():
	"""Remove the read rules this app added (a rule an admin has since widened stays)."""
	for name in frappe.get_all(
		"Custom DocPerm",
		filters={
			"parent": "Batch",
			"role": ("in", LOT_READERS),
			"permlevel": 0,
			"if_owner": 0,
			**LOT_READ_PERMISSION,
			"write": 0,
			"create": 0,
			"delete": 0,
		},
		pluck="name",
	):
		frappe.delete_doc("Custom DocPerm", name, ignore_permissions=True, force=True)
	frappe.clear_cache(doctype="Batch")


def before_uninstall():
	from lot_traceability.demo import MARKER

	frappe.db.set_default(MARKER, None)
	delete_custom_fields()
	revoke_lot_read_permissions()
	frappe.db.delete("Property Setter", LABEL_DEFAULT)
	balance_queries.drop_batch_index()
	frappe.clear_cache(doctype="Batch")
	delete_records_about_app_doctypes()


def delete_custom_fields():
	"""Remove every field this app added, its column included, so the site is left as it was."""
	for doctype, fields in get_custom_fields().items():
		columns = []
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
			if frappe.db.has_column(doctype, field["fieldname"]):
				columns.append(field["fieldname"])
		drop_columns(doctype, columns)
		frappe.clear_cache(doctype=doctype)


def drop_columns(doctype, columns):
	"""Drop the columns in one statement that rebuilds the table.

	MariaDB drops a column instantly by default: the row format keeps the dropped column until
	the table is rebuilt, and every later add counts it. After some dozens of install and
	uninstall cycles a wide table (Stock Entry Detail, Delivery Note Item …) then refuses the
	next change with "Row size too large" (error 1118). FORCE rebuilds the table once per
	uninstall, so nothing accumulates; the cost is one copy of each table the app extended.
	"""
	if not columns:
		return
	drops = ", ".join(f"drop column `{column}`" for column in columns)
	frappe.db.sql_ddl(f"alter table `tab{doctype}` {drops}, force")


def delete_records_about_app_doctypes():
	"""Frappe drops the app's tables but keeps settings values, versions, comments … about them."""
	doctypes = frappe.get_all("DocType", filters={"module": MODULE}, pluck="name")
	if not doctypes:
		return
	for record_doctype, field in RECORDS_ABOUT_DOCTYPES.items():
		frappe.db.delete(record_doctype, {field: ("in", doctypes)})
