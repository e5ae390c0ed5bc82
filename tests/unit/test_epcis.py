"""EPCIS 2.0 events from lot ledger rows and status changes: which event each row is, how lots,
places, parties and documents are named, times with their offsets, stable event IDs, quantities
that add up to the ledger's, and (where GS1's JSON schemas are at hand) schema-valid documents."""

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability import epcis
from lot_traceability.traceability.epcis import (
	EpcisError,
	EventLot,
	Identifiers,
	MasterData,
	Move,
	StatusChange,
	document,
	event_time,
	is_valid_gln,
	kind_of,
	lot_quantities,
	movement_events,
	status_events,
)

IDS = Identifiers("https://erp.example.com/epcis/")
TZ = "Asia/Kolkata"
WHEN = datetime(2026, 3, 2, 9, 30)
GLN = "0614141000005"  # GS1's example GLN (check digit 5)
LOTS = {
	"L1": EventLot("L1", "MILK-POWDER", "09506000134352", "Kg"),
	"L2": EventLot("L2", "MILK-POWDER", "09506000134352", "Kg"),
	"C1": EventLot("C1", "CAKE MIX/CLASSIC", None, "Nos"),
}
MASTER = MasterData(
	warehouse_gln={"Stores - DFI": GLN},
	company_gln={},
	supplier_gln={"Dairy Co": GLN},
	uom_codes={"Kg": "KGM"},
)


def move(lot, qty, voucher_type, voucher_no, purpose=None, warehouse="Stores - DFI", **values):
	return Move(
		lot=lot,
		qty=qty,
		voucher_type=voucher_type,
		voucher_no=voucher_no,
		posted=values.pop("posted", WHEN),
		warehouse=warehouse,
		company=values.pop("company", "Demo Food Ingredients"),
		purpose=purpose,
		**values,
	)


# ---------------------------------------------------------------- identifiers


def test_a_lot_with_a_gtin_is_named_in_the_digital_link_form_else_under_the_private_base():
	assert IDS.lot_class("MILK", "L 1/A", "9506000134352") == (
		"https://id.gs1.org/01/09506000134352/10/L%201%2FA"
	)
	assert IDS.lot_class("CAKE MIX/CLASSIC", "C1") == (
		"https://erp.example.com/epcis/lot/CAKE%20MIX%2FCLASSIC/C1"
	)
	# a GTIN with a wrong check digit is not used
	assert IDS.lot_class("MILK", "L1", "9506000134353").startswith("https://erp.example.com/epcis/lot/")


def test_places_and_parties_are_glns_when_valid_else_private_uris():
	assert is_valid_gln(GLN) and not is_valid_gln("0614141000006") and not is_valid_gln("123")
	assert IDS.location("Stores - DFI", GLN) == f"https://id.gs1.org/414/{GLN}"
	assert IDS.location("Stores - DFI", "0614141000006") == (
		"https://erp.example.com/epcis/location/Stores%20-%20DFI"
	)
	assert IDS.party("Supplier", "Dairy Co", GLN) == f"https://id.gs1.org/417/{GLN}"
	assert (
		IDS.party("Customer", "Café Nord") == "https://erp.example.com/epcis/party/customer/Caf%C3%A9%20Nord"
	)


def test_the_private_base_must_be_an_absolute_uri():
	with pytest.raises(EpcisError):
		Identifiers("erp.example.com")
	with pytest.raises(EpcisError):
		Identifiers("https://erp.example.com/epcis", resolver="id.gs1.org")


def test_event_ids_are_stable_and_distinct():
	assert IDS.event_id("Delivery Note", "DN-1") == IDS.event_id("Delivery Note", "DN-1")
	assert IDS.event_id("Delivery Note", "DN-1") != IDS.event_id("Delivery Note", "DN-2")
	assert IDS.event_id("Delivery Note", "DN-1").startswith("urn:uuid:")
	other_site = Identifiers("https://other.example.com/epcis")
	assert other_site.event_id("Delivery Note", "DN-1") != IDS.event_id("Delivery Note", "DN-1")


# ---------------------------------------------------------------- times


