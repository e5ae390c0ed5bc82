frappe.listview_settings["Lot Recall"] = {
	add_fields: ["status", "is_mock"],
	get_indicator(doc) {
		const colours = {
			Draft: "red",
			Open: "orange",
			Contained: "blue",
			Closed: "green",
			Drill: "gray",
			Cancelled: "red",
		};
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
