"""The kept lot balances follow every stock path, equal the ledger, and stop two submissions from
both taking the last quantity of a lot."""

import threading

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from frappe.tests.utils import FrappeTestCase

from lot_traceability import balances
from lot_traceability.tests.utils import (
	delivery_note,
	get_received_batches,
	make_customer,
	make_lot,
	make_lot_item,
	make_user,
	make_warehouse,
	receive,
	stock_entry,
)


def kept(batch):
	return {
		row.warehouse: row.qty
		for row in frappe.get_all("Lot Balance", filters={"batch": batch}, fields=["warehouse", "qty"])
		if row.qty
	}


class TestLotBalances(FrappeTestCase):
	def assert_ledger_agrees(self, *batches):
		self.assertEqual(balances.differences(list(batches)), [])

	def test_receipt_transfer_delivery_return_and_cancel_keep_the_balance_equal_to_the_ledger(self):
		lot = make_lot(qty=20)
		self.assertEqual(kept(lot.batch), {lot.warehouse: 20})
		other = make_warehouse("_Lot Balance East")
		moved = stock_entry(
			lot.item, 8, "Material Transfer", source=lot.warehouse, target=other, batch=lot.batch
		)
		moved.submit()
		self.assertEqual(kept(lot.batch), {lot.warehouse: 12, other: 8})
		make_customer()
		shipped = delivery_note(lot.item, 5, lot.batch)
		shipped.insert()
		shipped.submit()
		self.assertEqual(kept(lot.batch), {lot.warehouse: 7, other: 8})
		back = make_sales_return(shipped.name)
		back.items[0].qty = -2
		back.insert()
		back.submit()
		self.assertEqual(kept(lot.batch), {lot.warehouse: 9, other: 8})
		self.assert_ledger_agrees(lot.batch)
		back.cancel()
		shipped.reload()
		shipped.cancel()
		moved.reload()
		moved.cancel()
		self.assertEqual(kept(lot.batch), {lot.warehouse: 20})
		self.assert_ledger_agrees(lot.batch)

	def test_rebuild_and_reconcile_repair_a_balance_the_hooks_missed(self):
		item = make_lot_item()
		(batch,) = get_received_batches(receive(item, qty=6).name)
		frappe.db.set_value("Lot Balance", {"batch": batch}, "qty", 99)
		(found,) = balances.differences([batch])
		self.assertEqual((found.kept_qty, found.ledger_qty), (99, 6))
		self.assertIn(batch, [row.batch for row in balances.reconcile()])
		self.assert_ledger_agrees(batch)
		self.assertEqual(sum(kept(batch).values()), 6)


class TestRepairsAreReported(FrappeTestCase):
	def test_the_daily_checks_tell_the_settings_roles_what_they_repaired(self):
		from lot_traceability import tasks

		user = make_user("lot.repairs@example.com", ["Quality Manager", "Stock Manager"])
		item = make_lot_item()
		(batch,) = get_received_batches(receive(item, qty=6).name)
		frappe.db.set_value("Lot Balance", {"batch": batch}, "qty", 99)
		frappe.db.delete("Lot Ledger Entry", {"batch_no": batch})
		before = frappe.db.count("Notification Log", {"for_user": user})
		repaired = tasks.reconcile_lot_balances()
		self.assertIn(batch, [row.batch for row in repaired])
		self.assertIn(batch, [row.batch_no for row in tasks.reconcile_lot_ledger()])
		notes = frappe.get_all(
			"Notification Log",
			filters={"for_user": user},
			fields=["subject", "email_content"],
			order_by="creation desc",
			limit=frappe.db.count("Notification Log", {"for_user": user}) - before,
		)
		subjects = " ".join(note.subject for note in notes)
		self.assertIn("Lot balances", subjects)
		self.assertIn("Lot ledger", subjects)
		self.assertTrue(any(batch in (note.email_content or "") for note in notes))
		self.assertEqual(balances.differences([batch]), [])

	def test_a_check_that_repaired_nothing_tells_no_one(self):
		from lot_traceability import tasks

		self.assertEqual(tasks.notify_repairs("nothing", []), [])


def submit_in_own_connection(site, name, barrier, results):
	"""Submit a saved Delivery Note in a connection of its own, as a second user's request would."""
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		note = frappe.get_doc("Delivery Note", name)
		barrier.wait(timeout=30)
		note.submit()
		frappe.db.commit()
		results[name] = None
	except Exception as error:
		frappe.db.rollback()
		results[name] = error
	finally:
		frappe.destroy()


class TestConcurrentLastQuantity(FrappeTestCase):
	def test_two_deliveries_of_the_last_quantity_exactly_one_succeeds(self):
		site = frappe.local.site
		lot = make_lot(qty=5)
		# another lot of the item in the same warehouse: the item has stock, the lot is the limit
		receive(lot.item, qty=50)
		make_customer()
		notes = []
		for _ in range(2):
			note = delivery_note(lot.item, 5, lot.batch)
			note.insert()
			notes.append(note.name)
		frappe.db.commit()  # the two submissions run in their own transactions
		barrier, results = threading.Barrier(2), {}
		threads = [
			threading.Thread(target=submit_in_own_connection, args=(site, name, barrier, results))
			for name in notes
		]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=120)
		frappe.db.rollback()  # read what the two transactions committed
		succeeded = [name for name, error in results.items() if error is None]
		self.assertEqual(len(results), 2)
		self.assertEqual(len(succeeded), 1, results)
		(refused,) = [error for error in results.values() if error is not None]
		self.assertIsInstance(refused, balances.LotBalanceError, getattr(refused, "args", refused))
		self.assertIn(lot.batch, str(refused))
		self.assertEqual(frappe.db.get_value("Delivery Note", succeeded[0], "docstatus"), 1)
		ledger = frappe.db.sql(
			"""select sum(e.qty) from `tabSerial and Batch Entry` e
			join `tabSerial and Batch Bundle` b on b.name = e.parent
			where e.batch_no = %s and b.docstatus = 1 and b.is_cancelled = 0 and b.voucher_type != 'Pick List'""",
			lot.batch,
		)[0][0]
		self.assertEqual(float(ledger), 0.0)
		self.assertEqual(balances.differences([lot.batch]), [])
