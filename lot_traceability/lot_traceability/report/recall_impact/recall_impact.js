// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.query_reports["Recall Impact"] = {
	filters: [
		{ fieldname: "batch", label: __("Lot"), fieldtype: "Link", options: "Batch" },
		{
			fieldname: "lots",
			label: __("More Lots"),
			fieldtype: "MultiSelectList",
			get_data: (txt) => frappe.db.get_link_options("Batch", txt),
		},
		{ fieldname: "supplier_lot_no", label: __("Supplier Lot No"), fieldtype: "Data" },
		{ fieldname: "lot_recall", label: __("Lot Recall"), fieldtype: "Link", options: "Lot Recall" },
		{
			fieldname: "section",
			label: __("Show"),
			fieldtype: "Select",
			options: ["Stock", "Customers", "Shipments", "Open Demand", "Affected Lots", "Upstream"],
			default: "Stock",
			reqd: 1,
		},
		{ fieldname: "recall_date", label: __("Recovered From"), fieldtype: "Date" },
		lot_traceability.levels_filter(),
	],
};
