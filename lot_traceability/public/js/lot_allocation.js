// "Lot Allocation" on Delivery Note, Sales Invoice and Pick List: which lots the allocation takes for
// each row, and why every other lot was passed over (lot_traceability.show_allocation). Outward rows
// pick existing lots only: their batch picker offers no "Create a new Batch".

// the same file serves three doctypes: register the handlers once
if (!lot_traceability.allocation_registered) {
	lot_traceability.allocation_registered = true;
	["Delivery Note", "Sales Invoice", "Pick List"].forEach(register_allocation_button);
}

function register_allocation_button(doctype) {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			const table = doctype === "Pick List" ? "locations" : "items";
			const grid = frm.fields_dict[table] && frm.fields_dict[table].grid;
			if (grid) grid.update_docfield_property("batch_no", "only_select", 1);
			if (frm.doc.docstatus === 0 && (doctype !== "Sales Invoice" || frm.doc.update_stock)) {
				frm.add_custom_button(__("Lot Allocation"), () => lot_traceability.show_allocation(frm), __("View"));
			}
		},
	});
}
