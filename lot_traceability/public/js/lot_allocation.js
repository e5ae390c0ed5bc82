// "Lot Allocation" on Delivery Note, Sales Invoice and Pick List: which lots the allocation takes for
// each row, and why every other lot was passed over.
frappe.provide("lot_traceability");

lot_traceability.show_allocation = function (frm) {
	const table = frm.doc.doctype === "Pick List" ? "locations" : "items";
	const rows = (frm.doc[table] || []).filter((row) => row.item_code && row.warehouse);
	if (!rows.length) {
		frappe.msgprint(__("Add items with a warehouse first."));
		return;
	}
	Promise.all(
		rows.map((row) =>
			frappe.call({
				method: "lot_traceability.api.check_allocation",
				args: {
					item_code: row.item_code,
					warehouse: row.warehouse,
					qty: row.stock_qty || row.qty,
					posting_date: frm.doc.posting_date,
					customer: frm.doc.customer,
					company: frm.doc.company,
				},
			})
		)
	).then((answers) => {
		const sections = answers.map((answer, i) => {
			const result = answer.message;
			const lines = result.lots
				.map(
					(lot) => `<tr class="${lot.chosen ? "" : "text-muted"}">
						<td>${frappe.utils.escape_html(lot.batch_no)}</td>
						<td>${frappe.utils.escape_html(lot.warehouse)}</td>
						<td>${lot.expiry_date ? frappe.datetime.str_to_user(lot.expiry_date) : ""}</td>
						<td>${frappe.utils.escape_html(__(lot.lot_status))}</td>
						<td class="text-right">${format_number(lot.available)}</td>
						<td class="text-right">${lot.chosen ? format_number(lot.qty) : ""}</td>
						<td>${frappe.utils.escape_html(lot.reason)}</td>
					</tr>`
				)
				.join("");
			return `<h5>${__("Row {0}: {1}, {2} ({3})", [
				rows[i].idx,
				frappe.utils.escape_html(rows[i].item_code),
				format_number(result.qty),
				result.policy,
			])}</h5>
				${result.shortfall ? `<p class="text-danger">${__("Short by {0}", [format_number(result.shortfall)])}</p>` : ""}
				<table class="table table-bordered table-condensed">
					<thead><tr><th>${__("Lot")}</th><th>${__("Warehouse")}</th><th>${__("Expiry")}</th>
					<th>${__("Status")}</th><th>${__("Available")}</th><th>${__("Taken")}</th><th>${__("Why")}</th></tr></thead>
					<tbody>${lines || `<tr><td colspan="7">${__("No lot in stock")}</td></tr>`}</tbody>
				</table>`;
		});
		frappe.msgprint({ title: __("Lot Allocation"), message: sections.join(""), wide: true });
	});
};

// the same file serves three doctypes: register the handlers once
if (!lot_traceability.allocation_registered) {
	lot_traceability.allocation_registered = true;
	["Delivery Note", "Sales Invoice", "Pick List"].forEach(register_allocation_button);
}

function register_allocation_button(doctype) {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			if (frm.doc.docstatus === 0 && (doctype !== "Sales Invoice" || frm.doc.update_stock)) {
				frm.add_custom_button(__("Lot Allocation"), () => lot_traceability.show_allocation(frm), __("View"));
			}
		},
	});
}
