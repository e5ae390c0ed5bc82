// The "Promisable Stock" dashboard section of the Item and Batch forms (item_availability.js,
// batch_promise.js): what may be promised beside what ERPNext counts in stock, each class that holds
// the rest back as an indicator, per warehouse, and a link to the Lot Availability report. Every
// server value is inserted as text.

lot_traceability.promise_text = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
lot_traceability.promise_qty = (value, uom) =>
	`${format_number(value)} ${lot_traceability.promise_text(uom)}`;

// The section both the Item and the Batch form show: `figures` has totals (by class, promisable,
// on_hand), labels, uom, a headline, optional per-warehouse rows and the report's filters.
lot_traceability.show_promise_section = function (frm, figures) {
	const text = lot_traceability.promise_text;
	const qty = (value) => lot_traceability.promise_qty(value, figures.uom);
	const colours = {
		usable: "green",
		restricted: "blue",
		held: "red",
		in_quarantine: "red",
		expired: "red",
		short: "orange",
		reserved: "gray",
	};
	const pills = [
		`<span class="indicator-pill ${
			figures.totals.promisable + 1e-9 < (figures.actual_qty || 0) ? "orange" : "green"
		} lt-promisable">${__("Promisable")}: ${qty(figures.totals.promisable)}</span>`,
		...Object.keys(figures.labels)
			.filter((klass) => figures.totals[klass])
			.map(
				(klass) =>
					`<span class="indicator-pill ${colours[klass] || "gray"} lt-class-${klass}">${text(
						figures.labels[klass]
					)}: ${qty(figures.totals[klass])}</span>`
			),
	].join(" ");
	const places = (figures.warehouses || [])
		.map(
			(row) => `<tr>
				<td>${text(row.warehouse)}</td>
				<td class="text-right">${qty(row.actual_qty)}</td>
				<td class="text-right"><b>${qty(row.promisable)}</b></td>
				<td>${Object.keys(figures.labels)
					.filter((klass) => klass !== "usable" && row[klass])
					.map((klass) => `${text(figures.labels[klass])} ${qty(row[klass])}`)
					.join(", ")}</td>
			</tr>`
		)
		.join("");
	const table = places
		? `<div class="table-responsive"><table class="table table-bordered table-condensed small">
				<thead><tr><th>${__("Warehouse")}</th><th>${__("In Stock (ERPNext)")}</th>
				<th>${__("Promisable")}</th><th>${__("Held Back")}</th></tr></thead>
				<tbody>${places}</tbody></table></div>`
		: "";
	const query = Object.entries(figures.report)
		.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
		.join("&");
	const html = `<div class="small lt-promise-dashboard">
		<p>${figures.line}</p>
		<p>${pills}</p>
		${figures.extra || ""}
		${table}
		${figures.hidden_note ? `<p class="text-muted">${text(figures.hidden_note)}</p>` : ""}
		<p><a href="/app/query-report/Lot Availability?${query}">${__("Lot Availability")}</a></p>
	</div>`;
	frm.dashboard.add_section(html, __("Promisable Stock"));
	frm.dashboard.show();
};
