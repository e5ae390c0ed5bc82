"""The cockpit as a person sees it: the Lot Traceability workspace, the Lot Trace tree of a demo lot,
the Recall Impact report and a Lot Recall form render in headless Chromium, logged in, with no
console error; a screenshot of each is written.

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
from pathlib import Path

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import update_password

from lot_traceability import demo
from lot_traceability.tests.loopback import free_port, port_open, wait_for

HERE = Path(__file__).resolve().parent / "browser"
USER = "lt-browser@example.com"


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
		if not demo.is_loaded():
			if any(frappe.db.exists("Company", name) for name in demo.COMPANIES):
				demo.remove()
			demo.load()
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

	def test_workspace_trace_tree_recall_impact_and_recall_form_render_without_console_errors(self):
		out = os.environ.get("LOT_TRACEABILITY_SCREENSHOTS") or tempfile.mkdtemp(prefix="lot-traceability-")
		pages = {
			"workspace": "/app/lot-traceability",
			"lot-trace": f"/app/query-report/Lot Trace?batch={self.cake}",
			"recall-impact": "/app/query-report/Recall Impact?supplier_lot_no=DC-5531&section=Customers",
			"lot-recall": f"/app/lot-recall/{self.recall}",
		}
		run = subprocess.run(
			[
				"node",
				str(HERE / "screenshots.mjs"),
				f"http://127.0.0.1:{self.port}",
				USER,
				self.password,
				out,
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
			timeout=600,
		)
		seen = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
		self.assertEqual([page["name"] for page in seen], list(pages), run.stderr[-3000:])
		for page in seen:
			self.assertEqual(page["errors"], [], page["name"])
			shot = Path(out) / f"{page['name']}.png"
			self.assertGreater(shot.stat().st_size, 10_000, shot)
			print(f"screenshot: {shot} ({page['title']})")
		self.assertEqual(run.returncode, 0, run.stderr[-3000:])
		titles = {page["name"]: page["title"] for page in seen}
		self.assertIn("Lot Traceability", titles["workspace"])
		self.assertIn(self.recall, titles["lot-recall"])