def test_event_times_carry_the_site_time_zone_offset():
	assert event_time(WHEN, "Asia/Kolkata") == ("2026-03-02T09:30:00+05:30", "+05:30")
	assert event_time(datetime(2026, 1, 15, 8, 0), "America/New_York") == (
		"2026-01-15T08:00:00-05:00",
		"-05:00",
	)
	assert event_time(datetime(2026, 7, 15, 8, 0), "America/New_York")[1] == "-04:00"  # summer time
	assert event_time(date(2026, 3, 2), "UTC") == ("2026-03-02T00:00:00+00:00", "+00:00")


# ---------------------------------------------------------------- which event


@pytest.mark.parametrize(
	"voucher_type, purpose, qty, expected",
	[
		("Purchase Receipt", None, 5, ("ObjectEvent", "OBSERVE", "receiving", "in_progress", "source")),
		("Purchase Receipt", None, -5, ("ObjectEvent", "OBSERVE", "shipping", "returned", "destination")),
		(
			"Purchase Receipt",
			"Internal Transfer",
			5,
			("ObjectEvent", "OBSERVE", "receiving", "in_progress", "source"),
		),
		("Delivery Note", None, -5, ("ObjectEvent", "OBSERVE", "shipping", "in_transit", "destination")),
		(
			"Delivery Note",
			"Internal Transfer",
			-5,
			("ObjectEvent", "OBSERVE", "shipping", "in_transit", "destination"),
		),
		("Sales Invoice", None, 5, ("ObjectEvent", "OBSERVE", "receiving", "returned", "source")),
		("Stock Entry", "Manufacture", 5, ("TransformationEvent", None, "commissioning", "active", None)),
		("Stock Entry", "Manufacture", -5, ("TransformationEvent", None, "commissioning", "active", None)),
		("Stock Entry", "Repack", -5, ("TransformationEvent", None, "repackaging", "active", None)),
		("Stock Entry", "Disassemble", 5, ("TransformationEvent", None, "disassembling", "active", None)),
		("Stock Entry", "Material Issue", -5, ("ObjectEvent", "DELETE", "destroying", "destroyed", None)),
		("Stock Entry", "Material Receipt", 5, ("ObjectEvent", "ADD", "receiving", "in_progress", None)),
		("Stock Entry", "Material Transfer", -5, ("ObjectEvent", "OBSERVE", "departing", "in_transit", None)),
		("Stock Entry", "Material Transfer", 5, ("ObjectEvent", "OBSERVE", "arriving", "in_progress", None)),
		("Stock Reconciliation", None, 5, ("ObjectEvent", "ADD", "stock_taking", "in_progress", None)),
		("Stock Reconciliation", None, -5, ("ObjectEvent", "DELETE", "stock_taking", "inactive", None)),
	],
)
def test_each_movement_is_the_event_of_its_kind(voucher_type, purpose, qty, expected):
	kind = kind_of(move("L1", qty, voucher_type, "V-1", purpose))
	assert (kind.event_type, kind.action, kind.biz_step, kind.disposition, kind.party_is) == expected


def test_a_transformation_side_follows_the_direction():
	assert kind_of(move("L1", -3, "Stock Entry", "SE-1", "Manufacture")).side == "input"
	assert kind_of(move("C1", 3, "Stock Entry", "SE-1", "Manufacture")).side == "output"


# ---------------------------------------------------------------- events


def test_a_receipt_of_two_lots_is_one_event_from_the_supplier_to_the_company():
	moves = [
		move("L2", 4, "Purchase Receipt", "PR-1", party_type="Supplier", party="Dairy Co"),
		move("L1", 6, "Purchase Receipt", "PR-1", party_type="Supplier", party="Dairy Co"),
	]
	(event,) = movement_events(moves, LOTS, IDS, MASTER, TZ)
	assert event["type"] == "ObjectEvent" and event["bizStep"] == "receiving"
	assert event["quantityList"] == [
		{"epcClass": "https://id.gs1.org/01/09506000134352/10/L1", "quantity": 6.0, "uom": "KGM"},
		{"epcClass": "https://id.gs1.org/01/09506000134352/10/L2", "quantity": 4.0, "uom": "KGM"},
	]
	assert event["sourceList"] == [{"type": "owning_party", "source": f"https://id.gs1.org/417/{GLN}"}]
	assert event["destinationList"] == [
		{
			"type": "owning_party",
			"destination": "https://erp.example.com/epcis/party/company/Demo%20Food%20Ingredients",
		}
	]
	assert event["bizLocation"] == {"id": f"https://id.gs1.org/414/{GLN}"}
	assert event["bizTransactionList"] == [
		{"bizTransaction": "https://erp.example.com/epcis/document/Purchase%20Receipt/PR-1", "type": "recadv"}
	]
	assert event["eventTime"] == "2026-03-02T09:30:00+05:30"


