frappe.pages["lot-lookup"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Lot Lookup"), single_column: true });
	const result = $('<div class="lot-lookup-result" style="margin-top: 15px;"></div>');
	const field = page.add_field({
		fieldname: "label",
		label: __("Scan a lot label or type a lot"),
		fieldtype: "Data",
		change() {
			const text = field.get_value();
			if (!text) return;
			frappe.call({ method: "lot_traceability.api.lookup_lot", args: { text } }).then((r) => {
				const lot = r.message;
				const rows = (lot.balances || [])
					.map(
						(b) => `<tr><td>${frappe.utils.escape_html(b.warehouse)}</td>
						<td class="text-right">${format_number(b.qty)}</td></tr>`
					)
					.join("");
				result.html(`
					<h4><a href="/app/batch/${encodeURIComponent(lot.batch)}">${frappe.utils.escape_html(lot.batch)}</a>
						<span class="indicator-pill">${frappe.utils.escape_html(__(lot.lot_status || ""))}</span></h4>
					<p>${__("Item")}: ${frappe.utils.escape_html(lot.item)}
						· ${__("Expiry")}: ${lot.expiry_date ? frappe.datetime.str_to_user(lot.expiry_date) : "—"}
						· ${__("Supplier Lot")}: ${frappe.utils.escape_html(lot.supplier_lot_no || "—")}</p>
					<table class="table table-bordered" style="max-width: 480px;">
						<thead><tr><th>${__("Warehouse")}</th><th class="text-right">${__("On Hand")}</th></tr></thead>
						<tbody>${rows || `<tr><td colspan="2">${__("No stock")}</td></tr>`}</tbody>
					</table>
					<a class="btn btn-default btn-sm" href="/app/query-report/Lot Trace?batch=${encodeURIComponent(lot.batch)}">
						${__("Trace")}</a>`);
				field.set_value("");
			});
		},
	});
	page.main.append(result);
	setTimeout(() => field.$input && field.$input.focus(), 300);
};
