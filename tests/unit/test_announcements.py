from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.announcements import (
	AnnouncedLot,
	AnnouncementError,
	Finding,
	Line,
	document_name,
	lots_to_hold,
	match_purchase_order,
	parse_lot_class,
	party_gln,
	quantity_differs,
	reconcile,
	sheet_columns,
	shipments_from_epcis,
	shipments_from_sheet,
)
from lot_traceability.traceability.epcis import Identifiers

GTIN = "09506000134352"
GLN = "9506000134369"


def shipping_document(*lots, action="OBSERVE", step="shipping"):
	"""A supplier's document: one ADD event per lot with its dates, then one shipping event."""
	events = []
	for lot, qty, production, expiry in lots:
		klass = f"https://id.gs1.org/01/{GTIN}/10/{lot}"
		events.append(
			{
				"type": "ObjectEvent",
				"action": "ADD",
				"bizStep": "commissioning",
				"eventTime": "2026-11-01T08:00:00Z",
				"eventTimeZoneOffset": "+00:00",
				"quantityList": [{"epcClass": klass, "quantity": qty}],
				"ilmd": {"cbvmda:productionDate": production, "cbvmda:itemExpirationDate": expiry},
				"certificationInfo": f"https://supplier.example.com/coa/{lot}.pdf",
			}
		)
	events.append(
		{
			"type": "ObjectEvent",
			"eventID": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
			"action": action,
			"bizStep": step,
			"eventTime": "2026-11-03T10:00:00+01:00",
			"eventTimeZoneOffset": "+01:00",
			"quantityList": [
				{"epcClass": f"https://id.gs1.org/01/{GTIN}/10/{lot}", "quantity": qty, "uom": "KGM"}
				for lot, qty, _p, _e in lots
			],
			"bizTransactionList": [
				{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:9506000134369:PUR-ORD-2026-00042"},
				{"type": "desadv", "bizTransaction": "https://supplier.example.com/desadv/DA-7"},
			],
			"sourceList": [{"type": "owning_party", "source": f"https://id.gs1.org/417/{GLN}"}],
		}
	)
	return {"type": "EPCISDocument", "epcisBody": {"eventList": events}}


# identifiers


def test_lot_classes_of_every_form_are_read():
	assert parse_lot_class(f"https://id.gs1.org/01/{GTIN}/10/L%2F1") == (GTIN, None, "L/1")
	assert parse_lot_class(f"https://resolver.example.com/x/01/{GTIN}/10/A1") == (GTIN, None, "A1")
	assert parse_lot_class("urn:epc:class:lgtin:0614141.812345.B7") == ("80614141123458", None, "B7")
	assert parse_lot_class("https://erp.example.com/epcis/lot/FLOUR-01/L9") == (None, "FLOUR-01", "L9")


@pytest.mark.parametrize(
	"uri",
	[
		"https://id.gs1.org/01/09506000134353/10/A1",
		"https://id.gs1.org/01/" + GTIN,
		"urn:epc:class:lgtin:0614141.812345.",
	],
)
def test_a_class_without_a_lot_or_a_valid_gtin_is_refused(uri):
	with pytest.raises(AnnouncementError):
		parse_lot_class(uri)


@given(
	st.sampled_from(["09506000134352", "4006381333931", "73513537", "036000291452"]),
	st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s and s),
	st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s and s),
)
def test_the_export_s_own_lot_classes_read_back(gtin, lot, item):
	"""What the app's EPCIS export writes, the capture reads: GTIN + lot, or item + lot."""
	ids = Identifiers("https://erp.example.com/epcis")
	assert parse_lot_class(ids.lot_class(item, lot, gtin)) == (gtin.zfill(14), None, lot)
	assert parse_lot_class(ids.lot_class(item, lot)) == (None, item, lot)


def test_party_glns():
	assert party_gln(f"https://id.gs1.org/417/{GLN}") == GLN
	assert party_gln("urn:epc:id:pgln:0614141.00002") == "0614141000029"
	assert party_gln("https://erp.example.com/party/supplier/X") is None
	assert party_gln(None) is None


def test_document_names():
	assert document_name("urn:epcglobal:cbv:bt:9506000134369:PO-1") == "PO-1"
	assert document_name("https://x.example.com/po/PUR%20ORD-1/") == "PUR ORD-1"


# EPCIS


