// On the Batch form: the lot's part of its item's promisable stock today — per warehouse, the class
// its stock falls in, what of it may be promised and why — beside the item's totals, with a link to
// the Lot Availability report. Every server value is inserted as text.

frappe.ui.form.on("Batch", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe
			.call({
				method: "lot_traceability.api.lot_promisable",
				args: { batch: frm.doc.name },
				type: "GET",
			})
			.then(({ message }) => {
				if (!message || !message.totals.on_hand || !lot_traceability.show_promise_section) return;
				const text = lot_traceability.promise_text;
				const qty = (value) => lot_traceability.promise_qty(value, message.uom);
				const rows = message.rows
					.map(
						(row) => `<tr>
							<td>${text(row.warehouse)}</td>
							<td>${text(row.class_label)}</td>
							<td class="text-right">${qty(row.qty)}</td>
							<td class="text-right">${row.promisable ? qty(row.promisable) : ""}</td>
							<td>${text(row.reason)}</td>
						</tr>`
					)
					.join("");
				lot_traceability.show_promise_section(frm, {
					totals: message.totals,
					labels: message.labels,
					uom: message.uom,
					actual_qty: message.totals.on_hand,
					hidden_note: message.hidden_note,
					line: __("This lot: {0} promisable today of {1} on hand. Item {2}: {3} promisable of {4} in stock.", [
						qty(message.totals.promisable),
						qty(message.totals.on_hand),
						text(message.item_code),
						qty(message.item_totals.promisable),
						qty(message.item_actual_qty),
					]),
					extra: `<div class="table-responsive"><table class="table table-bordered table-condensed small lt-lot-promise">
						<thead><tr><th>${__("Warehouse")}</th><th>${__("Counts As")}</th><th>${__("On Hand")}</th>
						<th>${__("Promisable")}</th><th>${__("Why")}</th></tr></thead><tbody>${rows}</tbody></table></div>`,
					report: { item_code: message.item_code },
				});
			});
	},
});
