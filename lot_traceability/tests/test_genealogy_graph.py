"""The Lot Genealogy graph on real documents: the demo milk powder in the middle, its dairy on the
left, both cake-mix lots and both bakeries on the right with the quantities the ledger says; a
group opens on request; permissions and bad input refused."""

import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability import api, demo
from lot_traceability.tests.utils import demo_milk_and_cakes, make_user

CONTAMINATED = "DC-5531"
NO_READ_USER = "lt-graph-noread@example.com"


class TestGenealogyGraph(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()  # the demo kept whole, not undone by this class's rollback
		cls.milk, cls.cakes = demo_milk_and_cakes()
		make_user(NO_READ_USER, ["Accounts User"])
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_the_milk_powder_graph_shows_both_cake_mix_lots_and_both_bakeries_with_the_ledgers_quantities(
		self,
	):
		graph = api.get_lot_graph(self.milk)
		nodes = {node["id"]: node for node in graph["nodes"]}
		edges = {(edge["source"], edge["target"]): edge["qty"] for edge in graph["edges"]}
		self.assertTrue(nodes[self.milk]["root"])
		self.assertEqual(len(self.cakes), 2)
		for cake in self.cakes:
			self.assertEqual(nodes[cake]["column"], 1)
			consumed = frappe.db.sql(
				"select sum(qty) from `tabLot Genealogy` where parent_lot = %s and child_lot = %s",
				(self.milk, cake),
			)[0][0]
			self.assertAlmostEqual(edges[(self.milk, cake)], float(consumed))
			for (customer,) in frappe.db.sql(
				"""select distinct party from `tabLot Ledger Entry` where batch_no = %s
				and voucher_type = 'Delivery Note'""",
				cake,
			):
				delivered = frappe.db.sql(
					"""select -sum(qty) from `tabLot Ledger Entry` where batch_no = %s and party = %s
					and voucher_type = 'Delivery Note'""",
					(cake, customer),
				)[0][0]
				self.assertAlmostEqual(edges[(cake, f"customer:{customer}")], float(delivered))
		self.assertEqual(
			{node["label"] for node in graph["nodes"] if node["kind"] == "customer"},
			{"Demo Bakery North", "Demo Bakery South"},
		)
		received = frappe.db.sql(
			"""select sum(qty) from `tabLot Ledger Entry` where batch_no = %s
			and voucher_type = 'Purchase Receipt'""",
			self.milk,
		)[0][0]
		self.assertAlmostEqual(edges[("supplier:Demo Dairy Cooperative", self.milk)], float(received))
		self.assertEqual(nodes[self.milk]["status"], frappe.db.get_value("Batch", self.milk, "lot_status"))
		self.assertIn(nodes[self.milk]["status"], graph["colours"])

	def test_a_small_limit_groups_and_expand_opens(self):
		graph = api.get_lot_graph(self.milk, limit=1)
		ids = {node["id"] for node in graph["nodes"]}
		self.assertIn("column:1:DEMO-CAKE-MIX", ids)
		self.assertIn("customers", ids)
		group = next(node for node in graph["nodes"] if node["id"] == "column:1:DEMO-CAKE-MIX")
		self.assertEqual(group["lots"], 2)
		opened = api.get_lot_graph(self.milk, expand='["column:1:DEMO-CAKE-MIX", "customers"]', limit=1)
		ids = {node["id"] for node in opened["nodes"]}
		self.assertTrue(set(self.cakes) <= ids)
		self.assertIn("customer:Demo Bakery North", ids)

	def test_refusals(self):
		with self.assertRaisesRegex(frappe.DoesNotExistError, "Lot <strong>NO-SUCH</strong> does not exist"):
			api.get_lot_graph("NO-SUCH")
		frappe.set_user(NO_READ_USER)
		with self.assertRaisesRegex(
			frappe.PermissionError, f"You may not read lot <strong>{self.milk}</strong>"
		):
			api.get_lot_graph(self.milk)
