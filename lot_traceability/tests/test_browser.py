"""The app as a person sees it, in headless Chromium at desktop and phone size, logged in: the
workspace, Lot Trace, Recall Impact, a Lot Recall, the KPIs, a held lot's Batch form, a Delivery
Note's batch picker and Lot Allocation, Lot Lookup, a Sales Order's Lot Availability — each read
for what it must show, with no console error or warning, nothing wider than the screen and no title
cut; a screenshot of each is written.

Needs Chromium (`CHROMIUM`, else /usr/bin/chromium), Node.js and the npm package playwright-core
(`LOT_TRACEABILITY_NODE_MODULES`: the node_modules folder holding it); `.ci/run` installs them. The
site is served on 127.0.0.1 by Frappe's development server and Frappe's realtime server (both bound
to loopback), screenshots go to `LOT_TRACEABILITY_SCREENSHOTS` (else a temporary folder)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from lot_traceability import demo
from lot_traceability.tests.loopback import free_port, port_open, wait_for
from lot_traceability.tests.utils import demo_milk_and_cakes, make_customer

HERE = Path(__file__).resolve().parent / "browser"
USER = "lt-browser@example.com"
SIZES = ("1440x1000", "390x844")  # a desktop and a phone


class TestDeskInABrowser(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.node_modules = os.environ.get("LOT_TRACEABILITY_NODE_MODULES")
		cls.chromium = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
		missing = [
			what
			for what, ok in (
				("node", shutil.which("node")),
				(f"Chromium at {cls.chromium}", os.path.exists(cls.chromium)),
				(
					"playwright-core (set LOT_TRACEABILITY_NODE_MODULES)",
					cls.node_modules and os.path.isdir(os.path.join(cls.node_modules, "playwright-core")),
				),
			)
			if not ok
		]
		if missing:
			raise RuntimeError("the browser test needs " + ", ".join(missing) + " (see .ci/run)")
		demo.load()  # loads it once (afresh if an earlier install left its companies)
		frappe.db.commit()  # the demo kept whole, not undone by this class's rollback
		cls.cake = frappe.get_all(
			"Lot Genealogy", filters={"child_item": "DEMO-CAKE-MIX"}, pluck="child_lot", limit=1
		)[0]
		recall = frappe.get_doc(
			{
				"doctype": "Lot Recall",
				"title": "Browser drill",
				"reason": "Mock recall shown in the browser test",
				"is_mock": 1,
				"supplier_lot_no": "DC-5531",
			}
		).insert()
		recall.submit()
		cls.recall = recall.name
		if not frappe.db.exists("User", USER):
			frappe.get_doc(
				{"doctype": "User", "email": USER, "first_name": "Browser", "send_welcome_email": 0}
			).insert()
		user = frappe.get_doc("User", USER)
		user.add_roles("System Manager", "Quality Manager", "Stock Manager", "Stock User")
		cls.password = frappe.generate_hash(length=16)
		update_password(USER, cls.password)
		frappe.db.commit()  # the web server reads them in its own transactions
		cls.processes = []
		cls.port = free_port()
		sites = os.path.abspath(frappe.get_site_path(".."))
		bench = os.path.dirname(sites)
		env = {**os.environ, "DEV_SERVER": "1"}
		cls.start(
			[sys.executable, str(HERE / "serve.py"), sites, frappe.local.site, str(cls.port)], sites, env
		)
		realtime = frappe.conf.get("socketio_port") or 9000
		if not port_open(realtime):
			cls.start(
				["node", "--require", str(HERE / "loopback.cjs"), "apps/frappe/socketio.js"],
				bench,
				os.environ,
			)
			wait_for(realtime)
		wait_for(cls.port)

	@classmethod
	def start(cls, command, cwd, env):
		cls.processes.append(
			subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
		)

	@classmethod
	def tearDownClass(cls):
		for process in getattr(cls, "processes", []):
			process.terminate()
			process.wait(timeout=30)
		if getattr(cls, "recall", None):
			recall = frappe.get_doc("Lot Recall", cls.recall)
			recall.cancel()
			recall.delete()
			frappe.db.commit()
		super().tearDownClass()

	def see(self, pages: dict, sizes=SIZES, not_ours=(), user=None, password=None, refused=False) -> dict:
		"""Each page at each size, as `browser/screenshots.mjs` reports it: {(name, width): page}. The
		titles of the app's own pages (all but `not_ours`) must not be cut. Pages that show a refusal
		(`refused`: the browser logs the refused request as an error) are read as they are."""
		out = os.environ.get("LOT_TRACEABILITY_SCREENSHOTS") or tempfile.mkdtemp(prefix="lot-traceability-")
		run = subprocess.run(
			[
				"node",
				str(HERE / "screenshots.mjs"),
				f"http://127.0.0.1:{self.port}",
				user or USER,
				password or self.password,
				out,
				",".join(sizes),
				*(f"{name}={route}" for name, route in pages.items()),
			],
			env={
				**os.environ,
				"LOT_TRACEABILITY_NODE_MODULES": self.node_modules,
				"CHROMIUM": self.chromium,
				"FRAPPE_SITE": frappe.local.site,
			},
			capture_output=True,
			text=True,
			timeout=1200,
		)
		seen = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
		self.assertEqual(
			[(page["name"], page["size"]) for page in seen],
			[(name, size) for size in sizes for name in pages],
			run.stderr[-3000:],
		)
		for page in seen if not refused else ():
			where = f"{page['name']} at {page['size']}"
			self.assertEqual(page["errors"], [], where)
			self.assertEqual(page["warnings"], [], where)
			self.assertEqual(page["overflow"], {"page": False, "dialog": False}, where)
			if int(page["size"].split("x")[0]) >= 600:  # a phone may scroll a table sideways, a desktop not
				self.assertFalse(page["dialog_scrolls"], f"{where}: a table in the dialog is too wide")
			if page["name"] not in not_ours:
				self.assertFalse(page["title_cut"], f"{where}: title {page['title_text']!r} is cut")
			shot = Path(out) / f"{page['name']}-{page['size'].split('x')[0]}.png"
			self.assertGreater(shot.stat().st_size, 10_000, shot)
			print(f"screenshot: {shot} ({page['title']})")
		if not refused:
			self.assertEqual(run.returncode, 0, run.stderr[-3000:])
		return {(page["name"], int(page["size"].split("x")[0])): page for page in seen}

	def test_the_cockpit_reads_right_at_desktop_and_phone_size(self):
		milk = frappe.db.get_value("Batch", {"supplier_lot_no": "DC-5531"})
		company_filter = "return frappe.query_report.get_filter_value('company');"
		seen = self.see(
			{
				"workspace": "/app/lot-traceability",
				"lot-trace": "/app/query-report/Lot Trace?supplier_lot_no=DC-5531",
				"recall-customers": "/app/query-report/Recall Impact?supplier_lot_no=DC-5531&section=Customers",
				"recall-stock": "/app/query-report/Recall Impact?supplier_lot_no=DC-5531&section=Stock",
				"lot-recall": f"/app/lot-recall/{self.recall}",
				"kpis": f"/app/query-report/Lot Traceability KPIs|{company_filter}",
				"exceptions": f"/app/query-report/Lot Exceptions|{company_filter}",
				"expiry-risk": "/app/query-report/Expiry Risk",
				"fsma-204": f"/app/query-report/FSMA 204 Records?lot={milk}&from_date={add_days(nowdate(), -400)}",
			}
		)
		for width in (1440, 390):
			workspace = seen["workspace", width]["text"].lower()
			self.assertIn("lots on hold", workspace)
			self.assertIn("restricted lots", workspace)
			self.assertIn("expiry loss by month", workspace)
			self.assertNotIn("no data", workspace)  # the demo gives every chart figures
			trace = seen["lot-trace", width]["text"]
			for shown in ("Supplier Lot No", "Made from", "Used in", "25 levels"):
				self.assertIn(shown, trace, width)
		trace = seen["lot-trace", 1440]["text"]
		self.assertEqual(trace.count(milk), 1)  # the traced lot once, not under each direction
		self.assertIn("Kg", trace)
		customers = seen["recall-customers", 1440]["text"]
		for shown in ("250 Kg", "Affected Part Shipped", "50 Kg", "Sales Value Shipped"):
			self.assertIn(shown, customers)
		stock = seen["recall-stock", 1440]["text"]
		self.assertIn("In stock", stock)
		self.assertNotIn("On Hand\n270", stock)  # two items are not added up
		for width in (1440, 390):  # the war room's figures at both sizes
			room = seen["lot-recall", width]["text"]
			for shown in ("War Room", "In Transit", "Recovered", "With Customers", "Sales Value Shipped"):
				self.assertIn(shown, room, width)
		self.assertIn(self.recall, seen["lot-recall", 1440]["title"])
		recall = seen["lot-recall", 1440]["text"]  # its scope, paged: lots, and customers to notify
		self.assertIn(milk, recall)
		self.assertIn("Demo Bakery North", recall)
		self.assertRegex(recall, r"1–\d+ of \d+")
		self.assertIn("Lot Traceability KPIs", seen["kpis", 390]["title_text"])
		fsma = seen["fsma-204", 1440]["text"]  # the milk powder's events, each with its KDEs
		for shown in (
			"Receiving",
			"Transformation",
			"Shipping",
			"DC-5531",
			"Demo Bakery North",
			"Eau Claire",
		):
			self.assertIn(shown, fsma)
		for report in ("kpis", "exceptions"):  # the user's own company, not every company at once
			self.assertTrue(frappe.db.exists("Company", seen[report, 1440]["probe"]), report)

	def test_markup_in_a_link_or_a_scan_is_shown_as_text(self):
		"""A Lot Genealogy link whose lot holds markup, and the same text typed or scanned into Lot
		Lookup: the refusal shows it as text, and no element is made of it."""
		from urllib.parse import quote

		markup = "<img src=x class=lt-injected>"
		read = """
			let shown = null;
			for (let i = 0; i < 100 && !shown; i++) {
				shown = document.querySelector(".modal.show .msgprint, .lot-lookup-error");
				if (!shown) await new Promise((resolve) => setTimeout(resolve, 100));
			}
			return JSON.stringify({
				injected: document.querySelectorAll(".lt-injected").length + (shown ? shown.querySelectorAll("svg").length : 0),
				shown: shown ? shown.innerText : "(nothing shown)",
			});
		"""
		label = "]C110<svg/onload=alert()>"  # a GS1 label without a GTIN: its lot (10) holds markup
		scan = f"frappe.pages['lot-lookup'].page.fields_dict.label.set_value({json.dumps(label)});" + read
		seen = self.see(
			{
				"genealogy-link": f"/app/lot-genealogy?lot={quote(markup)}|{read}",
				"lot-lookup-scan": f"/app/lot-lookup|{scan}",
			},
			sizes=("1440x1000",),
			refused=True,
		)
		genealogy = json.loads(seen["genealogy-link", 1440]["probe"])
		self.assertEqual(genealogy["injected"], 0)
		self.assertIn(f"Lot {markup} does not exist", genealogy["shown"])
		lookup = json.loads(seen["lot-lookup-scan", 1440]["probe"])
		self.assertEqual(lookup["injected"], 0)
		self.assertIn("no lot has the id <svg/onload=alert()>", lookup["shown"])

	def test_the_genealogy_graph_shows_the_milk_powders_way_to_both_bakeries(self):
		milk, cakes = demo_milk_and_cakes()
		probe = """
			const state = frappe.pages["lot-genealogy"].genealogy;
			const edges = [...document.querySelectorAll(".lt-edge")].map((g) => [
				g.dataset.source, g.dataset.target, Number(g.querySelector(".lt-edge-qty").dataset.qty),
				g.querySelector(".lt-edge-qty").textContent,
			]);
			const nodes = [...document.querySelectorAll(".lt-node")].map((g) => [g.dataset.id, g.textContent]);
			const way = state.graph.highlight("supplier:Demo Dairy Cooperative", "customer:Demo Bakery North");
			return JSON.stringify({
				edges, nodes, way,
				highlighted: document.querySelectorAll(".lt-on-path").length,
				svg: state.graph.svg_text().length,
				found: state.graph.find("DC-5531"),
				fitted: (state.graph.fit(), true),
			});
		"""
		seen = self.see({"genealogy": f"/app/lot-genealogy?lot={milk}|{probe}"})
		for width in (1440, 390):
			answer = json.loads(seen["genealogy", width]["probe"])
			nodes = dict(answer["nodes"])
			edges = {(source, target): qty for source, target, qty, _label in answer["edges"]}
			self.assertEqual(len(cakes), 2)
			for cake in cakes:
				self.assertIn(cake, nodes, width)
				self.assertIn((milk, cake), edges, width)
			self.assertIn("customer:Demo Bakery North", nodes)
			self.assertIn("customer:Demo Bakery South", nodes)
			self.assertIn("Demo Bakery North", nodes["customer:Demo Bakery North"])
			for (source, target), qty in edges.items():  # the ledger's quantities on the edges
				if target.startswith("customer:"):
					delivered = frappe.db.sql(
						"""select -sum(qty) from `tabLot Ledger Entry` where batch_no = %s and party = %s
						and voucher_type = 'Delivery Note'""",
						(source, target.split(":", 1)[1]),
					)[0][0]
					self.assertAlmostEqual(qty, float(delivered), msg=(source, target))
				elif source == milk:
					consumed = frappe.db.sql(
						"select sum(qty) from `tabLot Genealogy` where parent_lot = %s and child_lot = %s",
						(milk, target),
					)[0][0]
					self.assertAlmostEqual(qty, float(consumed), msg=target)
			self.assertIn("Kg", " ".join(label for *_rest, label in answer["edges"]))
			self.assertEqual(answer["way"][0], "supplier:Demo Dairy Cooperative")
			self.assertEqual(answer["way"][-1], "customer:Demo Bakery North")
			self.assertIn(milk, answer["way"])
			self.assertGreaterEqual(answer["highlighted"], 2 * len(answer["way"]) - 1)
			self.assertGreater(answer["svg"], 1000)
			self.assertEqual(answer["found"], milk)

	def test_the_war_room_shows_recall_impact_and_redraws_after_a_return_without_a_reload(self):
		from lot_traceability import api

		sold = frappe.db.get_value(
			"Delivery Note",
			{
				"customer": "Demo Bakery North",
				"docstatus": 1,
				"is_return": 0,
				"company": "Demo Food Ingredients",
			},
		)
		impact = api.get_recall_impact(supplier_lot_no="DC-5531")["summary"]
		probe = """
			const value = (kind) => {
				const node = document.querySelector(`.lt-war-room [data-figure="${kind}"] .lt-war-room-value`);
				return node ? node.textContent.trim() : null;
			};
			for (let i = 0; i < 40 && value("recovered") === null; i++) await new Promise((r) => setTimeout(r, 250));
			const before = { recovered: value("recovered"), on_hand: value("on_hand"), shipped: value("shipped") };
			const charts = document.querySelectorAll(".lt-war-room .frappe-chart").length;
			const draft = (await frappe.call({
				method: "erpnext.stock.doctype.delivery_note.delivery_note.make_sales_return",
				args: { source_name: "__SOLD__" },
			})).message;
			draft.items = draft.items.slice(0, 1);
			draft.items[0].qty = -5;
			const saved = (await frappe.call({ method: "frappe.client.insert", args: { doc: draft } })).message;
			const submitted = (await frappe.call({ method: "frappe.client.submit", args: { doc: saved } })).message;
			for (let i = 0; i < 60 && value("recovered") === before.recovered; i++) await new Promise((r) => setTimeout(r, 250));
			return JSON.stringify({ before, after: value("recovered"), charts, returned: submitted.name });
		""".replace("__SOLD__", sold)
		started = frappe.utils.now_datetime()
		try:
			seen = self.see({"war-room": f"/app/lot-recall/{self.recall}|{probe}"}, sizes=("1440x1000",))
			answer = json.loads(seen["war-room", 1440]["probe"])

			def number(text):
				return float((text or "nan").replace(",", ""))

			self.assertEqual(number(answer["before"]["recovered"]), 0)
			self.assertAlmostEqual(number(answer["before"]["on_hand"]), impact["on_hand_qty"])
			self.assertAlmostEqual(number(answer["before"]["shipped"]), impact["shipped_qty"])
			self.assertGreaterEqual(answer["charts"], 3)
			# redrawn by the realtime event: the page never reloaded
			self.assertEqual(number(answer["after"]), 5)
		finally:  # the return the page made goes again
			frappe.db.rollback()
			for name in frappe.get_all(
				"Delivery Note",
				filters={"return_against": sold, "docstatus": 1, "creation": (">=", started)},
				pluck="name",
			):
				frappe.get_doc("Delivery Note", name).cancel()
			frappe.db.commit()

	def test_a_held_lot_says_what_it_may_do_and_pickers_say_what_they_left_out(self):
		oil = frappe.get_all(
			"Batch", filters={"item": "DEMO-OLIVE-OIL", "lot_status": "Quarantined"}, pluck="name", limit=1
		)[0]
		west = frappe.db.get_value("Warehouse", {"warehouse_name": "West DC"})
		company = frappe.db.get_value("Warehouse", west, "company")
		open_expired = """
			const { message: lot } = await frappe.call("lot_traceability.api.get_lot_overview", { batch: cur_frm.doc.name });
			const labels = [...document.querySelectorAll(".inner-group-button .dropdown-item")].map((a) => a.textContent.trim());
			lot_traceability_change_status([cur_frm.doc.name], lot.targets.find((t) => t.status === "Expired"), null, lot);
			let warning = null;  // the dialog's warning, read once the dialog is on the screen
			for (let i = 0; i < 200 && !warning; i++) {
				warning = document.querySelector(".modal.show .lt-warning");
				if (!warning) await new Promise((resolve) => setTimeout(resolve, 100));
			}
			return [...labels, "DIALOG: " + (warning ? warning.textContent.trim() : "(no dialog)")];
		"""
		picker_and_allocation = f"""
			const r = await frappe.call({{ method: "frappe.desk.search.search_link", args: {{
				doctype: "Batch", txt: "", query: "erpnext.controllers.queries.get_batch_no",
				filters: {{ item_code: "DEMO-OLIVE-OIL", warehouse: "{west}" }} }} }});
			const offered = frappe.ui.form.ControlLink.prototype.merge_duplicates.call({{}}, r.message);
			cur_frm.doc.company = "{company}";
			const row = frappe.model.add_child(cur_frm.doc, "items");
			Object.assign(row, {{ item_code: "DEMO-OLIVE-OIL", warehouse: "{west}", qty: 5, stock_qty: 5 }});
			lot_traceability.show_allocation(cur_frm, [row]);
			return offered.map((o) => (o.html ? "NOTE: " + o.html.replace(/<[^>]+>/g, " ").replace(/\\s+/g, " ").trim() : o.value));
		"""
		camera = """
			const shown = [...document.querySelectorAll(".primary-action")].filter((b) => b.offsetParent);
			return shown.map((b) => decodeURIComponent(b.getAttribute("data-label") || b.textContent.trim()));
		"""
		seen = self.see(
			{
				"held-lot": f"/app/batch/{oil}|{open_expired}",
				"delivery-note": f"/app/delivery-note/new|{picker_and_allocation}",
				"lot-lookup": f"/app/lot-lookup|{camera}",
			},
			not_ours={"delivery-note"},
		)
		for width in (1440, 390):
			held = seen["held-lot", width]
			self.assertIn("What the Lot May Do", held["text"])
			self.assertIn("May not:", held["text"])
			self.assertIn("be shipped", held["text"])
			self.assertIn("moves only into a quarantine warehouse", held["text"])
			self.assertIn("Split repacks part of the lot", held["text"])
			dialog = held["probe"][-1]  # the dialog's warning, as the dialog showed it
			self.assertTrue(dialog.startswith("DIALOG: "), dialog)
			self.assertIn("is for lots past their expiry date", dialog)
			self.assertEqual(held["title_text"], oil)
			note = seen["delivery-note", width]["probe"][-1]
			self.assertTrue(note.startswith("NOTE:"), note)
			self.assertIn(f"{oil} (Quarantined)", note)
			self.assertIn("Why?", note)
			self.assertIn("Quarantined", seen["delivery-note", width]["text"])  # the Lot Allocation dialog
			self.assertIn("Scan with Camera", seen["lot-lookup", width]["probe"])
		self.assertIn("Expired — not expired yet", seen["held-lot", 1440]["probe"])
		self.assertIn("Approved — free to use and ship", seen["held-lot", 1440]["probe"])

	def test_the_warehouse_page_finds_a_lot_from_its_label_and_refuses_a_quarantine_without_the_role(self):
		from lot_traceability.labels import lot_gs1_string

		_milk, cakes = demo_milk_and_cakes()
		lot = cakes[0]  # the milk powder's id is longer than a GS1 lot (AI 10) may be
		label = lot_gs1_string(lot)
		clerk = "lt-browser-clerk@example.com"
		if not frappe.db.exists("User", clerk):
			frappe.get_doc(
				{"doctype": "User", "email": clerk, "first_name": "Clerk", "send_welcome_email": 0}
			).insert()
		frappe.get_doc("User", clerk).add_roles("Stock User")
		clerk_password = frappe.generate_hash(length=16)
		update_password(clerk, clerk_password)
		frappe.db.commit()
		# the label typed into the scan field, as a scanner types it
		probe = r"""
			const field = document.querySelector('input[data-fieldname="label"]');
			field.value = "__LABEL__";
			field.dispatchEvent(new Event("input", { bubbles: true }));
			field.dispatchEvent(new Event("change", { bubbles: true }));
			const shown = () => document.querySelector(".lot-lookup-title");
			for (let i = 0; i < 40 && !shown(); i++) await new Promise((r) => setTimeout(r, 250));
			for (let i = 0; i < 40 && !document.querySelector(".lot-lookup-quarantine[title]"); i++) {
				await new Promise((r) => setTimeout(r, 250));
			}
			const button = document.querySelector(".lot-lookup-quarantine");
			return JSON.stringify({
				title: shown() ? shown().textContent.replace(/\s+/g, " ").trim() : null,
				label: (document.querySelector(".lot-lookup-label") || {}).textContent || "",
				quarantine_disabled: button.disabled,
				actions: [...document.querySelectorAll(".lot-lookup-actions .btn")].map((b) => b.textContent.trim()),
			});
		""".replace("__LABEL__", label)
		status = frappe.db.get_value("Batch", lot, "lot_status")
		scan_dialog = """
			lot_traceability.scan_lot_label(cur_frm);
			await new Promise((r) => setTimeout(r, 800));
			return [...document.querySelectorAll(".modal.show .btn")].filter((b) => b.offsetParent).map((b) => b.textContent.trim());
		"""
		manager = self.see(
			{"warehouse": f"/app/lot-lookup|{probe}", "scan-dialog": f"/app/delivery-note/new|{scan_dialog}"},
			not_ours={"scan-dialog"},
		)
		clerk_seen = self.see(
			{"warehouse-clerk": f"/app/lot-lookup|{probe}"},
			sizes=("390x844",),
			user=clerk,
			password=clerk_password,
		)
		for width in (1440, 390):
			answer = json.loads(manager["warehouse", width]["probe"])
			self.assertIn(lot, answer["title"], width)
			self.assertIn(status, answer["title"])
			self.assertIn(lot, answer["label"])  # what the label itself reads: lot, expiry
			self.assertFalse(answer["quarantine_disabled"], width)  # a Stock and Quality Manager may
			for action in (
				"Quarantine",
				"Move to Quarantine Warehouse",
				"Print Label",
				"Trace",
				"Genealogy Graph",
			):
				self.assertIn(action, answer["actions"])
			self.assertIn("Scan with Camera", manager["scan-dialog", width]["probe"])  # the label dialog, too
		answer = json.loads(clerk_seen["warehouse-clerk", 390]["probe"])
		self.assertIn(lot, answer["title"])
		self.assertTrue(answer["quarantine_disabled"])
		from lot_traceability import api

		frappe.set_user(clerk)  # and the server refuses the change itself
		try:
			# Frappe's own check: a Stock User may not create a Lot Status Change at all
			with self.assertRaises(frappe.PermissionError):
				api.change_lot_status([lot], "Quarantined", reason="a warehouse clerk tries")
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()
		self.assertIn(
			"Your roles may not move this lot to Quarantined", clerk_seen["warehouse-clerk", 390]["text"]
		)
		self.assertEqual(frappe.db.get_value("Batch", lot, "lot_status"), status)  # nothing changed

	def test_planners_see_the_forecast_move_a_lot_in_one_click_and_read_a_suppliers_risk(self):
		from lot_traceability.foresight import job

		job.compute_all()
		frappe.db.commit()
		(move,) = frappe.get_all(
			"Lot Expiry Forecast",
			filters={"company": ("in", demo.COMPANIES), "suggested_qty": (">", 0)},
			fields=["batch", "warehouse", "company", "suggested_warehouse", "suggested_qty", "leftover_qty"],
			order_by="value_saved desc, batch",
			limit=1,
		)
		scored = frappe.get_all(
			"Supplier Risk Score",
			filters={"supplier": "Demo Mill Co."},
			fields=["item_group", "score", "failed_lots", "lots"],
		)
		self.assertTrue(scored)
		before = set(frappe.get_all("Stock Entry", filters={"docstatus": 0}, pluck="name"))
		# the lot's row in the report, then its Move button: the draft transfer it opens
		probe = r"""
			const rowOf = () => [...document.querySelectorAll(".dt-row")].find((r) => r.textContent.includes("__LOT__") && r.querySelector(".lot-rebalance"));
			for (let i = 0; i < 40 && !rowOf(); i++) await new Promise((r) => setTimeout(r, 250));
			const row = rowOf();
			const text = row ? row.textContent.replace(/\s+/g, " ") : "";
			const headers = [...document.querySelectorAll(".dt-cell--header .dt-cell__content")].map((h) => h.textContent.trim());
			row.querySelector(".lot-rebalance").click();
			for (let i = 0; i < 40 && !(cur_frm && cur_frm.doctype === "Stock Entry" && !cur_frm.is_new()); i++) {
				await new Promise((r) => setTimeout(r, 250));
			}
			const line = cur_frm.doc.items[0];
			return JSON.stringify({ text, headers, doctype: cur_frm.doctype, docstatus: cur_frm.doc.docstatus,
				purpose: cur_frm.doc.purpose, batch: line.batch_no, qty: line.qty, from: line.s_warehouse, to: line.t_warehouse });
		""".replace("__LOT__", move.batch)
		supplier_probe = """
			for (let i = 0; i < 40 && !document.querySelector(".supplier-lot-risk"); i++) await new Promise((r) => setTimeout(r, 250));
			return (document.querySelector(".supplier-lot-risk") || {}).textContent || "";
		"""
		try:
			seen = self.see(
				{
					"expiry-forecast": f"/app/query-report/Expiry Risk?forecast_at_risk=1&company={move.company}|{probe}",
					"supplier-risk": f"/app/supplier/Demo Mill Co.|{supplier_probe}",
				},
				not_ours={"supplier-risk", "expiry-forecast"},  # both end on ERPNext's forms
			)
			for width in (1440, 390):
				answer = json.loads(seen["expiry-forecast", width]["probe"])
				self.assertIn(move.warehouse, answer["text"], width)
				self.assertIn(move.suggested_warehouse, answer["text"], width)
				self.assertEqual(
					(answer["doctype"], answer["docstatus"], answer["purpose"], answer["batch"]),
					("Stock Entry", 0, "Material Transfer", move.batch),
				)
				self.assertEqual(
					(answer["qty"], answer["from"], answer["to"]),
					(move.suggested_qty, move.warehouse, move.suggested_warehouse),
				)
				risk = seen["supplier-risk", width]["probe"]
				for row in scored:
					self.assertIn(row.item_group, risk)
					self.assertIn(to_fixed(row.score, 1), risk)
					self.assertIn(f"{row.failed_lots} of {row.lots} lots with outcomes", risk)
			headers = json.loads(seen["expiry-forecast", 1440]["probe"])["headers"]
			for label in ("Learned Demand / Week", "Forecast Unsold", "Sells in Time at", "Value Saved"):
				self.assertIn(label, headers)
		finally:
			for name in set(frappe.get_all("Stock Entry", filters={"docstatus": 0}, pluck="name")) - before:
				frappe.delete_doc("Stock Entry", name, force=True)
			frappe.db.commit()

	def test_a_restricted_lot_shows_its_scope_and_a_restricted_release_asks_for_one(self):
		flour = frappe.db.get_value("Batch", {"supplier_lot_no": "MILL-24-131"})
		open_restricted = """
			const { message: lot } = await frappe.call("lot_traceability.api.get_lot_overview", { batch: cur_frm.doc.name });
			lot_traceability_change_status([cur_frm.doc.name], lot.targets.find((t) => t.status === "Restricted"), null, lot);
			return lot.targets.map((t) => t.status);
		"""
		seen = self.see({"restricted-lot": f"/app/batch/{flour}|{open_restricted}"})
		for width in (1440, 390):
			page = seen["restricted-lot", width]
			for shown in (
				"Released: to make DEMO-CAKE-MIX; not for sale; 200 Kg in all; DEV-26-031",
				"100 Kg of 200 Kg used, 100 Kg left",
				"release scope",
				# the change dialog: a new scope replaces this one
				"Release Scope",
				"Concession / Deviation Reference",
			):
				self.assertIn(shown, page["text"], width)
			self.assertIn("Restricted", page["probe"])  # a new scope is a change into the same status

	def test_deviations_documents_and_return_dispositions_show_where_people_work(self):
		specialty = "Demo Specialty Foods"
		deviation = frappe.get_all("Lot Deviation", filters={"company": specialty}, pluck="name", limit=1)[0]
		waiting = frappe.db.get_value("Batch", {"supplier_lot_no": "CC-1422"})
		shipment = frappe.get_all(
			"Delivery Note",
			filters={"company": specialty, "customer": "Demo Gourmet Market", "is_return": 0, "docstatus": 1},
			pluck="name",
			limit=1,
		)[0]
		to_supplier = frappe.db.get_value(
			"Delivery Note Item",
			{"lot_return_disposition": "Return to Supplier"},
			["parent", "lot_disposition_document"],
		)
		# the form's actions: its buttons, their groups' items, and the menu a phone moves them to
		menu = """
			return [...document.querySelectorAll(
				".page-actions .btn, .inner-group-button .dropdown-item, .menu-btn-group .dropdown-item"
			)].map((b) => b.textContent.trim()).filter((t) => t);
		"""
		seen = self.see(
			{
				"deviation": f"/app/lot-deviation/{deviation}|{menu}",
				"waiting-lot": f"/app/batch/{waiting}",
				"shipment": f"/app/delivery-note/{shipment}|{menu}",
				"customer-return": f"/app/delivery-note/{to_supplier[0]}",
			},
			not_ours={"shipment", "customer-return"},
		)
		for width in (1440, 390):
			page = seen["deviation", width]
			self.assertIn("Close", page["probe"], width)
			for shown in ("West DC", "Temperature Excursion", "In Stock", "Quarantined"):
				self.assertIn(shown, page["text"], width)
			lot = seen["waiting-lot", width]["text"]
			self.assertIn("Documents missing", lot)
			self.assertIn("Certificate of Analysis", lot)
			self.assertIn("Lot Complaint", seen["shipment", width]["probe"], width)
		self.assertIn("Return to Supplier", seen["customer-return", 1440]["text"])

	def test_approve_on_the_form_asks_for_the_password_and_signs(self):
		from lot_traceability.status_changes import change_lot_status
		from lot_traceability.tests.utils import make_lot, make_user

		requester = make_user("lt-browser-requester@example.com", ["Quality Manager", "Stock User"])
		lot = make_lot(status="Quarantined")
		frappe.set_user(requester)
		try:
			name = change_lot_status([lot.batch], "Approved", reason="Moisture within spec").name
		finally:
			frappe.set_user("Administrator")
		frappe.db.commit()
		# the workflow's Approve opens the signature dialog; the password signs and approves
		probe = r"""
			const until = async (found, tries = 80) => {
				for (let i = 0; i < tries && !found(); i++) await new Promise((r) => setTimeout(r, 250));
				return found();
			};
			const approve = await until(() =>
				[...document.querySelectorAll(".dropdown-item")].find((a) => a.textContent.trim() === "Approve")
			);
			if (!approve) return JSON.stringify({ error: "no Approve action" });
			approve.click();
			const dialog = await until(() => cur_dialog && cur_dialog.fields_dict.password && cur_dialog);
			if (!dialog) return JSON.stringify({ error: "no password dialog" });
			const asked = dialog.$wrapper.text();
			await dialog.set_value("password", "__PASSWORD__");
			dialog.get_primary_btn().click();
			await until(() => cur_frm.doc.docstatus === 1 && cur_frm.doc.__onload && cur_frm.doc.__onload.signature);
			await new Promise((r) => setTimeout(r, 500));
			return JSON.stringify({
				asked,
				docstatus: cur_frm.doc.docstatus,
				state: cur_frm.doc.workflow_state,
			});
		""".replace("__PASSWORD__", self.password)
		seen = self.see({"sign-off": f"/app/lot-status-change/{name}|{probe}"}, sizes=("1440x1000",))
		answer = json.loads(seen["sign-off", 1440]["probe"])
		self.assertIn("sign", answer["asked"])
		self.assertEqual((answer["docstatus"], answer["state"]), (1, "Approved"), answer)
		self.assertIn("Signature valid: Released by Browser", seen["sign-off", 1440]["text"])
		frappe.db.rollback()
		change = frappe.get_doc("Lot Status Change", name)
		self.assertEqual((change.signed_by, change.signature_meaning), (USER, "Released"))
		self.assertEqual(frappe.db.get_value("Batch", lot.batch, "lot_status"), "Approved")

	def test_a_sales_order_row_shows_what_may_be_promised(self):
		"""View → Lot Availability on a Sales Order of the demo's flour: promisable beside ERPNext's
		stock, the lots and why the others do not count; on an Item, the dashboard's line."""
		store = "Stores - DFI"
		order = frappe.get_doc(
			{
				"doctype": "Sales Order",
				"company": frappe.db.get_value("Warehouse", store, "company"),
				"customer": make_customer("_LT Promise Browser Customer"),  # no lot requirements of its own
				"delivery_date": add_days(nowdate(), 10),
				"items": [{"item_code": "DEMO-FLOUR", "qty": 500, "rate": 1, "warehouse": store}],
			}
		).insert()
		frappe.db.commit()  # the web server reads it in its own transaction
		probe = """
			lot_traceability.show_availability(cur_frm);
			for (let i = 0; i < 80 && !document.querySelector(".modal.show .modal-body b"); i++)
				await new Promise((r) => setTimeout(r, 250));
			return document.querySelector(".modal.show").innerText;
		"""
		from lot_traceability.demo import promising as promise_story

		# the dashboard's Promisable Stock section (on the Item form it sits in the Dashboard tab)
		section = """
			for (let i = 0; i < 80 && !document.querySelector(".lt-promise-dashboard"); i++)
				await new Promise((r) => setTimeout(r, 250));
			const found = document.querySelector(".lt-promise-dashboard");
			return found ? found.textContent : "";
		"""

		held_lot = promise_story.load()["held_lot"]  # a demo loaded before that story gets it too
		frappe.db.commit()
		try:
			seen = self.see(
				{
					"sales-order": f"/app/sales-order/{order.name}|{probe}",
					"item": f"/app/item/DEMO-FLOUR|{section}",
					"batch": f"/app/batch/{held_lot}|{section}",
				},
				not_ours={"sales-order", "item", "batch"},
			)
		finally:
			frappe.delete_doc("Sales Order", order.name, force=True)
			frappe.db.commit()
		# the flour's lots in that store, by what they are (their numbers depend on the naming series)
		in_store = set(
			frappe.get_all(
				"Lot Balance",
				filters={"item": "DEMO-FLOUR", "warehouse": store, "qty": (">", 0)},
				pluck="batch",
			)
		)
		lots = {
			status: sorted(
				in_store & set(frappe.get_all("Batch", filters={"lot_status": status}, pluck="name"))
			)
			for status in ("Approved", "Restricted")
		}
		self.assertTrue(lots["Approved"] and lots["Restricted"], lots)
		for width in (1440, 390):
			dialog = seen["sales-order", width]["probe"]
			# the approved lot and the short-dated one (this customer asks for no shelf life) less the
			# other bakery's reservation of 60, not the held lot nor the one restricted to making cake mix
			self.assertIn("Promisable 420", dialog, width)
			self.assertIn("of 750", dialog, width)  # ERPNext's actual quantity in that warehouse
			self.assertIn(lots["Approved"][0], dialog, width)
			self.assertIn("may be promised", dialog, width)
			self.assertIn(lots["Restricted"][0], dialog, width)  # restricted to making cake mix
			self.assertIn("not for this customer", dialog, width)
			self.assertIn("Promisable today: 420", seen["item", width]["text"], width)  # the headline
			item = seen["item", width]["probe"]
			self.assertRegex(item, r"Promisable: 420(\.0+)? Kg", width)
			self.assertRegex(item, r"Held: 120(\.0+)? Kg", width)  # the quarantined flour lot in the stores
			self.assertRegex(item, r"In Quarantine Warehouse: 300(\.0+)? Kg", width)  # the rejected lot
			self.assertIn("Stores - DFI", item, width)
			batch = seen["batch", width]["probe"]
			self.assertRegex(batch, r"This lot: 0(\.0+)? Kg promisable today of 120(\.0+)? Kg on hand", width)
			self.assertRegex(batch, r"Held: 120(\.0+)? Kg", width)
			self.assertIn("Lot Availability", batch, width)

	def test_partners_upload_a_certificate_and_answer_a_recall_on_the_portal(self):
		import base64

		import requests

		from lot_traceability.demo import builders
		from lot_traceability.demo import portal as demo_portal
		from lot_traceability.portal import customer
		from lot_traceability.recall.war_room import figures
		from lot_traceability.status_changes import approve_change

		estate, cellars, hotel, market = (row[0] for row in demo_portal.PORTAL_USERS)
		passwords = {user: frappe.generate_hash(length=16) for user in (estate, cellars, hotel, market)}
		for user, password in passwords.items():
			update_password(user, password)
		# the estate's balsamic arrives without its certificate: held for it
		company = "Demo Specialty Foods"
		receipt = builders.purchase_receipt(
			company,
			demo_portal.SUPPLIER,
			nowdate(),
			[
				{
					"item_code": demo_portal.BALSAMIC,
					"qty": 12,
					"rate": 9,
					"warehouse": "Central DC - DSF",
					"supplier_lot_no": "OE-B-BROWSER",
				}
			],
		)
		(lot,) = builders.received_lots("Purchase Receipt", receipt.name)
		recall = frappe.db.get_value("Lot Recall", {"title": "Olive oil from the warm West DC cold room"})
		oil = frappe.db.get_value("Batch", {"item": "DEMO-OLIVE-OIL", "supplier_lot_no": "OE-772"})
		frappe.db.commit()
		self.assertEqual(frappe.db.get_value("Batch", lot, "lot_status"), "Quarantined")
		pdf = base64.b64encode(demo_portal.CERTIFICATE_PDF).decode()
		upload = f"""
			const form = document.querySelector('form.lt-portal-upload[data-lot="{lot}"]');
			const bytes = Uint8Array.from(atob("{pdf}"), (c) => c.charCodeAt(0));
			const files = new DataTransfer();
			files.items.add(new File([bytes], "OE-B-BROWSER-COA.pdf", {{ type: "application/pdf" }}));
			form.querySelector('input[type="file"]').files = files.files;
			form.querySelector('[name="document_number"]').value = "COA-BROWSER-1";
			form.querySelector('button[type="submit"]').click();
			const answer = form.querySelector(".lt-portal-answer");
			for (let i = 0; i < 80 && ["", "Uploading …"].includes(answer.textContent); i++)
				await new Promise((r) => setTimeout(r, 250));
			return answer.textContent;
		"""
		try:
			seen = self.see(
				{"supplier-upload": f"/supplied-lots|{upload}"},
				sizes=("1440x1000",),
				user=estate,
				password=passwords[estate],
			)
			self.assertEqual(seen["supplier-upload", 1440]["probe"], "Uploaded.")
			frappe.db.rollback()  # read what the server committed
			(row,) = frappe.get_doc("Batch", lot).lot_documents
			self.assertEqual(
				(row.document_type, row.document_number, row.supplied_by),
				("Certificate of Analysis", "COA-BROWSER-1", estate),
			)
			# the release waits for Quality's signature; once signed, the documents hold lifts
			(pending,) = frappe.get_all(
				"Lot Status Change Lot", filters={"batch": lot, "docstatus": 0}, pluck="parent"
			)
			self.assertEqual(frappe.db.get_value("Batch", lot, "lot_status"), "Quarantined")
			frappe.set_user(USER)
			try:
				approve_change(pending, self.password)
			finally:
				frappe.set_user("Administrator")
			frappe.db.commit()
			self.assertEqual(frappe.db.get_value("Batch", lot, "lot_status"), "Approved")
			seen = self.see({"supplier": "/supplied-lots"}, user=estate, password=passwords[estate])
			for width in (1440, 390):
				text = seen["supplier", width]["text"]
				self.assertIn("OE-B-BROWSER", text, width)
				self.assertIn("Accepted", text, width)
				self.assertIn("COA-BROWSER-1", text, width)
			other = self.see(
				{"other-supplier": "/supplied-lots"},
				sizes=("1440x1000",),
				user=cellars,
				password=passwords[cellars],
			)
			self.assertNotIn("OE-B-BROWSER", other["other-supplier", 1440]["text"])
			self.assertNotIn(lot, other["other-supplier", 1440]["text"])
			# over REST, as the other supplier's user (its API key): refused, nothing kept
			from lot_traceability.tests.utils import api_token

			token = api_token(cellars)
			frappe.db.commit()
			refused = requests.post(
				f"http://127.0.0.1:{self.port}/api/method/lot_traceability.api.upload_lot_document",
				data={
					"lot": lot,
					"document_type": "Certificate of Analysis",
					"filename": "x.pdf",
					"filedata": pdf,
				},
				headers={"X-Frappe-Site-Name": frappe.local.site, "Authorization": f"token {token}"},
				timeout=60,
			)
			self.assertEqual(refused.status_code, 403, refused.text[:500])
			self.assertEqual(len(frappe.get_doc("Batch", lot).lot_documents), 1)

			# the hotel reads the recall's notice and answers it
			answer = """
				const form = document.querySelector("form.lt-portal-answer-form");
				const row = form.querySelector("tr[data-lot]");
				row.querySelector('[name="held"]').value = "5";
				row.querySelector('[name="destroyed"]').value = "3";
				row.querySelector('[name="returning"]').value = "2";
				form.querySelector('[name="remarks"]').value = "Counted in the browser";
				form.querySelector('button[type="submit"]').click();
				const said = form.querySelector(".lt-portal-answer");
				for (let i = 0; i < 80 && !said.textContent; i++) await new Promise((r) => setTimeout(r, 250));
				return said.textContent;
			"""
			seen = self.see(
				{"received": "/received-lots", "notice": f"/recall-notices|{answer}"},
				user=hotel,
				password=passwords[hotel],
			)
			for width in (1440, 390):
				self.assertIn(oil, seen["received", width]["text"], width)
				self.assertIn("Extra Virgin Olive Oil 5 L", seen["received", width]["text"], width)
				notice = seen["notice", width]
				self.assertIn("Olive oil from the warm West DC cold room", notice["text"], width)
				self.assertIn("Stop using and selling the oil of this lot", notice["text"], width)
				self.assertEqual(notice["probe"], "Thank you: your answer is recorded.", width)
			frappe.db.rollback()
			(stated,) = [row for row in figures(recall)["statements"] if row["lot"] == oil]
			self.assertEqual((stated["held"], stated["destroyed"], stated["returning"]), (5, 3, 2))
			self.assertEqual(stated["stated_by"], hotel)
			war_room = self.see(
				{"recall": f"/app/lot-recall/{recall}"}, sizes=("1440x1000",), not_ours={"recall"}
			)
			self.assertIn("Customers' statements", war_room["recall", 1440]["text"])
			self.assertIn("Counted in the browser", war_room["recall", 1440]["text"])
			# the market received none of the recalled oil: it sees nothing of it
			seen = self.see(
				{"market-received": "/received-lots", "market-notices": "/recall-notices"},
				sizes=("1440x1000",),
				user=market,
				password=passwords[market],
			)
			self.assertNotIn(oil, seen["market-received", 1440]["text"])
			self.assertNotIn("warm West DC", seen["market-notices", 1440]["text"])
			self.assertIn("No recall concerns lots you received.", seen["market-notices", 1440]["text"])
		finally:
			frappe.db.rollback()
			frappe.set_user(hotel)
			try:
				customer.answer(
					recall,
					None,
					[{"lot": oil, "held": 6, "destroyed": 4, "returning": 0}],
					"Kitchen stock counted: 6 closed bottles kept apart, 4 opened bottles destroyed.",
				)
			finally:
				frappe.set_user("Administrator")
			# the browser's receipt goes again: the demo's receiving figures are the stories' own
			receipt = frappe.get_doc("Purchase Receipt", receipt.name)
			receipt.flags.ignore_links = True  # the documents hold's status changes name it
			receipt.cancel()
			frappe.db.commit()

	def test_the_counting_page_on_a_phone_counts_blind_and_asks_for_a_recount(self):
		from lot_traceability import cycle_counts

		plan = frappe.get_doc(
			{
				"doctype": "Lot Count Plan",
				"plan_name": f"_LT Browser Count {frappe.generate_hash(length=6)}",
				"company": "Demo Food Ingredients",
				"warehouse": "Stores - DFI",
				"counts_per_day": 2,
				"tolerance_percent": 1,
				"counter": USER,
			}
		).insert()
		count = frappe.get_doc("Lot Count", cycle_counts.make_count(plan.name))
		first = count.rows[0]
		book = frappe.db.get_value("Lot Balance", {"batch": first.batch, "warehouse": first.warehouse}, "qty")
		frappe.db.commit()  # the web server reads it in its own transaction
		probe = """
			const wait = async (test) => { for (let i = 0; i < 60 && !test(); i++) await new Promise((r) => setTimeout(r, 250)); };
			await wait(() => document.querySelector(".lot-count-row"));
			const rows = () => [...document.querySelectorAll(".lot-count-row")].map((r) => r.getAttribute("data-batch") + ":" + r.getAttribute("data-state"));
			const before = rows();
			const field = document.querySelector('input[data-fieldname="label"]');
			field.value = "__LOT__";
			field.dispatchEvent(new Event("input", { bubbles: true }));
			field.dispatchEvent(new Event("change", { bubbles: true }));
			await wait(() => document.querySelector(".lot-count-qty"));
			const lot_shown = document.querySelector(".lot-count-lot").textContent;
			document.querySelector(".lot-count-qty").value = "__QTY__";
			document.querySelector(".lot-count-save").click();
			await wait(() => document.querySelector(".lot-count-said"));
			await wait(() => rows().some((r) => r.endsWith(":Recount")));
			return JSON.stringify({
				before, after: rows(), lot_shown,
				said: document.querySelector(".lot-count-said").textContent,
				head: document.querySelector(".lot-count-head").textContent.replace(/\\s+/g, " "),
				headers: [...document.querySelectorAll(".lot-count-table th")].map((th) => th.textContent.trim()),
			});
		""".replace("__LOT__", first.batch).replace("__QTY__", str(book * 0.9))
		try:
			seen = self.see(
				{"lot-count": f"/app/lot-counting?count={count.name}|{probe}"}, sizes=("390x844",)
			)
			stored = frappe.get_doc("Lot Count", count.name)
		finally:
			frappe.delete_doc("Lot Count", count.name, force=True)
			frappe.delete_doc("Lot Count Plan", plan.name, force=True)
			frappe.db.delete("ToDo", {"reference_type": "Lot Count", "reference_name": count.name})
			frappe.db.commit()
		answer = json.loads(seen["lot-count", 390]["probe"])
		self.assertEqual(answer["before"], [f"{row.batch}:Pending" for row in count.rows])
		self.assertIn(first.batch, answer["lot_shown"])
		self.assertIn(f"{first.batch}:Recount", answer["after"])
		self.assertIn("another person counts it again", answer["said"])
		self.assertIn("Blind count", answer["head"])
		self.assertIn("1 to count, 1 to recount", answer["head"])
		self.assertEqual(answer["headers"], ["Lot", "Item", "State"])  # blind: no book column
		self.assertNotIn(f"{book:g}", seen["lot-count", 390]["text"])  # nor the book anywhere
		self.assertEqual((stored.rows[0].state, stored.rows[0].counted_by), ("Recount", USER))
		self.assertAlmostEqual(stored.rows[0].counted_qty, book * 0.9)


