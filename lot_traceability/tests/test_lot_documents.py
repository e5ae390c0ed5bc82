"""Lots that wait for their documents: held at receipt with the reason, not released until the
documents are attached, and the change records the files present."""

import frappe
from frappe.tests.utils import FrappeTestCase

from lot_traceability.api import lots_waiting_for_documents_card
from lot_traceability.findings import find_exceptions, get_thresholds
from lot_traceability.lot_documents import LotDocumentsError
from lot_traceability.status_changes import change_lot_status
from lot_traceability.tests.concurrency import Connection, raised
from lot_traceability.tests.utils import (
	get_company,
	get_received_batches,
	make_lot_item,
	make_lot_rule,
	quality_inspection,
	receive,
)
from lot_traceability.traceability.findings import Kind

COA = "Certificate of Analysis"
ORIGIN = "Certificate of Origin"


def attach(lot: str, document_type: str, name: str | None = None) -> str:
	"""A typed document on the lot: its file attached to the lot, then listed under Lot Documents."""
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": name or f"{document_type.lower().replace(' ', '-')}-{lot}.txt",
			"content": f"{document_type} of {lot}",
			"attached_to_doctype": "Batch",
			"attached_to_name": lot,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	batch = frappe.get_doc("Batch", lot)
	batch.append(
		"lot_documents",
		{"document_type": document_type, "attachment": file.file_url, "document_number": "N-1"},
	)
	batch.save()
	return file.file_url


def receive_lot(required=(COA,), receipt_status="Approved", **rule):
	item = make_lot_item()
	make_lot_rule(
		item=item,
		receipt_status=receipt_status,
		required_documents=[{"document_type": kind} for kind in required],
		**rule,
	)
	receipt = receive(item, qty=4)
	(lot,) = get_received_batches(receipt.name)
	return receipt, lot


def status(lot):
	return frappe.db.get_value("Batch", lot, "lot_status")


def changes_of(lot):
	return [
		frappe.get_doc("Lot Status Change", name)
		for name in frappe.get_all(
			"Lot Status Change Lot", filters={"batch": lot}, pluck="parent", order_by="creation"
		)
	]


class DocumentsCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.sign_off = frappe.db.get_single_value("Lot Traceability Settings", "require_sign_off")
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", 0)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()  # what the tests left uncommitted goes; the setting comes back
		frappe.db.set_single_value("Lot Traceability Settings", "require_sign_off", cls.sign_off)
		frappe.db.commit()
		super().tearDownClass()


class TestLotDocuments(DocumentsCase):
	def test_a_lot_received_without_its_certificate_is_held_with_the_reason(self):
		receipt, lot = receive_lot()
		self.assertEqual(status(lot), "Quarantined")
		(change,) = changes_of(lot)
		self.assertEqual((change.docstatus, change.source), (1, "System"))
		self.assertEqual(
			(change.reference_doctype, change.reference_name), ("Purchase Receipt", receipt.name)
		)
		self.assertEqual(change.reason, f"Missing: {COA}")
		self.assertEqual(change.lots[0].from_status, "Approved")

	def test_release_is_refused_until_the_certificate_is_attached_then_records_it(self):
		_receipt, lot = receive_lot()
		with self.assertRaises(LotDocumentsError) as refused:
			change_lot_status([lot], "Approved", reason="Checked")
		for words in (lot, "Quarantined", "Approved", COA):
			self.assertIn(words, str(refused.exception))
		self.assertEqual(status(lot), "Quarantined")
		url = attach(lot, COA)
		change = change_lot_status([lot], "Approved", reason="Checked")
		self.assertEqual(status(lot), "Approved")
		self.assertEqual(change.lots[0].documents, f"{COA}: {url} (No. N-1)")

	def test_every_required_document_is_named_and_a_restricted_release_waits_too(self):
		_receipt, lot = receive_lot(required=(COA, ORIGIN))
		(change,) = changes_of(lot)
		self.assertEqual(change.reason, f"Missing: {COA}, {ORIGIN}")
		attach(lot, ORIGIN)
		with self.assertRaises(LotDocumentsError) as refused:
			change_lot_status([lot], "Restricted", reason="Concession", scope=[("Company", get_company())])
		self.assertIn(COA, str(refused.exception))
		self.assertNotIn(ORIGIN, str(refused.exception))

	def test_holding_rejecting_or_disposing_of_a_lot_needs_no_document(self):
		_receipt, lot = receive_lot()
		change_lot_status([lot], "Rejected", reason="Damaged")
		self.assertEqual(status(lot), "Rejected")

	def test_a_lot_already_held_by_its_rule_stays_there_and_waits(self):
		_receipt, lot = receive_lot(receipt_status="Pending Inspection")
		self.assertEqual(status(lot), "Pending Inspection")
		self.assertEqual(changes_of(lot), [])
		waiting = find_exceptions([lot], None, get_thresholds(), Kind.MISSING_DOCUMENTS)
		self.assertEqual([(f.lot, f.params["missing"]) for f in waiting], [(lot, [COA])])

	def test_an_accepted_inspection_does_not_release_a_lot_missing_documents(self):
		receipt, lot = receive_lot(receipt_status="Pending Inspection", quality_inspection_decides_release=1)
		quality_inspection(frappe.db.get_value("Batch", lot, "item"), lot, receipt.name, "Accepted")
		self.assertEqual(status(lot), "Pending Inspection")
		attach(lot, COA)
		quality_inspection(frappe.db.get_value("Batch", lot, "item"), lot, receipt.name, "Accepted")
		self.assertEqual(status(lot), "Approved")

	def test_a_required_document_cannot_be_removed_from_a_released_lot(self):
		_receipt, lot = receive_lot()
		attach(lot, COA)
		change_lot_status([lot], "Approved", reason="Checked")
		batch = frappe.get_doc("Batch", lot)
		batch.lot_documents = []
		with self.assertRaises(LotDocumentsError) as refused:
			batch.save()
		for words in (lot, "Approved", COA):
			self.assertIn(words, str(refused.exception))
		# a replacement first, then the old one goes
		attach(lot, COA, name=f"coa-v2-{lot}.txt")
		batch = frappe.get_doc("Batch", lot)
		batch.lot_documents = batch.lot_documents[1:]
		batch.save()
		self.assertEqual(len(frappe.get_doc("Batch", lot).lot_documents), 1)

	def test_the_card_and_the_exceptions_report_list_lots_waiting(self):
		from lot_traceability.lot_traceability.report.lot_exceptions import lot_exceptions

		before = lots_waiting_for_documents_card()["value"]
		_receipt, lot = receive_lot()
		card = lots_waiting_for_documents_card()
		self.assertEqual(card["value"], before + 1)
		self.assertEqual(card["route_options"], {"kind": "Waiting for Documents"})
		_columns, data, *_ = lot_exceptions.execute({"kind": "Waiting for Documents"})
		row = next(row for row in data if row["lot"] == lot)
		self.assertIn(f"Missing: {COA}", row["reasons"])
		attach(lot, COA)
		self.assertEqual(lots_waiting_for_documents_card()["value"], before)

	def test_a_rule_lists_a_type_once_and_only_enabled_types(self):
		item = make_lot_item()
		with self.assertRaisesRegex(
			frappe.ValidationError, f"Required Documents row 2: <strong>{COA}</strong> is listed twice"
		):
			make_lot_rule(item=item, required_documents=[{"document_type": COA}, {"document_type": COA}])
		kind = frappe.get_doc(
			{
				"doctype": "Lot Document Type",
				"document_type_name": f"_Old Form {frappe.generate_hash(length=5)}",
				"disabled": 1,
			}
		).insert()
		with self.assertRaisesRegex(
			frappe.ValidationError, f"Required Documents row 1: document type .*{kind.name}.* is disabled"
		):
			make_lot_rule(item=item, required_documents=[{"document_type": kind.name}])


