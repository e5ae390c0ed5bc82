// Copyright (c) 2026, lot_traceability contributors
// For license information, please see license.txt

// Approve and Reject of a change awaiting sign-off are signed: the approver enters their password,
// checked on the server (lot_traceability.api.approve_lot_status_change), which applies the action.
const LOT_SIGNED_ACTIONS = ["Approve", "Reject"];

frappe.ui.form.on("Lot Status Change", {
	setup(frm) {
		frm.set_query("batch", "lots", () => ({ filters: { lot_status: ["!=", frm.doc.to_status || ""] } }));
	},
	refresh(frm) {
		lot_status_change_explain_sign_off(frm);
		const signature = frm.doc.__onload && frm.doc.__onload.signature;
		if (!signature) return;
		const valid = signature.state === "valid";
		frm.dashboard.clear_headline();
		frm.dashboard.set_headline_alert(
			`<span class="indicator ${valid ? "green" : "red"}">${
				valid ? __("Signature valid") : __("Signature broken")
			}</span>: ${__("{0} by {1} on {2}", [
				frappe.utils.escape_html(__(signature.meaning)),
				frappe.utils.escape_html(signature.signed_by_name || signature.signed_by),
				frappe.utils.escape_html(signature.signed_on),
			])}`,
			valid ? "green" : "red"
		);
	},
	to_status(frm) {
		if (!frm.doc.to_status) return;
		frappe.db.get_value("Lot Status", frm.doc.to_status, "requires_reason").then(({ message }) => {
			frm.toggle_reqd("reason", !!(message && message.requires_reason));
		});
	},
	before_workflow_action(frm) {
		const action = frm.selected_workflow_action;
		if (!LOT_SIGNED_ACTIONS.includes(action) || !frm.doc.needs_sign_off) return;
		frappe.dom.unfreeze(); // the workflow froze the page; the dialog needs it
		lot_status_change_sign(frm, action);
		// signed and applied by the server here: the workflow's own call must not run
		return new Promise(() => {});
	},
});

// What a change that needs a second person waits for, each action once with the roles that may take
// it; sent for approval (or rejected), nothing of it may be edited: the server refuses it too.
function lot_status_change_explain_sign_off(frm) {
	const state = frm.doc.workflow_state;
	if (frm.is_new() || frm.doc.docstatus !== 0 || !frm.doc.needs_sign_off) return;
	const roles = ((frm.doc.__onload && frm.doc.__onload.approving_roles) || [])
		.map((role) => `<b>${frappe.utils.escape_html(__(role))}</b>`)
		.join(" / ");
	const requester = frappe.utils.escape_html(frm.doc.requested_by || "");
	if (state === "Awaiting Approval") {
		frm.disable_form();
		frm.set_intro(
			__(
				"Awaiting approval: {0} asks to move these lots to {1}. A user with the role {2}, other than {0}, approves or rejects it with their electronic signature (password). Nothing of it can be changed meanwhile: reject it and request a new change instead.",
				[requester, `<b>${frappe.utils.escape_html(__(frm.doc.to_status))}</b>`, roles || "—"]
			),
			"orange"
		);
	} else if (state === "Rejected") {
		frm.disable_form();
		frm.set_intro(__("Rejected: request a new change instead."), "red");
	} else {
		frm.set_intro(
			__(
				"This change needs a second person's approval: Request Approval sends it to the users with the role {0}, one of whom signs it.",
				[roles || "—"]
			),
			"blue"
		);
	}
}

function lot_status_change_sign(frm, action) {
	const dialog = new frappe.ui.Dialog({
		title: action === "Approve" ? __("Approve and Sign") : __("Reject and Sign"),
		fields: [
			{
				fieldtype: "HTML",
				fieldname: "meaning",
				options: `<p>${__(
					"By entering your password you sign {0} electronically as {1}: {2}.",
					[
						frappe.utils.escape_html(frm.doc.name),
						frappe.utils.escape_html(frappe.session.user_fullname || frappe.session.user),
						action === "Approve" ? __("released") : __("rejected"),
					]
				)}</p>`,
			},
			{ fieldtype: "Password", fieldname: "password", label: __("Password"), reqd: 1 },
		],
		primary_action_label: __(action),
		primary_action({ password }) {
			frappe
				.call({
					method: "lot_traceability.api.approve_lot_status_change",
					args: { name: frm.doc.name, password, action },
					freeze: true,
				})
				.then((r) => {
					if (!r.message || !r.message.signed) return;
					dialog.hide();
					frm.selected_workflow_action = null;
					frm.reload_doc();
				});
		},
	});
	dialog.show();
}
