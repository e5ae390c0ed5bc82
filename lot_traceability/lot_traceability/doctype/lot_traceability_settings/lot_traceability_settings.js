// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Traceability Settings", {
	refresh(frm) {
		if (!frm.doc.enable_enforcement) {
			frm.dashboard.set_headline_alert(
				__("Lot status enforcement is off: held and expired lots are not stopped."),
				"red"
			);
		}
	},
});
