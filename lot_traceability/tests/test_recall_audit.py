"""A recall's audit pack on real documents: the demo milk-powder recall (a drill, then a real one)
downloads as one ZIP with its four parts — the summary PDF rendered by Frappe's print
(wkhtmltopdf), the customer notice list, the EPCIS document and the FSMA 204 spreadsheet — and the
summary states the drill's figures: time to scope and the share of the affected quantity located."""

import csv
import io
import json
import zipfile

import frappe

from lot_traceability import api, demo
from lot_traceability.recall import audit as recall_audit
from lot_traceability.tests.test_recall import new_recall
from lot_traceability.tests.utils import AsAdministrator, make_user

CONTAMINATED = "DC-5531"
NO_READ_USER = "lt-audit-noread@example.com"
REQUESTER = "lt-audit-requester@example.com"
APPROVER = "lt-audit-approver@example.com"


class TestRecallAuditPack(AsAdministrator):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()  # the demo kept whole, not undone by this class's rollback
		make_user(NO_READ_USER, ["Accounts User"])
		frappe.db.commit()

	def drill(self):
		recall = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		recall.submit()
		return recall

	def test_the_pack_of_the_demo_drill_holds_its_four_parts(self):
		recall = self.drill()
		filename, content = recall_audit.pack(recall.name)
		self.assertEqual(filename, f"{recall.name} audit pack.zip")
		archive = zipfile.ZipFile(io.BytesIO(content))
		names = sorted(archive.namelist())
		self.assertEqual(
			names,
			sorted(
				[
					f"{recall.name} summary.pdf",
					f"{recall.name} customer notice list.csv",
					f"{recall.name} EPCIS.jsonld",
					f"{recall.name} FSMA 204.xlsx",
				]
			),
		)
		pdf = archive.read(f"{recall.name} summary.pdf")
		self.assertTrue(pdf.startswith(b"%PDF"))
		notice = list(
			csv.reader(io.StringIO(archive.read(f"{recall.name} customer notice list.csv").decode()))
		)
		self.assertEqual(notice[0][0], "Customer")
		self.assertEqual({line[0] for line in notice[1:]}, {row.customer for row in recall.customers})
		self.assertEqual({line[0] for line in notice[1:]}, {"Demo Bakery North", "Demo Bakery South"})
		document = json.loads(archive.read(f"{recall.name} EPCIS.jsonld"))
		self.assertEqual(document["type"], "EPCISDocument")
		self.assertTrue(document["epcisBody"]["eventList"])
		from openpyxl import load_workbook

		sheet = load_workbook(io.BytesIO(archive.read(f"{recall.name} FSMA 204.xlsx"))).active
		self.assertEqual(sheet.cell(row=1, column=1).value, "Critical Tracking Event")
		self.assertGreater(sheet.max_row, 1)

	def test_the_summary_states_the_drills_time_to_scope_and_share_located(self):
		recall = self.drill()
		figures = recall_audit.audit_figures(recall.name)
		balance = figures["balance"]
		# by hand from the ledger: what the scope's lots were made or received as, and where it went
		lots = set(recall.scope_lots())
		made = frappe.db.sql(
			"""select sum(qty) from `tabLot Ledger Entry` where batch_no in %(lots)s and qty > 0
			and (voucher_type = 'Purchase Receipt' or (voucher_type = 'Stock Entry' and purpose = 'Manufacture'))""",
			{"lots": sorted(lots)},
		)[0][0]
		self.assertAlmostEqual(balance["made"], float(made))
		on_hand = frappe.db.sql(
			"select sum(qty) from `tabLot Ledger Entry` where batch_no in %(lots)s", {"lots": sorted(lots)}
		)[0][0]
		self.assertAlmostEqual(balance["on_hand"], float(on_hand))
		self.assertAlmostEqual(
			balance["located"], balance["on_hand"] + balance["shipped"] + balance["consumed"]
		)
		self.assertAlmostEqual(balance["share_located"], balance["located"] / balance["made"])
		html = frappe.get_print("Lot Recall", recall.name, print_format=recall_audit.PRINT_FORMAT)
		self.assertIn("Recall drill", html)
		self.assertIn(f"{recall.time_to_scope:.3f} s", html)
		self.assertIn(f"{balance['share_located'] * 100:.1f} %", html)
		for site in figures["by_site"]:
			self.assertIn(site["warehouse"], html)

	def test_a_real_recall_lists_its_actions_with_user_and_time_and_its_tasks(self):
		recall = new_recall(supplier_lot_no=CONTAMINATED)
		recall.submit()
		figures = recall_audit.audit_figures(recall.name)
		self.assertTrue(figures["actions"])
		for action in figures["actions"]:
			self.assertTrue(action["user"] and action["time"])
		self.assertEqual(len(figures["actions"]), len(recall.actions))
		self.assertTrue(figures["tasks"])
		self.assertEqual(
			{task["allocated_to"] for task in figures["tasks"]},
			set(
				frappe.get_all(
					"ToDo",
					filters={
						"reference_type": ("in", ["Lot Recall", "Lot Status Change"]),
						"reference_name": ("in", [recall.name, recall.status_change]),
					},
					pluck="allocated_to",
				)
			),
		)
		html = frappe.get_print("Lot Recall", recall.name, print_format=recall_audit.PRINT_FORMAT)
		self.assertNotIn("Recall drill", html)
		self.assertIn(recall.actions[0].action, html)

	def test_a_draft_or_an_unreadable_recall_has_no_pack(self):
		draft = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		with self.assertRaisesRegex(frappe.ValidationError, "is not submitted"):
			recall_audit.pack(draft.name)
		recall = self.drill()
		frappe.set_user(NO_READ_USER)
		with self.assertRaises(frappe.PermissionError):
			recall_audit.pack(recall.name)

	def test_the_download_api(self):
		recall = self.drill()
		api.download_recall_audit_pack(recall.name)
		self.assertEqual(frappe.response["type"], "download")
		self.assertTrue(zipfile.is_zipfile(io.BytesIO(frappe.response["filecontent"])))


