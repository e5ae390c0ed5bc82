"""The daily checks of the kept lot ledger and lot balances are safe to run again after a worker dies
midway: a job killed (SIGKILL, in its own process) after its first chunk keeps what that chunk
repaired, and running it again ends exactly where one uninterrupted run ends."""

import json
import os
import signal
import subprocess
import sys

import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability import balances, lot_ledger
from lot_traceability.queries import lot_ledger as lot_ledger_queries

CHUNK = 40
KEPT_FIELDS = ["name", "batch_no", "warehouse", "qty", "voucher_no", "purpose", "party", "sales_amount"]


def killed_after_first_chunk(chunk_size: int = CHUNK) -> None:
	"""What the test runs in a process of its own: the job, killed without any cleanup once its first
	chunk is committed (as a worker killed by the system)."""

	def die(done, total):
		print(json.dumps({"done": done, "total": total}), flush=True)
		os.kill(os.getpid(), signal.SIGKILL)

	lot_ledger.reconcile(chunk_size=chunk_size, commit=True, on_chunk=die)


def kept_rows(lots):
	return sorted(
		tuple(row.values())
		for row in frappe.get_all(
			"Lot Ledger Entry", filters={"batch_no": ("in", lots)}, fields=KEPT_FIELDS, order_by="name"
		)
	)


class TestReconcileKilledMidway(FrappeTestCase):
	def test_a_killed_reconcile_run_again_ends_like_an_uninterrupted_one(self):
		lots = sorted(lot_ledger_queries.get_all_lots())
		with_rows = set(frappe.get_all("Lot Ledger Entry", pluck="batch_no", distinct=True))
		# one broken lot in each of the first four chunks (lots with kept rows)
		broken = []
		for chunk in range(4):
			candidates = [lot for lot in lots[chunk * CHUNK : (chunk + 1) * CHUNK] if lot in with_rows]
			if candidates:
				broken.append(candidates[0])
		self.assertGreaterEqual(len(broken), 3, "too few lots with movements on this site")
		self.assertEqual(lot_ledger.differences(broken), [])
		truth = kept_rows(broken)  # what one uninterrupted run restores
		frappe.db.delete("Lot Ledger Entry", {"batch_no": ("in", broken)})
		frappe.db.commit()  # the job runs in another process: it must see the damage
		try:
			self.assertEqual(len({row.batch_no for row in lot_ledger.differences(broken)}), len(broken))

			bench = os.path.dirname(os.path.dirname(os.path.abspath(frappe.get_site_path())))
			process = subprocess.run(
				[
					os.path.join(os.path.dirname(sys.executable), "python"),
					"-m",
					"frappe.utils.bench_helper",
					"frappe",
					"--site",
					frappe.local.site,
					"execute",
					"lot_traceability.tests.test_reconcile_jobs.killed_after_first_chunk",
				],
				cwd=os.path.join(bench, "sites"),
				capture_output=True,
				text=True,
				timeout=600,
			)
			self.assertEqual(process.returncode, -signal.SIGKILL, process.stderr[-2000:])
			frappe.db.commit()  # a fresh snapshot: see what the killed job committed
			self.assertIn('"done": 40', process.stdout)

			# killed after its first chunk: that chunk's lot is repaired, the others are not
			still = {row.batch_no for row in lot_ledger.differences(broken)}
			self.assertEqual(still, set(broken[1:]))

			found = lot_ledger.reconcile(chunk_size=CHUNK)  # run again, to the end
			self.assertEqual({row.batch_no for row in found}, set(broken[1:]))
			self.assertEqual(lot_ledger.differences(broken), [])
			self.assertEqual(kept_rows(broken), truth)
			self.assertEqual(lot_ledger.reconcile(chunk_size=CHUNK), [])  # and again: nothing left
		finally:
			lot_ledger.set_lots_from_ledger(broken)
			frappe.db.commit()

	def test_balances_reconcile_in_chunks_to_the_same_end(self):
		lot = frappe.get_all(
			"Lot Balance", filters={"qty": (">", 0)}, fields=["batch", "warehouse", "qty"], limit=1
		)
		self.assertTrue(lot, "no lot with stock on this site")
		(row,) = lot
		frappe.db.set_value(
			"Lot Balance", {"batch": row.batch, "warehouse": row.warehouse}, "qty", row.qty + 7
		)
		seen = []
		found = balances.reconcile(chunk_size=CHUNK, on_chunk=lambda done, total: seen.append((done, total)))
		self.assertEqual(
			[(r.batch, r.kept_qty, r.ledger_qty) for r in found], [(row.batch, row.qty + 7, row.qty)]
		)
		self.assertEqual(seen[-1][0], seen[-1][1])  # progress reached the end
		self.assertEqual(len(seen), -(-seen[-1][1] // CHUNK))
		self.assertEqual(balances.differences([row.batch]), [])


class TestHeavyReportsInTheBackground(FrappeTestCase):
	def test_above_the_size_the_heavy_reports_are_prepared_in_the_background(self):
		from frappe.desk.query_report import run

		from lot_traceability.tasks import HEAVY_REPORTS, switch_heavy_reports

		settings = frappe.get_single("Lot Traceability Settings")
		kept = settings.prepared_report_rows
		try:
			settings.db_set("prepared_report_rows", 1)  # this site has more movements than that
			self.assertEqual(switch_heavy_reports(), dict.fromkeys(HEAVY_REPORTS, True))
			from frappe.core.doctype.prepared_report.prepared_report import make_prepared_report

			answer = run("Lot Exceptions", filters={})
			self.assertTrue(answer.get("prepared_report"))  # the desk offers to prepare it
			self.assertNotIn("result", answer)
			queued = make_prepared_report("Lot Exceptions", {})  # what its button does
			self.assertEqual(frappe.db.get_value("Prepared Report", queued["name"], "status"), "Queued")

			settings.db_set("prepared_report_rows", 0)  # 0: never
			self.assertEqual(switch_heavy_reports(), dict.fromkeys(HEAVY_REPORTS, False))
			answer = run("Lot Exceptions", filters={})
			self.assertFalse(answer.get("prepared_report"))
			self.assertIn("result", answer)
		finally:
			settings.db_set("prepared_report_rows", kept)
			switch_heavy_reports()
