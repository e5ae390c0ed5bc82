"""The kept lot ledger holds one row per submitted bundle entry of a lot, with the document's party
and the sales amount, follows submits and cancels on every path, and equals its rebuild."""

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from lot_traceability import lot_ledger
from lot_traceability.queries import lots as lot_queries
from lot_traceability.tests.utils import (
	TEST_CUSTOMER,
	TEST_SUPPLIER,
	delivery_note,
	make_customer,
	make_lot,
	make_warehouse,
	sales_invoice,
	stock_entry,
)


def kept(batch):
	return sorted(
		(row.voucher_type, flt(row.qty), row.purpose or None, row.party, round(flt(row.sales_amount), 6))
		for row in frappe.get_all(
			"Lot Ledger Entry",
			filters={"batch_no": batch},
			fields=["voucher_type", "qty", "purpose", "party", "sales_amount"],
		)
	)


def ship(lot, qty, rate):
	"""A submitted Delivery Note of `qty` of the lot to the test customer."""
	make_customer()
	note = delivery_note(lot.item, qty, lot.batch, rate=rate)
	note.insert()
	note.submit()
	return note


class TestLotLedger(FrappeTestCase):
	def assert_ledger_agrees(self, *batches):
		self.assertEqual(lot_ledger.differences(list(batches)), [])

	def test_every_movement_of_a_lot_is_kept_with_its_party_and_sales_amount(self):
		lot = make_lot(qty=20)
		self.assertEqual(kept(lot.batch), [("Purchase Receipt", 20.0, None, TEST_SUPPLIER, 0.0)])
		other = make_warehouse("_Lot Ledger East")
		moved = stock_entry(
			lot.item, 8, "Material Transfer", source=lot.warehouse, target=other, batch=lot.batch
		)
		moved.submit()
		make_customer()
		shipped = delivery_note(lot.item, 5, lot.batch, rate=12)
		shipped.insert()
		shipped.submit()
		invoiced = sales_invoice(lot.item, 2, lot.batch, rate=30)
		invoiced.insert()
		invoiced.submit()
		back = make_sales_return(shipped.name)
		back.items[0].qty = -1
		back.insert()
		back.submit()
		self.assertEqual(
			kept(lot.batch),
			sorted(
				[
					("Purchase Receipt", 20.0, None, TEST_SUPPLIER, 0.0),
					("Stock Entry", -8.0, "Material Transfer", None, 0.0),
					("Stock Entry", 8.0, "Material Transfer", None, 0.0),
					("Delivery Note", -5.0, None, TEST_CUSTOMER, 60.0),
					("Sales Invoice", -2.0, None, TEST_CUSTOMER, 60.0),
					("Delivery Note", 1.0, None, TEST_CUSTOMER, -12.0),
				]
			),
		)
		self.assert_ledger_agrees(lot.batch)
		for document in (back, invoiced, shipped, moved):
			document.reload()
			document.cancel()
		self.assertEqual(kept(lot.batch), [("Purchase Receipt", 20.0, None, TEST_SUPPLIER, 0.0)])
		self.assert_ledger_agrees(lot.batch)

	def test_rebuild_and_reconcile_repair_rows_the_hooks_missed(self):
		lot = make_lot(qty=6)
		shipped = ship(lot, 2, rate=5)
		frappe.db.delete("Lot Ledger Entry", {"voucher_no": shipped.name})
		frappe.db.set_value("Lot Ledger Entry", {"batch_no": lot.batch}, "qty", 99)
		problems = sorted(row.problem for row in lot_ledger.differences([lot.batch]))
		self.assertEqual(problems, ["differs in qty", "missing from the lot ledger"])
		self.assertIn(lot.batch, {row.batch_no for row in lot_ledger.reconcile()})
		self.assert_ledger_agrees(lot.batch)
		self.assertEqual(
			kept(lot.batch),
			sorted(
				[
					("Purchase Receipt", 6.0, None, TEST_SUPPLIER, 0.0),
					("Delivery Note", -2.0, None, TEST_CUSTOMER, 10.0),
				]
			),
		)
		count = lot_ledger.rebuild()
		self.assertEqual(count, frappe.db.count("Lot Ledger Entry"))
		self.assert_ledger_agrees(lot.batch)


