"""Foresight on real documents: a lot idle where it is is forecast to expire unsold and a transfer to
where it sells is suggested (and made, as a draft); suppliers are scored from what happened to their
lots, shrunk when they have few, and the score can hold their receipts; an injected half-yield run and
a burst of adjustments lead the demo's anomalies, each explained."""

import math

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, flt, getdate, nowdate

from lot_traceability import api, demo
from lot_traceability.foresight import anomalies, expiry, supplier_scores
from lot_traceability.lot_traceability.report.expiry_risk import expiry_risk
from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions
from lot_traceability.lot_traceability.report.supplier_lot_risk import supplier_lot_risk
from lot_traceability.status_changes import change_lot_status
from lot_traceability.tests.utils import (
	delivery_note,
	get_company,
	get_received_batches,
	get_warehouse,
	make_item_group,
	make_lot_item,
	make_supplier,
	make_warehouse,
	receive,
	stock_entry,
)

MAKER = "Demo Food Ingredients"
SETTINGS = "Lot Traceability Settings"


def stored(doctype, **filters):
	return frappe.get_all(doctype, filters=filters, fields=["*"], order_by="name")


class TestExpiryForecast(FrappeTestCase):
	"""Twelve weeks of 10 a week delivered from one site, none from the other."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		today = getdate(nowdate())
		cls.company = get_company()
		cls.busy = make_warehouse("_Lot Busy Site", cls.company)
		cls.idle = make_warehouse("_Lot Idle Site", cls.company)
		cls.item = make_lot_item()
		start = add_days(today, -84)
		receipt = receive(cls.item, qty=120, warehouse=cls.busy, posting_date=start, set_posting_time=1)
		(cls.busy_lot,) = get_received_batches(receipt.name)
		frappe.db.set_value("Batch", cls.busy_lot, "expiry_date", add_days(today, 365))
		for week in range(12):  # one delivery in each of the twelve weeks before today
			note = delivery_note(
				cls.item,
				10,
				cls.busy_lot,
				warehouse=cls.busy,
				posting_date=add_days(start, 7 * week + 1),
				set_posting_time=1,
			)
			note.submit()
		receipt = receive(cls.item, qty=100, warehouse=cls.idle)
		(cls.idle_lot,) = get_received_batches(receipt.name)
		cls.expiry = add_days(today, 41)
		frappe.db.set_value("Batch", cls.idle_lot, "expiry_date", cls.expiry)
		frappe.db.set_single_value(SETTINGS, "rebalance_lead_days", 2)
		expiry.compute_expiry_forecasts(today)

	def forecast(self, lot, warehouse):
		(row,) = stored("Lot Expiry Forecast", batch=lot, warehouse=warehouse)
		return row

	def test_the_idle_lot_is_forecast_unsold_and_a_move_to_the_busy_site_is_suggested(self):
		row = self.forecast(self.idle_lot, self.idle)
		self.assertEqual((flt(row.demand_per_week), flt(row.qty), flt(row.leftover_qty)), (0.0, 100.0, 100.0))
		self.assertEqual(getdate(row.deadline), getdate(self.expiry))
		self.assertEqual(flt(row.leftover_value, 2), flt(row.stock_value, 2))
		# at the busy site 10 a week; arriving 2 days before the expiry's 41: 40 selling days, 400/7
		# units, whole units (Nos) — 57
		self.assertTrue(frappe.db.get_value("UOM", "Nos", "must_be_whole_number"))
		self.assertEqual(row.suggested_warehouse, self.busy)
		self.assertEqual(flt(row.suggested_qty), math.floor(10 / 7 * 40))
		unit_value = flt(row.stock_value) / 100
		self.assertAlmostEqual(flt(row.value_saved), 57 * unit_value, places=2)

	def test_the_busy_sites_rate_is_learned_from_its_deliveries(self):
		rates = expiry.demand_rates(
			getdate(nowdate()), 26, {(self.item, self.busy): add_days(nowdate(), -84)}
		)
		rate = rates[(self.item, self.busy)]
		self.assertEqual((rate.per_week, rate.weeks, rate.nonzero_weeks), (10.0, 12, 12))
		self.assertNotIn((self.item, self.idle), rates)

	def test_expiry_risk_shows_the_forecast_with_the_demand_it_used(self):
		_columns, data, _message, _chart, summary = expiry_risk.execute(
			{"item_code": self.item, "forecast_at_risk": 1}
		)
		(row,) = data
		self.assertEqual((row.lot, row.warehouse), (self.idle_lot, self.idle))
		self.assertEqual((flt(row.forecast_unsold), flt(row.demand_per_week)), (100.0, 0.0))
		self.assertEqual((row.move_to, flt(row.move_qty)), (self.busy, 57.0))
		self.assertEqual(row.demand_basis, "0 weeks, 0 with demand")
		saved = next(entry for entry in summary if entry["label"] == "Value a Move Would Save")
		self.assertAlmostEqual(saved["value"], flt(row.value_saved), places=2)
		# the window view carries the same forecast for the lot
		_columns, data, *_rest = expiry_risk.execute({"item_code": self.item, "days": 60})
		(row,) = [r for r in data if r.lot == self.idle_lot]
		self.assertEqual((flt(row.forecast_unsold), row.move_to), (100.0, self.busy))

	def test_one_click_makes_a_draft_transfer_filled_in(self):
		made = api.make_rebalance_transfer(self.idle_lot, self.idle, self.busy, 57)
		entry = frappe.get_doc(made["doctype"], made["name"])
		self.assertEqual(
			(entry.doctype, entry.docstatus, entry.purpose), ("Stock Entry", 0, "Material Transfer")
		)
		(line,) = entry.items
		self.assertEqual(
			(line.item_code, line.batch_no, flt(line.qty), line.s_warehouse, line.t_warehouse),
			(self.item, self.idle_lot, 57.0, self.idle, self.busy),
		)
		self.assertIn(self.busy, entry.remarks)

	def test_a_move_beyond_the_stock_or_of_a_missing_lot_is_refused_by_name(self):
		with self.assertRaisesRegex(
			frappe.ValidationError,
			f"Lot <strong>{self.idle_lot}</strong> has 100.0 in .*: a move of 101.0 is not possible",
		):
			api.make_rebalance_transfer(self.idle_lot, self.idle, self.busy, 101)
		with self.assertRaisesRegex(
			frappe.DoesNotExistError, "Lot <strong>_no such lot</strong> does not exist"
		):
			api.make_rebalance_transfer("_no such lot", self.idle, self.busy, 1)
		with self.assertRaisesRegex(
			frappe.ValidationError,
			f"Lot <strong>{self.idle_lot}</strong> is already in <strong>{self.idle}</strong>",
		):
			api.make_rebalance_transfer(self.idle_lot, self.idle, self.idle, 1)


class TestSupplierScores(FrappeTestCase):
	"""Three suppliers of one item group: 3 of 10 lots rejected, 0 of 10, one clean lot."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.group = make_item_group("_Lot Scored Group")
		cls.item = make_lot_item(item_group=cls.group)
		tag = frappe.generate_hash(length=5)
		cls.bad = make_supplier(f"_Lot Supplier Rejected {tag}")
		cls.good = make_supplier(f"_Lot Supplier Clean {tag}")
		cls.new = make_supplier(f"_Lot Supplier New {tag}")
		cls.lots = {cls.bad: [], cls.good: [], cls.new: []}
		for supplier, count in ((cls.bad, 10), (cls.good, 10), (cls.new, 1)):
			for _ in range(count):
				cls.lots[supplier].append(cls.make_lot(supplier))
		cls.rejection = change_lot_status(
			cls.lots[cls.bad][:3], "Rejected", reason="Failed incoming inspection", by_system=True
		)
		supplier_scores.compute_supplier_scores(getdate(nowdate()))

	@classmethod
	def make_lot(cls, supplier):
		lot = frappe.get_doc(
			{
				"doctype": "Batch",
				"batch_id": f"_LT-S-{frappe.generate_hash(length=8)}",
				"item": cls.item,
				"supplier": supplier,
				"received_date": nowdate(),
			}
		).insert(ignore_permissions=True)
		return lot.name

	def score(self, supplier):
		(row,) = stored("Supplier Risk Score", supplier=supplier, item_group=self.group)
		return row

	def test_three_rejections_in_ten_score_worse_than_none_and_are_the_evidence(self):
		bad, good = self.score(self.bad), self.score(self.good)
		self.assertEqual((bad.lots, bad.failed_lots, good.lots, good.failed_lots), (10, 3, 10, 0))
		self.assertGreater(flt(bad.score), flt(good.score))
		# the average is the pooled rate of every supplier's lots, of every item group (the site's other
		# lots included): one average for all
		stored_scores = stored("Supplier Risk Score")
		self.assertEqual(
			{round(flt(row.prior_rate), 6) for row in stored_scores}, {round(flt(bad.prior_rate), 6)}
		)
		pooled = sum(flt(row.weighted_failures) for row in stored_scores) / sum(
			flt(row.weighted_lots) for row in stored_scores
		)
		self.assertAlmostEqual(flt(bad.prior_rate), 100 * pooled, places=4)
		prior = flt(bad.prior_rate) / 100
		self.assertAlmostEqual(flt(bad.score), round(100 * (3 + 5 * prior) / (10 + 5), 3), places=4)
		self.assertAlmostEqual(flt(good.score), round(100 * (5 * prior) / (10 + 5), 3), places=4)
		evidence = frappe.parse_json(bad.evidence)
		self.assertEqual(sorted(e["lot"] for e in evidence), sorted(self.lots[self.bad][:3]))
		self.assertEqual(
			{(e["kind"], e["reference_name"]) for e in evidence}, {("rejection", self.rejection.name)}
		)

	def test_a_supplier_with_one_lot_is_shrunk_towards_the_average(self):
		new, good = self.score(self.new), self.score(self.good)
		prior = flt(new.prior_rate)
		self.assertAlmostEqual(flt(new.score), round(prior * 5 / 6, 3), places=4)
		self.assertGreater(flt(new.score), flt(good.score))  # one clean lot proves less than ten
		self.assertLess(flt(new.score), prior)

	def test_both_are_explained_on_the_supplier_and_in_the_report(self):
		(bad,) = [row for row in api.get_supplier_risk(self.bad) if row.item_group == self.group]
		self.assertIn("3 of 10 lots with outcomes", bad.explanation)
		self.assertEqual([entry["label"] for entry in bad.evidence], ["rejected"] * 3)
		(good,) = [row for row in api.get_supplier_risk(self.good) if row.item_group == self.group]
		self.assertIn("0 of 10 lots with outcomes", good.explanation)
		_columns, data, message, _chart, _summary = supplier_lot_risk.execute({"item_group": self.group})
		self.assertEqual([row.supplier for row in data], [self.bad, self.new, self.good])
		self.assertIn(self.rejection.name, data[0].evidence)
		self.assertIn("recommend", message)

	def test_a_threshold_holds_receipts_from_a_supplier_at_or_above_it_only(self):
		bad_score = flt(self.score(self.bad).score)
		frappe.db.set_single_value(SETTINGS, "supplier_risk_hold_score", bad_score)
		try:
			receipt = receive(self.item, qty=3, supplier=self.bad)
			(lot,) = get_received_batches(receipt.name)
			self.assertEqual(frappe.db.get_value("Batch", lot, "lot_status"), "Quarantined")
			change = frappe.get_doc(
				"Lot Status Change", frappe.db.get_value("Lot Status Change Lot", {"batch": lot}, "parent")
			)
			self.assertIn(f"learned risk score for {self.group} is {bad_score}", change.reason)
			self.assertEqual((change.reference_doctype, change.reference_name), ("Supplier", self.bad))
			receipt = receive(self.item, qty=3, supplier=self.new)  # below the threshold
			(lot,) = get_received_batches(receipt.name)
			self.assertNotEqual(frappe.db.get_value("Batch", lot, "lot_status"), "Quarantined")
		finally:
			frappe.db.set_single_value(SETTINGS, "supplier_risk_hold_score", 0)


