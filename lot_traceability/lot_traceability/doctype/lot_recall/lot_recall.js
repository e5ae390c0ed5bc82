// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

frappe.ui.form.on("Lot Recall", {
	refresh(frm) {
		frm.dashboard.clear_comment();
		const hidden_note = (frm.doc.__onload || {}).hidden_note;
		if (hidden_note) frm.dashboard.add_comment(frappe.utils.escape_html(hidden_note), "blue", true);
		if (frm.doc.docstatus === 1 && !frm.doc.is_mock && frm.doc.status !== "Closed") {
			frm.add_custom_button(__("Refresh Containment"), () => set_status(frm, null), __("Containment"));
			if (frm.doc.status === "Open") {
				frm.add_custom_button(__("Mark Contained"), () => set_status(frm, "Contained"), __("Containment"));
			}
			frm.add_custom_button(__("Close Recall"), () => set_status(frm, "Closed"), __("Containment"));
		}
		if (!frm.is_new()) {
			frm.add_custom_button(__("Recall Impact"), () => {
				frappe.set_route("query-report", "Recall Impact", { lot_recall: frm.doc.name });
			});
			if ((frm.doc.source_lots || []).length) {
				frm.add_custom_button(__("Genealogy Graph"), () => {
					frappe.set_route("lot-genealogy", { lot: frm.doc.source_lots[0].batch });
				});
			}
			frm.add_custom_button(__("Customer Notice"), () => {
				// one letter per customer, all of them in one print: the notice letter's own format (the
				// desk's print view opens on the doctype's default format, whatever it is asked for)
				const query = new URLSearchParams({
					doctype: frm.doctype,
					name: frm.doc.name,
					format: "Lot Recall Customer Notice",
					no_letterhead: 0,
				});
				window.open(`/printview?${query.toString()}`);
			});
			frm.add_custom_button(
				__("EPCIS Events"),
				() => {
					// the scope's lot events as a GS1 EPCIS 2.0 document
					window.open(
						"/api/method/lot_traceability.api.download_epcis?lot_recall=" +
							encodeURIComponent(frm.doc.name)
					);
				},
				__("Export")
			);
			frm.add_custom_button(
				__("FSMA 204 Spreadsheet"),
				() => {
					// the scope's Critical Tracking Events as the FDA's sortable spreadsheet
					window.open(
						"/api/method/lot_traceability.api.download_fsma204?lot_recall=" +
							encodeURIComponent(frm.doc.name)
					);
				},
				__("Export")
			);
			frm.add_custom_button(
				__("Audit Pack"),
				() => {
					// summary PDF, customer notice list, EPCIS document and FSMA spreadsheet in one ZIP
					window.open(
						"/api/method/lot_traceability.api.download_recall_audit_pack?lot_recall=" +
							encodeURIComponent(frm.doc.name)
					);
				},
				__("Export")
			);
		}
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.set_intro(
				frm.doc.is_mock
					? __(
							"A drill: submitting it records its scope and time to scope. No lot, pick list or reservation is touched and nobody is assigned; it can be cancelled."
					  )
					: __(
							"Submitting moves every affected lot to {0}, cancels the reservations and open pick lists that hold them, and assigns tasks to warehouse, quality and customer service. It cannot be undone.",
							[__(frm.doc.target_status || "Recalled")]
					  ),
				frm.doc.is_mock ? "blue" : "orange"
			);
		} else {
			frm.set_intro("");
		}
		for (const table of SCOPE_TABLES) {
			render_scope_table(frm, table);
		}
		if (frm.doc.time_to_scope) {
			frm.dashboard.add_comment(
				__("Scope of {0} lots, {1} customers and {2} sites computed in {3} s.", [
					frm.doc.affected_lots_count,
					frm.doc.customers_count,
					frm.doc.sites_count,
					format_number(frm.doc.time_to_scope, null, 3),
				]),
				"blue",
				true
			);
		}
		if (frm.doc.docstatus === 1) render_war_room(frm);
	},
	onload() {
		// a return, a write-off or a task of a recall redraws the war room of whoever has it open
		if (lot_traceability_war_room_listening) return;
		lot_traceability_war_room_listening = true;
		frappe.realtime.on("lot_recall_war_room", (data) => {
			const frm = window.cur_frm;
			if (frm && frm.doctype === "Lot Recall" && frm.doc.name === data.recall && frm.doc.docstatus === 1) {
				render_war_room(frm);
			}
		});
	},
});

