// Counting on a phone: choose the day's count and a location, scan each lot's label (the warehouse
// page's scanner) or tap a row, enter the quantity. Blind by default: no book quantity is shown.
frappe.pages["lot-counting"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Counting"), single_column: true });
	const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
	const body = $(`<div class="lot-count">
		<div class="lot-count-head small text-muted"></div>
		<div class="lot-count-message"></div>
		<div class="lot-count-entry"></div>
		<div class="lot-count-rows"></div>
	</div>`).appendTo(page.main);
	const state = { sheet: null, location: null, lot: null };
	const STATE_COLOURS = { Pending: "gray", Matched: "green", Recount: "orange", Variance: "red" };

	const say = (html, kind) =>
		body.find(".lot-count-message").html(`<div class="alert alert-${kind || "info"} lot-count-said">${html}</div>`);

	const count_field = page.add_field({
		fieldname: "count",
		label: __("Count"),
		fieldtype: "Select",
		change() {
			const name = count_field.get_value();
			if (name && (!state.sheet || state.sheet.name !== name)) load(name);
		},
	});
	const location_field = page.add_field({
		fieldname: "location",
		label: __("Location"),
		fieldtype: "Select",
		change() {
			state.location = location_field.get_value() || null;
			state.lot = null;
			render();
		},
	});
	const scan_field = page.add_field({
		fieldname: "label",
		label: __("Scan a lot label or type a lot id"),
		fieldtype: "Data",
		options: "Barcode",
		change() {
			const text = (scan_field.get_value() || "").trim();
			if (!text) return;
			scan_field.set_value("");
			identify(text);
		},
	});
	scan_field.$wrapper.removeClass("col-md-2").addClass("col-md-6 col-sm-12");
	page.set_primary_action(
		__("Scan with Camera"),
		() => new frappe.ui.Scanner({ dialog: true, multiple: false, on_scan: (data) => identify(data.decodedText) }),
		"camera"
	);

	const identify = (text) => {
		if (!state.sheet) return say(__("Choose a count first."), "warning");
		frappe
			.call({ method: "lot_traceability.api.identify_counted_lot", args: { name: state.sheet.name, text } })
			.then(({ message }) => choose(message.batch, message.item));
	};

	const choose = (batch, item) => {
		if (!state.location) return say(__("Choose the location you are counting first."), "warning");
		const row = state.sheet.rows.find((r) => r.batch === batch && r.warehouse === state.location);
		state.lot = { batch, item, row };
		render();
		body.find(".lot-count-qty").trigger("focus");
	};

	const entry_html = () => {
		if (!state.lot) return "";
		const { batch, item, row } = state.lot;
		const recount = row && row.state === "Recount";
		const note = !row
			? `<p class="small text-warning lot-count-unexpected">${__("Not on the list at this location: it is recorded as found.")}</p>`
			: recount
			? `<p class="small lot-count-recount-note">${__("Recount: count it again without the first figure.")}</p>`
			: "";
		return `<div class="frappe-card p-3 mb-3 lot-count-form">
			<h5 class="lot-count-lot">${esc(batch)} <small class="text-muted">${esc(item || "")}</small></h5>
			<p class="small">${__("Location")}: <b>${esc(state.location)}</b></p>
			${note}
			<div class="d-flex" style="gap: 8px">
				<input type="number" inputmode="decimal" min="0" step="any" class="form-control lot-count-qty" placeholder="${__("Counted quantity")}">
				<button class="btn btn-primary lot-count-save">${recount ? __("Save Recount") : __("Save Count")}</button>
			</div></div>`;
	};

	const rows_html = () => {
		const rows = state.sheet.rows.filter((r) => !state.location || r.warehouse === state.location);
		if (!rows.length) return `<p class="text-muted">${__("No lots to count here.")}</p>`;
		const book = state.sheet.shows_book;
		return `<table class="table table-sm lot-count-table">
			<thead><tr><th>${__("Lot")}</th><th>${__("Item")}</th><th>${__("State")}</th>${book ? `<th class="text-right">${__("Book")}</th>` : ""}</tr></thead>
			<tbody>${rows
				.map(
					(r) => `<tr class="lot-count-row" data-batch="${esc(r.batch)}" data-state="${esc(r.state)}">
					<td><a class="lot-count-pick">${esc(r.batch)}</a>${r.expected ? "" : ` <span class="small text-warning">${__("found")}</span>`}</td>
					<td>${esc(r.item)}</td>
					<td><span class="indicator-pill ${STATE_COLOURS[r.state] || "gray"} lot-count-state">${esc(__(r.state))}</span></td>
					${book ? `<td class="text-right">${r.book_qty != null ? format_number(r.book_qty) : ""}</td>` : ""}</tr>`
				)
				.join("")}</tbody></table>`;
	};

	const render = () => {
		const sheet = state.sheet;
		if (!sheet) return;
		const left = sheet.rows.filter((r) => r.state === "Pending").length;
		const recount = sheet.rows.filter((r) => r.state === "Recount").length;
		body.find(".lot-count-head").html(
			`<span class="lot-count-name">${esc(sheet.name)}</span> · ${esc(sheet.warehouse || sheet.company)} · ${frappe.datetime.str_to_user(sheet.count_date)}
			· <span class="lot-count-left">${__("{0} to count, {1} to recount", [left, recount])}</span>
			${sheet.blind ? ` · <span class="lot-count-blind">${__("Blind count")}</span>` : ""}`
		);
		body.find(".lot-count-entry").html(entry_html());
		body.find(".lot-count-rows").html(rows_html());
		body.find(".lot-count-pick").on("click", (e) => {
			const batch = $(e.currentTarget).closest("tr").attr("data-batch");
			const row = sheet.rows.find((r) => r.batch === batch && r.warehouse === state.location);
			choose(batch, row && row.item);
		});
		body.find(".lot-count-save").on("click", save);
		body.find(".lot-count-qty").on("keydown", (e) => e.key === "Enter" && save());
	};

	const save = () => {
		const raw = body.find(".lot-count-qty").val();
		if (raw === "" || raw == null) return say(__("Enter the counted quantity."), "warning");
		frappe
			.call({
				method: "lot_traceability.api.record_lot_count",
				args: { name: state.sheet.name, batch: state.lot.batch, warehouse: state.location, qty: raw },
				freeze: true,
			})
			.then(({ message }) => {
				say(message.message, { Matched: "success", Recount: "warning", Variance: "danger" }[message.state]);
				state.lot = null;
				load(state.sheet.name, true);
			});
	};

	const load = (name, keep_message) => {
		frappe.call({ method: "lot_traceability.api.get_lot_count_sheet", args: { name } }).then(({ message }) => {
			state.sheet = message;
			const locations = [...new Set(message.rows.map((r) => r.warehouse))];
			location_field.df.options = [""].concat(locations);
			location_field.refresh();
			if (!state.location || !locations.includes(state.location)) state.location = locations.length === 1 ? locations[0] : null;
			location_field.set_value(state.location || "");
			if (!keep_message) body.find(".lot-count-message").empty();
			render();
		});
	};

	const start = () => {
		const wanted = frappe.route_options && frappe.route_options.count;
		frappe.route_options = null;
		frappe.call({ method: "lot_traceability.api.get_lot_counts" }).then(({ message }) => {
			const names = (message || []).map((c) => c.name);
			if (wanted && !names.includes(wanted)) names.unshift(wanted);
			count_field.df.options = [""].concat(names);
			count_field.refresh();
			if (!names.length) return say(__("No count is open: the daily list is made by each Lot Count Plan."), "info");
			state.sheet = { name: wanted || names[0], rows: [] }; // loaded once, not again by the field's change
			count_field.set_value(state.sheet.name);
			load(state.sheet.name);
		});
	};
	start();
	wrapper.lot_count_start = start;
};

frappe.pages["lot-counting"].on_page_show = function (wrapper) {
	if (frappe.route_options && frappe.route_options.count && wrapper.lot_count_start) wrapper.lot_count_start();
};
