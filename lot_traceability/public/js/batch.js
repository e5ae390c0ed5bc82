// Lot status on the Batch form: what the status lets the lot do, its history, what ERPNext's Move
// and Split buttons will do with it, and the changes the user may make (each saying what it does).

frappe.ui.form.on("Batch", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Trace"), () =>
			frappe.set_route("query-report", "Lot Trace", { batch: frm.doc.name, direction: "Both" })
		);
		frm.add_custom_button(__("Genealogy Graph"), () =>
			frappe.set_route("lot-genealogy", { lot: frm.doc.name })
		);
		frappe
			.call("lot_traceability.api.get_lot_overview", { batch: frm.doc.name })
			.then(({ message: lot }) => {
				if (!lot) return;
				frm.page.set_indicator(lot_traceability_esc(__(lot.status)), lot.colour);
				lot_traceability_show_overview(frm, lot);
				lot.targets.forEach((target) => {
					frm.add_custom_button(
						lot_traceability_esc(`${__(target.status)} — ${target.hint}`),
						() => lot_traceability_change_status([frm.doc.name], target, () => frm.reload_doc(), lot),
						__("Change Lot Status")
					);
				});
				// ERPNext draws the stock levels (with Move and Split) from its own call
				frappe.after_ajax(() => lot_traceability_explain_stock_buttons(frm, lot));
			});
	},
});

const lot_traceability_esc = (text) => frappe.utils.escape_html(text || "");

function lot_traceability_what_it_may_do(lot) {
	const list = (items) => items.map(lot_traceability_esc).join(", ");
	return `
		${lot.may.length ? `<p class="lt-may">${__("May")}: ${list(lot.may)}.</p>` : ""}
		${lot.may_not.length ? `<p class="lt-may-not">${__("May not")}: ${list(lot.may_not)}.</p>` : ""}`;
}

function lot_traceability_signature_cell(signature) {
	// a signed change: who signed it, what it means, and whether it is still what was signed
	if (!signature) return "";
	const valid = signature.state === "valid";
	return `<div class="lt-signature">${__("Signed by {0}: {1}", [
		lot_traceability_esc(signature.signed_by_name || signature.signed_by),
		lot_traceability_esc(__(signature.meaning)),
	])} <span class="indicator-pill ${valid ? "green" : "red"}">${valid ? __("Signature valid") : __("Signature broken")}</span></div>`;
}

function lot_traceability_show_overview(frm, lot) {
	const rows = lot.history
		.map(
			(h) => `<tr>
				<td>${frappe.datetime.str_to_user(h.change_datetime)}</td>
				<td>${lot_traceability_esc(__(h.from_status || ""))} → <b>${lot_traceability_esc(__(h.to_status))}</b></td>
				<td>${lot_traceability_esc(h.reason)}</td>
				<td>${lot_traceability_esc(h.modified_by)}${lot_traceability_signature_cell(h.signature)}</td>
				<td><a href="/app/lot-status-change/${encodeURIComponent(h.name)}">${lot_traceability_esc(h.name)}</a>
				${h.reference_name ? ` · ${lot_traceability_esc(__(h.reference_doctype))} ${lot_traceability_esc(h.reference_name)}` : ""}</td>
			</tr>`
		)
		.join("");
	const pending = (lot.pending || [])
		.map(
			(p) => `<p class="text-warning lt-pending">${lot_traceability_esc(p.text)}
				<a href="/app/lot-status-change/${encodeURIComponent(p.name)}">${__("Open")}</a></p>`
		)
		.join("");
	const html = `<div class="small lt-lot-overview">
		<p><span class="indicator-pill ${lot.colour}">${lot_traceability_esc(__(lot.status))}</span>
			${lot_traceability_esc(lot.description)}</p>
		${pending}
		${lot_traceability_what_it_may_do(lot)}
		${lot.expiry_note ? `<p class="${lot.expired ? "text-danger" : "text-muted"}">${lot_traceability_esc(lot.expiry_note)}</p>` : ""}
		${
			lot.restriction
				? `<p class="lt-restriction">${__("Released")}: <b>${lot_traceability_esc(lot.restriction.summary)}</b>
					${lot.restriction.cap ? ` — ${__("{0} of {1} used, {2} left", [lot_traceability_esc(lot.restriction.used), lot_traceability_esc(lot.restriction.cap), lot_traceability_esc(lot.restriction.left)])}` : ""}
					${lot.restriction.name ? ` (<a href="/app/lot-restriction/${encodeURIComponent(lot.restriction.name)}">${__("release scope")}</a>)` : ""}</p>`
				: ""
		}
		${lot.missing_documents && lot.missing_documents.length ? `<p class="text-danger lt-missing-documents">${__("Documents missing (release refused until attached under Lot Documents)")}: <b>${lot.missing_documents.map(lot_traceability_esc).join(", ")}</b></p>` : ""}
		<p>${__("On hand")}: <b>${lot_traceability_esc(lot.on_hand)}</b></p>
		${lot.quarantine_note ? `<p class="text-warning lt-quarantine">${lot_traceability_esc(lot.quarantine_note)}</p>` : ""}
	</div>`;
	frm.dashboard.add_section(html, __("What the Lot May Do"));
	const history = rows
		? `<div class="table-responsive"><table class="table table-bordered table-condensed small"><thead><tr>
				<th>${__("When")}</th><th>${__("Change")}</th><th>${__("Reason")}</th><th>${__("By")}</th><th>${__("Record")}</th>
			</tr></thead><tbody>${rows}</tbody></table></div>`
		: `<p class="text-muted small">${__("No status change recorded yet.")}</p>`;
	frm.dashboard.add_section(history, __("Lot Status History"));
	frm.dashboard.show();
}

