"""EPCIS 2.0 events whole: what a production, a consumption, a receipt, a shipment and a status
change export as, who the source and destination parties are, and the export's own lot totals."""

from datetime import datetime

from lot_traceability.traceability.epcis import (
	EventLot,
	Identifiers,
	MasterData,
	Move,
	StatusChange,
	lot_quantities,
	movement_events,
	status_events,
)

IDS = Identifiers("https://erp.example.com/epcis")
TZ = "Asia/Kolkata"
WHEN = datetime(2026, 3, 2, 9, 30)
STORES_GLN = "0614141000005"
COMPANY_GLN = "0614141000012"
SUPPLIER_GLN = "0614141000029"
LOTS = {
	"L1": EventLot("L1", "MILK-POWDER", "09506000134352", "Kg"),
	"C1": EventLot("C1", "CAKE MIX/CLASSIC", None, "Nos"),
}
MASTER = MasterData(
	warehouse_gln={"Stores - DFI": STORES_GLN},
	company_gln={"Demo Food Ingredients": COMPANY_GLN},
	supplier_gln={"Dairy Co": SUPPLIER_GLN},
	uom_codes={"Kg": "KGM"},
)
BASE = "https://erp.example.com/epcis"
MILK_L1 = "https://id.gs1.org/01/09506000134352/10/L1"
CAKE_C1 = f"{BASE}/lot/CAKE%20MIX%2FCLASSIC/C1"


def move(
	lot: str, qty: float, voucher_type: str, voucher_no: str, purpose: str | None = None, **values
) -> Move:
	return Move(
		lot=lot,
		qty=qty,
		voucher_type=voucher_type,
		voucher_no=voucher_no,
		posted=values.pop("posted", WHEN),
		warehouse=values.pop("warehouse", "Stores - DFI"),
		company=values.pop("company", "Demo Food Ingredients"),
		purpose=purpose,
		**values,
	)


def assert_parties(event: dict, source: str, destination: str) -> None:
	"""The event runs from one owning party to another."""
	assert event["sourceList"] == [{"type": "owning_party", "source": source}]
	assert event["destinationList"] == [{"type": "owning_party", "destination": destination}]


# ---------------------------------------------------------------- transformations


def test_production_for_a_work_order_whole():
	"""Lots consumed in, lots made out, named by the work order, at the place the lots were made."""
	moves = [
		move(
			"L1",
			-3,
			"Stock Entry",
			"SE-9",
			"Manufacture",
			warehouse="Work In Progress - DFI",
			work_order="WO-1",
		),
		move("C1", 40, "Stock Entry", "SE-9", "Manufacture", work_order="WO-1"),
	]
	(event,) = movement_events(moves, LOTS, IDS, MASTER, TZ)
	assert event == {
		"type": "TransformationEvent",
		"eventID": "urn:uuid:3fa3bf83-de6e-56e5-b079-2700904ebe02",
		"eventTime": "2026-03-02T09:30:00+05:30",
		"eventTimeZoneOffset": "+05:30",
		"inputQuantityList": [{"epcClass": MILK_L1, "quantity": 3.0, "uom": "KGM"}],
		"outputQuantityList": [{"epcClass": CAKE_C1, "quantity": 40.0}],
		"transformationID": f"{BASE}/document/Work%20Order/WO-1",
		"bizStep": "commissioning",
		"disposition": "active",
		"readPoint": {"id": f"https://id.gs1.org/414/{STORES_GLN}"},
		"bizLocation": {"id": f"https://id.gs1.org/414/{STORES_GLN}"},
		"bizTransactionList": [
			{"bizTransaction": f"{BASE}/document/Stock%20Entry/SE-9"},
			{"type": "prodorder", "bizTransaction": f"{BASE}/document/Work%20Order/WO-1"},
		],
	}


