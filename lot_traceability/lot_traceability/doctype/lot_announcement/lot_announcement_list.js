// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.listview_settings["Lot Announcement"] = {
	get_indicator(doc) {
		const colours = { Announced: "blue", Received: "green", "Received with Findings": "orange" };
		return [__(doc.status), colours[doc.status] || "gray", "status,=," + doc.status];
	},
};
