// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.query_reports["Supplier Lot Risk"] = {
	filters: [
		{ fieldname: "supplier", label: __("Supplier"), fieldtype: "Link", options: "Supplier" },
		{ fieldname: "item_group", label: __("Item Group"), fieldtype: "Link", options: "Item Group" },
		{ fieldname: "min_score", label: __("Minimum Score"), fieldtype: "Float" },
	],
	formatter: lot_traceability.text_formatter,
	onload(report) {
		lot_traceability.add_compute_foresight(report);
	},
};
