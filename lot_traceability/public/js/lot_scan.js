// "Scan Lot Label" on Purchase Receipt, Delivery Note, Stock Entry and Pick List: a GS1 label fills
// a new row (receipts: item, supplier lot and dates; issues: item and the lot, refused at once when
// its status or expiry forbids the movement).
frappe.provide("lot_traceability");

lot_traceability.scan_lot_label = function (frm) {
	const table = frm.doc.doctype === "Pick List" ? "locations" : "items";
	const dialog = new frappe.ui.Dialog({
		title: __("Scan Lot Label"),
		fields: [
			{
				fieldname: "label",
				fieldtype: "Data",
				label: __("GS1 label"),
				description: __("Scan the label, or type it as (01)…(17)…(10)…"),
				reqd: 1,
			},
		],
		primary_action_label: __("Add Row"),
		// a phone's camera reads the label (Frappe's scanner: QR, DataMatrix, GS1-128)
		secondary_action_label: __("Scan with Camera"),
		secondary_action() {
			new frappe.ui.Scanner({
				dialog: true,
				multiple: false,
				on_scan: (data) => {
					dialog.set_value("label", data.decodedText);
					dialog.primary_action({ label: data.decodedText });
				},
			});
		},
		primary_action(values) {
			frappe
				.call({
					method: "lot_traceability.api.scan_lot_label",
					args: {
						text: values.label,
						doctype: frm.doc.doctype,
						purpose: frm.doc.purpose,
						posting_date: frm.doc.posting_date,
					},
				})
				.then((r) => {
					const row = frm.add_child(table, {});
					const values = r.message;
					// item first: its triggers fill the row, then the lot and dates
					frappe.model
						.set_value(row.doctype, row.name, "item_code", values.item_code)
						.then(() => {
							Object.entries(values).forEach(([field, value]) => {
								if (field !== "item_code" && value !== null && value !== undefined) {
									frappe.model.set_value(row.doctype, row.name, field, value);
								}
							});
							frm.refresh_field(table);
						});
					dialog.fields_dict.label.set_value("");
				});
		},
	});
	dialog.show();
};

if (!lot_traceability.scan_registered) {
	lot_traceability.scan_registered = true;
	["Purchase Receipt", "Delivery Note", "Stock Entry", "Pick List"].forEach((doctype) => {
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				if (frm.doc.docstatus === 0) {
					frm.add_custom_button(__("Scan Lot Label"), () => lot_traceability.scan_lot_label(frm));
				}
			},
		});
	});
}