def test_a_shipping_event_announces_its_lots_with_the_dates_of_their_add_events():
	(shipment,) = shipments_from_epcis(
		shipping_document(("A1", 10, "2026-10-01", "2027-10-01"), ("B2", 5.5, "2026-10-02", "2026-09-01"))
	)
	assert shipment.purchase_orders == ("PUR-ORD-2026-00042",)
	assert shipment.despatch_advice == "DA-7"
	assert shipment.supplier_gln == GLN
	assert shipment.shipped_on == date(2026, 11, 3)
	first, second = shipment.lots
	assert (first.supplier_lot_no, first.qty, first.uom, first.gtin) == ("A1", 10.0, "KGM", GTIN)
	assert (first.production_date, first.expiry_date) == (date(2026, 10, 1), date(2027, 10, 1))
	assert first.documents == ("https://supplier.example.com/coa/A1.pdf",)
	assert first.date_problem is None
	assert second.date_problem == "expiry_not_after_production"


def test_a_document_without_a_shipping_event_is_refused():
	with pytest.raises(AnnouncementError, match="no shipping event"):
		shipments_from_epcis(shipping_document(("A1", 1, "2026-10-01", "2027-10-01"), step="receiving"))


def test_a_shipped_lot_without_a_quantity_is_refused():
	doc = shipping_document(("A1", 1, "2026-10-01", "2027-10-01"))
	del doc["epcisBody"]["eventList"][-1]["quantityList"][0]["quantity"]
	with pytest.raises(AnnouncementError, match="lot A1 has no quantity"):
		shipments_from_epcis(doc)


def test_expiry_on_the_production_day_is_a_date_problem_and_the_day_after_is_not():
	assert AnnouncedLot("L", 1, production_date=date(2026, 1, 1), expiry_date=date(2026, 1, 1)).date_problem
	assert not AnnouncedLot(
		"L", 1, production_date=date(2026, 1, 1), expiry_date=date(2026, 1, 2)
	).date_problem


# the sheet

HEADERS = [
	"Traceability Lot Code",
	"Product",
	"Quantity",
	"Unit of Measure",
	"Ship Date",
	"Reference Document Number",
	"Purchase Order",
	"Expiry Date",
]


def test_sheet_rows_sharing_a_reference_document_are_one_shipment():
	rows = [
		["A1", GTIN, 10, "KGM", "2026-11-03", "DA-7", "PO-1", "2027-01-01"],
		[None, None, None, None, None, None, None, None],
		["B2", "FLOUR-01", "4", "Kg", date(2026, 11, 3), "DA-7", "PO-1", None],
		["C3", "FLOUR-01", "4", "Kg", "2026-11-04", "DA-8", "", None],
	]
	first, second = shipments_from_sheet(HEADERS, rows)
	assert [lot.supplier_lot_no for lot in first.lots] == ["A1", "B2"]
	assert first.lots[0].gtin == GTIN and first.lots[1].item == "FLOUR-01"
	assert first.purchase_orders == ("PO-1",) and first.despatch_advice == "DA-7"
	assert first.lots[0].expiry_date == date(2027, 1, 1)
	assert second.shipped_on == date(2026, 11, 4) and second.purchase_orders == ()


def test_a_sheet_without_the_required_columns_names_them():
	with pytest.raises(AnnouncementError, match="Quantity, Ship Date"):
		sheet_columns(["TLC", "GTIN"])


@pytest.mark.parametrize(
	"row, words",
	[
		(["A1", GTIN, "ten", "KGM", "2026-11-03", "", "", ""], "row 2: quantity 'ten' is not a number"),
		(["A1", GTIN, 0, "KGM", "2026-11-03", "", "", ""], "row 2: quantity 0 is not positive"),
		(["A1", GTIN, 1, "KGM", "03/11/2026", "", "", ""], "row 2: '03/11/2026' is not a date"),
		(["A1", GTIN, 1, "KGM", "", "", "", ""], "row 2: the ship date is needed"),
	],
)
def test_bad_sheet_rows_are_refused_by_row(row, words):
	with pytest.raises(AnnouncementError, match=words):
		shipments_from_sheet(HEADERS, [row])


# purchase orders


def test_an_order_is_matched_by_our_name_then_by_the_supplier_s_reference():
	orders = {"PO-1": "S-9", "PO-2": None}
	assert match_purchase_order(["PO-2"], orders) == "PO-2"
	assert match_purchase_order(["S-9"], orders) == "PO-1"
	assert match_purchase_order(["PO-1", "PO-2"], orders) is None  # two: none is chosen
	assert match_purchase_order(["PO-3"], orders) is None


# reconciling


def line(item, lot, qty, production=None, expiry=None, batch=None):
	return Line(item, lot, qty, production, expiry, lot=batch)


