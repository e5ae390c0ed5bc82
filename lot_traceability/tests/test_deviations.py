"""Deviations: the lots a warehouse held during a window (read from the ledger, those gone since with
where they went), held in one change on submit, closed by carrying out each lot's disposition."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate

from lot_traceability.deviations import DeviationError, complaint_from_delivery_note
from lot_traceability.tests.utils import (
	TEST_CUSTOMER,
	get_company,
	get_received_batches,
	make_customer,
	make_lot_item,
	make_user,
	make_warehouse,
	receive,
	stock_entry,
)
from lot_traceability.tests.utils import delivery_note as new_delivery_note

DAY = add_days(nowdate(), -5)  # the day of the excursion
QUALITY = "deviation.quality@example.com"


def at(day_offset: int, time: str) -> dict:
	return {"posting_date": add_days(DAY, day_offset), "posting_time": time}


def posted(doc, when: dict):
	doc.update({**when, "set_posting_time": 1})
	doc.submit()
	return doc


class DeviationCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sign_off = frappe.db.get_single_value("Lot Traceability Settings", "require_sign_off")
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", 0)
		make_user(QUALITY, ["Quality Manager", "Stock User"])
		make_customer()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", cls.sign_off)
		frappe.db.commit()
		super().tearDownClass()

	def lot_into(self, warehouse, qty, when):
		item = make_lot_item()
		receipt = receive(item, qty=qty, warehouse=warehouse, **when)
		(lot,) = get_received_batches(receipt.name)
		return frappe._dict(item=item, lot=lot, receipt=receipt)

	def deviation(self, **values):
		doc = frappe.get_doc(
			{
				"doctype": "Lot Deviation",
				"title": "Cold room failure",
				"deviation_type": "Temperature Excursion",
				"company": get_company(),
				**values,
			}
		)
		doc.insert()
		return doc


class TestWindow(DeviationCase):
	def setUp(self):
		tag = frappe.generate_hash(length=5)
		self.cold = make_warehouse(f"_Lot Cold Room {tag}")
		self.other = make_warehouse(f"_Lot Other Room {tag}")
		cold, other = self.cold, self.other
		self.before = self.lot_into(cold, 5, at(-5, "09:00:00"))  # there all along
		self.during = self.lot_into(cold, 4, at(0, "12:00:00"))  # came in during the window
		self.after = self.lot_into(cold, 3, at(0, "19:00:00"))  # came in after it closed, same day
		self.later = self.lot_into(cold, 3, at(2, "09:00:00"))  # came in days later
		self.moved = self.lot_into(cold, 6, at(-5, "09:00:00"))  # moved out during the window
		posted(
			stock_entry(self.moved.item, 6, "Material Transfer", cold, other, self.moved.lot),
			at(0, "10:00:00"),
		)
		self.shipped = self.lot_into(cold, 2, at(-5, "09:00:00"))  # shipped during the window
		note = new_delivery_note(self.shipped.item, 2, self.shipped.lot, warehouse=cold)
		note.update({**at(0, "11:00:00"), "set_posting_time": 1})
		note.insert()
		note.submit()
		self.gone = self.lot_into(cold, 2, at(-5, "09:00:00"))  # left before the window opened
		posted(
			stock_entry(self.gone.item, 2, "Material Transfer", cold, other, self.gone.lot),
			at(-1, "09:00:00"),
		)
		self.early_morning = self.lot_into(cold, 1, at(0, "07:00:00"))  # in before it opened, left during it
		posted(
			stock_entry(self.early_morning.item, 1, "Material Transfer", cold, other, self.early_morning.lot),
			at(0, "09:00:00"),
		)

	def window(self, **values):
		return self.deviation(
			scope_type="Warehouse and Time Window",
			warehouse=self.cold,
			window_from=f"{DAY} 08:00:00",
			window_to=f"{DAY} 18:00:00",
			**values,
		)

	def test_the_window_holds_exactly_the_lots_the_ledger_shows_there_and_lists_those_gone(self):
		doc = self.window()
		rows = {row.batch: row for row in doc.lots}
		expected = {
			self.before.lot,
			self.during.lot,
			self.moved.lot,
			self.shipped.lot,
			self.early_morning.lot,
		}
		self.assertEqual(set(rows), expected)
		self.assertEqual(rows[self.before.lot].state, "In Stock")
		self.assertEqual(rows[self.during.lot].state, "In Stock")
		for lot in (self.moved.lot, self.shipped.lot, self.early_morning.lot):
			self.assertEqual(rows[lot].state, "Moved On", lot)
		self.assertIn(self.other, rows[self.moved.lot].moved_to)
		self.assertIn("Delivery Note", rows[self.shipped.lot].moved_to)
		self.assertIn(TEST_CUSTOMER, rows[self.shipped.lot].moved_to)
		self.assertEqual(rows[self.moved.lot].on_hand_qty, 6)  # still in stock, elsewhere
		self.assertEqual(rows[self.shipped.lot].on_hand_qty, 0)

		doc.submit()
		doc.reload()
		held = {row.batch for row in doc.lots if row.held}
		# every lot of the window still in stock, wherever it is now; not the one shipped away
		self.assertEqual(held, {self.before.lot, self.during.lot, self.moved.lot, self.early_morning.lot})
		change = frappe.get_doc("Lot Status Change", doc.status_change)
		self.assertEqual({row.batch for row in change.lots}, held)
		self.assertEqual((change.to_status, change.source), ("Quarantined", "Deviation"))
		self.assertEqual((change.reference_doctype, change.reference_name), ("Lot Deviation", doc.name))
		for lot in held:
			self.assertEqual(frappe.db.get_value("Batch", lot, "lot_status"), "Quarantined")
		for lot in (self.after.lot, self.later.lot, self.gone.lot, self.shipped.lot):
			self.assertEqual(frappe.db.get_value("Batch", lot, "lot_status"), "Approved", lot)
		self.assertEqual(doc.status, "Open")
		self.assertTrue(
			frappe.db.exists(
				"ToDo",
				{
					"reference_type": "Lot Deviation",
					"reference_name": doc.name,
					"allocated_to": QUALITY,
					"status": "Open",
				},
			)
		)
		# the change routes no second task: the deviation has its own
		self.assertFalse(
			frappe.db.exists("ToDo", {"reference_type": "Lot Status Change", "reference_name": change.name})
		)
		comments = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Batch", "reference_name": self.shipped.lot},
			pluck="content",
		)
		self.assertTrue(any(doc.name in text and "moved on" in text for text in comments), comments)

	def test_closing_needs_a_disposition_for_every_held_lot_and_carries_each_out(self):
		doc = self.window()
		doc.submit()
		doc.reload()
		with self.assertRaises(DeviationError) as refused:
			doc.close()
		self.assertIn(self.before.lot, str(refused.exception))
		dispositions = {
			self.before.lot: ("Release", None),
			self.during.lot: ("Restrict", ("Customer", TEST_CUSTOMER)),
			self.moved.lot: ("Dispose", None),
			self.early_morning.lot: ("Reject", None),
		}
		for row in doc.lots:
			if row.batch in dispositions:
				row.disposition, restriction = dispositions[row.batch]
				if restriction:
					row.restrict_to_type, row.restrict_to = restriction
		doc.closing_note = "Probe logs show 9 °C for 40 minutes"
		doc.save()
		doc.close()
		doc.reload()
		self.assertEqual(doc.status, "Closed")
		status = lambda lot: frappe.db.get_value("Batch", lot, "lot_status")  # noqa: E731
		self.assertEqual(status(self.before.lot), "Approved")
		self.assertEqual(status(self.during.lot), "Restricted")
		self.assertEqual(status(self.early_morning.lot), "Rejected")
		restriction = frappe.db.get_value("Batch", self.during.lot, "lot_restriction")
		self.assertEqual(
			frappe.db.get_value("Lot Restriction", restriction, "concession_reference"), doc.name
		)
		rows = {row.batch: row for row in doc.lots}
		write_off = frappe.get_doc("Stock Entry", rows[self.moved.lot].disposition_document)
		self.assertEqual((write_off.docstatus, write_off.is_lot_write_off), (1, 1))
		self.assertEqual(
			[(r.batch_no, r.qty, r.s_warehouse) for r in write_off.items], [(self.moved.lot, 6, self.other)]
		)
		self.assertEqual(rows[self.before.lot].disposition_doctype, "Lot Status Change")
		self.assertFalse(
			frappe.db.exists(
				"ToDo", {"reference_type": "Lot Deviation", "reference_name": doc.name, "status": "Open"}
			)
		)
		# closed: nothing changes any more
		doc.lots[0].disposition = "Reject"
		with self.assertRaisesRegex(DeviationError, f"{doc.name}</strong> is closed and cannot be changed"):
			doc.save()

	def test_lots_cannot_be_added_after_submit_nor_the_deviation_cancelled(self):
		doc = self.window()
		doc.submit()
		doc.append("lots", {"batch": self.later.lot})
		with self.assertRaisesRegex(
			DeviationError, "were fixed when it was submitted: only their dispositions"
		):
			doc.save()
		doc.reload()
		with self.assertRaisesRegex(
			DeviationError, f"{doc.name}</strong> is an audit record and cannot be cancelled"
		):
			doc.cancel()


class TestNamedLots(DeviationCase):
	def test_reject_and_return_to_supplier_with_a_non_conformance(self):
		warehouse = make_warehouse("_Lot Deviation Stores")
		reject = self.lot_into(warehouse, 5, at(-1, "09:00:00"))
		back = self.lot_into(warehouse, 8, at(-1, "09:00:00"))
		frappe.db.set_value("Batch", back.lot, "supplier_lot_no", "SUP-BACK-1")
		procedure = frappe.get_doc(
			{
				"doctype": "Quality Procedure",
				"quality_procedure_name": f"_Lot Deviations {frappe.generate_hash(length=5)}",
			}
		).insert()
		doc = self.deviation(
			deviation_type="Supplier Notice",
			supplier=back.receipt.supplier,
			scope_type="Named Lots",
			quality_procedure=procedure.name,
			lots=[{"batch": reject.lot}, {"batch": back.lot}],
		)
		self.assertEqual([row.state for row in doc.lots], ["In Stock", "In Stock"])
		doc.submit()
		doc.reload()
		self.assertEqual(frappe.db.get_value("Non Conformance", doc.non_conformance, "status"), "Open")
		doc.lots[0].disposition = "Reject"
		doc.lots[1].disposition = "Return to Supplier"
		doc.save()
		doc.close()
		doc.reload()
		self.assertEqual(frappe.db.get_value("Batch", reject.lot, "lot_status"), "Rejected")
		draft = frappe.get_doc("Purchase Receipt", doc.lots[1].disposition_document)
		self.assertEqual((draft.docstatus, draft.is_return, draft.return_against), (0, 1, back.receipt.name))
		self.assertEqual(
			(draft.lot_disposition_of_doctype, draft.lot_disposition_of), ("Lot Deviation", doc.name)
		)
		self.assertEqual(
			[(r.batch_no, r.supplier_lot_no, r.qty) for r in draft.items], [(back.lot, "SUP-BACK-1", -8)]
		)
		self.assertEqual(frappe.db.get_value("Non Conformance", doc.non_conformance, "status"), "Resolved")

	def test_a_complaint_is_raised_from_a_delivery_note_row(self):
		warehouse = make_warehouse("_Lot Deviation Stores")
		lot = self.lot_into(warehouse, 5, at(-1, "09:00:00"))
		note = new_delivery_note(lot.item, 3, lot.lot, warehouse=warehouse)
		note.submit()
		name = complaint_from_delivery_note(note.name, note.items[0].name)
		doc = frappe.get_doc("Lot Deviation", name)
		self.assertEqual(
			(doc.deviation_type, doc.customer, doc.delivery_note, doc.delivery_note_item),
			("Customer Complaint", note.customer, note.name, note.items[0].name),
		)
		self.assertEqual([(row.batch, row.qty, row.on_hand_qty) for row in doc.lots], [(lot.lot, 3, 2)])
		doc.submit()
		self.assertEqual(frappe.db.get_value("Batch", lot.lot, "lot_status"), "Quarantined")


class TestHoldAgainstShipment(DeviationCase):
	"""A deviation submitted while a shipment of one of its lots posts, in both orders: the lot is
	either held before the shipment (refused) or held after it (the shipment stands)."""

	def setUp(self):
		from lot_traceability.tests.concurrency import Connection

		stores = make_warehouse("_Lot Deviation Stores")
		self.lot = self.lot_into(stores, 10, at(-1, "09:00:00"))
		note = new_delivery_note(self.lot.item, 2, self.lot.lot, warehouse=stores)
		note.insert()
		self.note = note.name
		self.deviation_name = self.deviation(scope_type="Named Lots", lots=[{"batch": self.lot.lot}]).name
		frappe.db.commit()
		site = frappe.local.site
		self.clerk = Connection(site, "Administrator", "the clerk")
		self.quality = Connection(site, "Administrator", "the quality manager")

	def tearDown(self):
		self.clerk.close()
		self.quality.close()
		frappe.db.rollback()

	def submit(self, doctype, name):
		return lambda: frappe.get_doc(doctype, name).submit() and None

	def test_a_deviation_committed_first_refuses_the_shipment(self):
		from lot_traceability.enforcement import LotNotAllowedError
		from lot_traceability.tests.concurrency import raised

		self.clerk.call(lambda: frappe.get_doc("Delivery Note", self.note).name)  # read before the hold
		self.quality.call(self.submit("Lot Deviation", self.deviation_name))
		self.quality.commit()
		self.clerk.start(self.submit("Delivery Note", self.note))
		error = raised(self.clerk.result())
		self.assertIsInstance(error, LotNotAllowedError)
		for words in (self.lot.lot, "Quarantined", self.note):
			self.assertIn(words, str(error))
		self.clerk.rollback()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Delivery Note", self.note, "docstatus"), 0)

	def test_a_shipment_posting_first_makes_the_deviation_wait_then_hold_the_lot(self):
		from lot_traceability.tests.concurrency import raised

		self.clerk.call(self.submit("Delivery Note", self.note))  # holds the lot's row
		self.quality.start(self.submit("Lot Deviation", self.deviation_name))
		self.quality.wait_for_lock()
		self.clerk.commit()
		outcome = self.quality.result()
		self.assertIsNone(raised(outcome), repr(outcome))
		self.quality.commit()
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_value("Delivery Note", self.note, "docstatus"), 1)
		self.assertEqual(frappe.db.get_value("Batch", self.lot.lot, "lot_status"), "Quarantined")
