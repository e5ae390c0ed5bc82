// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.query_reports["Expiry Risk"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{ fieldname: "days", label: __("Expiring Within (Days)"), fieldtype: "Int", default: 90 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "days_to_expiry" && data && data.days_to_expiry < 0) {
			value = `<span class="text-danger">${value}</span>`;
		}
		return value;
	},
};