class TestReadIndexes(FrappeTestCase):
	def test_traces_and_recalls_read_covering_indexes(self):
		"""Created with the doctypes (and by migrate on sites that had them): the trace and recall
		reads depend on them."""
		for table, index in (
			("tabLot Ledger Entry", "lot_movements"),
			("tabLot Genealogy", "lot_forward"),
			("tabLot Genealogy", "lot_backward"),
		):
			self.assertTrue(frappe.db.has_index(table, index), f"{index} on {table}")
		lots = [frappe.db.get_value("Lot Ledger Entry", {}, "batch_no") or "none"]
		plan = frappe.db.sql(
			"explain select batch_no, voucher_type, voucher_no, posting_date, qty, purpose, party,"
			" warehouse, sales_amount from `tabLot Ledger Entry` where batch_no in %(lots)s",
			{"lots": lots},
			as_dict=True,
		)
		self.assertIn("Using index", plan[0].Extra)


class TestLotMovementReads(FrappeTestCase):
	def test_packed_rows_and_their_json_fallback_agree(self):
		from unittest.mock import patch

		from lot_traceability.queries import lot_ledger as reads

		lot = make_lot(qty=7)
		shipped = ship(lot, 3, rate=4)
		packed = reads.get_lot_movements([lot.batch], reads.RECALL_FIELDS)
		with patch.object(reads.packed, "read", return_value=None):  # as if a value held a separator
			from_json = reads.get_lot_movements([lot.batch], reads.RECALL_FIELDS)
		self.assertEqual(sorted(map(tuple, packed)), sorted(map(tuple, from_json)))
		self.assertIn(
			(lot.batch, "Delivery Note", shipped.name, str(shipped.posting_date), -3.0),
			{tuple(row[:5]) for row in packed},
		)
		self.assertEqual(len(packed), 2)

	def test_each_connection_has_its_packing_limit_raised_on_its_first_packed_read(self):
		# the limit is a session setting, raised once per connection: a new one (another worker's,
		# a replica's) is raised on its own first packed read, else long packed reads come back cut
		raised = "select @@session.group_concat_max_len = @@max_allowed_packet"
		lot = make_lot(qty=2)
		self.assertEqual(lot_queries.get_lot_details([lot.batch])[lot.batch].item, lot.item)
		self.assertEqual(frappe.db.sql(raised)[0][0], 1)
		main = frappe.local.db
		other = frappe.database.get_db(
			user=frappe.conf.db_name, password=frappe.conf.db_password, cur_db_name=frappe.conf.db_name
		)
		try:
			other.connect()
			# a new session starts at the server's default (1 MB unless configured): made small here
			other.sql("set session group_concat_max_len = 1024")
			self.assertEqual(other.sql(raised)[0][0], 0)
			frappe.local.db = other
			self.assertEqual(lot_queries.get_lot_details([lot.batch]), {})  # not committed: not seen
			self.assertEqual(other.sql(raised)[0][0], 1)
		finally:
			frappe.local.db = main
			other.close()
		self.assertEqual(lot_queries.get_lot_details([lot.batch])[lot.batch].item, lot.item)

	def test_a_value_holding_a_separator_is_read_another_way(self):

		from lot_traceability.queries import lot_ledger as reads
		from lot_traceability.traceability.packing import RECORD, UNIT

		lot = make_lot(qty=7, expiry_date="2031-05-17")
		clean = make_lot(qty=2)
		odd = f"SUP{UNIT}7{RECORD}B"
		frappe.db.set_value("Batch", lot.batch, "supplier_lot_no", odd)
		frappe.db.set_value("Lot Ledger Entry", {"batch_no": lot.batch}, "purpose", f"Odd{UNIT}purpose")
		self.assertIsNone(
			reads.packed.read(
				["name", "supplier_lot_no"],
				"from `tabBatch` where name = %(lot)s",
				{"lot": lot.batch},
				[False, False],
			)
		)
		details = lot_queries.get_lot_details([lot.batch, clean.batch])
		self.assertEqual(details[lot.batch].supplier_lot_no, odd)
		self.assertEqual(str(details[lot.batch].expiry_date), "2031-05-17")
		self.assertEqual(details[clean.batch].item, clean.item)
		moves = reads.get_lot_movements([lot.batch, clean.batch], reads.RECALL_FIELDS)
		self.assertEqual(
			sorted((row[0], row[5]) for row in moves),
			sorted([(lot.batch, f"Odd{UNIT}purpose"), (clean.batch, None)]),
		)
