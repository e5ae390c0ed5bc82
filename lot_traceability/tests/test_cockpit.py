"""The cockpit on the demo data: KPIs equal figures worked out by hand from the stories, the reports,
number cards, charts and the workspace answer."""

from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, flt, get_datetime, getdate, nowdate

from lot_traceability import demo, kpis
from lot_traceability.api import lots_on_hold_card, receiving_completeness_card, restricted_lots_card
from lot_traceability.lot_traceability.report.expiry_risk import expiry_risk
from lot_traceability.lot_traceability.report.lot_traceability_kpis import lot_traceability_kpis
from lot_traceability.status_changes import change_lot_status
from lot_traceability.traceability.kpis import Ratio

MAKER = "Demo Food Ingredients"
SINCE = "2000-01-01"


def lot_of(supplier_lot_no):
	return frappe.db.get_value("Batch", {"supplier_lot_no": supplier_lot_no})


def kpi(rows, label):
	return next(row for row in rows if row["kpi"] == label)


class TestCockpitOnTheDemo(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()  # loads it once (afresh if an earlier install left its companies)
		frappe.db.commit()

	def setUp(self):
		frappe.db.savepoint("cockpit_test")  # each test starts from the demo as loaded

	def tearDown(self):
		frappe.db.rollback(save_point="cockpit_test")

	def test_receiving_completeness_and_fefo_adherence_of_the_stories(self):
		# the manufacturer received five supplier lots (two of flour and of milk powder, sugar), each with its
		# supplier lot no and an expiry (the supplier's, or the rule's 12 months); it shipped cake mix
		# three times (lot 1 to North, lots 1 and 2 to South), always the earliest lot left; the promising
		# story received two more flour lots into the stores (one now quarantined, one short-dated), both
		# with their supplier lot and expiry
		rows = kpis.summary(SINCE, nowdate(), MAKER)
		completeness = kpi(rows, "Receiving rows with supplier lot and expiry")
		self.assertEqual((completeness["value"], completeness["basis"]), (100.0, "8 of 8 rows"))
		fefo = kpi(rows, "FEFO adherence")
		self.assertEqual(fefo["value"], 100.0)
		self.assertIn("3 of 3", fefo["basis"])
		# the distributor's complete rows: three oil lots, both Parmesan receipts (CC-1408, CC-1422), the
		# portal story's balsamic (OE-B-310) and the two balsamic lots received of the three announced;
		# the Retail company's oil came from Demo Specialty Foods: not a receipt from a supplier
		self.assertEqual(kpis.receiving_completeness(SINCE, nowdate(), "Demo Specialty Foods").whole, 8)
		self.assertEqual(
			kpis.receiving_completeness(SINCE, nowdate(), "Demo Specialty Foods Retail").whole, 0
		)

	def test_quarantine_cycle_write_offs_and_expiration_loss(self):
		sugar, flour_bad = lot_of("SUG-0902"), lot_of("MILL-24-118")
		held = change_lot_status([sugar], "Quarantined", reason="Moisture check", by_system=True)
		released = change_lot_status([sugar], "Approved", reason="Moisture within spec", by_system=True)
		days = (
			get_datetime(released.change_datetime) - get_datetime(held.change_datetime)
		).total_seconds() / 86400
		cycles = kpis.quarantine_cycles(SINCE, nowdate())
		self.assertIn(sugar, [cycle.lot for cycle in cycles])
		# the demo's own cycle of the sugar lot (held 3 days) comes first, this one last
		self.assertAlmostEqual([c.days for c in cycles if c.lot == sugar][-1], days)

		# the rejected flour lot (300 kg at 1.20) is written off: 360 of write-offs for "Rejected"
		issue = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"company": MAKER,
				"purpose": "Material Issue",
				"stock_entry_type": "Material Issue",
				"is_lot_write_off": 1,
				"items": [
					{
						"item_code": "DEMO-FLOUR",
						"qty": 300,
						"s_warehouse": "Quarantine - DFI",
						"batch_no": flour_bad,
						"use_serial_batch_fields": 1,
						"conversion_factor": 1,
					}
				],
			}
		)
		issue.insert()
		issue.submit()
		reasons = kpis.write_offs_by_reason(nowdate(), nowdate(), MAKER)
		self.assertEqual(list(reasons), ["Rejected"])
		self.assertEqual((reasons["Rejected"]["qty"], reasons["Rejected"]["lots"]), (300, 1))
		self.assertAlmostEqual(reasons["Rejected"]["value"], 360)

		# the sugar lot (280 kg at 1.20 left) expired yesterday: 336 of expiration loss on hand
		frappe.db.set_value("Batch", sugar, "expiry_date", add_days(nowdate(), -1))
		loss = kpis.expiration_loss(add_days(nowdate(), -1), nowdate(), MAKER)
		self.assertAlmostEqual(loss["on_hand"], 336)
		self.assertAlmostEqual(loss["total"], 336)
		risk = expiry_risk.execute({"company": MAKER, "days": 30})
		sugar_row = next(row for row in risk[1] if row["lot"] == sugar)
		self.assertEqual(sugar_row["days_to_expiry"], -1)
		self.assertAlmostEqual(sugar_row["at_risk_value"], 336)

	def test_expiry_risk_values_held_lots_from_the_ledger_and_says_when_no_demand_is_known(self):
		flour_bad = lot_of("MILL-24-118")  # 300 kg at 1.20 moved into quarantine, no order wants it
		_columns, data, _message, _chart, summary = expiry_risk.execute({"company": MAKER, "days": 3650})
		row = next(row for row in data if row["lot"] == flour_bad)
		self.assertAlmostEqual(row["value"], 360)
		self.assertEqual((row["uom"], row["currency"]), ("Kg", "USD"))
		self.assertEqual(row["demand_note"], "No demand known")
		self.assertIsNone(row["at_risk_qty"])  # not "all of it will expire"
		unknown = next(s for s in summary if s["label"] == "Stock Value with No Demand Known")
		self.assertGreaterEqual(unknown["value"], 360)

	def test_time_to_scope_is_the_recalls_own_figure(self):
		recall = frappe.get_doc(
			{
				"doctype": "Lot Recall",
				"title": "Drill",
				"reason": "Quarterly mock recall",
				"is_mock": 1,
				"supplier_lot_no": "DC-5531",
			}
		).insert()
		recall.submit()
		scope = kpis.time_to_scope(nowdate(), nowdate())
		recalls = frappe.get_all(
			"Lot Recall", filters={"docstatus": 1, "recall_date": nowdate()}, pluck="time_to_scope"
		)
		self.assertEqual(scope["recalls"], len(recalls))
		self.assertAlmostEqual(scope["mean"], sum(recalls) / len(recalls))
		self.assertGreater(recall.time_to_scope, 0)

	def test_cards_reports_charts_and_workspace_answer(self):
		before = lots_on_hold_card()["value"]
		change_lot_status([lot_of("SUG-0902")], "Quarantined", reason="Pest sighting", by_system=True)
		self.assertEqual(lots_on_hold_card()["value"], before + 1)
		# restricted lots are counted apart from the holds (the demo's concession flour is one)
		restricted = restricted_lots_card()
		self.assertGreaterEqual(restricted["value"], 1)
		self.assertEqual(restricted["route_options"], {"lot_status": ["in", ["Restricted"]]})
		change_lot_status(
			[lot_of("MILL-24-117")],
			"Restricted",
			reason="Low protein, fine for cake mix",
			scope=[("Item", "DEMO-CAKE-MIX")],
			by_system=True,
		)
		self.assertEqual(lots_on_hold_card()["value"], before + 1)
		self.assertEqual(restricted_lots_card()["value"], restricted["value"] + 1)
		with patch("lot_traceability.kpis.receiving_completeness", return_value=Ratio(3, 4)):
			card = receiving_completeness_card()
		self.assertEqual((card["value"], card["fieldtype"]), (75.0, "Percent"))
		with patch("lot_traceability.kpis.receiving_completeness", return_value=Ratio(0, 0)):
			card = receiving_completeness_card()
		self.assertEqual(card["fieldtype"], "Data")  # not a 0 % that reads as all data missing
		self.assertIn("No receipts in", card["value"])
		for view in lot_traceability_kpis.VIEWS:
			result = lot_traceability_kpis.execute({"view": view, "from_date": SINCE, "company": MAKER})
			self.assertTrue(result[0], view)
		by_site = lot_traceability_kpis.execute({"view": "Lots by Status and Site", "company": MAKER})
		stores = next(row for row in by_site[1] if row["warehouse"] == "Stores - DFI")
		# one more since the promising story quarantined a flour lot there
		self.assertEqual(stores["quarantined"], 2)
		# every status is a dataset in its own colour, the same as the workspace chart's
		chart, statuses = by_site[3], kpis.chart_statuses()
		self.assertEqual([dataset["name"] for dataset in chart["data"]["datasets"]], statuses)
		red = kpis.INDICATOR_HEX[frappe.db.get_value("Lot Status", "Quarantined", "colour")]
		self.assertEqual(chart["colors"][statuses.index("Quarantined")], red)
		kpis.set_status_chart_colours()
		options = frappe.parse_json(
			frappe.db.get_value("Dashboard Chart", kpis.STATUS_CHART, "custom_options")
		)
		self.assertEqual(options["colors"], chart["colors"])
		# each company has its "Stores": a site's label says which
		sites = kpis.lots_by_status_and_site()
		self.assertEqual(len({site["site"] for site in sites}), len(sites))
		# money is in the company's currency, and write-offs do not add up quantities of different items
		currency = frappe.get_cached_value("Company", MAKER, "default_currency")
		summary = lot_traceability_kpis.execute({"view": "Summary", "from_date": SINCE, "company": MAKER})[1]
		self.assertEqual(kpi(summary, "Expiration loss")["unit"], currency)
		write_offs = lot_traceability_kpis.execute(
			{"view": "Write-offs by Reason", "from_date": SINCE, "company": MAKER}
		)
		self.assertNotIn("qty", [column["fieldname"] for column in write_offs[0]])
		self.assertTrue(all(row["currency"] == currency for row in write_offs[1]))
		# the monthly charts show a year of months when no dates are given
		loss = lot_traceability_kpis.execute({"view": "Expiry Loss by Month", "company": MAKER})
		self.assertEqual(loss[3]["data"]["datasets"][0]["name"], "Expiration Loss")
		for chart in frappe.get_all("Dashboard Chart", filters={"module": "Lot Traceability"}, pluck="name"):
			doc = frappe.get_doc("Dashboard Chart", chart)
			self.assertEqual(doc.report_name, "Lot Traceability KPIs")
		workspace = frappe.get_doc("Workspace", "Lot Traceability")
		shortcuts = {row.link_to for row in workspace.shortcuts}
		self.assertTrue(
			{"Lot Trace", "Recall Impact", "Lot Recall", "Lot Status Change", "Lot Rule"} <= shortcuts
		)
		self.assertEqual(
			{row.number_card_name for row in workspace.number_cards},
			{
				"Lots on Hold",
				"Restricted Lots",
				"Lots Waiting for Documents",
				"Lots Expiring Soon",
				"Open Recalls",
				"Complete Lot Data on Receipts",
				"Lot Count Accuracy",
			},
		)
		self.assertEqual(getdate(kpis.period()[0]).day, 1)
		self.assertEqual(flt(kpis.period("2026-01-05", "2026-01-31")[0].day), 5)
