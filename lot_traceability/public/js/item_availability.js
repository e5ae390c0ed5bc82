// On a batch-tracked Item: one line saying how much may be promised today beside what ERPNext counts
// in stock, and what holds the rest back (Lot Availability report for the detail).

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
				const text = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
				const qty = (value) => `${format_number(value)} ${text(message.uom)}`;
				const held_back = Object.keys(message.labels)
					.filter((klass) => klass !== "usable" && message.totals[klass])
					.map((klass) => `${text(message.labels[klass])} ${qty(message.totals[klass])}`)
					.join(", ");
				const line = __("Promisable today: {0} of {1} in stock.", [
					qty(message.promisable),
					qty(message.actual_qty),
				]);
				frm.dashboard.add_comment(
					`${line}${held_back ? " " + held_back + "." : ""} <a href="/app/query-report/Lot Availability?item_code=${encodeURIComponent(
						frm.doc.name
					)}">${__("Lot Availability")}</a>`,
					message.promisable < message.actual_qty ? "yellow" : "blue",
					true
				);
			});
	},
});
