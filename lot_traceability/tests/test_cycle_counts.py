"""A count day in the demo's manufacturer: the Lot Count Plan's daily list follows its weights (against
a ranking written out here by hand), a blind count, a variance recounted by another person and booked
as a draft Stock Reconciliation that only a Stock Manager may submit, a lot found where the ledger has
none as an exception, and the lot-level inventory accuracy of the day."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_first_day, get_last_day, getdate, nowdate

from lot_traceability import api, count_sheets, cycle_counts, demo
from lot_traceability.cycle_counts import CountError
from lot_traceability.findings import find_exceptions, get_thresholds
from lot_traceability.tests.utils import (
	get_received_batches,
	make_lot_item,
	make_user,
	make_warehouse,
	receive,
	set_lot_status,
	stock_entry,
)

COMPANY = "Demo Food Ingredients"
FIRST = "lt-counter-one@example.com"
SECOND = "lt-counter-two@example.com"
MANAGER = "lt-count-manager@example.com"
OUTSIDER = "lt-count-outsider@example.com"


class TestCycleCounts(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()
		make_user(FIRST, ["Stock User"])
		make_user(SECOND, ["Stock User"])
		make_user(MANAGER, ["Stock Manager", "Stock User"])
		make_user(OUTSIDER, ["Stock User"])
		if not frappe.db.exists("User Permission", {"user": OUTSIDER, "allow": "Company"}):
			other = frappe.db.get_value("Company", {"name": ("!=", COMPANY)}, "name")
			frappe.get_doc(
				{"doctype": "User Permission", "user": OUTSIDER, "allow": "Company", "for_value": other}
			).insert(ignore_permissions=True)
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def scene(self):
		"""Five lots at aisle A of a site of the demo manufacturer (each 10 a unit), the site's plan."""
		abbr = frappe.get_cached_value("Company", COMPANY, "abbr")
		site = make_warehouse("_LT Count Site", COMPANY, is_group=1)
		aisle_a = make_warehouse("_LT Count Aisle A", COMPANY, parent_warehouse=site)
		aisle_b = make_warehouse("_LT Count Aisle B", COMPANY, parent_warehouse=site)
		self.assertEqual(aisle_a, f"_LT Count Aisle A - {abbr}")
		item = make_lot_item(company=COMPANY)
		lots = {}
		for key, qty in (("P", 10), ("Q", 40), ("R", 20), ("S", 5), ("T", 30)):
			receipt = receive(item, qty=qty, company=COMPANY, warehouse=aisle_a, rate=10)
			(lots[key],) = get_received_batches(receipt.name)
			set_lot_status(lots[key], "Approved")
		issue = stock_entry(item, 5, "Material Issue", source=aisle_a, batch=lots["Q"], company=COMPANY)
		issue.submit()  # Q: 35 left, a second movement and an adjustment
		set_lot_status(lots["R"], "Quarantined")  # R: held
		frappe.db.set_value("Batch", lots["S"], "expiry_date", add_days(nowdate(), 10))  # S: near expiry
		frappe.get_doc(  # P: an anomaly stored on the lot
			{
				"doctype": "Lot Anomaly",
				"anomaly": "_lt-count-test",
				"kind": "unusual_quantity",
				"batch": lots["P"],
				"item": item,
				"warehouse": aisle_a,
				"company": COMPANY,
				"strength": 1.2,
				"description": "test",
			}
		).insert(ignore_permissions=True)
		plan = frappe.get_doc(
			{
				"doctype": "Lot Count Plan",
				"plan_name": f"_LT Count Site {frappe.generate_hash(length=6)}",
				"company": COMPANY,
				"warehouse": site,
				"counts_per_day": 3,
				"tolerance_percent": 2,
				"counter": FIRST,
				"weight_value": 3,
				"weight_movements": 2,
				"weight_adjustments": 2,
				"weight_anomalies": 3,
				"weight_held": 1,
				"weight_near_expiry": 1,
				"weight_days_since_counted": 2,
				"weight_abc": 0,
				"near_expiry_days": 30,
				"horizon_days": 10,
			}
		).insert()
		# T: counted at aisle A five days ago (before its receipt, which is dated today)
		earlier = frappe.get_doc(
			{
				"doctype": "Lot Count",
				"plan": plan.name,
				"count_date": add_days(nowdate(), -5),
				"rows": [
					{
						"batch": lots["T"],
						"item": item,
						"warehouse": aisle_a,
						"state": "Matched",
						"counted_qty": 30,
						"counted_by": MANAGER,
						"counted_at": frappe.utils.now_datetime(),
					}
				],
			}
		).insert()
		self.assertEqual(earlier.status, "Completed")
		return frappe._dict(plan=plan, lots=lots, item=item, site=site, aisle_a=aisle_a, aisle_b=aisle_b)

	def test_the_days_list_follows_the_plans_weights(self):
		s = self.scene()
		# by hand: value /350 ×3, movements /2 ×2, adjustments /1 ×2, anomalies /1 ×3, held ×1,
		# near expiry ×1, days since counted /10 ×2 (never counted: full)
		expected = [
			("Q", 3 * 350 / 350 + 2 * 2 / 2 + 2 * 1 + 0 + 0 + 0 + 2),  # 9.0
			("P", 3 * 100 / 350 + 2 * 1 / 2 + 0 + 3 * 1 + 0 + 0 + 2),  # 6.857
			("R", 3 * 200 / 350 + 2 * 1 / 2 + 0 + 0 + 1 + 0 + 2),  # 5.714
			("T", 3 * 300 / 350 + 2 * 1 / 2 + 0 + 0 + 0 + 0 + 2 * 5 / 10),  # 4.571
			("S", 3 * 50 / 350 + 2 * 1 / 2 + 0 + 0 + 0 + 1 + 2),  # 4.429
		]
		by_lot = {lot: key for key, lot in s.lots.items()}
		ranked = cycle_counts.ranked(s.plan, nowdate())
		self.assertEqual([by_lot[r.candidate.lot] for r in ranked], [key for key, _score in expected])
		for r, (_key, score) in zip(ranked, expected, strict=True):
			self.assertAlmostEqual(r.score, score, places=6)

		name = cycle_counts.make_daily_counts()
		self.assertIn(cycle_counts.make_count(s.plan.name), name)  # made once a day
		count = frappe.get_doc("Lot Count", cycle_counts.make_count(s.plan.name))
		self.assertEqual(
			[(by_lot[row.batch], row.warehouse) for row in count.rows],
			[("Q", s.aisle_a), ("P", s.aisle_a), ("R", s.aisle_a)],
		)
		self.assertEqual((count.status, count.counter, count.company), ("Open", FIRST, COMPANY))
		self.assertTrue(count.name.startswith("LCT-"))
		self.assertIn("stock value", count.rows[0].reasons)
		self.assertTrue(
			frappe.db.exists(
				"ToDo", {"reference_type": "Lot Count", "reference_name": count.name, "allocated_to": FIRST}
			)
		)

	def test_a_variance_goes_through_a_recount_to_a_draft_reconciliation(self):
		s = self.scene()
		name = cycle_counts.make_count(s.plan.name)
		before = cycle_counts.summary(get_first_day(nowdate()), get_last_day(nowdate()), COMPANY)
		lots = s.lots

		frappe.set_user(FIRST)
		sheet = api.get_lot_count_sheet(name)
		self.assertTrue(sheet["blind"])
		self.assertFalse(any("book_qty" in row for row in sheet["rows"]))
		self.assertEqual(api.identify_counted_lot(name, lots["Q"])["batch"], lots["Q"])
		said = api.record_lot_count(name, lots["Q"], s.aisle_a, 30)  # the book holds 35: off by 5
		self.assertEqual((said["state"], said["status"]), ("Recount", "Recount"))
		# blind: the book is not told (names, which may hold any digits, taken out first)
		told = said["message"].replace(lots["Q"], "").replace(s.aisle_a, "")
		self.assertNotRegex(told, r"\b35\b")
		self.assertNotIn(35, [v for v in said.values() if isinstance(v, int | float)])
		self.assertEqual(api.record_lot_count(name, lots["P"], s.aisle_a, 10)["state"], "Matched")
		self.assertEqual(api.record_lot_count(name, lots["R"], s.aisle_a, 19.8)["state"], "Matched")  # 1 %
		# found where the ledger has none: aisle B holds none of S
		self.assertEqual(api.record_lot_count(name, lots["S"], s.aisle_b, 3)["state"], "Recount")
		with self.assertRaisesRegex(CountError, "must be recounted by another person than"):
			api.record_lot_count(name, lots["Q"], s.aisle_a, 30)
		with self.assertRaisesRegex(
			CountError, "is <strong>Matched</strong>: it is not waiting for a recount"
		):
			api.record_lot_count(name, lots["P"], s.aisle_a, 10)

		frappe.set_user(SECOND)
		self.assertEqual(api.record_lot_count(name, lots["Q"], s.aisle_a, 30)["state"], "Variance")
		said = api.record_lot_count(name, lots["S"], s.aisle_b, 3)
		self.assertEqual((said["state"], said["status"]), ("Variance", "Completed"))
		# a Stock User may not write reconciliations: the Stock Manager drafts it from the count
		self.assertIsNone(said["stock_reconciliation"])
		self.assertIn("a Stock Manager drafts their Stock Reconciliation", said["note"])
		frappe.set_user(MANAGER)
		self.assertTrue(api.complete_lot_count(name)["stock_reconciliation"])

		frappe.set_user("Administrator")
		count = frappe.get_doc("Lot Count", name)
		rows = {(row.batch, row.warehouse): row for row in count.rows}
		self.assertEqual(rows[(lots["S"], s.aisle_b)].expected, 0)
		self.assertEqual(rows[(lots["S"], s.aisle_b)].not_in_ledger, 1)
		self.assertEqual(rows[(lots["Q"], s.aisle_a)].variance_qty, -5)
		self.assertEqual((count.rows_counted, count.rows_within_tolerance), (4, 2))
		self.assertAlmostEqual(count.variance_value, 5 * 10 + 3 * 10)

		recon = frappe.get_doc("Stock Reconciliation", count.stock_reconciliation)
		self.assertEqual((recon.docstatus, recon.lot_count, recon.company), (0, name, COMPANY))
		self.assertIn(lots["Q"], recon.lot_count_reason)
		self.assertEqual(
			sorted((row.batch_no, row.warehouse, row.qty) for row in recon.items),
			sorted([(lots["Q"], s.aisle_a, 30), (lots["S"], s.aisle_b, 3)]),
		)
		self.assertTrue(all(row.use_serial_batch_fields for row in recon.items))

		frappe.set_user(FIRST)  # a Stock User may not submit it: ERPNext's permissions govern
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Stock Reconciliation", recon.name).submit()
		frappe.set_user(MANAGER)
		frappe.get_doc("Stock Reconciliation", recon.name).submit()
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Lot Balance", {"batch": lots["Q"], "warehouse": s.aisle_a}, "qty"), 30
		)

		# accuracy: 2 of the 4 final counts agree; by location, aisle A 2 of 3 (and T's count five
		# days ago, when it falls in this month), aisle B 0 of 1
		after = cycle_counts.summary(get_first_day(nowdate()), get_last_day(nowdate()), COMPANY)
		self.assertEqual(after["counted"] - before["counted"], 4)
		self.assertEqual(after["within"] - before["within"], 2)
		self.assertAlmostEqual(after["variance_value"] - before["variance_value"], 80)
		month = getdate(nowdate()).strftime("%Y-%m")
		earlier = int(getdate(add_days(nowdate(), -5)).strftime("%Y-%m") == month)
		by_location = {
			(a.location, a.month): (a.counted, a.within)
			for a in cycle_counts.accuracy(get_first_day(nowdate()), get_last_day(nowdate()), COMPANY)
		}
		self.assertEqual(by_location[(s.aisle_a, month)], (3 + earlier, 2 + earlier))
		self.assertEqual(by_location[(s.aisle_b, month)], (1, 0))

		# the KPI report: its summary and the view by warehouse and month
		from lot_traceability.lot_traceability.report.lot_traceability_kpis import lot_traceability_kpis

		report = lot_traceability_kpis.execute(
			{"view": "Inventory Accuracy by Warehouse and Month", "company": COMPANY}
		)
		row = next(r for r in report[1] if r["warehouse"] == s.aisle_a and r["month"] == month)
		self.assertEqual((row["counted"], row["within"]), (3 + earlier, 2 + earlier))
		self.assertAlmostEqual(row["accuracy"], 100 * (2 + earlier) / (3 + earlier))
		self.assertAlmostEqual(row["variance_value"], 50)
		summary = {
			r["kpi"]: r for r in lot_traceability_kpis.execute({"view": "Summary", "company": COMPANY})[1]
		}
		self.assertIn(
			f"{after['within']} of {after['counted']}", summary["Lot-level inventory accuracy"]["basis"]
		)
		self.assertIn("Count coverage", summary)
		# the exception: S counted at aisle B where the ledger held none
		findings = find_exceptions({lots["S"]}, COMPANY, get_thresholds())
		self.assertIn(("count_not_in_ledger", name), {(f.kind.value, f.reference_name) for f in findings})
		# the confirmed variances feed the anomaly detector
		from lot_traceability.foresight.anomalies import count_variance_anomalies

		found = count_variance_anomalies(add_days(nowdate(), -1), {})
		self.assertEqual(
			{(a.lots, a.value, a.expected) for a in found if a.reference_name == name},
			{((lots["Q"],), 30, 35), ((lots["S"],), 3, 0)},
		)

	def test_refusals_in_words_and_walls(self):
		s = self.scene()
		name = cycle_counts.make_count(s.plan.name)
		frappe.set_user(FIRST)
		with self.assertRaisesRegex(CountError, "may not be negative"):
			api.record_lot_count(name, s.lots["P"], s.aisle_a, -1)
		with self.assertRaisesRegex(CountError, "is not one of the locations Lot Count"):
			api.record_lot_count(name, s.lots["P"], "Stores - DFI", 1)
		with self.assertRaises(frappe.PermissionError):  # only a Stock Manager closes a count
			api.complete_lot_count(name)
		frappe.set_user(OUTSIDER)
		with self.assertRaises(frappe.PermissionError):
			api.get_lot_count_sheet(name)
		with self.assertRaises(frappe.PermissionError):
			api.record_lot_count(name, s.lots["P"], s.aisle_a, 10)
		frappe.set_user(MANAGER)
		api.record_lot_count(name, s.lots["P"], s.aisle_a, 10)
		closed = api.complete_lot_count(name)
		self.assertEqual((closed["status"], closed["stock_reconciliation"]), ("Completed", None))
		sheet = api.get_lot_count_sheet(name)  # closed: the manager sees the book
		self.assertEqual({row["batch"]: row.get("book_qty") for row in sheet["rows"]}[s.lots["P"]], 10)
		with self.assertRaisesRegex(CountError, "is <strong>Completed</strong>: nothing more is counted"):
			api.record_lot_count(name, s.lots["Q"], s.aisle_a, 35)

	def test_the_demo_has_a_count_day_with_a_variance(self):
		count = frappe.get_all(
			"Lot Count",
			filters={"company": COMPANY, "stock_reconciliation": ("is", "set")},
			fields=["name", "status", "stock_reconciliation", "rows_counted", "rows_within_tolerance"],
		)
		self.assertTrue(count, "the demo counts a day")
		count = count[0]
		self.assertEqual(count.status, "Completed")
		self.assertEqual(
			frappe.db.get_value("Stock Reconciliation", count.stock_reconciliation, "docstatus"), 0
		)
		self.assertLess(count.rows_within_tolerance, count.rows_counted)
		states = frappe.get_all("Lot Count Row", filters={"parent": count.name}, pluck="state")
		self.assertIn("Variance", states)


