frappe.ui.form.on("Lot Count", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (["Open", "Counting", "Recount"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Count on Phone"), () => frappe.set_route("lot-counting", { count: frm.doc.name }));
			if (frappe.model.can_create("Lot Count") && frm.doc.status !== "Recount") {
				frm.add_custom_button(__("Close Count"), () =>
					frappe
						.call({ method: "lot_traceability.api.complete_lot_count", args: { name: frm.doc.name }, freeze: true })
						.then(() => frm.reload_doc())
				);
			}
		}
		const owed = frm.doc.status === "Completed" && !frm.doc.stock_reconciliation && (frm.doc.rows || []).some((r) => r.state === "Variance");
		if (owed && frappe.model.can_create("Stock Reconciliation")) {
			frm.add_custom_button(__("Draft Stock Reconciliation"), () =>
				frappe
					.call({ method: "lot_traceability.api.complete_lot_count", args: { name: frm.doc.name }, freeze: true })
					.then(({ message }) => {
						if (message.note) frappe.msgprint(message.note);
						frm.reload_doc();
					})
			);
		}
		if (frm.doc.stock_reconciliation) {
			frm.add_custom_button(__("Stock Reconciliation"), () =>
				frappe.set_route("Form", "Stock Reconciliation", frm.doc.stock_reconciliation)
			);
		}
	},
});
