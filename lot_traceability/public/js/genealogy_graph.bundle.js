// The genealogy graph of a lot (Lot Genealogy page): laid out by dagre (left to right: suppliers,
// what the lot was made from, the lot, what was made from it, customers), drawn as SVG, with pan,
// zoom, search, a highlighted path between two nodes and export as SVG or PNG.
import dagre from "@dagrejs/dagre";
import { lot_genealogy_match } from "./genealogy_search.js";

const SVG = "http://www.w3.org/2000/svg";
const NODE_WIDTH = 190;
const NODE_HEIGHT = 64;
const PARTY_HEIGHT = 40;
const COLOURS = {
	green: "#2f9e44",
	blue: "#1c7ed6",
	orange: "#f08c00",
	yellow: "#fab005",
	red: "#e03131",
	gray: "#868e96",
	purple: "#7048e8",
	pink: "#d6336c",
	cyan: "#1098ad",
	darkgrey: "#495057",
};

function element(name, attributes = {}, parent = null) {
	const node = document.createElementNS(SVG, name);
	for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
	if (parent) parent.appendChild(node);
	return node;
}

function text(parent, x, y, value, attributes = {}) {
	const node = element("text", { x, y, ...attributes }, parent);
	node.textContent = value;
	return node;
}

function short(value, length) {
	value = value || "";
	return value.length > length ? value.slice(0, length - 1) + "…" : value;
}

function quantity(value, uom) {
	return `${format_number(value, null, 3).replace(/\.?0+$/, "")}${uom ? " " + uom : ""}`;
}

// frappe's number format where it is at hand (the desk), else plain
function format_number(value, _format, precision) {
	if (window.format_number) return window.format_number(value, null, precision);
	return Number(value || 0).toFixed(precision);
}

export class GenealogyGraph {
	constructor(container, { on_open, on_centre, on_expand } = {}) {
		this.container = container;
		this.handlers = { on_open, on_centre, on_expand };
		this.container.classList.add("lt-genealogy");
	}