def test_consumption_without_a_work_order_is_named_by_its_stock_entry_and_has_no_place_when_none_is_known():
	moves = [move("L1", -1, "Stock Entry", "SE-5", "Material Consumption for Manufacture", warehouse=None)]
	(event,) = movement_events(moves, LOTS, IDS, MASTER, TZ)
	assert event == {
		"type": "TransformationEvent",
		"eventID": "urn:uuid:3e6841fd-ab6d-54d6-b118-e63ee84aef37",
		"eventTime": "2026-03-02T09:30:00+05:30",
		"eventTimeZoneOffset": "+05:30",
		"inputQuantityList": [{"epcClass": MILK_L1, "quantity": 1.0, "uom": "KGM"}],
		"transformationID": f"{BASE}/document/Stock%20Entry/SE-5",
		"bizStep": "commissioning",
		"disposition": "active",
		"bizTransactionList": [{"bizTransaction": f"{BASE}/document/Stock%20Entry/SE-5"}],
	}


def test_a_repack_that_only_makes_lots_is_named_by_its_stock_entry():
	(event,) = movement_events([move("C1", 8, "Stock Entry", "SE-7", "Repack")], LOTS, IDS, MASTER, TZ)
	assert event["transformationID"] == f"{BASE}/document/Stock%20Entry/SE-7"
	assert event["bizStep"] == "repackaging"
	assert event["outputQuantityList"] == [{"epcClass": CAKE_C1, "quantity": 8.0}]


# ---------------------------------------------------------------- object events and their parties


def test_a_receipt_runs_from_the_suppliers_gln_to_the_companys_gln():
	moves = [move("L1", 6, "Purchase Receipt", "PR-1", party_type="Supplier", party="Dairy Co")]
	(event,) = movement_events(moves, LOTS, IDS, MASTER, TZ)
	assert_parties(event, f"https://id.gs1.org/417/{SUPPLIER_GLN}", f"https://id.gs1.org/417/{COMPANY_GLN}")


def test_a_delivery_to_our_other_company_goes_to_that_companys_gln():
	master = MasterData(company_gln={"Demo Food Ingredients": COMPANY_GLN, "Demo Retail": SUPPLIER_GLN})
	moves = [
		move(
			"L1", -2, "Delivery Note", "DN-4", "Internal Transfer", party_type="Company", party="Demo Retail"
		)
	]
	(event,) = movement_events(moves, LOTS, IDS, master, TZ)
	assert_parties(event, f"https://id.gs1.org/417/{COMPANY_GLN}", f"https://id.gs1.org/417/{SUPPLIER_GLN}")


def test_a_company_without_a_gln_is_named_by_its_private_uri():
	master = MasterData(supplier_gln={"Dairy Co": SUPPLIER_GLN})
	moves = [move("L1", 6, "Purchase Receipt", "PR-1", party_type="Supplier", party="Dairy Co")]
	(event,) = movement_events(moves, LOTS, IDS, master, TZ)
	assert event["destinationList"] == [
		{"type": "owning_party", "destination": f"{BASE}/party/company/Demo%20Food%20Ingredients"}
	]


def test_no_parties_are_listed_unless_both_sides_are_known():
	cases = [
		move("L1", 6, "Purchase Receipt", "PR-1", party_type="Supplier", party="Dairy Co", company=None),
		move("L1", 6, "Purchase Receipt", "PR-2"),
		move("L1", 6, "Purchase Receipt", "PR-3", party="Dairy Co"),
		move("L1", 6, "Purchase Receipt", "PR-4", party_type="Supplier"),
	]
	for case in cases:
		(event,) = movement_events([case], LOTS, IDS, MASTER, TZ)
		assert "sourceList" not in event and "destinationList" not in event, case.voucher_no


