frappe.listview_settings["Lot Deviation"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colour = { Draft: "red", Open: "orange", "Awaiting Release": "yellow", Closed: "green" }[doc.status] || "gray";
		return [__(doc.status), colour, `status,=,${doc.status}`];
	},
};
