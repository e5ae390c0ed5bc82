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
			options: [
				{ value: "Both", label: __("Made from and used in") },
				{ value: "Backward", label: __("Made from") },
				{ value: "Forward", label: __("Used in") },
			],
			default: "Both",
			reqd: 1,
		},
		lot_traceability.levels_filter(),
	],
	tree: true,
	initial_depth: 4,
	onload(report) {
		report.page.add_inner_button(__("EPCIS Events"), () => {
			// the lot's trace as a GS1 EPCIS 2.0 document
			const lot = report.get_filter_value("batch");
			if (!lot) {
				frappe.msgprint(__("Choose a lot first."));
				return;
			}
			window.open(
				"/api/method/lot_traceability.api.download_epcis?lot=" + encodeURIComponent(lot)
			);
		});
		report.page.add_inner_button(__("Genealogy Graph"), () => {
			const lot = report.get_filter_value("batch");
			if (!lot) {
				frappe.msgprint(__("Choose a lot first."));
				return;
			}
			frappe.set_route("lot-genealogy", { lot });
		});
		report.page.add_inner_button(__("FSMA 204 Spreadsheet"), () => {
			// the trace's Critical Tracking Events as the FDA's sortable spreadsheet
			const lot = report.get_filter_value("batch");
			if (!lot) {
				frappe.msgprint(__("Choose a lot first."));
				return;
			}
			window.open(
				"/api/method/lot_traceability.api.download_fsma204?lot=" + encodeURIComponent(lot)
			);
		});
	},
	formatter(value, row, column, data, default_formatter) {
		// headings and document rows (deliveries, receipts) carry no lot: no traced quantity, no stock
		if (data && data.is_heading && column.fieldname !== "relation") return "";
		if (data && !data.lot && ["qty", "on_hand", "expiry_date"].includes(column.fieldname)) return "";
		value = default_formatter(lot_traceability.escape_cell(value, column), row, column, data);
		if (column.fieldname === "relation" && data && (data.indent === 0 || data.is_heading)) {
			value = `<b>${value}</b>`;
		}
		return value;
	},
};
