frappe.listview_settings["Lot Status"] = {
	get_indicator(doc) {
		return [__(doc.status_name), doc.colour, "name,=," + doc.name];
	},
};
