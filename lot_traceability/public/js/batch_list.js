// Batch list: change the status of many selected lots in one recorded action.
(() => {
	const settings = frappe.listview_settings["Batch"] || {};
	const base_onload = settings.onload;
	frappe.listview_settings["Batch"] = Object.assign(settings, {
		add_fields: [...(settings.add_fields || []), "lot_status"],
		onload(listview) {
			base_onload && base_onload(listview);
			listview.page.add_actions_menu_item(__("Change Lot Status"), () => {
				const batches = listview.get_checked_items(true);
				if (!batches.length) return;
				const dialog = new frappe.ui.Dialog({
					title: __("Change the status of {0} lot(s)", [batches.length]),
					fields: [
						{ fieldname: "to_status", fieldtype: "Link", options: "Lot Status", label: __("New Status"), reqd: 1 },
						{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason") },
					],
					primary_action_label: __("Change Status"),
					primary_action({ to_status, reason }) {
						frappe
							.call({
								method: "lot_traceability.api.change_lot_status",
								args: { batches, to_status, reason },
								freeze: true,
							})
							.then(({ message }) => {
								dialog.hide();
								frappe.show_alert({
									message: __("Recorded in {0}", [frappe.utils.escape_html(message)]),
									indicator: "green",
								});
								listview.refresh();
							});
					},
				});
				dialog.show();
			});
		},
	});
})();