def test_a_count_unit_carries_no_uom_and_a_shipment_goes_to_the_customer():
	(event,) = movement_events(
		[move("C1", -12, "Delivery Note", "DN-1", party_type="Customer", party="Café Nord")],
		LOTS,
		IDS,
		MASTER,
		TZ,
	)
	assert event["quantityList"] == [
		{"epcClass": "https://erp.example.com/epcis/lot/CAKE%20MIX%2FCLASSIC/C1", "quantity": 12.0}
	]
	assert event["destinationList"][0]["destination"].endswith("/party/customer/Caf%C3%A9%20Nord")
	assert event["disposition"] == "in_transit"


def test_production_is_a_transformation_from_the_lots_consumed_to_the_lots_made():
	moves = [
		move("L1", -3, "Stock Entry", "SE-9", "Manufacture"),
		move("L2", -1, "Stock Entry", "SE-9", "Manufacture"),
		move("C1", 40, "Stock Entry", "SE-9", "Manufacture", warehouse="Finished Goods - DFI"),
	]
	(event,) = movement_events(moves, LOTS, IDS, MASTER, TZ)
	assert event["type"] == "TransformationEvent"
	assert [e["quantity"] for e in event["inputQuantityList"]] == [3.0, 1.0]
	assert [e["quantity"] for e in event["outputQuantityList"]] == [40.0]
	assert event["bizLocation"]["id"].endswith("/location/Finished%20Goods%20-%20DFI")
	assert "transformationID" not in event


def test_consumption_for_a_work_order_is_linked_to_its_output_by_the_work_order():
	moves = [
		move("L1", -3, "Stock Entry", "SE-1", "Material Consumption for Manufacture", work_order="WO-1"),
		move("C1", 40, "Stock Entry", "SE-2", "Manufacture", work_order="WO-1"),
	]
	events = movement_events(moves, LOTS, IDS, MASTER, TZ)
	(consumed,) = [event for event in events if "inputQuantityList" in event]
	(made,) = [event for event in events if "outputQuantityList" in event]
	assert consumed["transformationID"] == made["transformationID"]
	assert consumed["transformationID"].endswith("/document/Work%20Order/WO-1")
	assert "outputQuantityList" not in consumed and "inputQuantityList" not in made


def test_a_transfer_departs_one_warehouse_and_arrives_at_the_other():
	moves = [
		move("L1", -5, "Stock Entry", "SE-3", "Material Transfer"),
		move("L1", 5, "Stock Entry", "SE-3", "Material Transfer", warehouse="Transit - DFI"),
	]
	arriving, departing = sorted(movement_events(moves, LOTS, IDS, MASTER, TZ), key=lambda e: e["bizStep"])
	assert (arriving["bizStep"], departing["bizStep"]) == ("arriving", "departing")
	assert arriving["bizLocation"]["id"].endswith("/location/Transit%20-%20DFI")
	assert departing["readPoint"]["id"] == f"https://id.gs1.org/414/{GLN}"


def test_a_write_off_deletes_the_lot_at_its_place():
	(event,) = movement_events(
		[move("L1", -2, "Stock Entry", "SE-4", "Material Issue")], LOTS, IDS, MASTER, TZ
	)
	assert (event["action"], event["bizStep"], event["disposition"]) == ("DELETE", "destroying", "destroyed")
	assert "bizLocation" not in event and event["readPoint"]