class TestRulesResolvedTogether(FrappeTestCase):
	def test_many_items_resolved_at_once_get_the_rule_each_gets_alone(self):
		from lot_traceability.config import get_lot_rule, get_lot_rules
		from lot_traceability.tests.utils import make_item_group

		group = make_item_group(f"_LT Docs Group {frappe.generate_hash(length=5)}")
		grouped = [make_lot_item(item_group=group) for _ in range(3)]
		own = make_lot_item(item_group=group)
		group_rule = make_lot_rule(applies_to="Item Group", item_group=group, receipt_status="Quarantined")
		own_rule = make_lot_rule(item=own, receipt_status="Pending Inspection")
		others = frappe.get_all("Item", filters={"has_batch_no": 1}, pluck="name", limit=40)
		others += [make_lot_item() for _ in range(max(0, 21 - len(others)))]  # a fresh site has few
		items = [*grouped, own, *others]
		pairs = [(item, get_company()) for item in items]
		together = get_lot_rules(pairs)
		self.assertGreater(len(together), 20)  # many items, resolved in one pass
		for pair in pairs:
			alone = get_lot_rule(*pair)
			self.assertEqual(together[pair] and together[pair].name, alone and alone.name, pair)
		self.assertEqual(together[(grouped[0], get_company())].name, group_rule.name)
		self.assertEqual(together[(own, get_company())].name, own_rule.name)


class TestReleaseAgainstRemoval(DocumentsCase):
	"""A release and the removal of the certificate it rests on, committed in either order: the lot is
	never released without it."""

	def setUp(self):
		_receipt, self.lot = receive_lot()
		attach(self.lot, COA)
		frappe.db.commit()
		site = frappe.local.site
		self.quality = Connection(site, "Administrator", "the quality manager")
		self.clerk = Connection(site, "Administrator", "the clerk")

	def tearDown(self):
		self.quality.close()
		self.clerk.close()
		frappe.db.rollback()

	def remove(self):
		lot = self.lot

		def step():
			batch = frappe.get_doc("Batch", lot, for_update=True)  # as the form's save reads it
			batch.lot_documents = []
			batch.save()

		return step

	def release(self):
		lot = self.lot
		return lambda: change_lot_status([lot], "Approved", reason="Checked").name

	def test_a_removal_committed_first_makes_the_release_wait_and_refuses_it(self):
		self.quality.call(lambda: frappe.get_doc("Batch", self.lot).name)  # a snapshot with the file
		self.clerk.call(self.remove())  # holds the lot's row
		self.quality.start(self.release())
		self.quality.wait_for_lock()
		self.clerk.commit()
		error = raised(self.quality.result())
		self.assertIsInstance(error, LotDocumentsError)
		self.assertIn(COA, str(error))
		self.quality.rollback()
		frappe.db.rollback()
		self.assertEqual(status(self.lot), "Quarantined")

	def test_a_release_committed_first_makes_the_removal_wait_and_refuses_it(self):
		self.clerk.call(lambda: frappe.get_doc("Batch", self.lot).name)  # a snapshot of the held lot
		self.quality.call(self.release())
		self.clerk.start(self.remove())
		self.clerk.wait_for_lock()
		self.quality.commit()
		error = raised(self.clerk.result())
		self.assertIsInstance(error, LotDocumentsError)
		self.clerk.rollback()
		frappe.db.rollback()
		self.assertEqual(status(self.lot), "Approved")
		self.assertEqual(len(frappe.get_doc("Batch", self.lot).lot_documents), 1)
