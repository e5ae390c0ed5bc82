// Renders pages of the desk in headless Chromium, logged in, and fails on any console error.
//
//   node screenshots.mjs <base url> <user> <password> <output dir> <name>=<path> ...
//
// Writes <output dir>/<name>.png for each page and prints one JSON line per page
// ({name, path, errors}); exits 1 if any page logged a console error or threw.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(process.env.LOT_TRACEABILITY_NODE_MODULES + "/");
const { chromium } = require("playwright-core");

const [base, user, password, outDir, ...pages] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: [
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
	],
});
let failed = false;
try {
	const context = await browser.newContext({
		viewport: { width: 1440, height: 1000 },
		// the realtime server finds the site by this header when the page is served on 127.0.0.1
		extraHTTPHeaders: process.env.FRAPPE_SITE ? { "X-Frappe-Site-Name": process.env.FRAPPE_SITE } : {},
	});
	const login = await context.request.post(`${base}/api/method/login`, { form: { usr: user, pwd: password } });
	if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
	for (const spec of pages) {
		const [name, route] = spec.split(/=(.*)/s);
		const page = await context.newPage();
		const errors = [];
		page.on("console", (message) => {
			if (message.type() === "error") errors.push(message.text());
		});
		page.on("pageerror", (error) => errors.push(String(error)));
		await page.goto(base + route, { waitUntil: "networkidle", timeout: 60000 });
		// the desk sets the page title once the page has rendered
		await page
			.waitForFunction(() => !["", "Frappe", "Workspace", "ERPNext"].includes(document.title), null, {
				timeout: 30000,
			})
			.catch(() => {});
		await page.waitForTimeout(2500); // charts, cards and report rows render after the data arrives
		await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true });
		const title = await page.title();
		console.log(JSON.stringify({ name, route, title, errors }));
		if (errors.length) failed = true;
		await page.close();
	}
} finally {
	await browser.close();
}
process.exit(failed ? 1 : 0);
