// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.query_reports["Lot Exceptions"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
		{
			fieldname: "kind",
			label: __("Exception"),
			fieldtype: "Select",
			options: [
				"",
				"Shipped or Issued before Release",
				"Held Lot Moved by Override",
				"Back-Dated Entry after a Hold",
				"Mass-Balance Break",
				"Finished Lot without Inputs",
				"Consumption off the BOM",
				"Supplier Lot No Reused",
				"Near Expiry with Open Orders",
				"Repeated Adjustments",
				"Restricted Lot Moved outside its Scope",
				"Waiting for Documents",
				"Unusual Production Yield",
				"Burst of Adjustments",
				"Unusual Movement Quantity",
				"Supplier Dates Out of Line",
				"Unusual Run Duration",
				"Count Variance Confirmed",
				"Counted where the Ledger Has None",
			],
		},
		{ fieldname: "min_score", label: __("Minimum Score"), fieldtype: "Float", default: 0 },
		{ fieldname: "lot", label: __("Lot"), fieldtype: "Link", options: "Batch" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(lot_traceability.escape_cell(value, column), row, column, data);
		if (column.fieldname === "score" && data) {
			const score = data.score || 0;
			const colour = score >= 70 ? "red" : score >= 40 ? "orange" : "yellow";
			value = `<span class="indicator-pill ${colour}"><span>${value}</span></span>`;
		}
		return value;
	},
	onload(report) {
		lot_traceability.add_compute_foresight(report);
	},
};
