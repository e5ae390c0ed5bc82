// The app's desk-wide helpers: the reports' shared filter, the Lot Allocation explanation, and the
// note a batch picker closes with when it left lots out.
frappe.provide("lot_traceability");

// How deep a trace goes: a Select says what its value is ("25 levels"), where a bare number would not.
lot_traceability.levels_filter = function () {
	return {
		fieldname: "max_depth",
		label: __("Levels"),
		fieldtype: "Select",
		options: [1, 2, 3, 5, 10, 25, 50].map((n) => ({
			value: String(n),
			label: n === 1 ? __("1 level") : __("{0} levels", [n]),
		})),
		default: "25",
		reqd: 1,
	};
};

// A report cell as text: Frappe's formatter writes a Data or Small Text value (and a link the user may
// not open) into the table as HTML, so a value holding markup is escaped before it is formatted.
lot_traceability.TEXT_FIELDTYPES = ["Data", "Small Text", "Text", "Long Text", "Select", "Autocomplete", "Read Only"];
lot_traceability.escape_cell = function (value, column) {
	if (typeof value !== "string") return value;
	const fieldtype = (column && column.fieldtype) || "Data";
	const unreadable_link =
		["Link", "Dynamic Link"].includes(fieldtype) && !(column.options && frappe.model.can_read(column.options));
	return lot_traceability.TEXT_FIELDTYPES.includes(fieldtype) || unreadable_link ? frappe.utils.escape_html(value) : value;
};

// A report's formatter that only writes values as text (reports with no formatter of their own).
lot_traceability.text_formatter = function (value, row, column, data, default_formatter) {
	return default_formatter(lot_traceability.escape_cell(value, column), row, column, data);
};

// The reports that read stored foresight: a button computing it now, the report refreshed when done.
lot_traceability.add_compute_foresight = function (report) {
	report.page.add_inner_button(__("Compute Foresight"), () =>
		frappe.call({ method: "lot_traceability.api.compute_foresight_now" }).then(() => {
			frappe.show_alert({ message: __("Foresight is being computed; the report refreshes when it is done."), indicator: "blue" });
			const done = (data) => {
				if (data && data.title === __("Foresight") && data.percent >= 100) {
					frappe.realtime.off("progress", done);
					report.refresh();
				}
			};
			frappe.realtime.on("progress", done);
		})
	);
};

// "Lot Allocation": which lots the allocation takes for each row (all rows of the document, or the
// rows given), and why every other lot was passed over.
lot_traceability.show_allocation = function (frm, only_rows) {
	const table = frm.doc.doctype === "Pick List" ? "locations" : "items";
	const rows = (only_rows || frm.doc[table] || []).filter((row) => row.item_code && row.warehouse);
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
			const qty = (value) => `${format_number(value)} ${frappe.utils.escape_html(result.uom || "")}`;
			const lines = result.lots
				.map(
					(lot) => `<tr class="${lot.chosen ? "" : "text-muted"}">
						<td>${frappe.utils.escape_html(lot.batch_no)}</td>
						<td>${frappe.utils.escape_html(lot.warehouse)}</td>
						<td>${lot.expiry_date ? frappe.datetime.str_to_user(lot.expiry_date) : ""}</td>
						<td>${frappe.utils.escape_html(__(lot.lot_status))}</td>
						<td class="text-right">${qty(lot.available)}</td>
						<td class="text-right">${lot.chosen ? qty(lot.qty) : ""}</td>
						<td>${frappe.utils.escape_html(lot.reason)}</td>
					</tr>`
				)
				.join("");
			return `<h5>${__("Row {0}: {1}, {2} ({3})", [
				rows[i].idx,
				frappe.utils.escape_html(rows[i].item_code),
				qty(result.qty),
				frappe.utils.escape_html(result.policy),
			])}</h5>
				${result.shortfall ? `<p class="text-danger">${__("Short by {0}", [qty(result.shortfall)])}</p>` : ""}
				<div class="table-responsive"><table class="table table-bordered table-condensed small">
					<thead><tr><th>${__("Lot")}</th><th>${__("Warehouse")}</th><th>${__("Expiry")}</th>
					<th>${__("Status")}</th><th>${__("Available")}</th><th>${__("Taken")}</th><th>${__("Why")}</th></tr></thead>
					<tbody>${lines || `<tr><td colspan="7">${__("No lot in stock")}</td></tr>`}</tbody>
				</table></div>`;
		});
		const dialog = new frappe.ui.Dialog({
			title: __("Lot Allocation"),
			size: "extra-large",
			fields: [{ fieldtype: "HTML", fieldname: "lots", options: sections.join("") }],
		});
		dialog.show();
	});
};