def test_status_changes_carry_the_disposition_their_status_maps_to():
	changes = [
		StatusChange("L2", "LSC-1", "Recalled", "recalled", WHEN, source="Recall"),
		StatusChange("L1", "LSC-1", "Recalled", "recalled", WHEN, source="Recall"),
		StatusChange("L1", "LSC-2", "Approved", "sellable_not_accessible", WHEN, source="Quality Inspection"),
	]
	recalled, approved = sorted(status_events(changes, LOTS, IDS, MASTER, TZ), key=lambda e: e["disposition"])
	assert recalled["bizStep"] == "holding" and approved["bizStep"] == "inspecting"
	assert [e["epcClass"] for e in recalled["quantityList"]] == [
		"https://id.gs1.org/01/09506000134352/10/L1",
		"https://id.gs1.org/01/09506000134352/10/L2",
	]
	assert approved["disposition"] == "sellable_not_accessible"


def test_every_default_disposition_is_a_cbv_value():
	assert set(epcis.DEFAULT_DISPOSITIONS.values()) <= set(epcis.DISPOSITIONS)


# ---------------------------------------------------------------- properties

VOUCHERS = [
	("Purchase Receipt", None),
	("Delivery Note", None),
	("Delivery Note", "Internal Transfer"),
	("Stock Entry", "Manufacture"),
	("Stock Entry", "Repack"),
	("Stock Entry", "Material Transfer"),
	("Stock Entry", "Material Issue"),
	("Stock Reconciliation", None),
]
moves_strategy = st.lists(
	st.builds(
		lambda lot, qty, voucher, number, warehouse, day: move(
			lot,
			qty,
			voucher[0],
			f"V-{number}",
			voucher[1],
			warehouse=warehouse,
			posted=datetime(2026, 3, day, 10),
			party_type="Customer",
			party="C",
		),
		st.sampled_from(sorted(LOTS)),
		st.one_of(st.integers(-50, -1), st.integers(1, 50)).map(float),
		st.sampled_from(VOUCHERS),
		st.integers(1, 6),
		st.sampled_from(["Stores - DFI", "Transit - DFI"]),
		st.integers(1, 28),
	),
	max_size=40,
)


@given(moves_strategy)
@settings(max_examples=150, deadline=None)
def test_the_events_quantities_per_lot_equal_the_ledgers(moves):
	events = movement_events(moves, LOTS, IDS, MASTER, TZ)
	ledger: dict[str, float] = {}
	for m in moves:
		ledger[m.lot] = ledger.get(m.lot, 0.0) + abs(m.qty)
	assert lot_quantities(events, IDS, LOTS) == pytest.approx(ledger)


@given(moves_strategy, st.randoms())
@settings(max_examples=100, deadline=None)
def test_the_same_rows_in_any_order_give_the_same_events(moves, random):
	shuffled = list(moves)
	random.shuffle(shuffled)
	first = movement_events(moves, LOTS, IDS, MASTER, TZ)
	assert movement_events(shuffled, LOTS, IDS, MASTER, TZ) == first
	assert len({event["eventID"] for event in first}) == len(first)


# ---------------------------------------------------------------- GS1's schemas

SCHEMAS = os.environ.get("LOT_TRACEABILITY_EPCIS_SCHEMAS")


@pytest.mark.skipif(
	not SCHEMAS, reason="LOT_TRACEABILITY_EPCIS_SCHEMAS (GS1's EPCIS 2.0 JSON schemas) not given"
)
def test_a_document_of_every_kind_of_event_validates_against_gs1s_schemas():
	from lot_traceability.exports.epcis_schema import validate

	moves = [
		move("L1", 6, "Purchase Receipt", "PR-1", party_type="Supplier", party="Dairy Co"),
		move("L1", -3, "Stock Entry", "SE-9", "Manufacture"),
		move("C1", 40, "Stock Entry", "SE-9", "Manufacture"),
		move("C1", -12, "Delivery Note", "DN-1", party_type="Customer", party="Café Nord"),
		move("C1", 2, "Delivery Note", "DN-2", party_type="Customer", party="Café Nord"),
		move("C1", -5, "Stock Entry", "SE-3", "Material Transfer"),
		move("C1", 5, "Stock Entry", "SE-3", "Material Transfer", warehouse="Transit - DFI"),
		move("L1", -1, "Stock Entry", "SE-4", "Material Issue"),
		move("L1", -1, "Stock Entry", "SE-5", "Material Consumption for Manufacture", work_order="WO-1"),
	]
	events = movement_events(moves, LOTS, IDS, MASTER, TZ) + status_events(
		[StatusChange("L1", "LSC-1", "Recalled", "recalled", WHEN, source="Recall")], LOTS, IDS, MASTER, TZ
	)
	doc = json.loads(json.dumps(document(events, WHEN, TZ, sender="Demo Food Ingredients")))
	assert validate(doc, Path(SCHEMAS)) == []
	broken = json.loads(json.dumps(doc))
	broken["epcisBody"]["eventList"][0]["bizStep"] = "teleporting"
	assert validate(broken, Path(SCHEMAS))  # the validator does refuse