function lot_traceability_explain_stock_buttons(frm, lot) {
	const wrapper = frm.dashboard.parent;
	const explain = (selector, allowed, hint) => {
		if (!hint) return;
		const buttons = wrapper.find(selector);
		buttons.attr("title", hint);
		if (!allowed) buttons.prop("disabled", true);
	};
	explain(".btn-move", lot.move_allowed, lot.move_hint);
	explain(".btn-split", lot.split_allowed, lot.split_hint);
	lot_traceability_limit_move_targets(wrapper);
	const notes = [lot.move_hint, lot.split_hint].filter(Boolean);
	const rows = wrapper.find(".btn-move").first().closest(".row").parent();
	if (!notes.length || !rows.length || rows.find(".lt-stock-note").length) return;
	rows.append(
		`<p class="lt-stock-note small text-muted">${notes.map(lot_traceability_esc).join("<br>")}</p>`
	);
}

function lot_traceability_change_status(batches, target, after, lot) {
	const intro = `<div class="small">
		<p><b>${lot_traceability_esc(__(target.status))}</b> — ${lot_traceability_esc(target.description || target.hint || "")}</p>
		${target.may ? lot_traceability_what_it_may_do(target) : ""}
		${target.warning ? `<p class="text-warning lt-warning">${lot_traceability_esc(target.warning)}</p>` : ""}
		${lot ? `<p>${__("On hand")}: <b>${lot_traceability_esc(lot.on_hand)}</b></p>` : ""}
	</div>`;
	// a restricted release names what the lots are released for (its release scope); a lot already
	// restricted starts from the scope it has (the new one replaces it)
	const current = (lot && lot.restriction && lot.restriction.rows && lot.restriction) || {};
	const scope_fields = target.is_restricted
		? [
				{ fieldtype: "Section Break", label: __("Release Scope") },
				{
					fieldname: "scope",
					fieldtype: "Table",
					label: __("Released For"),
					reqd: 1,
					description: __(
						"Customers or groups it may ship to, items or BOMs it may be used to make, companies or warehouses it must stay in."
					),
					fields: [
						{
							fieldname: "applies_to",
							fieldtype: "Select",
							label: __("Applies To"),
							options: ["Customer", "Customer Group", "Item", "BOM", "Company", "Warehouse"],
							in_list_view: 1,
							reqd: 1,
						},
						{
							fieldname: "value",
							fieldtype: "Dynamic Link",
							label: __("Permitted"),
							options: "applies_to",
							in_list_view: 1,
							reqd: 1,
						},
					],
					data: (current.rows || []).map((row) => ({ ...row })),
				},
				{
					fieldname: "cap_qty",
					fieldtype: "Float",
					label: __("Quantity Cap per Lot (stock unit)"),
					default: current.cap_qty,
				},
				{ fieldtype: "Column Break" },
				{ fieldname: "valid_until", fieldtype: "Date", label: __("Valid Until"), default: current.valid_until },
				{
					fieldname: "concession_reference",
					fieldtype: "Data",
					label: __("Concession / Deviation Reference"),
					default: current.concession_reference,
				},
		  ]
		: [];
	const dialog = new frappe.ui.Dialog({
		title: __("Make {0} lot(s) {1}", [batches.length, lot_traceability_esc(__(target.status))]),
		size: target.is_restricted ? "large" : undefined,
		fields: [
			{ fieldname: "what_changes", fieldtype: "HTML", options: intro },
			{
				fieldname: "reason",
				fieldtype: "Small Text",
				label: __("Reason"),
				reqd: target.requires_reason ? 1 : 0,
			},
			...scope_fields,
		],
		primary_action_label: __("Change Status"),
		primary_action(values) {
			frappe
				.call({
					method: "lot_traceability.api.change_lot_status",
					args: {
						batches,
						to_status: target.status,
						reason: values.reason,
						scope: (values.scope || []).map((row) => ({ applies_to: row.applies_to, value: row.value })),
						cap_qty: values.cap_qty,
						valid_until: values.valid_until,
						concession_reference: values.concession_reference,
					},
					freeze: true,
				})
				.then(({ message }) =>
					frappe.db.get_value("Lot Status Change", message, ["docstatus", "workflow_state"]).then(({ message: change }) => {
						dialog.hide();
						const waiting = change && change.docstatus === 0;
						after && after();
						// a change awaiting approval: the server's message names it and who approves it
						if (waiting) return;
						frappe.show_alert({
							message: __("Recorded in {0}", [lot_traceability_esc(message)]),
							indicator: "green",
						});
					})
				);
		},
	});
	dialog.show();
}

window.lot_traceability_change_status = lot_traceability_change_status;

// ERPNext's Move asks for a target warehouse among every company's (groups included); a stock entry
// moves within one company: offer the warehouses (not groups) of the company the stock is in.
function lot_traceability_limit_move_targets(wrapper) {
	wrapper
		.find(".btn-move")
		.off("click.lt_move")
		.on("click.lt_move", function () {
			// ERPNext's own handler ran first and opened its prompt
			const field = cur_dialog && cur_dialog.fields_dict && cur_dialog.fields_dict.to_warehouse;
			if (!field) return;
			const filters = { is_group: 0, company: "" };
			field.get_query = () => ({ filters });
			frappe.db.get_value("Warehouse", $(this).attr("data-warehouse"), "company").then(({ message }) => {
				filters.company = (message && message.company) || "";
			});
		});
}