class TestAuditPackSignatures(AsAdministrator):
	"""The summary lists the signed status changes of the recall's lots, each with who signed, when,
	what it means and whether the change is still what was signed."""

	@classmethod
	def setUpClass(cls):
		from frappe.utils.password import update_password

		super().setUpClass()
		demo.load()
		frappe.db.commit()
		cls.password = frappe.generate_hash(length=16)
		for user in (REQUESTER, APPROVER):
			make_user(user, ["Quality Manager", "Stock User"])
		update_password(APPROVER, cls.password)
		cls.sign_off = frappe.db.get_single_value("Lot Traceability Settings", "require_sign_off")
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", 1)

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", cls.sign_off)
		super().tearDownClass()

	def test_a_lots_signed_release_is_listed_and_its_alteration_shown(self):
		from lot_traceability import signatures
		from lot_traceability.status_changes import approve_change, change_lot_status

		recall = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		recall.submit()
		lot = next(
			lot
			for lot in sorted(recall.scope_lots())
			if frappe.db.get_value("Batch", lot, "lot_status") == "Approved"
		)
		change_lot_status([lot], "Quarantined", reason="Held for the audit")
		frappe.set_user(REQUESTER)
		name = change_lot_status([lot], "Approved", reason="Checked again").name
		frappe.set_user(APPROVER)
		approve_change(name, self.password)
		frappe.set_user("Administrator")
		signatures.unlock(APPROVER)

		listed = {row["change"]: row for row in recall_audit.audit_figures(recall.name)["signatures"]}
		self.assertIn(name, listed)
		self.assertEqual(listed[name]["signed_by"], APPROVER)
		self.assertEqual(listed[name]["requested_by"], REQUESTER)
		self.assertEqual(listed[name]["meaning"], "Released")
		self.assertEqual(listed[name]["state"], signatures.VALID)
		html = frappe.get_print("Lot Recall", recall.name, print_format=recall_audit.PRINT_FORMAT)
		self.assertIn("Signed Status Changes of the Affected Lots", html)
		self.assertIn(name, html)

		row = frappe.db.get_value("Lot Status Change Lot", {"parent": name}, "name")
		frappe.db.set_value("Lot Status Change Lot", row, "from_status", "Approved")
		listed = {row["change"]: row for row in recall_audit.audit_figures(recall.name)["signatures"]}
		self.assertEqual(listed[name]["state"], signatures.BROKEN)
		html = frappe.get_print("Lot Recall", recall.name, print_format=recall_audit.PRINT_FORMAT)
		self.assertIn("Broken: the change was altered after it was signed", html)
