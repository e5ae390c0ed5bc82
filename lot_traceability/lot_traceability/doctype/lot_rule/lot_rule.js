// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Rule", {
	setup(frm) {
		frm.set_query("item", () => ({ filters: { has_batch_no: 1 } }));
	},
	applies_to(frm) {
		if (frm.doc.applies_to !== "Item") frm.set_value("item", null);
		if (frm.doc.applies_to !== "Item Group") frm.set_value("item_group", null);
	},
});
