"""Production runs: the workstations, times and operators behind each lot, read from Work Orders'
Job Cards, and the lots a workstation window covers."""

from datetime import datetime

import frappe
from erpnext.manufacturing.doctype.operation.test_operation import make_operation
from erpnext.manufacturing.doctype.production_plan.test_production_plan import make_bom
from erpnext.manufacturing.doctype.work_order.test_work_order import make_wo_order_test_record
from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry
from erpnext.setup.doctype.employee.test_employee import make_employee
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_datetime

from lot_traceability import api, batch_record, production_runs
from lot_traceability.lot_traceability.report.recall_impact import recall_impact
from lot_traceability.production_runs import RunWindowError
from lot_traceability.tests.test_labels import assets_served
from lot_traceability.tests.test_lineage_consumption import by_lot
from lot_traceability.tests.utils import (
	company_defaults,
	get_received_batches,
	make_lot_item,
	make_user,
	receive,
)

TUESDAY_0600 = datetime(2026, 11, 3, 6)
WEDNESDAY_1400 = datetime(2026, 11, 4, 14)


def at(day: int, hour: int, minute: int = 0) -> datetime:
	return datetime(2026, 11, day, hour, minute)


class ProductionLine:
	"""Two workstations (a mixer, then an oven), a BOM with an operation on each, a raw item with
	received lots and a finished item; `produce` runs a Work Order of 2 through both with Job Card
	time logs as given and manufactures it."""

	def __init__(self):
		d = company_defaults()
		self.company = d.company
		self.warehouse = d.warehouse
		suffix = frappe.generate_hash(length=6)
		self.mixer = self.workstation(f"_LT Mixer {suffix}")
		self.oven = self.workstation(f"_LT Oven {suffix}")
		mixing = make_operation(operation=f"_LT Mixing {suffix}", workstation=self.mixer).name
		baking = make_operation(operation=f"_LT Baking {suffix}", workstation=self.oven).name
		self.raw = make_lot_item()
		self.finished = make_lot_item()
		bom = make_bom(
			item=self.finished,
			raw_materials=[self.raw],
			company=d.company,
			currency=d.default_currency,
			rate=10,
			do_not_save=True,
		)
		bom.with_operations = 1
		for sequence, (operation, station) in enumerate(((mixing, self.mixer), (baking, self.oven)), 1):
			bom.append(
				"operations",
				{"operation": operation, "workstation": station, "time_in_mins": 60, "sequence_id": sequence},
			)
		bom.save()
		bom.submit()
		self.bom = bom.name
		self.operators = [
			make_employee(f"_lt_operator_{n}_{suffix}@example.com", company=d.company) for n in (1, 2)
		]

	def workstation(self, name: str) -> str:
		doc = frappe.get_doc({"doctype": "Workstation", "workstation_name": name, "production_capacity": 20})
		doc.insert()
		return doc.name

	def raw_lot(self, qty: float = 2) -> str:
		return get_received_batches(receive(self.raw, qty=qty).name)[0]

	def produce(self, raw_lot: str, mixer_logs, oven_logs, qty: float = 2):
		"""Returns (order, entry, made lot); logs are (from, to, operator index) with the quantity
		completed on the last log."""
		order = make_wo_order_test_record(
			production_item=self.finished,
			bom_no=self.bom,
			qty=qty,
			company=self.company,
			source_warehouse=self.warehouse,
			fg_warehouse=self.warehouse,
			wip_warehouse=self.warehouse,
			skip_transfer=1,
			stock_uom="Nos",
		)
		for station, logs in ((self.mixer, mixer_logs), (self.oven, oven_logs)):
			card = frappe.get_doc("Job Card", {"work_order": order.name, "workstation": station})
			for n, (start, end, operator) in enumerate(logs):
				card.append(
					"time_logs",
					{
						"from_time": start,
						"to_time": end,
						"employee": self.operators[operator],
						"completed_qty": qty if n == len(logs) - 1 else 0,
					},
				)
			card.save()
			card.submit()
		entry = frappe.get_doc(make_stock_entry(order.name, "Manufacture", qty))
		by_lot(entry, self.raw, [(raw_lot, qty)])
		entry.insert()
		entry.submit()
		(made,) = get_received_batches(entry.name, "Stock Entry")
		return order, entry, made


