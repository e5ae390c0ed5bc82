// On a batch-tracked Item: a "Promisable Stock" dashboard section — what may be promised today beside
// what ERPNext counts in stock, each class that holds the rest back (usable, restricted, held, in a
// quarantine warehouse, expired, short shelf life, reserved), per warehouse, with a link to the Lot
// Availability report (the section is drawn by promise_dashboard.js). Every server value is inserted
// as text.

frappe.ui.form.on("Item", {
	refresh(frm) {
		if (frm.is_new() || !frm.doc.has_batch_no || !frm.doc.is_stock_item) return;
		frappe
			.call({
				method: "lot_traceability.api.promisable",
				args: { item_code: frm.doc.name },
				type: "GET",
			})
			.then(({ message }) => {
				if (!message || !message.on_hand) return;
				const line = __("Promisable today: {0} of {1} in stock.", [
					lot_traceability.promise_qty(message.promisable, message.uom),
					lot_traceability.promise_qty(message.actual_qty, message.uom),
				]);
				// the headline is seen on every tab; the section sits in the form's dashboard
				frm.dashboard.add_comment(
					`${line} <a href="/app/query-report/Lot Availability?item_code=${encodeURIComponent(
						frm.doc.name
					)}">${__("Lot Availability")}</a>`,
					message.promisable + 1e-9 < message.actual_qty ? "yellow" : "blue",
					true
				);
				lot_traceability.show_promise_section(frm, {
					totals: message.totals,
					labels: message.labels,
					uom: message.uom,
					actual_qty: message.actual_qty,
					hidden_note: message.hidden_note,
					line,
					warehouses: message.warehouses,
					report: { item_code: frm.doc.name },
				});
			});
	},
});
