// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.query_reports["Lot Traceability KPIs"] = {
	filters: [
		{
			fieldname: "view",
			label: __("View"),
			fieldtype: "Select",
			options: [
				"Summary",
				"Expiry Loss by Month",
				"Quarantine Cycle Time by Month",
				"Write-offs by Reason",
				"Lots by Status and Site",
				"Inventory Accuracy by Warehouse and Month",
			],
			default: "Summary",
			reqd: 1,
		},
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today() },
	],
	formatter: lot_traceability.text_formatter,
	onload(report) {
		// the user's default company if it has lots, else the first company with lots
		if (report.get_filter_value("company")) return;
		frappe.xcall("lot_traceability.api.kpi_default_company").then((company) => {
			if (company) report.set_filter_value("company", company);
		});
	},
};