class TestAnomaliesOnTheDemo(FrappeTestCase):
	"""Into the demo manufacturer's history: six repacks at the usual yield and one at half, and a week
	of six adjustments of an item adjusted never before."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()
		today = getdate(nowdate())
		cls.warehouse = get_warehouse(MAKER)
		cls.raw = make_lot_item(company=MAKER)
		cls.finished = make_lot_item(company=MAKER)
		start = add_days(today, -70)
		receipt = receive(
			cls.raw, qty=70, company=MAKER, warehouse=cls.warehouse, posting_date=start, set_posting_time=1
		)
		(cls.raw_lot,) = get_received_batches(receipt.name)
		cls.runs = [cls.repack(add_days(start, 7 * week + 1), 10) for week in range(6)]
		cls.half_run = cls.repack(add_days(start, 43), 5)
		cls.adjusted = make_lot_item(company=MAKER)
		receipt = receive(
			cls.adjusted,
			qty=60,
			company=MAKER,
			warehouse=cls.warehouse,
			posting_date=start,
			set_posting_time=1,
		)
		(cls.adjusted_lot,) = get_received_batches(receipt.name)
		cls.issues = []
		for day in range(6):
			entry = stock_entry(
				cls.adjusted,
				5,
				"Material Issue",
				source=cls.warehouse,
				batch=cls.adjusted_lot,
				company=MAKER,
				posting_date=add_days(today, -6 + day),
				set_posting_time=1,
			)
			entry.submit()
			cls.issues.append(entry.name)
		anomalies.compute_anomalies(today)

	@classmethod
	def repack(cls, day, made):
		cost_center = frappe.get_cached_value("Company", MAKER, "cost_center")
		row = {"conversion_factor": 1, "uom": "Nos", "stock_uom": "Nos", "cost_center": cost_center}
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"purpose": "Repack",
				"stock_entry_type": "Repack",
				"company": MAKER,
				"posting_date": day,
				"set_posting_time": 1,
				"items": [
					{
						**row,
						"item_code": cls.raw,
						"qty": 10,
						"s_warehouse": cls.warehouse,
						"batch_no": cls.raw_lot,
						"use_serial_batch_fields": 1,
						"basic_rate": 10,
					},
					{
						**row,
						"item_code": cls.finished,
						"qty": made,
						"t_warehouse": cls.warehouse,
						"is_finished_item": 1,
					},
				],
			}
		)
		entry.insert()
		entry.submit()
		return entry.name

	def demo_anomalies(self):
		"""The distinct anomalies of the demo's companies, strongest first."""
		rows = frappe.get_all(
			"Lot Anomaly",
			filters={"company": ("in", demo.COMPANIES)},
			fields=["anomaly", "kind", "reference_name", "strength", "description"],
			order_by="strength desc, anomaly",
		)
		return list({row.anomaly: row for row in rows}.values())

	def test_the_half_yield_run_and_the_burst_lead_the_demos_anomalies(self):
		first, second, *rest = self.demo_anomalies()
		self.assertEqual((first.kind, first.reference_name), ("yield_anomaly", self.half_run))
		self.assertEqual((second.kind, second.reference_name), ("adjustment_burst", self.issues[0]))
		self.assertTrue(all(row.strength < second.strength for row in rest))
		# the usual runs are not anomalies
		flagged = {row.reference_name for row in self.demo_anomalies()}
		self.assertFalse(flagged & set(self.runs))

	def test_each_is_explained_against_its_own_history(self):
		first, second, *_rest = self.demo_anomalies()
		self.assertIn(f"{self.half_run} yielded 0.50 of {self.finished} per unit consumed", first.description)
		self.assertIn(
			"its other 6 runs yield 1 (robust spread 0.01): 50 robust deviations away", first.description
		)
		self.assertIn(f"6 adjustments of {self.adjusted} at {self.warehouse}", second.description)
		# the item was first seen 70 days ago: its 10 weeks in the year's window, the burst's left out
		self.assertIn("over the other 9 weeks", second.description)

	def test_lot_exceptions_list_them_with_their_explanation(self):
		made = frappe.db.get_value(
			"Lot Ledger Entry", {"voucher_no": self.half_run, "item_code": self.finished}, "batch_no"
		)
		_columns, data, *_rest = lot_exceptions.execute(
			{"company": MAKER, "kind": "Unusual Production Yield"}
		)
		(row,) = [row for row in data if row["lot"] == made]
		self.assertIn("yield_anomaly", row["kinds"])
		self.assertIn(f"{self.half_run} yielded 0.5", row["reasons"])
		self.assertEqual((row["document_type"], row["document"]), ("Stock Entry", self.half_run))
		self.assertGreaterEqual(row["score"], 75)  # the kind's 50, half again: far past its threshold
		_columns, data, *_rest = lot_exceptions.execute({"company": MAKER, "kind": "Burst of Adjustments"})
		(row,) = [row for row in data if row["lot"] == self.adjusted_lot]
		self.assertIn(f"6 adjustments of {self.adjusted}", row["reasons"])