THIRD = "lt-counter-three@example.com"


class TestRecountConcurrency(FrappeTestCase):
	"""Two people recount the same row at once: the count's row lock lets one recount decide; the
	other, read after it, is refused (in both orders)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		for user in (FIRST, SECOND, THIRD):
			make_user(user, ["Stock User"])
		frappe.db.commit()

	def setUp(self):
		from lot_traceability.tests.concurrency import Connection

		lot = frappe.get_all(
			"Lot Balance",
			filters={"warehouse": "Stores - DFI", "qty": (">", 0)},
			fields=["batch", "item", "qty"],
			order_by="batch",
			limit=1,
		)[0]
		self.lot, self.book = lot.batch, lot.qty
		self.plan = frappe.get_doc(
			{
				"doctype": "Lot Count Plan",
				"plan_name": f"_LT Recount Race {frappe.generate_hash(length=6)}",
				"company": COMPANY,
				"warehouse": "Stores - DFI",
				"counts_per_day": 1,
				"tolerance_percent": 1,
			}
		).insert()
		self.count = frappe.get_doc(
			{
				"doctype": "Lot Count",
				"plan": self.plan.name,
				"count_date": nowdate(),
				"rows": [{"batch": lot.batch, "item": lot.item, "warehouse": "Stores - DFI"}],
			}
		).insert()
		frappe.set_user(FIRST)
		count_sheets.record_count(self.count.name, self.lot, "Stores - DFI", 0)  # far off: a recount
		frappe.set_user("Administrator")
		frappe.db.commit()
		self.second = Connection(frappe.local.site, SECOND, "a second counter")
		self.third = Connection(frappe.local.site, THIRD, "a third counter")

	def tearDown(self):
		self.second.close()
		self.third.close()
		frappe.set_user("Administrator")
		frappe.db.rollback()
		frappe.delete_doc("Lot Count", self.count.name, force=True)
		frappe.delete_doc("Lot Count Plan", self.plan.name, force=True)
		frappe.db.commit()

	def race(self, ahead, behind, ahead_qty, behind_qty):
		from lot_traceability.tests.concurrency import raised

		name, lot = self.count.name, self.lot
		ahead.call(lambda: count_sheets.record_count(name, lot, "Stores - DFI", ahead_qty))
		behind.start(lambda: count_sheets.record_count(name, lot, "Stores - DFI", behind_qty))
		behind.wait_for_lock()  # the second recount waits for the first one's transaction
		ahead.commit()
		error = raised(behind.result())
		behind.rollback()
		self.assertIsInstance(error, CountError)
		# the count is complete with the first recount: the second is refused, nothing overwritten
		self.assertIn("is <strong>Completed</strong>: nothing more is counted on it", str(error))
		frappe.db.rollback()  # read what was committed since
		return frappe.get_doc("Lot Count", name).rows[0]

	def test_the_second_counter_first(self):
		row = self.race(self.second, self.third, 0, self.book)
		self.assertEqual((row.state, row.recounted_by, row.recount_qty), ("Variance", SECOND, 0))

	def test_the_third_counter_first(self):
		row = self.race(self.third, self.second, self.book, 0)
		self.assertEqual((row.state, row.recounted_by, row.recount_qty), ("Matched", THIRD, self.book))
