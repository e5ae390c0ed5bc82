"""The scale generator makes exactly the plan's history through ERPNext's documents."""

import random
from collections import defaultdict

import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability import lot_ledger
from lot_traceability.demo.scale import generate
from lot_traceability.queries.lots import get_lot_balances
from lot_traceability.traceability.scale import make_plan


def forget_future_entries_seen_by_earlier_tests():
	"""ERPNext remembers, per voucher name, whether later ledger entries exist (`frappe.local.future_sle`)
	for the rest of the request. A test run is one long request in which rolled-back tests give their
	voucher names out again: a generated voucher would inherit another test's answer and repost. The
	generator runs as a command of its own (a fresh request), so it starts from nothing here too."""
	frappe.local.future_sle = {}


class TestScaleGenerator(FrappeTestCase):
	def setUp(self):
		forget_future_entries_seen_by_earlier_tests()

	def test_generated_history_matches_the_plan_row_for_row(self):
		seed = random.randint(10_000, 99_999)  # a fresh, separate history each run
		args = {"lots": 40, "depth": 5, "deliveries": 12, "customers": 4, "seed": seed}
		figures = generate(**args, out=lambda *_: None)
		plan = make_plan(
			args["lots"], args["depth"], args["deliveries"], customers=4, seed=seed, prefix=f"S{seed}"
		)

		lots = dict(
			frappe.get_all(
				"Batch",
				filters={"batch_id": ("like", f"S{seed}-%")},
				fields=["batch_id", "name"],
				as_list=True,
			)
		)
		self.assertEqual(len(lots), figures["lots"])
		self.assertEqual(set(lots), set(plan.lots))
		entries = frappe.db.sql(
			"""select count(*) from `tabSerial and Batch Entry` e
			join `tabSerial and Batch Bundle` b on b.name = e.parent
			where b.docstatus = 1 and b.is_cancelled = 0 and e.batch_no in %(lots)s""",
			{"lots": list(lots.values())},
		)[0][0]
		self.assertEqual(entries, plan.entry_rows)

		expected = {key: lot.qty for key, lot in plan.lots.items()}
		moved = defaultdict(float)
		for production in plan.productions:
			for key, qty in production.inputs:
				moved[key] -= qty
		for delivery in plan.deliveries:
			for row in delivery.rows:
				for key, qty in row.lots:
					moved[key] -= qty
			if delivery.returned:
				moved[delivery.rows[0].lots[0][0]] += delivery.returned
		balances = get_lot_balances(list(lots.values()))
		for key, name in lots.items():
			self.assertAlmostEqual(balances[name], expected[key] + moved[key], msg=key)
		self.assertEqual(max(lot.level for lot in plan.lots.values()), 5)
		# written mostly without hooks, the kept lot ledger is set from the ledger at the end
		self.assertEqual(
			frappe.db.count("Lot Ledger Entry", {"batch_no": ("in", list(lots.values()))}), entries
		)
		self.assertEqual(lot_ledger.differences(list(lots.values())), [])


class TestFastPath(FrappeTestCase):
	def setUp(self):
		forget_future_entries_seen_by_earlier_tests()

	def test_fast_path_writes_the_rows_erpnext_writes(self):
		"""The same plan made twice — every document through ERPNext's controllers, then mostly
		through the fast path — leaves the same rows in every stock table."""
		from lot_traceability.demo.compare import differences, history

		seed = random.randint(10_000, 99_999)
		args = {
			"lots": 60,
			"depth": 3,
			"deliveries": 20,
			"customers": 4,
			"seed": seed,
			"out": lambda *_: None,
		}
		generate(**args, fast=False, prefix=f"C{seed}")
		generate(**args, fast=True, prefix=f"F{seed}")
		tables = history(f"F{seed}")
		for table in (
			"Stock Entry",
			"Delivery Note",
			"Serial and Batch Entry",
			"Stock Ledger Entry",
			"Batch",
			"Bin",
		):
			self.assertTrue(tables.get(table), table)
		self.assertEqual(differences(f"C{seed}", f"F{seed}", limit=20), [])

		# and the genealogy of the fast-path entries is what the ledger says, as for the controllers'
		from lot_traceability.demo.compare import vouchers
		from lot_traceability.genealogy import records as lineage

		entries = {
			prefix: [name for doctype, name in vouchers(prefix) if doctype == "Stock Entry"]
			for prefix in (f"C{seed}", f"F{seed}")
		}
		self.assertEqual(lineage.check({"Stock Entry": entries[f"F{seed}"]}), [])
		counts = {
			prefix: frappe.db.count("Lot Genealogy", {"voucher_no": ("in", names)})
			for prefix, names in entries.items()
		}
		self.assertEqual(counts[f"C{seed}"], counts[f"F{seed}"])
		self.assertGreater(counts[f"F{seed}"], 0)