def test_the_three_kinds_of_finding():
	announced = [line("I", "A", 10), line("I", "B", 5), line("I", "C", 7, expiry=date(2027, 1, 1))]
	received = [
		line("I", "a ", 10, batch="L1"),
		line("I", "C", 7, expiry=date(2027, 2, 1), batch="L3"),
		line("I", "X", 2, batch="L4"),
	]
	found = reconcile(announced, received)
	assert [(d.finding, d.supplier_lot_no, d.lot) for d in found] == [
		(Finding.NOT_ANNOUNCED, "X", "L4"),
		(Finding.NOT_RECEIVED, "B", None),
		(Finding.EXPIRY_DATE, "C", "L3"),
	]
	assert (found[2].announced, found[2].received) == (date(2027, 1, 1), date(2027, 2, 1))
	assert lots_to_hold(found) == ["L3", "L4"]


def test_rows_of_one_lot_are_summed_before_comparing():
	assert reconcile([line("I", "A", 10)], [line("I", "A", 4), line("I", "A", 6)]) == []
	(diff,) = reconcile([line("I", "A", 10)], [line("I", "A", 4), line("I", "A", 5)])
	assert (diff.finding, diff.announced, diff.received) == (Finding.QUANTITY, 10, 9)


def test_quantity_tolerance_both_sides_of_the_boundary():
	assert not quantity_differs(100, 102, 2)
	assert quantity_differs(100, 102.01, 2)
	assert not quantity_differs(100, 100.0000001)
	assert quantity_differs(100, 99.99)


def test_a_date_only_one_side_knows_is_no_difference():
	assert reconcile([line("I", "A", 1, expiry=date(2027, 1, 1))], [line("I", "A", 1)]) == []
	assert reconcile([line("I", "A", 1)], [line("I", "A", 1, production=date(2026, 1, 1))]) == []


LOT_NOS = st.sampled_from(["A", "B", "C", "D", "E"])
LINES = st.lists(
	st.builds(line, st.sampled_from(["I", "J"]), LOT_NOS, st.integers(min_value=1, max_value=5).map(float)),
	max_size=8,
)


@given(LINES, LINES)
def test_every_lot_is_received_or_not_and_announced_or_not(announced, received):
	"""Against set arithmetic: not received = announced keys − received keys, and back."""
	found = reconcile(announced, received)
	keys = lambda lines: {(x.item, x.supplier_lot_no) for x in lines}  # noqa: E731
	of = lambda kind: {(d.item, d.supplier_lot_no) for d in found if d.finding is kind}  # noqa: E731
	assert of(Finding.NOT_RECEIVED) == keys(announced) - keys(received)
	assert of(Finding.NOT_ANNOUNCED) == keys(received) - keys(announced)
	totals = {}
	for side, lines in (("a", announced), ("r", received)):
		for x in lines:
			totals.setdefault((x.item, x.supplier_lot_no), {"a": 0.0, "r": 0.0})[side] += x.qty
	differing = {key for key, t in totals.items() if t["a"] and t["r"] and t["a"] != t["r"]}
	assert of(Finding.QUANTITY) == differing


@given(LINES, LINES, st.randoms())
def test_the_order_of_lines_changes_nothing(announced, received, random):
	shuffled_a, shuffled_r = list(announced), list(received)
	random.shuffle(shuffled_a)
	random.shuffle(shuffled_r)
	assert [
		(d.finding, d.item, d.supplier_lot_no, d.announced, d.received)
		for d in reconcile(announced, received)
	] == [
		(d.finding, d.item, d.supplier_lot_no, d.announced, d.received)
		for d in reconcile(shuffled_a, shuffled_r)
	]


@given(LINES)
def test_a_receipt_equal_to_its_announcement_has_no_finding(lines):
	assert reconcile(lines, lines) == []


# Lot Exceptions


def test_stored_findings_that_name_a_lot_are_lot_exceptions():
	from lot_traceability.traceability.findings import Kind, announcement_findings, score_lot

	rows = [
		{
			"parent": "LAN-2",
			"finding": "Not Announced",
			"batch_no": "L4",
			"supplier_lot_no": "X",
			"announced": "",
			"received": "2",
		},
		{"parent": "LAN-2", "finding": "Not Received", "batch_no": None, "supplier_lot_no": "B"},
		{"parent": "LAN-1", "finding": "Expiry Date Difference", "batch_no": "L3", "supplier_lot_no": "C"},
	]
	found = announcement_findings(rows)
	assert [(f.lot, f.kind, f.reference_doctype, f.reference_name) for f in found] == [
		("L3", Kind.ANNOUNCEMENT_MISMATCH, "Lot Announcement", "LAN-1"),
		("L4", Kind.ANNOUNCEMENT_MISMATCH, "Lot Announcement", "LAN-2"),
	]
	assert found[1].params["finding"] == "Not Announced"
	assert score_lot("L4", found).score == 45.0
