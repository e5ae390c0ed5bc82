// Lot Genealogy: a lot's trace as a graph — suppliers and what it was made from on the left, what
// was made from it and the customers on the right, quantities on the edges. Click a lot to centre the
// graph on it (Ctrl/Cmd-click, or the centred lot, opens it), a group to show its lots.
frappe.pages["lot-genealogy"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("Lot Genealogy"), single_column: true });
	const state = { lot: null, expand: [], graph: null, data: null };
	frappe.pages["lot-genealogy"].genealogy = state; // the shown graph, for scripts and tests
	const body = $(`
		<div class="lt-genealogy-page">
			<div class="lt-genealogy-summary text-muted small"></div>
			<div class="lt-genealogy-canvas"></div>
			<div class="lt-genealogy-legend small text-muted">
				${__("Drag to pan, scroll to zoom. Click a lot to centre on it, Ctrl-click (or click the centred lot) to open it; click a group to show its lots.")}
			</div>
		</div>`).appendTo(page.body);
	const canvas = body.find(".lt-genealogy-canvas")[0];
	const summary = body.find(".lt-genealogy-summary");

	const lot_field = page.add_field({
		fieldname: "lot",
		label: __("Lot"),
		fieldtype: "Link",
		options: "Batch",
		change() {
			const value = lot_field.get_value();
			if (value && value !== state.lot) show(value, []);
		},
	});
	const search_field = page.add_field({
		fieldname: "search",
		label: __("Find a lot in the graph"),
		fieldtype: "Data",
		change() {
			// a Data field tells of its change twice (as typed, and on leaving it): search once per value
			const value = search_field.get_value();
			if (value === state.searched) return;
			state.searched = value;
			if (value && state.graph && !state.graph.find(value)) {
				frappe.show_alert({
					message: __("{0} is not in this graph (or is in a group).", [frappe.utils.escape_html(value)]),
					indicator: "orange",
				});
			}
		},
	});
	const from_field = page.add_field({
		fieldname: "path_from",
		label: __("Path from"),
		fieldtype: "Select",
		change: () => highlight(),
	});
	const to_field = page.add_field({ fieldname: "path_to", label: __("to"), fieldtype: "Select", change: () => highlight() });

	page.add_menu_item(__("Fit to Screen"), () => state.graph && state.graph.fit());
	page.add_menu_item(__("Export as SVG"), () => state.graph && state.graph.download_svg(`Genealogy ${state.lot}`));
	page.add_menu_item(__("Export as PNG"), () => state.graph && state.graph.download_png(`Genealogy ${state.lot}`));
	page.add_menu_item(__("Open Lot Trace"), () =>
		frappe.set_route("query-report", "Lot Trace", { batch: state.lot })
	);

	function highlight() {
		if (!state.graph) return;
		const way = state.graph.highlight(from_field.get_value(), to_field.get_value());
		if (from_field.get_value() && to_field.get_value() && !way.length) {
			frappe.show_alert({ message: __("No path between them."), indicator: "orange" });
		}
	}

	function options(kinds) {
		const nodes = (state.data.nodes || []).filter((node) => kinds.includes(node.kind));
		return [{ value: "", label: "" }].concat(
			// a Select writes its labels as HTML
			nodes.map((node) => ({ value: node.id, label: frappe.utils.escape_html(node.label || node.id) }))
		);
	}

	function show(lot, expand) {
		state.lot = lot;
		state.expand = expand;
		frappe.require("genealogy_graph.bundle.js", () => {
			frappe
				.call({
					method: "lot_traceability.api.get_lot_graph",
					args: { lot, expand: JSON.stringify(expand) },
					freeze: true,
				})
				.then(({ message }) => {
					state.data = message;
					state.searched = null; // a new drawing: the same query finds again
					if (!state.graph) {
						state.graph = new lot_traceability.GenealogyGraph(canvas, {
							on_open: (node) => frappe.set_route("Form", "Batch", node.id),
							on_centre: (node) => {
								if (node.kind !== "lot") return;
								frappe.set_route("lot-genealogy", { lot: node.id });
								lot_field.set_value(node.id);
							},
							on_expand: (node) => show(state.lot, state.expand.concat([node.id])),
						});
					}
					state.graph.render(message);
					summary.text(
						__("{0}: {1} lots in its trace, {2} nodes shown{3}.", [
							message.lot,
							message.lots,
							message.nodes.length,
							message.truncated ? " " + __("(the walk stopped at its depth limit)") : "",
						]) + (message.hidden_note ? " " + message.hidden_note : "")
					);
					from_field.df.options = options(["supplier", "suppliers", "lot"]);
					from_field.refresh();
					to_field.df.options = options(["customer", "customers", "lot"]);
					to_field.refresh();
					if (lot_field.get_value() !== lot) lot_field.set_value(lot);
				});
		});
	}

	page.wrapper.on("show", () => {
		const lot = (frappe.route_options && frappe.route_options.lot) || frappe.utils.get_url_arg("lot");
		frappe.route_options = null;
		if (lot && lot !== state.lot) show(lot, []);
	});
	const first = (frappe.route_options && frappe.route_options.lot) || frappe.utils.get_url_arg("lot");
	frappe.route_options = null;
	if (first) show(first, []);
};
