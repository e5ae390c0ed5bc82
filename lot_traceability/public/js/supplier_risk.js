// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

// The supplier's risk learned from what happened to its lots (by item group), with its evidence:
// the score recommends; the hold at receipt is Settings' decision.
frappe.ui.form.on("Supplier", {
	refresh(frm) {
		if (frm.is_new()) return;
		frappe
			.call({ method: "lot_traceability.api.get_supplier_risk", args: { supplier: frm.doc.name } })
			.then(({ message: scores }) => {
				if (!scores || !scores.length) return;
				const rows = scores
					.map((score) => {
						const evidence = score.evidence
							.slice(0, 5)
							.map(
								(entry) =>
									`<li>${frappe.utils.escape_html(entry.lot)}: ${frappe.utils.escape_html(
										entry.label
									)} ${frappe.datetime.str_to_user(entry.on)} (${frappe.utils.get_form_link(
										entry.reference_doctype,
										entry.reference_name,
										true,
										frappe.utils.escape_html(entry.reference_name)
									)})</li>`
							)
							.join("");
						const more =
							score.evidence.length > 5
								? `<li>${__("and {0} more", [score.evidence.length - 5])}</li>`
								: "";
						const colour = score.score >= 30 ? "red" : score.score >= 15 ? "orange" : "green";
						return `<tr>
							<td>${frappe.utils.escape_html(score.item_group)}</td>
							<td><span class="indicator-pill ${colour}">${score.score.toFixed(1)}</span></td>
							<td>${frappe.utils.escape_html(score.explanation)}<ul class="mb-0">${evidence}${more}</ul></td>
						</tr>`;
					})
					.join("");
				frm.dashboard.add_section(
					`<div class="table-responsive"><table class="table table-sm supplier-lot-risk">
						<thead><tr><th>${__("Item Group")}</th><th>${__("Lot Risk Score")}</th><th>${__(
						"Why"
					)}</th></tr></thead>
						<tbody>${rows}</tbody>
					</table></div>`,
					__("Lot Risk Learned from Outcomes")
				);
				frm.dashboard.show();
			});
	},
});
