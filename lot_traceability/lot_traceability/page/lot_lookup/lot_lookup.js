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
		const label = lot.label
			? `<p class="lot-lookup-label small text-muted">${__("The label reads")}: ${__("lot")} <b>${esc(lot.label.lot || "—")}</b>
				· ${__("expiry")} ${lot.label.expiry_date ? frappe.datetime.str_to_user(lot.label.expiry_date) : "—"}
				· ${__("quantity")} ${lot.label.qty != null ? format_number(lot.label.qty) : "—"}</p>`
			: "";
		const lot_url = encodeURIComponent(lot.batch);
		result.html(`
			<h4 class="lot-lookup-title">
				<a href="/app/batch/${lot_url}">${esc(lot.batch)}</a>
				<span class="indicator-pill lot-lookup-status">${esc(__(lot.lot_status || ""))}</span>
			</h4>
			<p>${__("Item")}: ${esc(lot.item)}
				· ${__("Expiry")}: ${lot.expiry_date ? frappe.datetime.str_to_user(lot.expiry_date) : "—"}
				· ${__("Supplier Lot")}: ${esc(lot.supplier_lot_no || "—")}</p>
			${label}
			<div class="table-responsive">
				<table class="table table-bordered lot-lookup-stock">
					<thead><tr><th>${__("Warehouse")}</th><th class="text-right">${__("On Hand")}</th></tr></thead>
					<tbody>${rows || `<tr><td colspan="2">${__("No stock")}</td></tr>`}</tbody>
				</table>
			</div>
			<div class="lot-lookup-actions">
				<button class="btn btn-default btn-sm lot-lookup-quarantine" disabled>${__("Quarantine")}</button>
				<button class="btn btn-default btn-sm lot-lookup-move" disabled>${__("Move to Quarantine Warehouse")}</button>
				<a class="btn btn-default btn-sm" href="/app/print/Batch/${lot_url}?format=${encodeURIComponent("Lot Label")}">${__("Print Label")}</a>
				<a class="btn btn-default btn-sm" href="/app/query-report/Lot Trace?batch=${lot_url}">${__("Trace")}</a>
				<a class="btn btn-default btn-sm" href="/app/lot-genealogy?lot=${lot_url}">${__("Genealogy Graph")}</a>
			</div>
			<div class="lot-lookup-changes"></div>`);
		result.find(".lot-lookup-move").on("click", () => {
			frappe
				.call({ method: "lot_traceability.api.make_quarantine_transfer", args: { batch: lot.batch }, freeze: true })
				.then(({ message: drafts }) => {
					if (!drafts || !drafts.length) return;
					frappe.show_alert({ message: __("Draft {0}: check and submit it.", [esc(drafts.join(", "))]), indicator: "blue" });
					frappe.set_route("Form", "Stock Entry", drafts[0]);
				});
		});
		// the status changes this user may make (the quarantine among them, when their roles allow it)
		frappe.call({ method: "lot_traceability.api.get_lot_overview", args: { batch: lot.batch } }).then(({ message }) => {
			const targets = (message && message.targets) || [];
			const quarantine = targets.find((target) => target.status === "Quarantined");
			const button = result.find(".lot-lookup-quarantine");
			const notes = result.find(".lot-lookup-changes");
			// a greyed button says why, on the button and beneath it (a phone shows no tooltips)
			const why_not = (element, css, text) => {
				element.attr("title", text);
				notes.append(`<p class="small text-muted ${css}">${esc(text)}</p>`);
			};
			if (quarantine) {
				button.prop("disabled", false).attr("title", quarantine.hint);
				button.on("click", () => change_status(lot, quarantine));
			} else {
				const reason = ((message && message.not_offered) || {}).Quarantined;
				why_not(button, "lot-lookup-no-quarantine", reason || __("Your roles may not move this lot to Quarantined."));
			}
			const move = (message && message.quarantine_move) || { allowed: false, hint: "" };
			const move_button = result.find(".lot-lookup-move");
			if (move.allowed) move_button.prop("disabled", false);
			else why_not(move_button, "lot-lookup-no-move", move.hint);
			const others = targets.filter((target) => target.status !== "Quarantined");
			if (others.length) {
				result.find(".lot-lookup-changes").append(
					`<p class="small">${__("Change status")}: ${others
						.map((target) => `<button class="btn btn-xs btn-default lot-lookup-target" data-status="${esc(target.status)}" title="${esc(target.hint)}">${esc(__(target.status))}</button>`)
						.join(" ")}</p>`
				);
				result.find(".lot-lookup-target").on("click", (e) =>
					change_status(lot, others.find((target) => target.status === $(e.currentTarget).attr("data-status")))
				);
			}
		});
	};

	// a status change as one recorded Lot Status Change, with the reason asked for
	const change_status = (lot, target) => {
		frappe.prompt(
			[{ fieldname: "reason", label: __("Reason"), fieldtype: "Small Text", reqd: 1 }],
			({ reason }) => {
				frappe
					.call({
						method: "lot_traceability.api.change_lot_status",
						args: { batches: [lot.batch], to_status: target.status, reason },
						freeze: true,
					})
					.then(() => {
						frappe.show_alert({ message: __("Lot {0}: {1}", [esc(lot.batch), esc(__(target.status))]), indicator: "green" });
						look_up(lot.batch);
					});
			},
			__("{0} → {1}", [esc(lot.batch), esc(__(target.status))]),
			__("Change Status")
		);
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
	// Frappe's camera scanner, once the browser has a camera it may use; else the reason, in words
	const scan_with_camera = async () => {
		const media = navigator.mediaDevices;
		let found = false;
		if (media && media.enumerateDevices) {
			const devices = await media.enumerateDevices().catch(() => []);
			found = devices.some((device) => device.kind === "videoinput");
		}
		if (!found) {
			frappe.msgprint({
				title: __("No Camera"),
				indicator: "orange",
				message: window.isSecureContext
					? __("This device has no camera the browser may use. Type the lot id, or scan the label with a hand-held scanner into the field above.")
					: __("The browser allows the camera only on a secure (https) address. Type the lot id, or scan the label with a hand-held scanner into the field above."),
			});
			return;
		}
		new frappe.ui.Scanner({
			dialog: true,
			multiple: false,
			on_scan: (data) => look_up((data && data.result && data.result.text) || (data && data.decodedText) || ""),
		});
	};
	const camera = page.set_primary_action(__("Scan with Camera"), () => {
		scan_with_camera();
	});
	// an icon Frappe ships and the words, on a phone too
	camera.addClass("lot-lookup-camera").html(`${frappe.utils.icon("scan", "sm")} <span>${__("Scan with Camera")}</span>`);
	page.main.append(result);
	setTimeout(() => field.$input && field.$input.focus(), 300);
};