// A batch picker that left lots out (their status or expiry forbids the use) ends with a line saying
// which and why (`pickers.NOT_LISTED`): shown as a note with a "Why?" action, never as a lot.
lot_traceability.NOT_LISTED = "__lots_not_listed__";

lot_traceability.explain_not_listed = function (control, note) {
	const frm = control.frm;
	const row = control.doc;
	const explained = ["Delivery Note", "Sales Invoice", "Pick List"];
	if (frm && row && row.item_code && row.warehouse && explained.includes(frm.doctype)) {
		lot_traceability.show_allocation(frm, [row]);
	} else {
		frappe.msgprint({ title: __("Lots Not Listed"), message: frappe.utils.escape_html(note) });
	}
};

lot_traceability.patch_link_control = function () {
	const ControlLink = frappe.ui.form && frappe.ui.form.ControlLink;
	if (!ControlLink || ControlLink.prototype.lot_traceability_patched) return;
	const merge_duplicates = ControlLink.prototype.merge_duplicates;
	ControlLink.prototype.lot_traceability_patched = true;
	ControlLink.prototype.merge_duplicates = function (results) {
		const note = (results || []).find((r) => r.value === lot_traceability.NOT_LISTED);
		results = merge_duplicates.call(
			this,
			(results || []).filter((r) => r !== note)
		);
		if (note) {
			results.push({
				html: `<span class="text-muted lt-not-listed" style="white-space: normal; line-height: 1.5">
					${frappe.utils.escape_html(note.description)} <a>${__("Why?")}</a></span>`,
				value: "",
				action: () => lot_traceability.explain_not_listed(this, note.description),
			});
		}
		return results;
	};
};

if (frappe.ui.form && frappe.ui.form.ControlLink) lot_traceability.patch_link_control();
else $(document).on("app_ready", lot_traceability.patch_link_control);

// While lot status enforcement is off, every page of the app says so (the workspace, the app's
// doctypes and Batch, its reports and pages): held and expired lots are not stopped meanwhile.
lot_traceability.APP_REPORTS = [
	"Expiry Risk",
	"FSMA 204 Records",
	"Lot Exceptions",
	"Lot Trace",
	"Lot Traceability KPIs",
	"Recall Impact",
	"Supplier Lot Risk",
];
lot_traceability.APP_PAGES = ["lot-genealogy", "lot-lookup"];

lot_traceability.is_app_route = function (route) {
	const [view, name] = route || [];
	if (!view) return false;
	if (view === "Workspaces") return name === "Lot Traceability";
	if (view === "query-report") return lot_traceability.APP_REPORTS.includes(name);
	if (lot_traceability.APP_PAGES.includes(view)) return true;
	if (["List", "Form", "Report", "Tree"].includes(view) && name) {
		if (name === "Batch") return true;
		const meta = locals.DocType && locals.DocType[name];
		return name.startsWith("Lot ") || (meta && meta.module === "Lot Traceability");
	}
	return false;
};

lot_traceability.show_enforcement_banner = function () {
	const enforced = !frappe.boot.lot_traceability || frappe.boot.lot_traceability.enforcement;
	const show = !enforced && lot_traceability.is_app_route(frappe.get_route());
	let banner = document.querySelector(".lt-enforcement-off");
	if (!show) {
		if (banner) banner.remove();
		return;
	}
	if (banner) return;
	banner = document.createElement("div");
	banner.className = "lt-enforcement-off alert alert-danger text-center";
	banner.setAttribute("role", "alert");
	banner.textContent = __(
		"Lot status enforcement is off: held, recalled and expired lots are not stopped on any stock path."
	);
	const body = document.getElementById("body");
	if (body) body.parentNode.insertBefore(banner, body);
	else document.body.prepend(banner);
};

$(document).on("app_ready", () => {
	frappe.router.on("change", lot_traceability.show_enforcement_banner);
	frappe.realtime.on("lot_traceability_enforcement", (data) => {
		frappe.boot.lot_traceability = Object.assign(frappe.boot.lot_traceability || {}, {
			enforcement: data.enabled,
		});
		lot_traceability.show_enforcement_banner();
	});
	lot_traceability.show_enforcement_banner();
});
