"""The demo loads the two stories as real documents, is idempotent and removable, and its lot
balances agree with the ledger."""

import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability import demo, install, lot_ledger
from lot_traceability.enforcement import LotNotAllowedError
from lot_traceability.genealogy import records as lineage
from lot_traceability.queries.lots import get_lot_balances
from lot_traceability.tests.utils import attempt

# (item, supplier lot no or position) -> (status, {warehouse: qty}) as the stories leave them
EXPECTED = {
	("DEMO-FLOUR", "MILL-24-117"): ("Approved", {"Stores - DFI": 400}),
	("DEMO-FLOUR", "MILL-24-118"): ("Rejected", {"Quarantine - DFI": 300}),
	("DEMO-FLOUR", "MILL-24-131"): ("Restricted", {"Stores - DFI": 150}),
	# the promise the stores cannot keep in full (demo/promising.py)
	("DEMO-FLOUR", "MILL-24-140"): ("Quarantined", {"Stores - DFI": 120}),
	("DEMO-FLOUR", "MILL-24-098"): ("Approved", {"Stores - DFI": 80}),
	("DEMO-MILK-POWDER", "DC-5531"): ("Approved", {"Stores - DFI": 120}),
	("DEMO-MILK-POWDER", "DC-5490"): ("Pending Inspection", {}),  # expired, written off
	("DEMO-SUGAR", "SUG-0902"): ("Approved", {"Stores - DFI": 280}),
	# returns: 2 restocked into East DC, 1 waiting in quarantine for its draft supplier return
	("DEMO-OLIVE-OIL", "OE-771"): (
		"Approved",
		{"Central DC - DSF": 20, "East DC - DSF": 32, "Quarantine DC - DSF": 1},
	),
	# held by the West DC deviation; the hotel's 2 came back into quarantine
	("DEMO-OLIVE-OIL", "OE-772"): (
		"Quarantined",
		{"Central DC - DSF": 10, "West DC - DSF": 18, "Quarantine DC - DSF": 2},
	),
	("DEMO-OLIVE-OIL", "OE-780"): ("Approved", {"North DC - DSR": 25}),
	("DEMO-PARMESAN", "CC-1408"): ("Approved", {"Central DC - DSF": 100}),
	("DEMO-PARMESAN", "CC-1422"): ("Pending Inspection", {"Central DC - DSF": 10}),  # waits for its CoA
}
FINISHED = {
	"DEMO-CAKE-MIX": [("Approved", {}), ("Approved", {"Finished Goods - DFI": 150})],
	"DEMO-PARMESAN-200G": [("Approved", {"Central DC - DSF": 40, "East DC - DSF": 30})],
}


def demo_lots():
	return frappe.get_all(
		"Batch",
		filters={"item": ("in", [key[0] for key in EXPECTED] + list(FINISHED))},
		fields=["name", "item", "supplier_lot_no", "lot_status", "manufacturing_date"],
		order_by="manufacturing_date asc, name asc",
	)


def ledger_by_warehouse(lot):
	"""The lot's quantity per warehouse in ERPNext's ledger (its bundles' entries). ERPNext's
	`get_batch_qty` is not used: it leaves out what Stock Reservation Entries hold."""
	rows = frappe.db.sql(
		"""select sle.warehouse, sum(entry.qty)
		from `tabSerial and Batch Entry` entry
		join `tabStock Ledger Entry` sle on sle.serial_and_batch_bundle = entry.parent
		where entry.batch_no = %s and sle.is_cancelled = 0
		group by sle.warehouse""",
		lot.name,
	)
	return {warehouse: qty for warehouse, qty in rows if qty}


