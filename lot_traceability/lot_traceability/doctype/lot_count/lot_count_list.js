frappe.listview_settings["Lot Count"] = {
	add_fields: ["status", "count_date", "counter"],
	get_indicator(doc) {
		const colour = { Open: "orange", Counting: "blue", Recount: "red", Completed: "green", Cancelled: "gray" }[doc.status];
		return [__(doc.status), colour || "gray", "status,=," + doc.status];
	},
	onload(listview) {
		listview.page.add_inner_button(__("Count on Phone"), () => frappe.set_route("lot-counting"));
	},
};