def test_a_status_change_event_whole():
	changes = [StatusChange("L1", "LSC-7", "Quarantined", "non_sellable_other", WHEN, source="Manual")]
	(event,) = status_events(changes, LOTS, IDS, MASTER, TZ)
	assert event == {
		"type": "ObjectEvent",
		"eventID": IDS.event_id("Lot Status Change", "LSC-7", "Quarantined"),
		"eventTime": "2026-03-02T09:30:00+05:30",
		"eventTimeZoneOffset": "+05:30",
		"action": "OBSERVE",
		"bizStep": "holding",
		"disposition": "non_sellable_other",
		"quantityList": [{"epcClass": "https://id.gs1.org/01/09506000134352/10/L1"}],
		"bizTransactionList": [
			{"bizTransaction": "https://erp.example.com/epcis/document/Lot%20Status%20Change/LSC-7"}
		],
	}
	# one event per change and status, each with its own ID
	two = status_events(
		[*changes, StatusChange("L1", "LSC-8", "Quarantined", "non_sellable_other", WHEN)],
		LOTS,
		IDS,
		MASTER,
		TZ,
	)
	assert len({event["eventID"] for event in two}) == 2


def test_identifiers_refuse_in_words_and_keep_no_trailing_slash():
	assert IDS.private_base == "https://erp.example.com/epcis"
	with pytest.raises(
		EpcisError, match=r"the EPCIS private URI base must be an absolute URI, not 'erp\.example\.com'"
	):
		Identifiers("erp.example.com")
	with pytest.raises(
		EpcisError, match=r"the EPCIS GS1 resolver must be an absolute URI, not 'id\.gs1\.org'"
	):
		Identifiers("https://erp.example.com/epcis", resolver="id.gs1.org")
	with pytest.raises(EpcisError, match="private URI base must be an absolute URI"):
		Identifiers("https://erp.example.com/my epcis")


@pytest.mark.parametrize(
	("purpose", "qty", "expected"),
	[
		("Material Issue", 1, ("ADD", "receiving", "in_progress")),  # an issue reversed: stock comes in
		("Material Receipt", 1, ("ADD", "receiving", "in_progress")),  # one unit is a movement in
		("Material Receipt", -1, ("DELETE", "removing", "inactive")),  # a receipt reversed
	],
)
def test_adjustments_by_direction(purpose, qty, expected):
	kind = kind_of(move("L1", qty, "Stock Entry", "SE-1", purpose))
	assert (kind.action, kind.biz_step, kind.disposition) == expected


def test_the_document_wraps_its_events_with_the_standard_context():
	events = [{"type": "ObjectEvent", "eventID": "urn:uuid:1"}]
	assert epcis.document(events, WHEN, TZ) == {
		"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
		"type": "EPCISDocument",
		"schemaVersion": "2.0",
		"creationDate": "2026-03-02T09:30:00+05:30",
		"epcisBody": {"eventList": events},
	}
	assert epcis.document([], WHEN, TZ, sender="urn:epc:id:pgln:0950600.00000")["sender"] == (
		"urn:epc:id:pgln:0950600.00000"
	)


