// Lot status on the Batch form: indicator, history and the changes the user may make.

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
				lot_traceability_show_history(frm, lot);
				lot.targets.forEach((target) => {
					frm.add_custom_button(
						__(target.status),
						() => lot_traceability_change_status([frm.doc.name], target, () => frm.reload_doc()),
						__("Change Lot Status")
					);
				});
			});
	},
});

function lot_traceability_show_history(frm, lot) {
	const rows = lot.history
		.map(
			(h) => `<tr>
				<td>${frappe.datetime.str_to_user(h.change_datetime)}</td>
				<td>${frappe.utils.escape_html(__(h.from_status || ""))} → <b>${frappe.utils.escape_html(__(h.to_status))}</b></td>
				<td>${frappe.utils.escape_html(h.reason || "")}</td>
				<td>${frappe.utils.escape_html(h.modified_by)}</td>
				<td><a href="/app/lot-status-change/${encodeURIComponent(h.name)}">${frappe.utils.escape_html(h.name)}</a>
				${h.reference_name ? ` · ${frappe.utils.escape_html(__(h.reference_doctype))} ${frappe.utils.escape_html(h.reference_name)}` : ""}</td>
			</tr>`
		)
		.join("");
	const html = `<div class="small">
		<p>${__("On hand")}: <b>${format_number(lot.balance)}</b></p>
		${
			rows
				? `<table class="table table-bordered table-condensed"><thead><tr>
					<th>${__("When")}</th><th>${__("Change")}</th><th>${__("Reason")}</th><th>${__("By")}</th><th>${__("Record")}</th>
				</tr></thead><tbody>${rows}</tbody></table>`
				: `<p class="text-muted">${__("No status change recorded yet.")}</p>`
		}
	</div>`;
	frm.dashboard.add_section(html, __("Lot Status History"));
	frm.dashboard.show();
}

function lot_traceability_change_status(batches, target, after) {
	const dialog = new frappe.ui.Dialog({
		title: __("Make {0} lot(s) {1}", [batches.length, __(target.status)]),
		fields: [
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