let lot_traceability_war_room_listening = false;

// The war room's figures, each in one colour in all its charts (Frappe Charts' palette names).
const WAR_ROOM_COLOURS = {
	[__("On Hand")]: "blue",
	[__("With Customers")]: "orange",
	[__("Recovered")]: "green",
	[__("Written Off")]: "grey",
	[__("Open")]: "orange",
	[__("Closed")]: "green",
};

// Labels without the words all of them start with, nor the words all of them end with (two labels or
// more; never down to nothing): ["Demo Bakery North", "Demo Bakery South"] → ["… North", "… South"],
// ["Stores - DFI", "Finished Goods - DFI"] → ["Stores", "Finished Goods"], and what they shared, for
// the chart's title (" (Demo Bakery …)", " (… - DFI)").
function lot_traceability_distinct_labels(labels) {
	if (labels.length < 2) return { labels, common: "" };
	const words = labels.map((label) => String(label).split(" "));
	const shortest = Math.min(...words.map((w) => w.length));
	let head = 0;
	while (head < shortest - 1 && words.every((w) => w[head] === words[0][head])) head++;
	let tail = 0;
	while (
		tail < shortest - head - 1 &&
		words.every((w) => w[w.length - 1 - tail] === words[0][words[0].length - 1 - tail])
	)
		tail++;
	if (!head && !tail) return { labels, common: "" };
	const short = words.map(
		(w) => (head ? "… " : "") + w.slice(head, w.length - tail).join(" ")
	);
	if (new Set(short).size < labels.length) return { labels, common: "" };
	const first = words[0];
	const shared = [head ? first.slice(0, head).join(" ") + " …" : "", tail ? "… " + first.slice(first.length - tail).join(" ") : ""]
		.filter(Boolean)
		.join(" ");
	return { labels: short, common: ` (${shared})` };
}

