// Times the Lot Genealogy page's drawing of a graph in headless Chromium: the dagre layout, the SVG
// and the first frame painted, 5 times, median. The graph is one `genealogy_graph.run` wrote with
// `layout_json`; the site is any running one with this app (the page's bundle is the same).
//
//   LOT_TRACEABILITY_NODE_MODULES=<folder holding playwright-core> CHROMIUM=/usr/bin/chromium \
//     node graph_render.mjs <graph.json> <site url> <user> <password>
import fs from "node:fs";
import path from "node:path";

const [file, base, user, password] = process.argv.slice(2);
const { chromium } = await import(
	path.join(process.env.LOT_TRACEABILITY_NODE_MODULES, "playwright-core", "index.mjs")
);
const data = fs.readFileSync(file, "utf8");
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const login = await context.request.post(`${base}/api/method/login`, { form: { usr: user, pwd: password } });
if (!login.ok()) throw new Error(`login as ${user} failed: HTTP ${login.status()}`);
const page = await context.newPage();
await page.goto(`${base}/app/lot-genealogy`, { waitUntil: "networkidle" });
await page.waitForSelector(".lt-genealogy-canvas", { timeout: 60000 }); // the page has rendered
const result = await page.evaluate(async (json) => {
	await new Promise((resolve) => frappe.require("genealogy_graph.bundle.js", resolve));
	const canvas = document.querySelector(".lt-genealogy-canvas");
	const times = [];
	for (let run = 0; run < 5; run++) {
		const graph = new lot_traceability.GenealogyGraph(canvas, {});
		const start = performance.now();
		graph.render(JSON.parse(json));
		await new Promise((resolve) => requestAnimationFrame(() => resolve()));
		times.push(performance.now() - start);
	}
	times.sort((a, b) => a - b);
	return {
		median_ms: Math.round(times[2]),
		nodes: document.querySelectorAll(".lt-node").length,
		edges: document.querySelectorAll(".lt-edge").length,
	};
}, data);
console.log(JSON.stringify(result));
await browser.close();
