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
			fieldname: "workstation",
			label: __("Workstations"),
			fieldtype: "MultiSelectList",
			get_data: (txt) => frappe.db.get_link_options("Workstation", txt),
		},
		{ fieldname: "from_datetime", label: __("Window From"), fieldtype: "Datetime" },
		{ fieldname: "to_datetime", label: __("Window To"), fieldtype: "Datetime" },
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
	onload(report) {
		report.page.add_inner_button(__("Genealogy Graph"), async () => {
			// the graph of the lot the impact is computed for (the first source lot)
			let lot = report.get_filter_value("batch");
			const supplier_lot_no = report.get_filter_value("supplier_lot_no");
			const lot_recall = report.get_filter_value("lot_recall");
			if (!lot && supplier_lot_no) {
				lot = (await frappe.db.get_value("Batch", { supplier_lot_no }, "name")).message.name;
			}
			if (!lot && lot_recall) {
				const { message } = await frappe.call("frappe.client.get_list", {
					doctype: "Lot Recall Source",
					parent: "Lot Recall",
					filters: { parent: lot_recall, parenttype: "Lot Recall" },
					fields: ["batch"],
					order_by: "idx asc",
					limit_page_length: 1,
				});
				lot = message && message.length && message[0].batch;
			}
			if (!lot) {
				frappe.msgprint(__("Choose a lot, a supplier lot no or a Lot Recall first."));
				return;
			}
			frappe.set_route("lot-genealogy", { lot });
		});
	},
	formatter: lot_traceability.text_formatter,
};
