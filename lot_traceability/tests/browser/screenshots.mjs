// Renders pages of the desk in headless Chromium, logged in, at each screen size, and reports what a
// person would see: console errors and warnings, whether anything is wider than the screen (the page,
// an open dialog, the page title), the text on the page, and the answer of an optional probe.
//
//   node screenshots.mjs <base url> <user> <password> <output dir> <sizes> <name>=<path>[|<probe>] ...
//
// <sizes> is a comma-separated list of WIDTHxHEIGHT (widths under 600 are phones: touch, mobile).
// A probe is the body of an async function run in the page once it has rendered (it may open a
// dialog); what it returns is reported as `probe`, and what is on the screen is read after it.
// Writes <output dir>/<name>-<width>.png for each page and size and prints one JSON line for each
// ({name, size, route, title, errors, warnings, overflow, dialog_scrolls, title_cut, text, probe}); exits 1 if a
// page threw or logged a console error.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(process.env.LOT_TRACEABILITY_NODE_MODULES + "/");
const { chromium } = require("playwright-core");

const [base, user, password, outDir, sizes, ...pages] = process.argv.slice(2);
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

// What is wider than the screen: the page itself, the content of an open dialog, the page's title.
function measure() {
	const wide = (el) => el && el.scrollWidth > el.clientWidth + 1;
	const dialogs = [...document.querySelectorAll(".modal.show .modal-content, .modal.show .modal-body")];
	const title = [...document.querySelectorAll(".page-head .title-text")].find((el) => el.offsetParent);
	const page = [...document.querySelectorAll(".page-container")].find((el) => el.offsetParent);
	return {
		overflow: {
			page: document.documentElement.scrollWidth > window.innerWidth + 1,
			dialog: dialogs.some(wide),
		},
		// a table in a dialog that has to be scrolled sideways to be read
		dialog_scrolls: [...document.querySelectorAll(".modal.show .table-responsive")].some(wide),
		title_cut: title ? wide(title) : false,
		title_text: title ? title.textContent.trim() : "",
		text: (document.querySelector(".modal.show") ? document.querySelector(".modal.show").innerText + "\n" : "")
			+ (page ? page.innerText : document.body.innerText),
	};
}

// Waits until the page has settled: nothing on it says it is loading (Frappe's number cards, charts
// and lists show a loading state until their data arrives) and its text has not changed for 1.5 s.
// A page that never settles is read after 45 s as it is (its test then says what is missing).
async function settle(page) {
	await page
		.waitForFunction(
			() => {
				const loading = document.querySelectorAll(
					".number-card-loading, .chart-loading-state, .list-loading-state"
				);
				const busy = [...loading].some((el) => el.offsetParent);
				const text = document.body.innerText;
				const now = performance.now();
				if (busy || text !== window.__settleText) {
					window.__settleText = text;
					window.__settleSince = now;
					return false;
				}
				return now - window.__settleSince >= 1500;
			},
			null,
			{ timeout: 45000, polling: 250 }
		)
		.catch(() => {});
}

let failed = false;
try {
	for (const size of sizes.split(",")) {
		const [width, height] = size.split("x").map(Number);
		const phone = width < 600;
		const context = await browser.newContext({
			viewport: { width, height },
			isMobile: phone,
			hasTouch: phone,
			// the realtime server finds the site by this header when the page is served on 127.0.0.1
			extraHTTPHeaders: process.env.FRAPPE_SITE ? { "X-Frappe-Site-Name": process.env.FRAPPE_SITE } : {},
		});
		const login = await context.request.post(`${base}/api/method/login`, {
			form: { usr: user, pwd: password },
		});
		if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
		for (const spec of pages) {
			const [name, rest] = spec.split(/=(.*)/s);
			const [route, probe] = rest.split(/\|(.*)/s);
			const page = await context.newPage();
			const errors = [];
			const warnings = [];
			page.on("console", (message) => {
				if (message.type() === "error") errors.push(message.text());
				if (message.type() === "warning") warnings.push(message.text());
			});
			// where it was thrown, so a failure says whose code threw
			page.on("pageerror", (error) =>
				errors.push([String(error), ...(error.stack || "").split("\n").slice(1, 6)].join("\n"))
			);
			await page.goto(base + route, { waitUntil: "networkidle", timeout: 60000 });
			// the desk sets the page title once the page has rendered
			await page
				.waitForFunction(() => !["", "Frappe", "Workspace", "ERPNext"].includes(document.title), null, {
					timeout: 30000,
				})
				.catch(() => {});
			// charts, cards and report rows render after the data arrives; a fixed minimum first: a dialog
			// a probe opened sooner has been seen closed again by the time the page was read
			await page.waitForTimeout(2500);
			await settle(page);
			let answer = null;
			if (probe) {
				try {
					answer = await page.evaluate(`(async () => { ${probe} })()`);
				} catch (error) {
					errors.push(`probe: ${error}`);
				}
				await page.waitForTimeout(2000);
				await settle(page);
			}
			// Read the page before the screenshot: a full-page screenshot of a phone-sized page briefly
			// resizes the window (to 1x1 and back), which a person never does and which makes every
			// chart redraw at no width; what that throws is not what the person sees.
			const seen = await page.evaluate(measure);
			const title = await page.title();
			const thrown = [...errors];
			const warned = [...warnings];
			await page.screenshot({ path: path.join(outDir, `${name}-${width}.png`), fullPage: true });
			console.log(
				JSON.stringify({ name, size, route, title, errors: thrown, warnings: warned, probe: answer, ...seen })
			);
			if (thrown.length) failed = true;
			await page.close();
		}
		await context.close();
	}
} finally {
	await browser.close();
}
process.exit(failed ? 1 : 0);