// The war room: where the affected stock is now, what is still with customers, containment over
// time and the tasks — the figures of Recall Impact for the recall's source lots, computed now.
function render_war_room(frm) {
	frappe.call("lot_traceability.api.get_recall_war_room", { recall: frm.doc.name }).then(({ message: w }) => {
		if (!w || w.recall !== frm.doc.name) return;
		if (!frm.lt_war_room || !document.body.contains(frm.lt_war_room[0])) {
			frm.lt_war_room = frm.dashboard.add_section("", __("War Room"), "lt-war-room");
			frm.dashboard.show();
		}
		const body = frm.lt_war_room;
		const figure = (label, value, kind) => `
			<div class="col-6 col-md-2 lt-war-room-figure" data-figure="${kind}">
				<div class="text-muted small">${label}</div>
				<div class="h5 lt-war-room-value">${value}</div>
			</div>`;
		const money = (value) => format_currency(value, frappe.defaults.get_default("currency"));
		body.html(`
			${w.hidden_note ? `<p class="text-muted small lt-war-room-hidden">${frappe.utils.escape_html(w.hidden_note)}</p>` : ""}
			<div class="row lt-war-room-figures">
				${figure(__("On Hand"), format_number(w.on_hand), "on_hand")}
				${figure(__("In Transit"), format_number(w.in_transit), "in_transit")}
				${figure(__("Shipped"), format_number(w.shipped), "shipped")}
				${figure(__("Recovered"), format_number(w.recovered), "recovered")}
				${figure(__("With Customers"), format_number(w.outstanding), "outstanding")}
				${figure(__("Sales Value Shipped"), money(w.revenue), "revenue")}
			</div>
			<div class="row">
				<div class="col-md-6"><div class="lt-war-room-chart" data-chart="sites"></div></div>
				<div class="col-md-6"><div class="lt-war-room-chart" data-chart="customers"></div></div>
				<div class="col-md-8"><div class="lt-war-room-chart" data-chart="containment"></div></div>
				<div class="col-md-4"><div class="lt-war-room-chart" data-chart="tasks"></div></div>
			</div>
			${statements_table(w.statements || [])}`);
		frm.lt_war_room_charts = {};
		const chart = (name, options, full_names) => {
			const element = body.find(`[data-chart="${name}"]`)[0];
			if (!options.data.labels.length) {
				$(element).html(`<div class="text-muted small">${options.title}: ${__("nothing")}</div>`);
				return;
			}
			// the axes write labels as text, the tooltip as HTML: warehouse and customer names escaped
			// there, in full where the axis shows them shortened
			const tooltipOptions = {
				formatTooltipX: (label) => frappe.utils.escape_html(String((full_names && full_names[label]) || label)),
			};
			// one colour for each figure in every chart of the war room
			const names = options.data.datasets.map((d) => d.name);
			const colors = (options.type === "donut" ? options.data.labels : names).map(
				(label) => WAR_ROOM_COLOURS[label] || "grey"
			);
			frm.lt_war_room_charts[name] = new frappe.Chart(element, { height: 220, tooltipOptions, colors, ...options });
		};
		// names that share their start (Demo Bakery North, Demo Bakery South) or end (… - DFI) are
		// shown by what tells them apart, so a phone's narrow axis does not cut them to the same text
		const shortened = (labels) => {
			const short = lot_traceability_distinct_labels(labels);
			return { labels: short.labels, full: Object.fromEntries(short.labels.map((l, i) => [l, labels[i]])), common: short.common };
		};
		const sites = w.sites.slice(0, 12);
		const site_names = shortened(
			sites.map((site) => site.warehouse + (site.in_transit ? " (" + __("in transit") + ")" : ""))
		);
		chart(
			"sites",
			{
				title: __("On hand by warehouse") + site_names.common,
				type: "bar",
				data: {
					labels: site_names.labels,
					datasets: [{ name: __("On Hand"), values: sites.map((site) => site.qty) }],
				},
			},
			site_names.full
		);
		const customers = w.customers.slice(0, 12);
		const customer_names = shortened(customers.map((row) => row.customer));
		chart(
			"customers",
			{
				title: __("Outstanding by customer") + customer_names.common,
				type: "bar",
				barOptions: { stacked: 1 },
				data: {
					labels: customer_names.labels,
					datasets: [
						{ name: __("With Customers"), values: customers.map((row) => row.outstanding) },
						{ name: __("Recovered"), values: customers.map((row) => row.recovered) },
					],
				},
			},
			customer_names.full
		);
		chart("containment", {
			title: __("Containment since the recall date"),
			type: w.containment.length > 1 ? "line" : "bar", // a line needs two days
			data: {
				labels: w.containment.map((day) => frappe.datetime.str_to_user(day.day)),
				datasets: [
					{ name: __("Recovered"), values: w.containment.map((day) => day.recovered) },
					{ name: __("With Customers"), values: w.containment.map((day) => day.with_customers) },
					{ name: __("Written Off"), values: w.containment.map((day) => day.written_off) },
				],
			},
		});
		chart("tasks", {
			title: __("Tasks"),
			type: "donut",
			data: {
				labels: [__("Open"), __("Closed")].filter((_label, i) => [w.tasks.open, w.tasks.closed][i]),
				datasets: [{ values: [w.tasks.open, w.tasks.closed].filter((value) => value) }],
			},
		});
	});
}

// What the customers stated on the notice (customer portal), lot by lot: their own word, beside the
// ledger's figures above — not stock posted.
function statements_table(statements) {
	const esc = (value) => frappe.utils.escape_html(String(value == null ? "" : value));
	if (!statements.length) {
		return `<p class="text-muted small lt-war-room-statements">${__("Customers' statements")}: ${__("none yet")}</p>`;
	}
	const rows = statements
		.map(
			(row) => `<tr>
				<td>${esc(row.customer)}</td><td>${esc(row.lot)}</td>
				<td class="text-right">${format_number(row.received)}</td>
				<td class="text-right">${format_number(row.held)}</td>
				<td class="text-right">${format_number(row.destroyed)}</td>
				<td class="text-right">${format_number(row.returning)}</td>
				<td>${esc(row.stated_by)}<br><span class="text-muted">${esc(row.stated_on ? frappe.datetime.str_to_user(row.stated_on) : "")}</span></td>
				<td>${esc(row.remarks)}</td>
			</tr>`
		)
		.join("");
	return `<div class="lt-war-room-statements">
		<h6>${__("Customers' statements")} <span class="text-muted small">(${__("their own word, not stock posted")})</span></h6>
		<div class="table-responsive"><table class="table table-sm small">
			<thead><tr><th>${__("Customer")}</th><th>${__("Lot")}</th><th class="text-right">${__("Received")}</th>
			<th class="text-right">${__("Still Held")}</th><th class="text-right">${__("Destroyed")}</th>
			<th class="text-right">${__("Returning")}</th><th>${__("Stated By")}</th><th>${__("Remarks")}</th></tr></thead>
			<tbody>${rows}</tbody>
		</table></div>
	</div>`;
}

