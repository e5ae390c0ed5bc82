// Lot status on the Batch form: what the status lets the lot do, its history, what ERPNext's Move
// and Split buttons will do with it, and the changes the user may make (each saying what it does).

frappe.ui.form.on("Batch", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Trace"), () =>
			frappe.set_route("query-report", "Lot Trace", { batch: frm.doc.name, direction: "Both" })
		);
		frappe
			.call("lot_traceability.api.get_lot_overview", { batch: frm.doc.name })
			.then(({ message: lot }) => {
				if (!lot) return;
				frm.page.set_indicator(__(lot.status), lot.colour);
				lot_traceability_show_overview(frm, lot);
				lot.targets.forEach((target) => {
					frm.add_custom_button(
						`${__(target.status)} — ${target.hint}`,
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

function lot_traceability_show_overview(frm, lot) {
	const rows = lot.history
		.map(
			(h) => `<tr>
				<td>${frappe.datetime.str_to_user(h.change_datetime)}</td>
				<td>${lot_traceability_esc(__(h.from_status || ""))} → <b>${lot_traceability_esc(__(h.to_status))}</b></td>
				<td>${lot_traceability_esc(h.reason)}</td>
				<td>${lot_traceability_esc(h.modified_by)}</td>
				<td><a href="/app/lot-status-change/${encodeURIComponent(h.name)}">${lot_traceability_esc(h.name)}</a>
				${h.reference_name ? ` · ${lot_traceability_esc(__(h.reference_doctype))} ${lot_traceability_esc(h.reference_name)}` : ""}</td>
			</tr>`
		)
		.join("");
	const html = `<div class="small lt-lot-overview">
		<p><span class="indicator-pill ${lot.colour}">${lot_traceability_esc(__(lot.status))}</span>
			${lot_traceability_esc(lot.description)}</p>
		${lot_traceability_what_it_may_do(lot)}
		${lot.expiry_note ? `<p class="${lot.expired ? "text-danger" : "text-muted"}">${lot_traceability_esc(lot.expiry_note)}</p>` : ""}
		<p>${__("On hand")}: <b>${lot_traceability_esc(lot.on_hand)}</b></p>
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
	const dialog = new frappe.ui.Dialog({
		title: __("Make {0} lot(s) {1}", [batches.length, __(target.status)]),
		fields: [
			{ fieldname: "what_changes", fieldtype: "HTML", options: intro },
			{
				fieldname: "reason",
				fieldtype: "Small Text",
				label: __("Reason"),
				reqd: target.requires_reason ? 1 : 0,
			},
		],
		primary_action_label: __("Change Status"),
		primary_action({ reason }) {
			frappe
				.call({
					method: "lot_traceability.api.change_lot_status",
					args: { batches, to_status: target.status, reason },
					freeze: true,
				})
				.then(({ message }) => {
					dialog.hide();
					frappe.show_alert({ message: __("Recorded in {0}", [message]), indicator: "green" });
					after && after();
				});
		},
	});
	dialog.show();
}

window.lot_traceability_change_status = lot_traceability_change_status;