def runs_of(entry: str) -> set[tuple]:
	return {
		(r.lot, r.role, r.workstation, get_datetime(r.from_time), get_datetime(r.to_time))
		for r in frappe.get_all(
			"Lot Production Run",
			filters={"stock_entry": entry},
			fields=["lot", "role", "workstation", "from_time", "to_time"],
		)
	}


class TestProductionRuns(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.line = ProductionLine()
		line = cls.line
		# The mixer on the line was contaminated from Tuesday 06:00 to Wednesday 14:00.
		cls.inside = line.produce(
			r_inside := line.raw_lot(),
			[(at(3, 8), at(3, 9), 0), (at(3, 10), at(3, 11), 1)],
			[(at(3, 12), at(3, 13), 0)],
		)
		cls.r_inside = r_inside
		cls.outside = line.produce(
			r_outside := line.raw_lot(),
			[(at(5, 8), at(5, 9), 0)],
			# the oven ran during the window, but the oven is not the mixer
			[(at(4, 8), at(4, 9), 0)],
		)
		cls.r_outside = r_outside
		cls.straddling = line.produce(
			r_straddling := line.raw_lot(),
			[(at(3, 4), at(3, 5), 0), (at(3, 5), at(3, 7), 1)],  # began before 06:00, ended inside
			[(at(5, 12), at(5, 13), 1)],
		)
		cls.r_straddling = r_straddling
		cls.ended_at_start = line.produce(
			r_edge := line.raw_lot(),
			[(at(3, 5), at(3, 6), 0)],  # ended exactly as the window began
			[(at(3, 7), at(3, 8), 0)],
		)
		cls.r_edge = r_edge

	def test_each_lot_made_and_consumed_runs_on_each_job_card_of_its_work_order(self):
		line = self.line
		_order, entry, made = self.inside
		self.assertEqual(
			runs_of(entry.name),
			{
				(made, "Made", line.mixer, at(3, 8), at(3, 11)),
				(made, "Made", line.oven, at(3, 12), at(3, 13)),
				(self.r_inside, "Consumed", line.mixer, at(3, 8), at(3, 11)),
				(self.r_inside, "Consumed", line.oven, at(3, 12), at(3, 13)),
			},
		)
		mixer_run = frappe.get_all(
			"Lot Production Run",
			filters={"stock_entry": entry.name, "lot": made, "workstation": line.mixer},
			fields=["employees", "job_card", "operation", "work_order", "qty", "item"],
		)[0]
		for operator in line.operators:
			self.assertIn(operator, mixer_run.employees)
		self.assertEqual(
			(mixer_run.work_order, mixer_run.qty, mixer_run.item), (entry.work_order, 2, line.finished)
		)
		self.assertTrue(mixer_run.job_card and mixer_run.operation)

	def test_the_mixer_window_holds_exactly_the_lots_it_made_or_consumed_during_it(self):
		window = production_runs.window_runs([self.line.mixer], TUESDAY_0600, WEDNESDAY_1400)
		self.assertEqual(window.made, sorted([self.inside[2], self.straddling[2]]))
		self.assertEqual(window.consumed, sorted([self.r_inside, self.r_straddling]))
		for outside in (self.outside[2], self.r_outside, self.ended_at_start[2], self.r_edge):
			self.assertNotIn(outside, window.lots)

	def test_a_deviation_on_the_mixer_window_holds_exactly_those_lots(self):
		deviation = frappe.get_doc(
			{
				"doctype": "Lot Deviation",
				"title": "Mixer contaminated",
				"deviation_type": "Suspected Contamination",
				"company": self.line.company,
				"scope_type": "Workstation and Time Window",
				"workstations": [{"workstation": self.line.mixer}],
				"window_from": TUESDAY_0600,
				"window_to": WEDNESDAY_1400,
			}
		).insert()
		self.assertEqual(
			sorted(row.batch for row in deviation.lots),
			sorted([self.inside[2], self.straddling[2], self.r_inside, self.r_straddling]),
		)

	def test_a_recall_drill_takes_the_mixer_window_as_its_source(self):
		from lot_traceability.tests.test_recall import new_recall

		recall = new_recall(
			is_mock=1,
			source_workstations=[{"workstation": self.line.mixer}],
			window_from=TUESDAY_0600,
			window_to=WEDNESDAY_1400,
		)
		self.assertEqual(sorted(row.batch for row in recall.source_lots), self.window_lots())
		affected = {
			row.batch
			for row in frappe.get_all("Lot Recall Lot", filters={"parent": recall.name}, fields=["batch"])
		}
		self.assertTrue(set(self.window_lots()) <= affected)

	def test_refusals_of_a_window(self):
		cases = (
			([], TUESDAY_0600, WEDNESDAY_1400, "Choose the workstation"),
			([self.line.mixer], WEDNESDAY_1400, TUESDAY_0600, "before or when it begins"),
			([self.line.mixer], at(1, 0), datetime(2026, 12, 3), "longer than"),
			(["_LT no such workstation"], TUESDAY_0600, WEDNESDAY_1400, "does not exist"),
		)
		for stations, start, end, words in cases:
			with self.assertRaises(RunWindowError) as caught:
				production_runs.window_runs(stations, start, end)
			self.assertIn(words, str(caught.exception))

	def test_check_finds_a_run_deleted_behind_the_apps_back_and_rebuild_restores_it(self):
		_order, entry, made = self.outside
		self.assertEqual(production_runs.differences([entry.name]), [])
		frappe.db.delete(
			"Lot Production Run", {"stock_entry": entry.name, "lot": made, "workstation": self.line.mixer}
		)
		found = production_runs.differences([entry.name])
		self.assertEqual(
			[(row.problem, row.key[1], row.key[4]) for row in found], [("missing", made, self.line.mixer)]
		)
		production_runs.reconcile()
		self.assertEqual(production_runs.differences([entry.name]), [])

	def test_cancelling_the_manufacture_removes_its_runs(self):
		line = self.line
		_order, entry, _made = line.produce(
			line.raw_lot(), [(at(6, 8), at(6, 9), 0)], [(at(6, 10), at(6, 11), 0)]
		)
		self.assertEqual(len(runs_of(entry.name)), 4)
		frappe.get_doc("Stock Entry", entry.name).cancel()
		self.assertEqual(runs_of(entry.name), set())
		self.assertEqual(production_runs.differences([entry.name]), [])

	def window_lots(self) -> list[str]:
		return sorted([self.inside[2], self.straddling[2], self.r_inside, self.r_straddling])

	def test_the_scope_method_recalls_forward_from_the_window_lots(self):
		answer = api.get_workstation_window_scope(
			[self.line.mixer], str(TUESDAY_0600), str(WEDNESDAY_1400), company=self.line.company
		)
		self.assertEqual(sorted(answer["made"] + answer["consumed"]), self.window_lots())
		self.assertEqual(sorted(answer["scope"]["roots"]), self.window_lots())
		self.assertTrue({self.inside[2], self.straddling[2]} <= {lot.lot for lot in answer["scope"]["lots"]})
		with self.assertRaises(RunWindowError) as caught:
			api.get_workstation_window_scope(self.line.mixer, str(WEDNESDAY_1400), str(TUESDAY_0600))
		self.assertIn("before or when it begins", str(caught.exception))

	def test_the_recall_impact_report_takes_a_workstation_window(self):
		_columns, data, *_rest = recall_impact.execute(
			{
				"workstation": [self.line.mixer],
				"from_datetime": str(TUESDAY_0600),
				"to_datetime": str(WEDNESDAY_1400),
				"section": "Affected Lots",
			}
		)
		shown = {row.get("lot") for row in data}
		self.assertTrue(set(self.window_lots()) <= shown)
		self.assertNotIn(self.outside[2], shown)
		self.assertNotIn(self.r_edge, shown)

	def test_company_walls_leave_out_the_lots_of_other_companies(self):
		other = frappe.db.get_value("Company", {"name": ("!=", self.line.company)})
		user = make_user("_lt_runs_walled@example.com", ["Stock User", "Manufacturing User"])
		if not frappe.db.exists("User Permission", {"user": user, "allow": "Company"}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": user, "allow": "Company", "for_value": other}
			).insert(ignore_permissions=True)
		frappe.set_user(user)
		try:
			window = production_runs.window_runs([self.line.mixer], TUESDAY_0600, WEDNESDAY_1400)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(window.lots, [])
		self.assertEqual(window.hidden, {"lots": 4})
		self.assertIn("4 lots at companies you may not read", window.hidden_note)

	def test_the_batch_record_shows_runs_operators_inputs_inspections_and_yield(self):
		from erpnext.stock.doctype.quality_inspection.test_quality_inspection import create_quality_inspection

		line = self.line
		_order, entry, made = self.inside
		supplier_lot = f"_LT-SUP-{frappe.generate_hash(length=5)}"
		frappe.db.set_value("Batch", self.r_inside, "supplier_lot_no", f"{supplier_lot}<img src=x>")
		qi = create_quality_inspection(
			item_code=line.finished,
			reference_type="Stock Entry",
			reference_name=entry.name,
			inspection_type="In Process",
			do_not_save=True,
		)
		qi.batch_no = made
		qi.manual_inspection = 1
		qi.status = "Accepted"
		for reading in qi.readings:
			reading.manual_inspection = 1
			reading.status = "Accepted"
		qi.insert()
		qi.submit()

		html = frappe.get_print("Batch", made, print_format="Lot Batch Record")
		for shown in (
			line.mixer,
			line.oven,
			entry.name,
			entry.work_order,
			self.r_inside,
			supplier_lot,
			qi.name,
			"100.0 %",
		):
			self.assertIn(shown, html)
		for operator in line.operators:
			self.assertIn(operator, html)
		self.assertIn(f"{supplier_lot}&lt;img src=x&gt;", html)  # printed as text
		self.assertNotIn("<img src=x", html)
		with assets_served():
			pdf = frappe.get_print("Batch", made, print_format="Lot Batch Record", as_pdf=True)
		self.assertTrue(pdf.startswith(b"%PDF"))

	def test_the_batch_record_of_another_companys_lot_is_refused(self):
		other = frappe.db.get_value("Company", {"name": ("!=", self.line.company)})
		user = make_user("_lt_runs_walled@example.com", ["Stock User", "Manufacturing User"])
		if not frappe.db.exists("User Permission", {"user": user, "allow": "Company"}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": user, "allow": "Company", "for_value": other}
			).insert(ignore_permissions=True)
		frappe.set_user(user)
		try:
			with self.assertRaises(frappe.PermissionError):
				batch_record.lot_batch_record(self.inside[2])
		finally:
			frappe.set_user("Administrator")


class TestRunAnomalies(FrappeTestCase):
	def test_a_run_far_slower_than_its_workstation_usually_is_appears_in_lot_exceptions(self):
		from frappe.utils import getdate, today

		from lot_traceability.foresight import anomalies
		from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions

		line = ProductionLine()
		for n in range(6):  # the mixer's usual: an hour for 2
			line.produce(
				line.raw_lot(), [(at(10 + n, 8), at(10 + n, 9), 0)], [(at(10 + n, 10), at(10 + n, 11), 0)]
			)
		_order, _entry, slow = line.produce(
			line.raw_lot(), [(at(20, 8), at(20, 18), 1)], [(at(20, 19), at(20, 20), 0)]
		)
		anomalies.compute_anomalies(getdate(today()))
		card = frappe.db.get_value("Job Card", {"work_order": _order.name, "workstation": line.mixer})
		_columns, data, *_rest = lot_exceptions.execute(
			{"company": line.company, "kind": "Unusual Run Duration"}
		)
		(row,) = [row for row in data if row["lot"] == slow]
		self.assertIn("run_duration", row["kinds"])
		self.assertIn(f"Job Card {card} on {line.mixer}", row["reasons"])
		self.assertEqual((row["document_type"], row["document"]), ("Job Card", card))
