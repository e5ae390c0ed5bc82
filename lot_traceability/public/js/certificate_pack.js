// The certificates of the lots a Delivery Note ships: one PDF (cover page, then the documents),
// downloaded or emailed to the note's contact.
frappe.ui.form.on("Delivery Note", {
	refresh(frm) {
		if (frm.is_new()) return;
		const group = __("Lot Certificates");
		frm.add_custom_button(
			__("Certificate Pack (PDF)"),
			() => {
				const url =
					"/api/method/lot_traceability.api.download_certificate_pack?delivery_note=" +
					encodeURIComponent(frm.doc.name);
				window.open(frappe.urllib.get_full_url(url));
			},
			group
		);
		if (frm.doc.docstatus === 1) {
			frm.add_custom_button(
				__("Email Certificates"),
				() =>
					frappe
						.call({
							method: "lot_traceability.api.send_certificate_pack",
							args: { delivery_note: frm.doc.name },
							freeze: true,
						})
						.then((r) =>
							frappe.show_alert({
								message: __("Certificates sent to {0}", [frappe.utils.escape_html(r.message)]),
								indicator: "green",
							})
						),
				group
			);
		}
	},
});
