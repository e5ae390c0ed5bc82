// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Deviation", {
	refresh(frm) {
		frm.set_query("warehouse", () => ({ filters: { company: frm.doc.company, is_group: 0 } }));
		// once submitted, the lots are fixed: only their dispositions are chosen
		frm.set_df_property("lots", "cannot_add_rows", frm.doc.docstatus === 1);
		frm.set_df_property("lots", "cannot_delete_rows", frm.doc.docstatus === 1);
		if (frm.doc.docstatus === 1 && frm.doc.status === "Open" && frm.perm[0] && frm.perm[0].submit) {
			frm.add_custom_button(__("Close"), () => {
				frappe.confirm(
					__("Carry out each lot's disposition (status changes, write-offs, draft supplier returns) and close {0}?", [frm.doc.name]),
					() =>
						frappe
							.call("lot_traceability.api.close_lot_deviation", { name: frm.doc.name })
							.then(() => frm.reload_doc())
				);
			}).addClass("btn-primary");
		}
		if (frm.doc.docstatus === 1) {
			frm.page.set_indicator(frappe.utils.escape_html(__(frm.doc.status)), frm.doc.status === "Closed" ? "green" : "orange");
		}
	},
	scope_type(frm) {
		if (frm.doc.scope_type === "Warehouse and Time Window") frm.clear_table("lots");
		frm.refresh_field("lots");
	},
});
