// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Traceability Settings", {
	refresh(frm) {
		if (frappe.user.has_role(["System Manager", "Stock Manager"])) {
			// the daily checks, now: a job on the long queue whose progress shows here
			frm.add_custom_button(__("Check Lot Ledger and Balances Now"), () =>
				frappe
					.call({ method: "lot_traceability.api.check_lot_ledger_now" })
					.then(() =>
						frappe.show_alert({
							message: __("Checking the lot ledger and balances against the stock ledger…"),
							indicator: "blue",
						})
					)
			);
		}
		if (frappe.user.has_role(["System Manager", "Stock Manager", "Quality Manager"])) {
			// the daily forecast, scores and anomalies, now (long queue, progress shown here)
			frm.add_custom_button(__("Compute Foresight Now"), () =>
				frappe.call({ method: "lot_traceability.api.compute_foresight_now" }).then(() =>
					frappe.show_alert({
						message: __("Computing the expiry forecast, supplier scores and anomalies…"),
						indicator: "blue",
					})
				)
			);
		}
		if (!frm.doc.enable_enforcement) {
			frm.dashboard.set_headline_alert(
				__("Lot status enforcement is off: held and expired lots are not stopped."),
				"red"
			);
		}
	},
});
