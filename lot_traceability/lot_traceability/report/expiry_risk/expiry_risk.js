// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.query_reports["Expiry Risk"] = {
	filters: [
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{ fieldname: "warehouse", label: __("Warehouse"), fieldtype: "Link", options: "Warehouse" },
		{ fieldname: "item_code", label: __("Item"), fieldtype: "Link", options: "Item" },
		{ fieldname: "days", label: __("Expiring Within (Days)"), fieldtype: "Int", default: 90 },
		{
			fieldname: "forecast_at_risk",
			label: __("Forecast Unsold (Any Expiry)"),
			fieldtype: "Check",
			description: __("Every lot the daily forecast expects to be left unsold at its sell-by date"),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(lot_traceability.escape_cell(value, column), row, column, data);
		if (column.fieldname === "days_to_expiry" && data && data.days_to_expiry < 0) {
			value = `<span class="text-danger">${value}</span>`;
		}
		if (column.fieldname === "move_qty" && data && data.move_to && data.move_qty) {
			// one click: a draft transfer to where it sells in time, opened for the user to check
			const args = encodeURIComponent(
				JSON.stringify({
					batch: data.lot,
					from_warehouse: data.warehouse,
					to_warehouse: data.move_to,
					qty: data.move_qty,
				})
			);
			value += ` <button class="btn btn-xs btn-default lot-rebalance" data-args="${args}">${__(
				"Move"
			)}</button>`;
		}
		return value;
	},
	onload(report) {
		lot_traceability.add_compute_foresight(report);
		$(document)
			.off("click.lot_rebalance")
			.on("click.lot_rebalance", ".lot-rebalance", (event) => {
				const args = JSON.parse(decodeURIComponent($(event.currentTarget).attr("data-args")));
				frappe
					.call({
						method: "lot_traceability.api.make_rebalance_transfer",
						args,
						freeze: true,
					})
					.then(({ message }) => frappe.set_route("Form", message.doctype, message.name));
			});
	},
};
