"""The demo's cake mix is made through Work Orders with Job Cards on a mixer and a packing line: its
Manufacture entries give the lots their production runs, a recall by workstation and window on the
demo reaches the customers of the lots it should, and a cake mix lot's batch record prints its runs."""

from datetime import datetime, timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime, getdate

from lot_traceability import demo, production_runs
from lot_traceability.demo.manufacturer import MIXER, OPERATORS, PACKING_LINE, QUALITY_LEAD
from lot_traceability.tests.test_labels import assets_served


def lot_of(supplier_lot_no: str) -> str:
	return frappe.db.get_value("Batch", {"supplier_lot_no": supplier_lot_no})


def customers_of(recall) -> set[str]:
	return {row.customer for row in recall.customers}


class TestDemoProductionRuns(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()  # loads it once (afresh if an earlier install left its companies)
		frappe.db.commit()
		cls.cake = frappe.get_all(
			"Batch",
			filters={"item": "DEMO-CAKE-MIX"},
			fields=["name", "manufacturing_date"],
			order_by="manufacturing_date asc, name asc",
		)
		cls.first, cls.second = (lot.name for lot in cls.cake)
		# the story's days, read from the lots (the demo dates its story from the day it was loaded)
		cls.day5 = datetime.combine(getdate(cls.cake[0].manufacturing_date), datetime.min.time())
		cls.day20 = datetime.combine(getdate(cls.cake[1].manufacturing_date), datetime.min.time())
		cls.flour_ok, cls.flour_low = lot_of("MILL-24-117"), lot_of("MILL-24-131")
		cls.milk, cls.sugar = lot_of("DC-5531"), lot_of("SUG-0902")

	def entry_of(self, lot: str) -> str:
		return frappe.db.get_value("Lot Production Run", {"lot": lot, "role": "Made"}, "stock_entry")

	def window(self, stations, start: datetime, end: datetime):
		return production_runs.window_runs(stations, start, end, company="Demo Food Ingredients")

	def test_each_cake_mix_lot_has_its_runs_on_the_mixer_and_the_packing_line(self):
		for lot in (self.first, self.second):
			entry = frappe.get_doc("Stock Entry", self.entry_of(lot))
			self.assertTrue(entry.work_order)
			cards = dict(
				frappe.get_all(
					"Job Card",
					filters={"work_order": entry.work_order, "docstatus": 1},
					fields=["workstation", "name"],
					as_list=True,
				)
			)
			self.assertEqual(set(cards), {MIXER, PACKING_LINE})
			runs = frappe.get_all(
				"Lot Production Run",
				filters={"stock_entry": entry.name, "role": "Made"},
				fields=["lot", "workstation", "job_card", "qty", "from_time", "to_time"],
			)
			self.assertEqual(
				{(r.lot, r.workstation, r.job_card, r.qty) for r in runs},
				{(lot, station, card, 200) for station, card in cards.items()},
			)
			# the runs agree with ERPNext's entries and Job Cards (what `runs --check` proves)
			self.assertEqual(production_runs.differences([entry.name]), [])
		night = frappe.db.get_value(
			"Lot Production Run",
			{"lot": self.second, "role": "Made", "workstation": MIXER},
			["from_time", "to_time"],
			as_dict=True,
		)
		# the second run's mixing was a night shift: it began the evening before the lot's day
		self.assertEqual(
			(get_datetime(night.from_time), get_datetime(night.to_time)),
			(self.day20 - timedelta(hours=2), self.day20 + timedelta(hours=1, minutes=30)),
		)

	def test_a_mixer_window_inside_the_night_shift_holds_exactly_that_runs_lots(self):
		# the mixer was found contaminated: from 23:00 to midnight, inside the night shift's run
		start, end = self.day20 - timedelta(hours=1), self.day20
		window = self.window([MIXER], start, end)
		self.assertEqual(window.made, [self.second])
		self.assertEqual(window.consumed, sorted([self.flour_low, self.milk, self.sugar]))
		# the packing line did not run then
		self.assertEqual(self.window([PACKING_LINE], start, end).lots, [])

	def test_window_edges_are_half_open(self):
		# the first run: mixing 06:00-10:00, packing 10:30-13:00; nothing ran between them
		gap = self.window(
			[MIXER, PACKING_LINE],
			self.day5 + timedelta(hours=10),
			self.day5 + timedelta(hours=10, minutes=30),
		)
		self.assertEqual(gap.lots, [])
		both = self.window(
			[MIXER, PACKING_LINE],
			self.day5 + timedelta(hours=9, minutes=59),
			self.day5 + timedelta(hours=10, minutes=31),
		)
		self.assertEqual(both.made, [self.first])
		self.assertEqual(both.consumed, sorted([self.flour_ok, self.milk, self.sugar]))
		self.assertEqual({run.workstation for run in both.runs}, {MIXER, PACKING_LINE})

	def test_a_recall_by_the_mixer_window_reaches_the_customers_of_the_lots_listed_by_hand(self):
		from lot_traceability.tests.test_recall import ledger_customers, new_recall

		start, end = self.day20 - timedelta(hours=1), self.day20
		by_window = new_recall(
			is_mock=1,
			source_workstations=[{"workstation": MIXER}],
			window_from=start,
			window_to=end,
		)
		listed = [self.second, self.flour_low, self.milk, self.sugar]
		self.assertEqual(sorted(row.batch for row in by_window.source_lots), sorted(listed))
		by_hand = new_recall(is_mock=1, source_lots=[{"batch": lot} for lot in listed])
		self.assertEqual(customers_of(by_window), customers_of(by_hand))
		self.assertEqual(
			{row.batch for row in by_window.affected_lots}, {row.batch for row in by_hand.affected_lots}
		)
		# the milk and sugar went into the first run too: both bakeries are reached, as the ledger says
		self.assertEqual(customers_of(by_window), {"Demo Bakery North", "Demo Bakery South"})
		self.assertEqual(customers_of(by_window), ledger_customers([self.first, self.second]))

	def test_a_deviation_on_the_packing_line_holds_exactly_the_lots_it_packed_in_the_window(self):
		deviation = frappe.get_doc(
			{
				"doctype": "Lot Deviation",
				"title": "Sealer jaw temperature out of range",
				"deviation_type": "Other",
				"company": "Demo Food Ingredients",
				"scope_type": "Workstation and Time Window",
				"workstations": [{"workstation": PACKING_LINE}],
				"window_from": self.day20 + timedelta(hours=5),
				"window_to": self.day20 + timedelta(hours=7),
			}
		).insert()
		self.assertEqual(
			sorted(row.batch for row in deviation.lots),
			sorted([self.second, self.flour_low, self.milk, self.sugar]),
		)

	def test_the_batch_record_of_a_cake_mix_lot_prints_its_runs_as_pdf(self):
		entry = self.entry_of(self.second)
		html = frappe.get_print("Batch", self.second, print_format="Lot Batch Record")
		cards = frappe.get_all(
			"Job Card",
			filters={"work_order": frappe.db.get_value("Stock Entry", entry, "work_order")},
			pluck="name",
		)
		inspection = frappe.db.get_value("Quality Inspection", {"batch_no": self.second, "docstatus": 1})
		self.assertTrue(inspection)
		for shown in (
			MIXER,
			PACKING_LINE,
			entry,
			*cards,
			# the operators of the night shift and of the packing line
			" ".join(OPERATORS[1]),
			" ".join(OPERATORS[2]),
			# the inputs with their supplier lots
			self.flour_low,
			"MILL-24-131",
			"DC-5531",
			"SUG-0902",
			inspection,
			QUALITY_LEAD,  # who signed the lot's release
			"100.0 %",  # made 200 from the BOM's 100 + 40 + 60
		):
			self.assertIn(shown, html)
		with assets_served():
			pdf = frappe.get_print("Batch", self.second, print_format="Lot Batch Record", as_pdf=True)
		self.assertTrue(pdf.startswith(b"%PDF"))