class TestDemo(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if any(frappe.db.exists("Company", name) for name in demo.COMPANIES):
			demo.remove()
		demo.load()
		frappe.db.commit()

	def test_the_stories_leave_each_lot_where_and_as_expected(self):
		lots = demo_lots()
		finished = {item: [lot for lot in lots if lot.item == item] for item in FINISHED}
		for lot in lots:
			if lot.item in FINISHED:
				continue
			status, stock = EXPECTED[(lot.item, lot.supplier_lot_no)]
			self.assertEqual(lot.lot_status, status, lot.name)
			self.assertEqual(ledger_by_warehouse(lot), stock, lot.name)
		for item, expected in FINISHED.items():
			self.assertEqual(len(finished[item]), len(expected))
			for lot, (status, stock) in zip(finished[item], expected, strict=True):
				self.assertEqual((lot.lot_status, ledger_by_warehouse(lot)), (status, stock), lot.name)

	def test_lot_balances_agree_with_the_ledger(self):
		lots = demo_lots()
		balances = get_lot_balances([lot.name for lot in lots])
		for lot in lots:
			self.assertAlmostEqual(balances[lot.name], sum(ledger_by_warehouse(lot).values()), msg=lot.name)
			item_ledger = frappe.db.sql(
				"select sum(actual_qty) from `tabStock Ledger Entry` where is_cancelled = 0 and item_code = %s",
				lot.item,
			)[0][0]
			item_total = sum(balances[other.name] for other in lots if other.item == lot.item)
			self.assertAlmostEqual(float(item_ledger or 0), item_total, msg=lot.item)

	def test_lot_ledger_agrees_with_the_ledger(self):
		lots = [lot.name for lot in demo_lots()]
		self.assertTrue(frappe.db.count("Lot Ledger Entry", {"batch_no": ("in", lots)}))
		self.assertEqual(lot_ledger.differences(lots), [])

	def test_receipts_recorded_the_supplier_lots(self):
		for (item, supplier_lot), _ in EXPECTED.items():
			lot = frappe.db.get_value(
				"Batch",
				{"item": item, "supplier_lot_no": supplier_lot},
				["supplier", "received_date"],
				as_dict=True,
			)
			self.assertTrue(lot and lot.supplier and lot.received_date, (item, supplier_lot))

	def test_the_announced_balsamic_came_one_lot_short(self):
		from lot_traceability.demo import partners

		name = frappe.db.get_value("Lot Announcement", {"supplier": partners.SUPPLIER})
		announcement = frappe.get_doc("Lot Announcement", name)
		self.assertEqual(announcement.status, "Received with Findings")
		self.assertTrue(announcement.purchase_order)
		self.assertEqual(
			[(f.finding, f.supplier_lot_no, f.announced) for f in announcement.findings],
			[("Not Received", "AM-2613", "12.0")],
		)
		self.assertEqual([row.received_qty for row in announcement.lots], [12, 12, 0])

	def test_loading_again_changes_nothing(self):
		counts = {
			doctype: frappe.db.count(doctype)
			for doctype in ("Batch", "Stock Ledger Entry", "Lot Status Change")
		}
		self.assertIsNone(demo.load())
		self.assertEqual({doctype: frappe.db.count(doctype) for doctype in counts}, counts)

	def test_the_quarantined_lot_cannot_be_shipped(self):
		lot = frappe.db.get_value("Batch", {"supplier_lot_no": "OE-772"})
		_doc, error = attempt(
			lambda: frappe.get_doc(
				{
					"doctype": "Delivery Note",
					"company": "Demo Specialty Foods",
					"customer": "Demo Hotel Group",
					"selling_price_list": "Standard Selling",
					"items": [
						{
							"item_code": "DEMO-OLIVE-OIL",
							"qty": 1,
							"rate": 30,
							"warehouse": "West DC - DSF",
							"batch_no": lot,
							"use_serial_batch_fields": 1,
							"conversion_factor": 1,
						}
					],
				}
			)
		)
		self.assertIsInstance(error, LotNotAllowedError)

	def test_the_concession_flour_is_released_for_cake_mix_only_and_signed_off_by_two(self):
		lot = frappe.db.get_value("Batch", {"supplier_lot_no": "MILL-24-131"})
		restriction = frappe.get_doc("Lot Restriction", {"batch": lot, "is_active": 1})
		self.assertEqual(
			[(row.applies_to, row.value) for row in restriction.scope], [("Item", "DEMO-CAKE-MIX")]
		)
		self.assertEqual((restriction.cap_qty, restriction.concession_reference), (200, "DEV-26-031"))
		self.assertEqual(restriction.used_qty, 100)  # the second cake mix run
		change = frappe.get_doc("Lot Status Change", restriction.lot_status_change)
		self.assertEqual(change.workflow_state, "Approved")
		self.assertEqual(change.approved_by, demo.manufacturer.QUALITY_LEAD)
		self.assertNotEqual(change.requested_by, change.approved_by)
		self.assertEqual(frappe.db.get_value("Batch", lot, "restricted_to"), restriction.summary)
		_doc, error = attempt(
			lambda: frappe.get_doc(
				{
					"doctype": "Delivery Note",
					"company": "Demo Food Ingredients",
					"customer": "Demo Bakery South",
					"selling_price_list": "Standard Selling",
					"items": [
						{
							"item_code": "DEMO-FLOUR",
							"qty": 10,
							"rate": 1.5,
							"warehouse": "Stores - DFI",
							"batch_no": lot,
							"use_serial_batch_fields": 1,
							"conversion_factor": 1,
						}
					],
				}
			)
		)
		self.assertIsInstance(error, LotNotAllowedError)
		self.assertIn(lot, str(error))
		self.assertIn("to make DEMO-CAKE-MIX", str(error))

	def test_zz_remove_leaves_nothing_and_load_works_again(self):
		demo.remove()
		frappe.db.commit()
		self.assertFalse(any(frappe.db.exists("Company", name) for name in demo.COMPANIES))
		self.assertEqual(demo_lots(), [])
		self.assertFalse(frappe.db.exists("Item Group", "Demo Ingredients"))
		self.assertFalse(demo.is_loaded())
		self.assertTrue(demo.load())
		frappe.db.commit()
		self.assertTrue(demo.is_loaded())

	def test_zzz_a_demo_left_from_before_a_reinstall_is_made_afresh_and_genealogy_is_rebuilt(self):
		# re-installing the app clears the demo's marker (and drops its lot records): the companies stay
		frappe.db.set_default(demo.MARKER, None)
		old_lots = {lot.name for lot in demo_lots()}
		made = demo.load()
		frappe.db.commit()
		self.assertTrue(made)
		self.assertTrue(demo.is_loaded())
		self.assertFalse(
			old_lots & {lot.name for lot in demo_lots()}
		)  # made afresh, not mixed with what was left
		# an install (or re-install) fills an empty genealogy from the production vouchers
		frappe.db.delete("Lot Genealogy")
		install.after_migrate()
		self.assertGreater(frappe.db.count("Lot Genealogy"), 0)
		self.assertEqual(lineage.check(), [])
		frappe.db.commit()


class TestDemoTaxes(FrappeTestCase):
	"""The demo's sales tax templates hold one row each, however often the demo was loaded: a $40
	invoice pays the template's one rate, not that rate once per load."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if demo.is_loaded():  # loaded afresh: each load after a removal used to add a row
			demo.remove()
		demo.load()
		frappe.db.commit()

	def test_each_sales_tax_template_has_one_row_and_a_40_dollar_invoice_pays_its_rate(self):
		from erpnext.controllers.accounts_controller import get_taxes_and_charges

		checked = 0
		for company in demo.COMPANIES:
			if not frappe.db.exists("Company", company):
				continue
			for name in frappe.get_all(
				"Sales Taxes and Charges Template", filters={"company": company}, pluck="name"
			):
				rows = frappe.get_all(
					"Sales Taxes and Charges",
					filters={"parenttype": "Sales Taxes and Charges Template", "parent": name},
					fields=["account_head", "rate"],
				)
				self.assertEqual(len(rows), 1, (name, rows))
				invoice = frappe.get_doc(
					{
						"doctype": "Sales Invoice",
						"company": company,
						"customer": "Demo Bakery North",
						"currency": frappe.get_cached_value("Company", company, "default_currency"),
						"conversion_rate": 1,
						"plc_conversion_rate": 1,
						"taxes_and_charges": name,
						"items": [
							{
								"item_code": "DEMO-FLOUR",
								"qty": 1,
								"rate": 40,
								"conversion_factor": 1,
								"uom": "Kg",
								"stock_uom": "Kg",
							}
						],
					}
				)
				invoice.set("taxes", get_taxes_and_charges("Sales Taxes and Charges Template", name))
				invoice.calculate_taxes_and_totals()
				self.assertAlmostEqual(invoice.total_taxes_and_charges, 40 * rows[0].rate / 100, msg=name)
				checked += 1
		self.assertGreater(checked, 0)
