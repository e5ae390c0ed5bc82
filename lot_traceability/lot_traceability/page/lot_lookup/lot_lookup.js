frappe.pages["lot-lookup"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Lot Lookup"), single_column: true });
	const result = $('<div class="lot-lookup-result"></div>');
	const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));

	const show_error = (message) => {
		result.html(`<div class="alert alert-warning lot-lookup-error">${message}</div>`);
	};

	const show_lot = (lot) => {
		const rows = (lot.balances || [])
			.map(
				(b) => `<tr><td>${esc(b.warehouse)}</td>
				<td class="text-right">${format_number(b.qty)}</td></tr>`
			)
			.join("");
		result.html(`
			<h4 class="lot-lookup-title">
				<a href="/app/batch/${encodeURIComponent(lot.batch)}">${esc(lot.batch)}</a>
				<span class="indicator-pill">${esc(__(lot.lot_status || ""))}</span>
			</h4>
			<p>${__("Item")}: ${esc(lot.item)}
				· ${__("Expiry")}: ${lot.expiry_date ? frappe.datetime.str_to_user(lot.expiry_date) : "—"}
				· ${__("Supplier Lot")}: ${esc(lot.supplier_lot_no || "—")}</p>
			<div class="table-responsive">
				<table class="table table-bordered lot-lookup-stock">
					<thead><tr><th>${__("Warehouse")}</th><th class="text-right">${__("On Hand")}</th></tr></thead>
					<tbody>${rows || `<tr><td colspan="2">${__("No stock")}</td></tr>`}</tbody>
				</table>
			</div>
			<a class="btn btn-default btn-sm" href="/app/query-report/Lot Trace?batch=${encodeURIComponent(lot.batch)}">
				${__("Trace")}</a>`);
	};

	const show_matches = (matches, text) => {
		const rows = matches
			.map(
				(m) => `<tr>
				<td><a class="lot-lookup-match" data-lot="${esc(m.batch)}">${esc(m.batch)}</a></td>
				<td>${esc(m.item)}</td><td>${esc(__(m.lot_status || ""))}</td>
				<td>${esc(m.supplier_lot_no || "")}</td>
				<td>${m.expiry_date ? frappe.datetime.str_to_user(m.expiry_date) : ""}</td></tr>`
			)
			.join("");
		result.html(`
			<p>${__("{0} lots match {1}: choose one.", [matches.length, `<b>${esc(text)}</b>`])}</p>
			<div class="table-responsive">
				<table class="table table-bordered lot-lookup-matches">
					<thead><tr><th>${__("Lot")}</th><th>${__("Item")}</th><th>${__("Status")}</th>
						<th>${__("Supplier Lot")}</th><th>${__("Expiry")}</th></tr></thead>
					<tbody>${rows}</tbody>
				</table>
			</div>`);
		result.find(".lot-lookup-match").on("click", (e) => look_up($(e.currentTarget).attr("data-lot")));
	};

	const look_up = (text) => {
		result.html(`<p class="text-muted">${__("Looking up {0} …", [esc(text)])}</p>`);
		frappe.call({ method: "lot_traceability.api.lookup_lot", args: { text } }).then(
			(r) => {
				const found = r.message;
				if (found.batch) show_lot(found);
				else if (found.matches.length) show_matches(found.matches, text);
				else show_error(found.message);
			},
			() => show_error(__("The lot could not be looked up."))
		);
	};

	const field = page.add_field({
		fieldname: "label",
		label: __("Lot id, supplier lot no or label"),
		fieldtype: "Data",
		options: "Barcode",
		change() {
			const text = (field.get_value() || "").trim();
			if (!text) return;
			field.set_value("");
			look_up(text);
		},
	});
	// what people type here is long (a GS1 label): the field takes half the row, its hint whole
	field.$wrapper.removeClass("col-md-2").addClass("col-md-6 col-sm-12");
	page.set_primary_action(__("Scan with Camera"), () => {
		new frappe.ui.Scanner({ dialog: true, multiple: false, on_scan: (data) => look_up(data.decodedText) });
	}, "camera");
	page.main.append(result);
	setTimeout(() => field.$input && field.$input.focus(), 300);
};