def test_a_trailing_slash_is_dropped_from_the_private_base_and_the_resolver():
	ids = Identifiers("https://erp.example.com/LUX/", resolver="https://resolver.example.com/GS1X/")
	assert ids.private_base == "https://erp.example.com/LUX"
	assert ids.resolver == "https://resolver.example.com/GS1X"
	assert ids.lot_class("MILK", "L1", "09506000134352") == (
		"https://resolver.example.com/GS1X/01/09506000134352/10/L1"
	)
	assert ids.lot_class("CAKE", "C1") == "https://erp.example.com/LUX/lot/CAKE/C1"
	assert ids.location("Stores", GLN) == f"https://resolver.example.com/GS1X/414/{GLN}"
	assert (
		ids.document("Delivery Note", "DN-1") == "https://erp.example.com/LUX/document/Delivery%20Note/DN-1"
	)


def test_a_party_with_an_invalid_gln_is_named_by_its_private_uri():
	assert IDS.party("Supplier", "Dairy Co", "0614141000006") == (
		"https://erp.example.com/epcis/party/supplier/Dairy%20Co"
	)
	assert IDS.party("Supplier", "Dairy Co", "") == "https://erp.example.com/epcis/party/supplier/Dairy%20Co"


def test_an_event_id_is_the_name_based_uuid_of_the_site_and_what_the_event_records():
	"""The ID of the same event is the same in every export and on every release of the app."""
	assert IDS.event_id("Delivery Note", "DN-1") == "urn:uuid:edbf7f6e-204b-5aa4-a6e3-11e1fc0275cd"


def test_master_data_gives_the_gln_of_a_company_supplier_or_customer():
	master = MasterData(
		company_gln={"Demo Food Ingredients": "0614141000005"},
		supplier_gln={"Dairy Co": "0614141000012"},
		customer_gln={"Café Nord": "0614141000029"},
	)
	assert master.party_gln("Company", "Demo Food Ingredients") == "0614141000005"
	assert master.party_gln("Supplier", "Dairy Co") == "0614141000012"
	assert master.party_gln("Customer", "Café Nord") == "0614141000029"
	# the kind is matched exactly; an unknown kind, no kind or no name has no GLN
	assert master.party_gln("customer", "Café Nord") is None
	assert master.party_gln("Employee", "Café Nord") is None
	assert master.party_gln(None, "Café Nord") is None
	assert master.party_gln("Customer", None) is None
	assert master.party_gln("Customer", "Someone Else") is None


def test_a_time_that_already_has_its_zone_keeps_it():
	from zoneinfo import ZoneInfo

	moment = datetime(2026, 3, 2, 4, 0, tzinfo=ZoneInfo("UTC"))
	assert event_time(moment, "Asia/Kolkata") == ("2026-03-02T04:00:00+00:00", "+00:00")


def test_an_offset_of_odd_seconds_west_of_utc_is_given_to_the_minute_below():
	"""Liberia kept -00:44:30 until 1972: the offset alone reads -00:45."""
	assert event_time(datetime(1970, 1, 1, 12, 0), "Africa/Monrovia") == (
		"1970-01-01T12:00:00-00:44:30",
		"-00:45",
	)


def test_a_movement_of_any_other_document_is_an_observation_of_step_other():
	kind = kind_of(move("L1", 5, "Asset Capitalization", "ACC-1"))
	assert kind == epcis.Kind("ObjectEvent", "OBSERVE", "other", None)
	(event,) = movement_events([move("L1", -5, "Asset Capitalization", "ACC-1")], LOTS, IDS, MASTER, TZ)
	assert (event["type"], event["action"], event["bizStep"]) == ("ObjectEvent", "OBSERVE", "other")
	assert "disposition" not in event


def test_a_row_that_moves_nothing_makes_no_event_and_is_not_stock_coming_in():
	zero = move("L1", 0, "Purchase Receipt", "PR-0", party_type="Supplier", party="Dairy Co")
	assert kind_of(zero).biz_step != "receiving"
	assert kind_of(move("L1", 0, "Stock Entry", "SE-0", "Manufacture")).side == "input"
	# rows after it still count
	events = movement_events(
		[zero, move("L1", 6, "Purchase Receipt", "PR-1", party_type="Supplier", party="Dairy Co")],
		LOTS,
		IDS,
		MASTER,
		TZ,
	)
	assert [event["bizTransactionList"][0]["bizTransaction"] for event in events] == [
		"https://erp.example.com/epcis/document/Purchase%20Receipt/PR-1"
	]