	render(data) {
		this.data = data;
		const g = new dagre.graphlib.Graph();
		g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 90, marginx: 20, marginy: 20, ranker: "tight-tree" });
		g.setDefaultEdgeLabel(() => ({}));
		for (const node of data.nodes) {
			const party = ["supplier", "customer", "suppliers", "customers"].includes(node.kind);
			g.setNode(node.id, { width: NODE_WIDTH, height: party ? PARTY_HEIGHT : NODE_HEIGHT, node });
		}
		for (const edge of data.edges) g.setEdge(edge.source, edge.target, { edge, width: 50, height: 14 });
		dagre.layout(g);
		this.layout = g;

		this.container.innerHTML = "";
		const { width, height } = g.graph();
		this.size = { width: Math.max(width, 10), height: Math.max(height, 10) };
		const svg = element("svg", {
			xmlns: SVG,
			class: "lt-genealogy-svg",
			width: "100%",
			height: "100%",
			"font-family": "Inter, -apple-system, Helvetica, Arial, sans-serif",
			"font-size": "11",
		});
		this.svg = svg;
		const defs = element("defs", {}, svg);
		const marker = element(
			"marker",
			{ id: "lt-arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" },
			defs
		);
		element("path", { d: "M0,0 L10,5 L0,10 z", fill: "#868e96" }, marker);
		this.world = element("g", { class: "lt-world" }, svg);
		this.edge_elements = {};
		this.node_elements = {};
		for (const key of g.edges()) this.draw_edge(key, g.edge(key));
		for (const id of g.nodes()) this.draw_node(id, g.node(id));
		this.container.appendChild(svg);
		this.enable_pan_zoom();
		this.fit();
	}

	draw_edge(key, { edge, points }) {
		const group = element("g", { class: "lt-edge", "data-source": key.v, "data-target": key.w }, this.world);
		const d = points.map((p, i) => `${i ? "L" : "M"}${p.x},${p.y}`).join(" ");
		element("path", { d, fill: "none", stroke: "#adb5bd", "stroke-width": 1.5, "marker-end": "url(#lt-arrow)" }, group);
		const middle = points[Math.floor(points.length / 2)];
		const target = this.layout.node(key.w).node;
		const source = this.layout.node(key.v).node;
		const uom = (source.kind === "lot" || source.kind === "group" ? source.uom : target.uom) || "";
		const label = text(group, middle.x, middle.y - 4, quantity(edge.qty, uom), {
			"text-anchor": "middle",
			class: "lt-edge-qty",
			fill: "#495057",
			"paint-order": "stroke",
			stroke: "#fff",
			"stroke-width": 3,
		});
		label.dataset.qty = edge.qty;
		this.edge_elements[`${key.v}\u0000${key.w}`] = group;
	}

	draw_node(id, { x, y, width, height, node }) {
		const group = element(
			"g",
			{ class: `lt-node lt-node-${node.kind}`, transform: `translate(${x - width / 2},${y - height / 2})` },
			this.world
		);
		group.dataset.id = id;
		const colour = COLOURS[(this.data.colours || {})[node.status]] || "#868e96";
		const party = ["supplier", "customer", "suppliers", "customers"].includes(node.kind);
		element(
			"rect",
			{
				width,
				height,
				rx: party ? 20 : 6,
				fill: node.root ? "#fff9db" : "#fff",
				stroke: node.kind === "lot" ? colour : "#adb5bd",
				"stroke-width": node.root ? 3 : 2,
				"stroke-dasharray": node.kind === "group" || node.kind.endsWith("s") ? "5 3" : "",
			},
			group
		);
		if (node.kind === "lot") {
			element("rect", { width: 6, height, fill: colour, rx: 2 }, group);
			text(group, 12, 16, short(node.label, 26), { "font-weight": 600, class: "lt-node-lot" });
			text(group, 12, 31, short(node.item_name || node.item, 30), { fill: "#495057" });
			text(group, 12, 46, `${__(node.status || "")} · ${__("on hand")} ${quantity(node.on_hand, node.uom)}`, {
				fill: colour,
				class: "lt-node-status",
			});
			if (node.expiry) text(group, 12, 59, `${__("expires")} ${node.expiry}`, { fill: "#868e96" });
		} else if (node.kind === "group") {
			text(group, 12, 18, short(node.label, 30), { "font-weight": 600 });
			text(group, 12, 34, short(node.item_name || "", 30), { fill: "#495057" });
			text(group, 12, 50, __("click to show each lot"), { fill: "#1c7ed6" });
		} else {
			const label = node.label || __("{0} parties", [node.parties]);
			text(group, width / 2, 17, short(label, 28), { "text-anchor": "middle", "font-weight": 600 });
			text(group, width / 2, 31, __(node.kind.startsWith("supplier") ? "supplier" : "customer"), {
				"text-anchor": "middle",
				fill: "#868e96",
			});
		}
		const title = element("title", {}, group);
		title.textContent = node.kind === "lot" ? `${node.label} — ${node.item || ""}` : node.label || "";
		group.style.cursor = "pointer";
		group.addEventListener("click", (event) => {
			event.stopPropagation();
			if (this.dragged) return;
			if (node.kind === "group" || node.kind === "customers" || node.kind === "suppliers") {
				this.handlers.on_expand && this.handlers.on_expand(node);
			} else if (node.kind === "lot" && (event.ctrlKey || event.metaKey || node.root)) {
				this.handlers.on_open && this.handlers.on_open(node);
			} else {
				this.handlers.on_centre && this.handlers.on_centre(node);
			}
		});
		this.node_elements[id] = group;
	}

	// pan by dragging, zoom with the wheel (or a pinch's wheel events), on the SVG's view box
	enable_pan_zoom() {
		const svg = this.svg;
		let start = null;
		svg.addEventListener("pointerdown", (event) => {
			start = { x: event.clientX, y: event.clientY, view: { ...this.view } };
			this.dragged = false;
		});
		svg.addEventListener("pointermove", (event) => {
			if (!start) return;
			const scale = this.view.w / svg.clientWidth;
			const dx = (event.clientX - start.x) * scale;
			const dy = (event.clientY - start.y) * scale;
			if (Math.abs(dx) + Math.abs(dy) > 3) this.dragged = true;
			this.set_view({ ...start.view, x: start.view.x - dx, y: start.view.y - dy });
		});
		const stop = () => {
			start = null;
			setTimeout(() => (this.dragged = false), 0);
		};
		svg.addEventListener("pointerup", stop);
		svg.addEventListener("pointerleave", stop);
		svg.addEventListener(
			"wheel",
			(event) => {
				event.preventDefault();
				this.zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, event);
			},
			{ passive: false }
		);
	}

	zoom(factor, event = null) {
		const svg = this.svg;
		const rect = svg.getBoundingClientRect();
		const fx = event ? (event.clientX - rect.left) / rect.width : 0.5;
		const fy = event ? (event.clientY - rect.top) / rect.height : 0.5;
		const w = this.view.w * factor;
		const h = this.view.h * factor;
		this.set_view({
			x: this.view.x + (this.view.w - w) * fx,
			y: this.view.y + (this.view.h - h) * fy,
			w,
			h,
		});
	}

	set_view(view) {
		this.view = view;
		this.svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
	}

	fit() {
		const box = this.svg.getBoundingClientRect();
		const ratio = box.width && box.height ? box.width / box.height : 16 / 9;
		let { width, height } = this.size;
		if (width / height < ratio) width = height * ratio;
		else height = width / ratio;
		this.set_view({
			x: (this.size.width - width) / 2,
			y: (this.size.height - height) / 2,
			w: width,
			h: height,
		});
	}

	// the node a query names (`lot_genealogy_match`: any case, whole or part of a lot name, label or
	// supplier lot no), centred and outlined; false when the graph shows none
	find(lot) {
		const nodes = Object.keys(this.node_elements).map((key) => ({ ...this.layout.node(key).node, id: key }));
		const id = lot_genealogy_match(nodes, lot);
		for (const group of Object.values(this.node_elements)) group.classList.remove("lt-found");
		if (!id) return false;
		this.node_elements[id].classList.add("lt-found");
		const { x, y } = this.layout.node(id);
		this.set_view({ ...this.view, x: x - this.view.w / 2, y: y - this.view.h / 2 });
		return id;
	}

	// the shortest way from one node to another along the edges, highlighted; the ids, or []
	highlight(from, to) {
		for (const element_ of [...Object.values(this.node_elements), ...Object.values(this.edge_elements)]) {
			element_.classList.remove("lt-on-path");
		}
		if (!from || !to || !this.layout.hasNode(from) || !this.layout.hasNode(to)) return [];
		const reached = dagre.graphlib.alg.dijkstra(this.layout, from, () => 1);
		if (!reached[to] || reached[to].distance === Infinity) return [];
		const way = [to];
		while (way[0] !== from) way.unshift(reached[way[0]].predecessor);
		way.forEach((id, i) => {
			this.node_elements[id].classList.add("lt-on-path");
			if (i) this.edge_elements[`${way[i - 1]}\u0000${id}`].classList.add("lt-on-path");
		});
		return way;
	}

	svg_text() {
		const copy = this.svg.cloneNode(true);
		copy.setAttribute("viewBox", `0 0 ${this.size.width} ${this.size.height}`);
		copy.setAttribute("width", this.size.width);
		copy.setAttribute("height", this.size.height);
		const style = element("style", {}, null);
		style.textContent =
			".lt-on-path rect, .lt-on-path path { stroke: #e8590c !important; stroke-width: 3 !important; }";
		copy.insertBefore(style, copy.firstChild);
		return new XMLSerializer().serializeToString(copy);
	}

	download_svg(name) {
		this.download(new Blob([this.svg_text()], { type: "image/svg+xml" }), `${name}.svg`);
	}

	download_png(name) {
		const image = new Image();
		const scale = Math.min(2, 8000 / Math.max(this.size.width, this.size.height));
		image.onload = () => {
			const canvas = document.createElement("canvas");
			canvas.width = this.size.width * scale;
			canvas.height = this.size.height * scale;
			const context = canvas.getContext("2d");
			context.fillStyle = "#fff";
			context.fillRect(0, 0, canvas.width, canvas.height);
			context.drawImage(image, 0, 0, canvas.width, canvas.height);
			canvas.toBlob((blob) => this.download(blob, `${name}.png`));
		};
		image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(this.svg_text());
	}

	download(blob, filename) {
		const link = document.createElement("a");
		link.href = URL.createObjectURL(blob);
		link.download = filename;
		document.body.appendChild(link);
		link.click();
		setTimeout(() => {
			URL.revokeObjectURL(link.href);
			link.remove();
		}, 0);
	}
}

frappe.provide("lot_traceability");
lot_traceability.GenealogyGraph = GenealogyGraph;
