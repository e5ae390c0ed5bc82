// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.query_reports["Lot Availability"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{ fieldname: "item_group", label: __("Item Group"), fieldtype: "Link", options: "Item Group" },
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
		{
			fieldname: "date",
			label: __("Delivery Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "days", label: __("Expiring Within (Days)"), fieldtype: "Int", default: 30 },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(lot_traceability.escape_cell(value, column), row, column, data);
		if (column.fieldname === "promisable" && data && data.promisable < data.actual_qty) {
			value = `<span class="text-warning">${value}</span>`;
		}
		return value;
	},
};
