// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Recall", {
	refresh(frm) {
		frm.dashboard.clear_comment();
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
			frm.add_custom_button(__("Customer Notice"), () => {
				// one letter per customer, all of them in one print
				frappe.route_options = { format: "Lot Recall Customer Notice" };
				frappe.set_route("print", frm.doctype, frm.doc.name);
			});
		}
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.set_intro(
				frm.doc.is_mock
					? __(
							"A drill: submitting it records its scope and time to scope. No lot, pick list or reservation is touched and nobody is assigned; it can be cancelled."
					  )
					: __(
							"Submitting moves every affected lot to {0}, cancels the reservations and open pick lists that hold them, and assigns tasks to warehouse, quality and customer service. It cannot be undone.",
							[__(frm.doc.target_status || "Recalled")]
					  ),
				frm.doc.is_mock ? "blue" : "orange"
			);
		} else {
			frm.set_intro("");
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
