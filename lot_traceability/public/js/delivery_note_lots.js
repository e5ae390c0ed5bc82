// On the Delivery Note: a customer complaint raised from a shipped row (a Lot Deviation with the
// customer, the row's lot and quantity filled), and on a return, what became of each row's lots.
frappe.ui.form.on("Delivery Note", {
	refresh(frm) {
		lot_traceability_show_dispositions(frm);
		if (frm.doc.docstatus !== 1 || frm.doc.is_return || !frappe.model.can_create("Lot Deviation")) return;
		const rows = (frm.doc.items || []).filter((row) => row.batch_no || row.serial_and_batch_bundle);
		if (!rows.length) return;
		frm.add_custom_button(
			__("Lot Complaint"),
			() => {
				const raise = (row) =>
					frappe
						.call("lot_traceability.api.make_lot_complaint", { delivery_note: frm.doc.name, row: row })
						.then(({ message }) => frappe.set_route("Form", "Lot Deviation", message));
				if (rows.length === 1) return raise(rows[0].name);
				const dialog = new frappe.ui.Dialog({
					title: __("Which row is the complaint about?"),
					fields: [
						{
							fieldname: "row",
							fieldtype: "Select",
							label: __("Row"),
							reqd: 1,
							options: rows.map((row) => ({
								value: row.name,
								label: frappe.utils.escape_html(`${row.idx}: ${row.item_code} ${row.batch_no || ""} (${row.qty} ${row.uom})`),
							})),
						},
					],
					primary_action_label: __("Raise Complaint"),
					primary_action: ({ row }) => {
						dialog.hide();
						raise(row);
					},
				});
				dialog.show();
			},
			__("Create")
		);
	},
});

function lot_traceability_show_dispositions(frm) {
	if (!frm.doc.is_return) return;
	const esc = frappe.utils.escape_html;
	const lines = (frm.doc.items || [])
		.filter((row) => row.lot_return_disposition)
		.map((row) => {
			const made = row.lot_disposition_document
				? ` → <a href="/app/${frappe.router.slug(row.lot_disposition_doctype)}/${encodeURIComponent(row.lot_disposition_document)}">${esc(__(row.lot_disposition_doctype))} ${esc(row.lot_disposition_document)}</a>`
				: "";
			return `${__("Row {0}", [row.idx])}: ${esc(row.item_code)} ${esc(row.batch_no || "")} — <b>${esc(__(row.lot_return_disposition))}</b>${made}`;
		});
	if (lines.length) frm.dashboard.set_headline_alert(`${__("Return Disposition")}: ${lines.join("; ")}`, "blue");
}