# The people who walk the demo: only the roles their work gives them.
WALKERS = {
	"quality manager": ("lt-walk-quality@example.com", ("Quality Manager", "Stock User")),
	"warehouse clerk": ("lt-walk-clerk@example.com", ("Stock User",)),
	"planner": ("lt-walk-planner@example.com", ("Manufacturing User", "Sales User", "Stock User")),
}


def to_fixed(value: float, digits: int) -> str:
	"""JavaScript's Number.toFixed: the exact binary value, a tie rounded up (Python's format rounds
	half to even)."""
	return str(Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def walker(role: str) -> tuple[str, str]:
	"""A desk user with exactly the walker's roles, and a fresh password (committed: the web server
	reads them)."""
	email, roles = WALKERS[role]
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": role.title(), "send_welcome_email": 0}
		).insert()
	user = frappe.get_doc("User", email)
	user.set("roles", [])
	user.add_roles(*roles)
	password = frappe.generate_hash(length=16)
	update_password(email, password)
	frappe.db.commit()
	return email, password


class TestEachRoleWalksTheDemo(TestDeskInABrowser):
	"""The demo walked as a quality manager, a warehouse clerk and a planner would, at desktop and
	phone size: each page of their work opens with no error dialog, no console error, nothing wider
	than the screen, and shows what they came for."""

	# the tests of the desk as a whole run once, in TestDeskInABrowser
	for name in [name for name in vars(TestDeskInABrowser) if name.startswith("test_")]:
		locals()[name] = None
	del name

	def walk(self, role: str, pages: dict, **kwargs) -> dict:
		email, password = walker(role)
		return self.see(pages, user=email, password=password, **kwargs)

	def test_lot_lookup_says_why_a_button_is_grey_and_the_camera_says_there_is_none(self):
		oil = frappe.get_all(
			"Batch", filters={"item": "DEMO-OLIVE-OIL", "lot_status": "Quarantined"}, pluck="name", limit=1
		)[0]
		empty = frappe.db.sql(
			"""select name from `tabBatch` b where b.item like 'DEMO-%%' and b.lot_status = 'Approved'
			and not exists (select 1 from `tabLot Balance` l where l.batch = b.name and l.qty > 0)
			order by name limit 1"""
		)[0][0]
		probe = """
			const look = async (text) => {
				const field = document.querySelector('input[data-fieldname="label"]');
				field.value = text;
				field.dispatchEvent(new Event("change", { bubbles: true }));
				const ready = () => document.querySelector(".lot-lookup-title a") &&
					document.querySelector(".lot-lookup-title a").textContent === text &&
					document.querySelector(".lot-lookup-quarantine[title]");
				for (let i = 0; i < 60 && !ready(); i++) await new Promise((r) => setTimeout(r, 250));
				return {
					notes: document.querySelector(".lot-lookup-changes").innerText,
					quarantine: document.querySelector(".lot-lookup-quarantine").disabled,
					move: document.querySelector(".lot-lookup-move").disabled,
				};
			};
			const held = await look("__OIL__");
			const empty = await look("__EMPTY__");
			const button = document.querySelector(".lot-lookup-camera");
			const camera = {
				text: button.innerText.trim(),
				icon: button.querySelector("use") ? button.querySelector("use").getAttribute("href") : "",
				icon_drawn: !!document.querySelector(button.querySelector("use").getAttribute("href")),
			};
			button.click();
			for (let i = 0; i < 40 && !document.querySelector(".modal.show .msgprint"); i++) await new Promise((r) => setTimeout(r, 250));
			camera.said = (document.querySelector(".modal.show") || { innerText: "(nothing)" }).innerText;
			return JSON.stringify({ held, empty, camera });
		""".replace("__OIL__", oil).replace("__EMPTY__", empty)
		seen = self.walk("quality manager", {"lot-lookup": f"/app/lot-lookup|{probe}"})
		for width in (1440, 390):
			answer = json.loads(seen["lot-lookup", width]["probe"])
			# greyed for the real reason: the lot is quarantined already, not the user's roles
			self.assertTrue(answer["held"]["quarantine"], width)
			self.assertIn(f"Lot {oil} is already Quarantined.", answer["held"]["notes"])
			self.assertNotIn("Your roles may not", answer["held"]["notes"])
			self.assertFalse(answer["held"]["move"])  # it has stock outside quarantine
			# a lot without stock: nothing to move, and it says so
			self.assertTrue(answer["empty"]["move"], width)
			self.assertIn(
				f"Lot {empty} has no stock: nothing to move into quarantine.", answer["empty"]["notes"]
			)
			self.assertFalse(answer["empty"]["quarantine"])
			# the camera button: Frappe's scan icon and its words, at both sizes; no camera, said so
			self.assertEqual(answer["camera"]["text"], "Scan with Camera", width)
			self.assertEqual(answer["camera"]["icon"], "#icon-scan")
			self.assertTrue(answer["camera"]["icon_drawn"])
			self.assertIn("No Camera", answer["camera"]["said"], width)
			self.assertIn("hand-held scanner", answer["camera"]["said"])

	def test_the_war_room_keeps_one_colour_per_figure_and_tells_the_bakeries_apart_on_a_phone(self):
		probe = """
			for (let i = 0; i < 60 && !(cur_frm.lt_war_room_charts && cur_frm.lt_war_room_charts.containment); i++)
				await new Promise((r) => setTimeout(r, 250));
			await new Promise((r) => setTimeout(r, 500));
			const charts = {};
			for (const [name, chart] of Object.entries(cur_frm.lt_war_room_charts)) {
				const names = chart.type === "donut" ? chart.data.labels : chart.data.datasets.map((d) => d.name);
				charts[name] = {
					colours: Object.fromEntries(names.map((n, i) => [n, chart.colors[i]])),
					axis: [...chart.parent.querySelectorAll(".x.axis text, .x-axis-label, text.x-axis-label")]
						.map((t) => t.textContent.trim()).filter(Boolean),
				};
			}
			return JSON.stringify(charts);
		"""
		seen = self.walk("quality manager", {"war-room": f"/app/lot-recall/{self.recall}|{probe}"})
		for width in (1440, 390):
			charts = json.loads(seen["war-room", width]["probe"])
			self.assertIn("customers", charts, width)
			self.assertIn("containment", charts, width)
			colour_of = {}
			for name, chart in charts.items():
				for figure, colour in chart["colours"].items():
					self.assertEqual(colour_of.setdefault(figure, colour), colour, (width, name, figure))
			self.assertIn("Recovered", charts["customers"]["colours"])
			self.assertIn("Recovered", charts["containment"]["colours"])
			# both bakeries, told apart on the axis as drawn (a phone cut them to "Demo Ba…" before)
			axis = charts["customers"]["axis"]
			self.assertEqual(len(axis), 2, (width, axis))
			self.assertEqual(len(set(axis)), 2, (width, axis))
			self.assertTrue(any("North" in label for label in axis), (width, axis))
			self.assertTrue(any("South" in label for label in axis), (width, axis))
			self.assertIn("Outstanding by customer (Demo Bakery …)", seen["war-room", width]["text"])

	def test_each_role_opens_the_pages_of_its_work_at_desktop_and_phone_size(self):
		milk, _cakes = demo_milk_and_cakes()
		oil = frappe.get_all(
			"Batch", filters={"item": "DEMO-OLIVE-OIL", "lot_status": "Quarantined"}, pluck="name", limit=1
		)[0]
		flour = frappe.db.get_value("Batch", {"supplier_lot_no": "MILL-24-131"})
		# the workspace is read once its number cards show their figures
		cards = """
			const shown = () => [...document.querySelectorAll(".number-widget-box")].filter((card) => {
				const number = card.querySelector(".number");
				return number && number.textContent.trim();
			}).length;
			for (let i = 0; i < 120 && (!shown() || shown() < document.querySelectorAll(".number-widget-box").length); i++)
				await new Promise((r) => setTimeout(r, 250));
			return shown();
		"""
		common = {
			"workspace": f"/app/lot-traceability|{cards}",
			"batch": f"/app/batch/{oil}",
			"lot-lookup": "/app/lot-lookup",
			"genealogy": f"/app/lot-genealogy?lot={milk}",
			"lot-trace": "/app/query-report/Lot Trace?supplier_lot_no=DC-5531",
			"status-changes": "/app/lot-status-change",
		}
		walks = {
			"quality manager": {
				**common,
				"recall-impact": "/app/query-report/Recall Impact?supplier_lot_no=DC-5531",
				"expiry-risk": "/app/query-report/Expiry Risk",
				"kpis": "/app/query-report/Lot Traceability KPIs",
				"war-room": f"/app/lot-recall/{self.recall}",
				"recalls": "/app/lot-recall",
			},
			"warehouse clerk": common,
			"planner": {
				**common,
				"batch": f"/app/batch/{flour}",
				"expiry-risk": "/app/query-report/Expiry Risk",
				"forecast": "/app/lot-expiry-forecast",
			},
		}
		# what each must find on its pages (the list of status changes and ERPNext's forms aside)
		expected = {
			"workspace": ("Lots on Hold", "Restricted Lots", "Lot Lookup"),
			"batch": ("What the Lot May Do", "Lot Status History"),
			"genealogy": ("lots in its trace",),
			"lot-lookup": ("Lot Lookup", "Scan with Camera"),
			"lot-trace": ("DC-5531", "Used in"),
			"recall-impact": ("Affected Lots", "Stock Value"),
			"expiry-risk": ("Foresight last computed",),
			"kpis": ("Time to scope a recall",),
			"war-room": ("War Room", "With Customers", "Recovered"),
			"recalls": ("Browser drill",),
			"status-changes": ("Lot Status Change",),
			"forecast": ("Lot Expiry Forecast",),
		}
		cards_seen = {"quality manager": 7, "warehouse clerk": 6, "planner": 6}  # not Open Recalls
		for role, pages in walks.items():
			# Frappe's list titles are cut on a phone as Frappe cuts them
			seen = self.walk(role, pages, not_ours={"status-changes", "recalls", "forecast"})
			for width in (1440, 390):
				self.assertEqual(seen["workspace", width]["probe"], cards_seen[role], f"{role} at {width}")
			for (name, width), page in seen.items():
				where = f"{role}: {name} at {width}"
				self.assertNotIn("Not permitted", page["text"], where)
				self.assertNotIn("You don't have access", page["text"], where)
				self.assertNotIn("Page lot-", page["text"], where)  # "Page … not found"
				for shown in expected[name]:
					self.assertIn(shown.lower(), page["text"].lower(), f"{where}: {shown}")
		flour_page = seen["batch", 390]["text"]  # the planner reads the flour's scope on a phone
		self.assertIn("to make DEMO-CAKE-MIX; not for sale", flour_page)
