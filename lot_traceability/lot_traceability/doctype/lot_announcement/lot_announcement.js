// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Announcement", {
	refresh(frm) {
		if (!frm.is_new() && frm.doc.status === "Announced") {
			frm.add_custom_button(
				__("Purchase Receipt"),
				() =>
					frappe.model.open_mapped_doc({
						method: "lot_traceability.api.make_purchase_receipt_from_announcement",
						frm,
					}),
				__("Create")
			);
		}
		frm.set_query("purchase_order", () => ({
			filters: { supplier: frm.doc.supplier, company: frm.doc.company, docstatus: 1 },
		}));
		frm.set_indicator_formatter("supplier_lot_no", (row) =>
			row.date_problem ? "red" : row.batch_no ? "green" : "blue"
		);
	},
});
