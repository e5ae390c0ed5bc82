"""GS1 lot labels on real documents: a receipt filled from a scanned label, a held lot refused at the
scan, the label printed through Frappe's print with its QR code carrying the GS1 string."""

import contextlib
import functools
import http.server
import os
import random
import threading

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate

from lot_traceability.api import lookup_lot, scan_barcode, scan_lot_label
from lot_traceability.enforcement import LotNotAllowedError
from lot_traceability.labels import lot_gs1_string
from lot_traceability.qr import qr_png_data_uri
from lot_traceability.scanning import LabelError
from lot_traceability.tests.utils import (
	get_received_batches,
	make_lot,
	make_lot_item,
	receive,
)
from lot_traceability.traceability import gs1


class QuietHandler(http.server.SimpleHTTPRequestHandler):
	def log_message(self, *args):
		pass


@contextlib.contextmanager
def assets_served():
	"""Serve the bench's /assets on a loopback port for wkhtmltopdf (the print's stylesheets), as the
	site's web server would, and point the site's URL at it while the PDF is made."""
	handler = functools.partial(QuietHandler, directory=os.path.abspath(frappe.get_site_path("..")))
	server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
	thread = threading.Thread(target=server.serve_forever, daemon=True)
	thread.start()
	previous = frappe.local.conf.get("host_name")
	frappe.local.conf.host_name = f"http://127.0.0.1:{server.server_address[1]}"
	try:
		yield
	finally:
		frappe.local.conf.host_name = previous
		server.shutdown()
		server.server_close()


def new_ean13() -> str:
	body = random.choice("123456789") + "".join(random.choice("0123456789") for _ in range(11))
	return body + str(gs1.gtin_check_digit(body))


def give_gtin(item: str) -> str:
	"""An EAN-13 barcode on the item (as items usually carry it); returns its GTIN-14 form."""
	ean = new_ean13()
	doc = frappe.get_doc("Item", item)
	doc.append("barcodes", {"barcode": ean, "barcode_type": "EAN"})
	doc.save()
	return ean.zfill(14)


class TestLotLabels(FrappeTestCase):
	def test_a_receipt_filled_from_a_scanned_label_makes_the_lot_with_supplier_lot_and_expiry(self):
		item = make_lot_item()
		gtin = give_gtin(item)
		row = scan_lot_label(f"]d2\x1d01{gtin}17271231\x1d11260115\x1d10SUP-77/A\x1d3012", "Purchase Receipt")
		self.assertEqual((row["item_code"], row["qty"], row["supplier_lot_no"]), (item, 12, "SUP-77/A"))
		receipt = receive(item, qty=row["qty"], do_not_save=True)
		receipt.items[0].update({k: v for k, v in row.items() if k != "item_code"})
		receipt.insert()
		receipt.submit()
		(lot,) = get_received_batches(receipt.name)
		values = frappe.db.get_value("Batch", lot, ["supplier_lot_no", "expiry_date"], as_dict=True)
		self.assertEqual(values.supplier_lot_no, "SUP-77/A")
		self.assertEqual(getdate(values.expiry_date), getdate("2027-12-31"))

	def test_scanning_a_quarantined_lot_on_a_delivery_note_is_refused_at_once(self):
		held = make_lot(status="Quarantined")
		give_gtin(held.item)
		label = lot_gs1_string(held.batch, raw=True)
		with self.assertRaises(LotNotAllowedError) as refused:
			scan_lot_label(label, "Delivery Note")
		self.assertIn(held.batch, str(refused.exception))
		self.assertIn("Quarantined", str(refused.exception))
		# ERPNext's own scan field understands the label and refuses the lot too
		with self.assertRaisesRegex(
			LabelError, f"Lot <strong>{held.batch}</strong> of item .* is <strong>Quarantined</strong>"
		):
			scan_barcode(label)
		released = make_lot()
		give_gtin(released.item)
		label = lot_gs1_string(released.batch)
		self.assertEqual(scan_lot_label(label, "Delivery Note")["batch_no"], released.batch)
		self.assertEqual(scan_barcode(label)["batch_no"], released.batch)
		self.assertFalse((scan_barcode("not a label") or {}).get("batch_no"))
		found = lookup_lot(label)
		self.assertEqual((found["batch"], found["balances"][0]["qty"]), (released.batch, 10))

	def test_bad_labels_get_a_clear_error(self):
		with self.assertRaises(LabelError) as bad:
			scan_lot_label("(01)09506000134353(10)X", "Purchase Receipt")
		self.assertIn("check digit", str(bad.exception))
		with self.assertRaises(LabelError) as unknown:
			scan_lot_label(f"(01){new_ean13().zfill(14)}(10)X", "Purchase Receipt")
		self.assertIn("No item has the barcode", str(unknown.exception))

	def test_the_label_prints_and_its_qr_carries_the_lot_gs1_string(self):
		self.assertEqual(frappe.get_meta("Batch").default_print_format, "Lot Label")  # Print prints it
		lot = make_lot()
		gtin = give_gtin(lot.item)
		frappe.db.set_value(
			"Batch", lot.batch, {"expiry_date": "2027-06-30", "manufacturing_date": "2026-01-15"}
		)
		raw = lot_gs1_string(lot.batch, raw=True)
		parsed = gs1.parse(raw)
		self.assertEqual((parsed.gtin, parsed.lot), (gtin, lot.batch))
		self.assertEqual(parsed.expiry, getdate("2027-06-30"))
		html = frappe.get_print("Batch", lot.batch, print_format="Lot Label")
		self.assertIn(lot_gs1_string(lot.batch), html)
		# the image printed is the encoder's QR of the raw string (tests/unit/test_qr.py decodes it)
		self.assertIn(qr_png_data_uri(raw, gs1=True), html)
		with assets_served():
			pdf = frappe.get_print("Batch", lot.batch, print_format="Lot Label", as_pdf=True)
		self.assertTrue(pdf.startswith(b"%PDF"))
		self.assertGreater(len(pdf), 1000)