def test_a_move_between_our_warehouses_lists_no_parties():
	moves = [
		move("L1", -5, "Stock Entry", "SE-3", "Material Transfer", party_type="Supplier", party="Dairy Co"),
		move("L1", 5, "Stock Entry", "SE-3", "Material Transfer", warehouse="Transit - DFI"),
	]
	for event in movement_events(moves, LOTS, IDS, MASTER, TZ):
		assert "sourceList" not in event and "destinationList" not in event, event["bizStep"]


def test_one_document_shipping_from_two_warehouses_makes_one_event_per_place():
	moves = [
		move("L1", -4, "Delivery Note", "DN-1"),
		move("L1", -1, "Delivery Note", "DN-1", warehouse="Transit - DFI"),
	]
	events = movement_events(moves, LOTS, IDS, MASTER, TZ)
	assert sorted((event["readPoint"]["id"], event["quantityList"][0]["quantity"]) for event in events) == [
		(f"{BASE}/location/Transit%20-%20DFI", 1.0),
		(f"https://id.gs1.org/414/{STORES_GLN}", 4.0),
	]


def test_a_receipt_with_no_warehouse_has_no_place_and_a_stable_id():
	(event,) = movement_events(
		[move("L1", 6, "Purchase Receipt", "PR-1", warehouse=None)], LOTS, IDS, MASTER, TZ
	)
	assert event["eventID"] == "urn:uuid:041e13a2-9392-57ac-932f-16650542137e"
	assert "readPoint" not in event and "bizLocation" not in event


def test_a_lot_not_in_the_master_data_is_named_by_its_own_name_under_the_private_base():
	(event,) = movement_events([move("L9", 2, "Purchase Receipt", "PR-1")], LOTS, IDS, MASTER, TZ)
	assert event["quantityList"] == [{"epcClass": f"{BASE}/lot/L9/L9", "quantity": 2.0}]


# ---------------------------------------------------------------- status changes


def test_a_status_change_names_lots_without_a_gtin_by_their_item_and_unknown_lots_by_their_name():
	changes = [
		StatusChange("C1", "LSC-3", "Quarantined", "non_sellable_other", WHEN),
		StatusChange("L9", "LSC-3", "Quarantined", "non_sellable_other", WHEN),
	]
	(event,) = status_events(changes, LOTS, IDS, MASTER, TZ)
	assert event["quantityList"] == [{"epcClass": CAKE_C1}, {"epcClass": f"{BASE}/lot/L9/L9"}]


# ---------------------------------------------------------------- the export's own account


def test_the_exports_lot_totals_count_only_known_lots_and_only_quantities():
	moves = [
		move("L1", 6, "Purchase Receipt", "PR-1"),
		move("L9", 2, "Purchase Receipt", "PR-1"),
		move("L1", -1, "Delivery Note", "DN-1"),
	]
	events = movement_events(moves, LOTS, IDS, MASTER, TZ) + status_events(
		[StatusChange("L1", "LSC-1", "Recalled", "recalled", WHEN)], LOTS, IDS, MASTER, TZ
	)
	assert lot_quantities(events, IDS, LOTS) == {"L1": 7.0}


def test_a_lot_whose_item_has_no_stock_unit_carries_no_unit_code_whatever_the_sites_table_holds():
	"""Units are looked up by their exact name: placeholder units a site coded do not stand in."""
	master = MasterData(uom_codes={"XXXX": "KGM", "N/A": "LTR", "-": "MTR", "Kg": "KGM"})
	lots = {"L5": EventLot("L5", "SPICE MIX", None, None), "L6": EventLot("L6", "SPICE MIX", None, "")}
	events = movement_events(
		[move("L5", 2, "Purchase Receipt", "PR-1"), move("L6", 3, "Purchase Receipt", "PR-1")],
		lots,
		IDS,
		master,
		TZ,
	)
	assert events[0]["quantityList"] == [
		{"epcClass": f"{BASE}/lot/SPICE%20MIX/L5", "quantity": 2.0},
		{"epcClass": f"{BASE}/lot/SPICE%20MIX/L6", "quantity": 3.0},
	]
