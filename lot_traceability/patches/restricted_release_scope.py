"""The shipped Restricted status becomes a restricted release: flagged, and allowed to ship and be
allocated (its release scope now says to whom). A site whose admin already flagged a restricted
status is left as it is. Lots already Restricted keep their old meaning until a new change gives
them a scope: internal use only."""

import frappe

OLD_DESCRIPTION = "Released for internal use only: may go to production, not to customers."


def execute():
	if not frappe.db.exists("Lot Status", "Restricted"):
		return
	from lot_traceability.traceability.statuses import DEFAULT_STATUSES

	if frappe.db.get_value("Lot Status", "Restricted", "description") == OLD_DESCRIPTION:
		shipped = next(status for status in DEFAULT_STATUSES if status.name == "Restricted")
		frappe.db.set_value("Lot Status", "Restricted", "description", shipped.description)
	if frappe.db.count("Lot Status", {"is_restricted": 1}):
		return
	frappe.db.set_value(
		"Lot Status", "Restricted", {"is_restricted": 1, "allow_allocation": 1, "allow_shipment": 1}
	)