class TestMovesBetweenOurCompanies(FrappeTestCase):
	"""A suggestion into another of our companies is ERPNext's inter-company transfer, as a draft."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()

	def oil_lot(self):
		return frappe.db.sql(
			"""select balance.batch, balance.warehouse, balance.qty from `tabLot Balance` balance
			join `tabWarehouse` warehouse on warehouse.name = balance.warehouse
			where balance.item = 'DEMO-OLIVE-OIL' and balance.qty > 0 and warehouse.company = 'Demo Specialty Foods'
			order by balance.batch, balance.warehouse limit 1""",
			as_dict=True,
		)[0]

	def test_a_move_into_our_retail_company_is_a_draft_delivery_to_its_internal_customer(self):
		oil = self.oil_lot()
		retail = get_warehouse("Demo Specialty Foods Retail")
		made = api.make_rebalance_transfer(oil.batch, oil.warehouse, retail, 1)
		note = frappe.get_doc(made["doctype"], made["name"])
		self.assertEqual(
			(note.doctype, note.docstatus, note.company), ("Delivery Note", 0, "Demo Specialty Foods")
		)
		customer = frappe.get_doc("Customer", note.customer)
		self.assertEqual(
			(customer.is_internal_customer, customer.represents_company), (1, "Demo Specialty Foods Retail")
		)
		(line,) = note.items
		self.assertEqual((line.batch_no, flt(line.qty), line.warehouse), (oil.batch, 1.0, oil.warehouse))
		self.assertIn(f"to be received into {retail}", note.instructions)

	def test_a_move_between_companies_without_an_internal_customer_is_refused_in_words(self):
		oil = self.oil_lot()
		maker = get_warehouse(MAKER)
		with self.assertRaisesRegex(
			frappe.ValidationError,
			f"Demo Specialty Foods</strong> has no internal customer that represents <strong>{MAKER}</strong>.*lot <strong>{oil.batch}</strong>",
		):
			api.make_rebalance_transfer(oil.batch, oil.warehouse, maker, 1)