function set_status(frm, status) {
	frappe
		.call({
			method: "lot_traceability.api.update_recall",
			args: { recall: frm.doc.name, status: status },
			freeze: true,
		})
		.then(() => frm.reload_doc());
}

// The scope's tables can hold thousands of rows: the form pages through them (50 at a time, with a
// search) instead of loading them all into grids.
const SCOPE_TABLES = ["affected_lots", "locations", "customers"];
const PAGE_LENGTH = 50;
const TABLE_DOCTYPES = {
	affected_lots: "Lot Recall Lot",
	locations: "Lot Recall Location",
	customers: "Lot Recall Customer",
};

function render_scope_table(frm, table) {
	const field = frm.get_field(`${table}_list`);
	if (!field) return;
	const $wrapper = $(field.wrapper).empty();
	$(`<div class="control-label" style="margin-bottom: 6px">${__(field.df.label)}</div>`).appendTo($wrapper);
	const counts = (frm.doc.__onload || {}).scope_rows || {};
	if (frm.is_new() || !counts[table]) {
		$wrapper.append(
			`<p class="text-muted small">${__(frm.is_new() ? "Saved with the recall." : "None.")}</p>`
		);
		return;
	}
	const state = { start: 0, search: "", after: null, afters: [] }; // `after`: the key of the page before
	const $search = $(
		`<input type="search" class="form-control input-xs" style="max-width: 260px; margin-bottom: 8px"
			placeholder="${__("Search lot, item, warehouse or customer")}">`
	).appendTo($wrapper);
	const $body = $('<div class="scope-rows"></div>').appendTo($wrapper);
	const load = () =>
		frappe
			.call({
				method: "lot_traceability.api.get_recall_rows",
				args: {
					recall: frm.doc.name,
					table: table,
					start: state.start,
					page_length: PAGE_LENGTH,
					search: state.search,
					after: state.after,
				},
			})
			.then((r) => draw($body, TABLE_DOCTYPES[table], r.message, state, load));
	$search.on(
		"input",
		frappe.utils.debounce(() => {
			state.search = $search.val();
			Object.assign(state, { start: 0, after: null, afters: [] });
			load();
		}, 300)
	);
	load();
}

// A scope row's value in a cell: text written as text (Frappe's formatter writes Data and Small Text
// values as HTML), links and numbers as Frappe formats them.
function scope_cell(value, df, row) {
	return frappe.format(lot_traceability.escape_cell(value, df), df, { inline: true }, row);
}

function draw($body, doctype, page, state, load) {
	const rows = page.rows || [];
	const fields = rows.length ? Object.keys(rows[0]) : [];
	const docfield = (f) => frappe.meta.get_docfield(doctype, f) || { fieldname: f, fieldtype: "Data" };
	const header = fields.map((f) => `<th>${__(docfield(f).label || frappe.unscrub(f))}</th>`).join("");
	const body = rows
		.map(
			(row) =>
				`<tr>${fields
					.map((f) => `<td>${scope_cell(row[f], docfield(f), row)}</td>`)
					.join("")}</tr>`
		)
		.join("");
	const last = Math.min(page.start + rows.length, page.total);
	$body.html(`
		<div class="table-responsive"><table class="table table-bordered table-condensed small">
			<thead><tr>${header}</tr></thead><tbody>${body}</tbody>
		</table></div>
		<div class="flex justify-between align-center small">
			<span class="text-muted">${__("{0}–{1} of {2}", [page.total ? page.start + 1 : 0, last, page.total])}
				${page.hidden_note ? frappe.utils.escape_html(page.hidden_note) : ""}</span>
			<span>
				<button class="btn btn-xs btn-default scope-prev" ${page.start ? "" : "disabled"}>${__("Previous")}</button>
				<button class="btn btn-xs btn-default scope-next" ${last < page.total ? "" : "disabled"}>${__("Next")}</button>
			</span>
		</div>`);
	$body.find(".scope-prev").on("click", () => {
		state.start = Math.max(0, state.start - PAGE_LENGTH);
		state.after = state.afters.pop() ?? null;
		load();
	});
	$body.find(".scope-next").on("click", () => {
		state.start += PAGE_LENGTH;
		state.afters.push(state.after);
		state.after = page.after;
		load();
	});
}
