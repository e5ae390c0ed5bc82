// Times dagre's layout of a graph the Lot Genealogy page draws (written by genealogy_graph.run with
// layout_json), with the node sizes the page gives: node graph_layout.mjs <graph.json> [runs]
import fs from "node:fs";
import dagre from "@dagrejs/dagre";

const data = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const runs = Number(process.argv[3] || 5);
const times = [];
for (let run = 0; run < runs; run++) {
	const start = performance.now();
	const g = new dagre.graphlib.Graph();
	g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 90, marginx: 20, marginy: 20, ranker: "tight-tree" });
	g.setDefaultEdgeLabel(() => ({}));
	for (const node of data.nodes) g.setNode(node.id, { width: 190, height: 64 });
	for (const edge of data.edges) g.setEdge(edge.source, edge.target, { width: 50, height: 14 });
	dagre.layout(g);
	times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ nodes: data.nodes.length, edges: data.edges.length, median_ms: times[Math.floor(runs / 2)] }));
