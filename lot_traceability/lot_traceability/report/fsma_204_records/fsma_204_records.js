// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

// A lot, a recall or a product chosen: its whole history, not the last 30 days the report opens on
// (dates the user sets afterwards narrow it, and the report says what range it covers).
function whole_history(report) {
	const values = report.get_filter_values(false) || {};
	if ((values.lot || values.lot_recall || values.item) && (values.from_date || values.to_date)) {
		report.set_filter_value({ from_date: "", to_date: "" });
	} else {
		report.refresh();
	}
}

frappe.query_reports["FSMA 204 Records"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -30),
		},
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", default: frappe.datetime.get_today() },
		{ fieldname: "item", label: __("Product"), fieldtype: "Link", options: "Item", on_change: whole_history },
		{
			fieldname: "lot",
			label: __("Lot (and its trace)"),
			fieldtype: "Link",
			options: "Batch",
			on_change: whole_history,
		},
		{
			fieldname: "lot_recall",
			label: __("Lot Recall"),
			fieldtype: "Link",
			options: "Lot Recall",
			on_change: whole_history,
		},
	],
	onload(report) {
		// a company-wide range longer than `export_jobs.MAX_DAYS` (366) days is made in the background
		const is_long_range = (values) =>
			!values.lot &&
			!values.lot_recall &&
			!values.item &&
			values.from_date &&
			values.to_date &&
			frappe.datetime.get_day_diff(values.to_date, values.from_date) + 1 > 366;
		for (const file_format of ["xlsx", "csv"]) {
			// the FDA's sortable spreadsheet of the same filters (in the menu: the title keeps its room on a phone)
			report.page.add_menu_item(__("Download FSMA 204 Spreadsheet (.{0})", [file_format]), () => {
				const values = report.get_filter_values(false) || {};
				if (is_long_range(values)) {
					// the answer says so; the file is notified when ready
					frappe.call({
						method: "lot_traceability.api.download_fsma204",
						args: { ...values, file_format },
					});
					return;
				}
				const query = Object.entries({ ...values, file_format })
					.filter(([, value]) => value)
					.map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
					.join("&");
				window.open("/api/method/lot_traceability.api.download_fsma204?" + query);
			});
		}
	},
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(lot_traceability.escape_cell(value, column), row, column, data);
		if (column.fieldname === "missing" && data && data.missing) {
			value = `<span style="color: var(--red-600)">${value}</span>`;
		}
		return value;
	},
};
