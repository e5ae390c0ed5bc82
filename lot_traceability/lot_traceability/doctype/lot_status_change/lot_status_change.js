// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Status Change", {
	setup(frm) {
		frm.set_query("batch", "lots", () => ({ filters: { lot_status: ["!=", frm.doc.to_status || ""] } }));
	},
	to_status(frm) {
		if (!frm.doc.to_status) return;
		frappe.db.get_value("Lot Status", frm.doc.to_status, "requires_reason").then(({ message }) => {
			frm.toggle_reqd("reason", !!(message && message.requires_reason));
		});
	},
});