class TestLotLookup(FrappeTestCase):
	def test_a_lot_is_found_by_its_id_in_any_case_by_supplier_lot_no_and_by_part_of_either(self):
		item = make_lot_item()
		first = receive(item, qty=4, do_not_save=True)
		first.items[0].supplier_lot_no = "OE-7721"
		first.insert()
		first.submit()
		(lot,) = get_received_batches(first.name)
		second = receive(item, qty=3)
		(other,) = get_received_batches(second.name)
		self.assertEqual(lookup_lot(lot.lower())["batch"], lot)
		self.assertEqual(lookup_lot("oe-7721")["batch"], lot)
		# part of an id: both lots of the item (from its letters on: the random part alone may start
		# with digits a raw GS1 string reads as an application identifier, such as 10, a lot)
		found = lookup_lot(item[1:])
		self.assertEqual(sorted(m["batch"] for m in found["matches"]), sorted([lot, other]))
		self.assertEqual(lookup_lot(lot)["balances"][0]["qty"], 4)

	def test_part_of_an_id_that_reads_as_a_raw_gs1_lot_falls_back_to_the_partial_search(self):
		# "10" + text is also a raw GS1 string naming lot <text>: no such lot, so it is part of a
		# supplier lot no like any other, and no message is left behind for the user
		item = make_lot_item()
		part = "10" + frappe.generate_hash(length=6).upper()
		receipt = receive(item, qty=2, do_not_save=True)
		receipt.items[0].supplier_lot_no = "SUP-" + part + "-B"
		receipt.insert()
		receipt.submit()
		(lot,) = get_received_batches(receipt.name)
		frappe.local.message_log = []
		found = lookup_lot(part)
		self.assertEqual(found.get("batch"), lot, found)
		self.assertEqual(frappe.local.message_log, [])
		self.assertEqual(lookup_lot(part.lower()).get("batch"), lot)

	def test_nothing_found_is_an_answer_in_words_not_an_error(self):
		found = lookup_lot("NO-SUCH-LOT-4711")
		self.assertEqual(found["matches"], [])
		self.assertIn("No lot matches", found["message"])
		self.assertIn("NO-SUCH-LOT-4711", found["message"])

	def test_a_label_of_an_item_without_gtin_scans_back_by_its_lot_id(self):
		lot = make_lot(qty=6)
		label = lot_gs1_string(lot.batch, raw=True)
		self.assertNotIn("(01)", lot_gs1_string(lot.batch))
		self.assertEqual(lookup_lot(label)["batch"], lot.batch)
		self.assertEqual(scan_lot_label(label, "Delivery Note")["batch_no"], lot.batch)
