frappe.listview_settings["Lot Status"] = {
	get_indicator(doc) {
		return [frappe.utils.escape_html(__(doc.status_name)), doc.colour, "name,=," + doc.name];
	},
};
