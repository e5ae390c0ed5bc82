// "Lot Availability" on Sales Order and Quotation: for each row (the selected rows, else all), how
// much of the item may be promised for the row's delivery date and customer, beside ERPNext's actual
// quantity, with the lots behind each figure and why the others do not count. Every server value is
// inserted as text.

lot_traceability.show_availability = function (frm) {
	const grid = frm.fields_dict.items && frm.fields_dict.items.grid;
	const selected = grid ? grid.get_selected_children() : [];
	const rows = (selected.length ? selected : frm.doc.items || []).filter((row) => row.item_code);
	if (!rows.length) {
		frappe.msgprint(__("Add items first."));
		return;
	}
	const customer =
		frm.doc.doctype === "Quotation"
			? frm.doc.quotation_to === "Customer"
				? frm.doc.party_name
				: null
			: frm.doc.customer;
	const text = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
	Promise.all(
		rows.map((row) =>
			frappe.call({
				method: "lot_traceability.api.promisable",
				args: {
					item_code: row.item_code,
					warehouses: row.warehouse || frm.doc.set_warehouse || null,
					date: row.delivery_date || frm.doc.delivery_date || null,
					customer: customer || null,
					company: frm.doc.company,
					sales_order: frm.doc.doctype === "Sales Order" && !frm.is_new() ? frm.doc.name : null,
				},
			})
		)
	).then((answers) => {
		const sections = answers.map((answer, i) => {
			const result = answer.message;
			const row = rows[i];
			const qty = (value) => `${format_number(value)} ${text(result.uom)}`;
			const wanted = flt(row.stock_qty || row.qty);
			const enough = result.promisable + 1e-9 >= wanted;
			const figures = Object.keys(result.labels)
				.filter((klass) => result.totals[klass])
				.map((klass) => `${text(result.labels[klass])}: ${qty(result.totals[klass])}`)
				.join(" · ");
			const lots = (result.lots || [])
				.map(
					(lot) => `<tr class="${lot.promisable ? "" : "text-muted"}">
						<td>${text(lot.lot)}</td>
						<td>${text(lot.warehouse)}</td>
						<td>${lot.expiry_date ? text(frappe.datetime.str_to_user(lot.expiry_date)) : ""}</td>
						<td>${text(__(lot.lot_status))}</td>
						<td>${text(lot.class_label)}</td>
						<td class="text-right">${qty(lot.qty)}</td>
						<td class="text-right">${lot.promisable ? qty(lot.promisable) : ""}</td>
						<td>${text(lot.reason)}</td>
					</tr>`
				)
				.join("");
			const narrow = window.innerWidth < 768; // a phone: one block per lot, no sideways scrolling
			const blocks = (result.lots || [])
				.map(
					(lot) => `<div class="small ${lot.promisable ? "" : "text-muted"}" style="margin-bottom: 8px">
						<b>${text(lot.lot)}</b> · ${text(lot.warehouse)} · ${text(__(lot.lot_status))}
						${lot.expiry_date ? " · " + text(frappe.datetime.str_to_user(lot.expiry_date)) : ""}<br>
						${text(lot.class_label)}: ${qty(lot.qty)}${
						lot.promisable ? " · " + __("Promisable {0}", [qty(lot.promisable)]) : ""
					}<br>${text(lot.reason)}</div>`
				)
				.join("");
			const table = !result.lots
				? `<p class="small text-muted">${__("Lots are listed to users who may read lots.")}</p>`
				: narrow
				? blocks || `<p>${__("No lot in stock")}</p>`
				: `<div class="table-responsive"><table class="table table-bordered table-condensed small">
					<thead><tr><th>${__("Lot")}</th><th>${__("Warehouse")}</th><th>${__("Expiry")}</th>
					<th>${__("Status")}</th><th>${__("Counts As")}</th><th>${__("On Hand")}</th>
					<th>${__("Promisable")}</th><th>${__("Why")}</th></tr></thead>
					<tbody>${lots || `<tr><td colspan="8">${__("No lot in stock")}</td></tr>`}</tbody>
				</table></div>`;
			return `<h5>${__("Row {0}: {1}", [row.idx, text(row.item_code)])}</h5>
				<p><span class="indicator-pill ${enough ? "green" : "red"}">${__("Promisable {0}", [
					qty(result.promisable),
				])}</span>
				${__("of {0} ERPNext shows in stock; this row needs {1} on {2}.", [
					qty(result.actual_qty),
					qty(wanted),
					text(result.date_label),
				])}</p>
				<p class="small">${figures}</p>
				${result.hidden_note ? `<p class="small text-muted">${text(result.hidden_note)}</p>` : ""}
				${table}`;
		});
		new frappe.ui.Dialog({
			title: __("Lot Availability"),
			size: "extra-large",
			fields: [{ fieldtype: "HTML", fieldname: "lots", options: sections.join("") }],
		}).show();
	});
};

if (!lot_traceability.availability_registered) {
	lot_traceability.availability_registered = true;
	["Sales Order", "Quotation"].forEach((doctype) =>
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				if (frm.doc.docstatus < 2) {
					frm.add_custom_button(
						__("Lot Availability"),
						() => lot_traceability.show_availability(frm),
						__("View")
					);
					// under the items table too, for the rows ticked there (not on a phone: that row of
					// buttons is full already)
					const grid = frm.fields_dict.items && frm.fields_dict.items.grid;
					if (grid && window.innerWidth >= 768) {
						grid.add_custom_button(__("Lot Availability"), () =>
							lot_traceability.show_availability(frm)
						);
					}
				}
			},
		})
	);
}

// The rows' Promisable Qty (Lots), set on save: a draft whose rows ask for more than may be promised
// says so above the form, naming the rows.
if (!lot_traceability.promisable_rows_registered) {
	lot_traceability.promisable_rows_registered = true;
	["Sales Order", "Quotation"].forEach((doctype) =>
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				if (frm.doc.docstatus !== 0 || frm.is_new()) return;
				const short = (frm.doc.items || []).filter(
					(row) =>
						row.promisable_qty != null &&
						flt(row.promisable_qty) + 1e-9 < flt(row.stock_qty || row.qty)
				);
				if (!short.length) return;
				frm.dashboard.add_comment(
					__(
						"Less may be promised than ordered on row(s) {0} (Promisable Qty (Lots): lots held, expired, short-dated for the customer, restricted or reserved are not counted). View → Lot Availability lists the lots.",
						[short.map((row) => row.idx).join(", ")]
					),
					"orange",
					true
				);
			},
		})
	);
}
