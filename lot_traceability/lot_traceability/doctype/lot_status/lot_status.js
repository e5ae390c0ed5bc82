// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Status", {
	refresh(frm) {
		if (!frm.is_new()) {
			frm.page.set_indicator(frappe.utils.escape_html(frm.doc.status_name), frm.doc.colour);
		}
	},
	is_terminal(frm) {
		if (frm.doc.is_terminal) {
			["allow_receipt", "allow_issue", "allow_transfer", "allow_allocation", "allow_shipment", "allow_customer_return"].forEach(
				(field) => frm.set_value(field, 0)
			);
		}
	},
});
