// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.query_reports["Lot Trace"] = {
	filters: [
		{ fieldname: "batch", label: __("Lot"), fieldtype: "Link", options: "Batch" },
		{ fieldname: "supplier_lot_no", label: __("Supplier Lot No"), fieldtype: "Data" },
		{
			fieldname: "direction",
			label: __("Direction"),
			fieldtype: "Select",
			options: ["Both", "Backward", "Forward"],
			default: "Both",
			reqd: 1,
		},
		{ fieldname: "max_depth", label: __("Levels"), fieldtype: "Int", default: 25 },
	],
	tree: true,
	initial_depth: 4,
	formatter(value, row, column, data, default_formatter) {
		// document rows (deliveries, receipts) carry a linked quantity, not a traced one
		if (column.fieldname === "qty" && data && !data.lot) return "";
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "relation" && data && data.indent === 0) {
			value = `<b>${value}</b>`;
		}
		return value;
	},
};
