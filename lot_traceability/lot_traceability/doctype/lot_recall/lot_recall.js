// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Recall", {
	refresh(frm) {
		if (frm.doc.docstatus === 1 && !frm.doc.is_mock && frm.doc.status !== "Closed") {
			frm.add_custom_button(__("Refresh Containment"), () => set_status(frm, null), __("Containment"));
			if (frm.doc.status === "Open") {
				frm.add_custom_button(__("Mark Contained"), () => set_status(frm, "Contained"), __("Containment"));
			}
			frm.add_custom_button(__("Close Recall"), () => set_status(frm, "Closed"), __("Containment"));
		}
		if (!frm.is_new()) {
			frm.add_custom_button(__("Recall Impact"), () => {
				frappe.set_route("query-report", "Recall Impact", { lot_recall: frm.doc.name });
			});
			frm.add_custom_button(__("Customer Notice List"), () => {
				frappe.set_route("query-report", "Recall Impact", {
					lot_recall: frm.doc.name,
					section: "Customers",
				});
			});
		}
		if (frm.doc.time_to_scope) {
			frm.dashboard.add_comment(
				__("Scope of {0} lots, {1} customers and {2} sites computed in {3} s.", [
					frm.doc.affected_lots_count,
					frm.doc.customers_count,
					frm.doc.sites_count,
					format_number(frm.doc.time_to_scope, null, 3),
				]),
				"blue",
				true
			);
		}
	},
});

function set_status(frm, status) {
	frappe
		.call({
			method: "lot_traceability.api.update_recall",
			args: { recall: frm.doc.name, status: status },
			freeze: true,
		})
		.then(() => frm.reload_doc());
}
