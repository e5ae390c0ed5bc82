"""FSMA 204: which lots the Food Traceability List covers (listed, inherited through what they were
made from, stopped by a kill step), which lot movements are Critical Tracking Events, the rows of
the sortable spreadsheet with their Key Data Elements, and the missing ones named in a column."""

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.fsma204 import (
	COLUMNS,
	HEADERS,
	INPUT,
	OUTPUT,
	RECEIVING,
	SHIPPING,
	TRANSFORMATION,
	Lot,
	Movement,
	Place,
	Places,
	covered_lots,
	cte_of,
	quantities,
	spreadsheet_rows,
	table,
)

FARM = Place("Dairy Co", "1 Milk Road", "Fresno", "CA", "93650", "United States", "+1 559 000 0000")
PLANT = Place("Demo Foods", "5 Mill Lane", "Dayton", "OH", "45402", "United States", "+1 937 000 0000")
DEPOT = Place("Demo Foods", "9 Dock Street", "Columbus", "OH", "43004", "United States", "+1 614 000 0000")
BAKERY = Place("Corner Bakery", "3 Bread St", "Akron", "OH", "44301", "United States", None)
WHEN = datetime(2026, 3, 2, 9, 30)


def move(lot, qty, voucher_type, voucher_no, warehouse="Stores", purpose=None, party=None, **extra):
	party_type = {"Purchase Receipt": "Supplier", "Delivery Note": "Customer"}.get(voucher_type)
	return Movement(
		lot=lot,
		qty=qty,
		voucher_type=voucher_type,
		voucher_no=voucher_no,
		posted=extra.pop("posted", WHEN),
		warehouse=warehouse,
		company="Demo Foods",
		purpose=purpose,
		party_type=party_type if party else None,
		party=party,
		**extra,
	)


LOTS = {
	"MILK-1": Lot("MILK-1", "MILK", "Milk Powder", "Kg", "Dairy Co", "DC-5531", FARM),
	"CAKE-1": Lot("CAKE-1", "CAKE", "Cake Mix", "Nos", None, None, PLANT),
}
PLACES = Places(
	warehouses={"Stores": PLANT, "Finished": PLANT, "Depot": DEPOT},
	parties={("Purchase Receipt", "PR-1"): FARM, ("Delivery Note", "DN-1"): BAKERY},
)
COVERED = {"MILK-1": "listed", "CAKE-1": "made from MILK-1"}


# ---------------------------------------------------------------- coverage


def test_a_listed_items_lots_are_covered_and_what_is_made_from_them_inherits():
	items = {"MILK-1": "MILK", "CAKE-1": "CAKE", "SUGAR-1": "SUGAR", "BOX-1": "BOX"}
	parents = {"CAKE-1": {"MILK-1", "SUGAR-1"}, "BOX-1": {"CAKE-1"}}
	assert covered_lots(items, parents, {"MILK"}) == {
		"MILK-1": "listed",
		"CAKE-1": "made from MILK-1",
		"BOX-1": "made from CAKE-1",
	}


def test_a_lot_made_only_from_unlisted_lots_is_not_covered():
	items = {"SUGAR-1": "SUGAR", "CAKE-1": "CAKE"}
	assert covered_lots(items, {"CAKE-1": {"SUGAR-1"}}, {"MILK"}) == {}


def test_a_kill_step_stops_the_inheritance_but_not_a_listing_of_its_own():
	items = {"MILK-1": "MILK", "CAKE-1": "CAKE", "BOX-1": "BOX"}
	parents = {"CAKE-1": {"MILK-1"}, "BOX-1": {"CAKE-1"}}
	assert covered_lots(items, parents, {"MILK"}, {"CAKE"}) == {"MILK-1": "listed"}
	assert covered_lots(items, parents, {"MILK", "CAKE"}, {"CAKE"}) == {
		"MILK-1": "listed",
		"CAKE-1": "listed",
		"BOX-1": "made from CAKE-1",
	}


def test_a_cycle_in_bad_data_ends():
	items = {"A": "X", "B": "Y"}
	assert covered_lots(items, {"A": {"B"}, "B": {"A"}}, {"X"}) == {"A": "listed", "B": "made from A"}


@settings(max_examples=200, deadline=None)
@given(
	st.dictionaries(st.sampled_from("ABCDEFGH"), st.sampled_from("pqrs"), min_size=1),
	st.lists(st.tuples(st.sampled_from("ABCDEFGH"), st.sampled_from("ABCDEFGH")), max_size=12),
	st.sets(st.sampled_from("pqrs")),
	st.sets(st.sampled_from("pqrs")),
)
def test_coverage_equals_a_brute_force_fixed_point(items, links, listed, breaking):
	parents: dict[str, set[str]] = {}
	for parent, child in links:
		if parent != child and parent in items and child in items:
			parents.setdefault(child, set()).add(parent)
	# reference: repeat "listed, or not breaking and made from a covered lot" until nothing changes
	covered = {lot for lot, item in items.items() if item in listed}
	changed = True
	while changed:
		changed = False
		for lot, item in items.items():
			if lot not in covered and item not in breaking and parents.get(lot, set()) & covered:
				covered.add(lot)
				changed = True
	found = covered_lots(items, parents, listed, breaking)
	assert set(found) == covered
	for lot, why in found.items():
		if why != "listed":
			assert why.removeprefix("made from ") in parents[lot] & covered


# ---------------------------------------------------------------- places


def test_a_place_describes_itself_and_names_what_it_lacks():
	assert (
		FARM.description() == "Dairy Co, 1 Milk Road, Fresno, CA 93650, United States, tel. +1 559 000 0000"
	)
	assert FARM.missing() == []
	assert BAKERY.missing() == ["phone number"]
	assert Place("Shop").missing() == ["phone number", "address", "city", "postal code", "country"]
	# the state is asked of a domestic place only
	assert "state" in Place("A", "1 St", "Town", None, "1", "United States", "1").missing()
	assert Place("A", "1 St", "Town", None, "1", "Germany", "1").missing() == []


# ---------------------------------------------------------------- events


def test_which_movements_are_critical_tracking_events():
	assert cte_of(move("L", 5, "Purchase Receipt", "PR-1")) == (RECEIVING, None)
	assert cte_of(move("L", -5, "Purchase Receipt", "PR-2")) == (SHIPPING, None)  # back to the supplier
	assert cte_of(move("L", -5, "Subcontracting Receipt", "SCR-1")) == (TRANSFORMATION, INPUT)
	assert cte_of(move("L", 5, "Subcontracting Receipt", "SCR-1")) == (RECEIVING, None)
	assert cte_of(move("L", -5, "Delivery Note", "DN-1")) == (SHIPPING, None)
	assert cte_of(move("L", 5, "Delivery Note", "DN-2")) == (RECEIVING, None)  # a customer return
	assert cte_of(move("L", 5, "Stock Entry", "SE", purpose="Manufacture")) == (TRANSFORMATION, OUTPUT)
	assert cte_of(move("L", -5, "Stock Entry", "SE", purpose="Repack")) == (TRANSFORMATION, INPUT)
	assert cte_of(move("L", 5, "Stock Entry", "SE", purpose="Material Receipt")) == (RECEIVING, None)
	# a write-off, a count and a move within one site are not
	assert cte_of(move("L", -5, "Stock Entry", "SE", purpose="Material Issue")) is None
	assert cte_of(move("L", -5, "Stock Reconciliation", "SR")) is None
	assert cte_of(move("L", -5, "Stock Entry", "SE", purpose="Material Transfer")) is None
	assert cte_of(move("L", -5, "Stock Entry", "SE", purpose="Material Transfer"), True) == (SHIPPING, None)
	assert cte_of(move("L", 5, "Stock Entry", "SE", purpose="Material Transfer"), True) == (RECEIVING, None)


def history():
	return [
		move("MILK-1", 200, "Purchase Receipt", "PR-1", party="Dairy Co", posted=datetime(2026, 3, 1, 8)),
		move("MILK-1", -40, "Stock Entry", "SE-1", "Stores", "Manufacture", work_order="WO-1"),
		move("CAKE-1", 100, "Stock Entry", "SE-1", "Finished", "Manufacture", work_order="WO-1"),
		move(
			"CAKE-1",
			-30,
			"Delivery Note",
			"DN-1",
			"Finished",
			party="Corner Bakery",
			posted=datetime(2026, 3, 3),
		),
		move(
			"CAKE-1",
			-10,
			"Delivery Note",
			"DN-1",
			"Finished",
			party="Corner Bakery",
			posted=datetime(2026, 3, 3),
		),
		move("MILK-1", -10, "Stock Entry", "SE-9", "Stores", "Material Issue"),  # a write-off: no event
	]


def test_the_rows_of_a_receipt_a_transformation_and_a_shipment():
	rows = spreadsheet_rows(history(), LOTS, PLACES, COVERED)
	assert [(row["cte"], row["role"], row["lot"], row["quantity"]) for row in rows] == [
		(RECEIVING, "", "MILK-1", 200.0),
		(TRANSFORMATION, INPUT, "MILK-1", 40.0),
		(TRANSFORMATION, OUTPUT, "CAKE-1", 100.0),
		(SHIPPING, "", "CAKE-1", 40.0),  # two rows of one document and lot: one event
	]
	receipt, consumed, made, shipment = rows
	assert receipt["tlc"] == "DC-5531"  # the supplier's code
	assert receipt["event_date"] == date(2026, 3, 1)
	assert receipt["previous_source"] == FARM.description()
	assert receipt["location"] == PLANT.description()
	assert receipt["tlc_source"] == FARM.description()
	assert receipt["reference_document_type"] == "Purchase Receipt"
	assert receipt["reference_document_number"] == "PR-1"
	assert receipt["missing"] == ""
	assert consumed["event_id"] == made["event_id"] == "WO-1"
	assert made["tlc"] == "CAKE-1" and made["coverage"] == "made from MILK-1"
	assert shipment["subsequent_recipient"] == BAKERY.description()
	assert shipment["missing"] == "immediate subsequent recipient: phone number"


def test_only_covered_lots_have_rows():
	rows = spreadsheet_rows(history(), LOTS, PLACES, {"MILK-1": "listed"})
	assert {row["lot"] for row in rows} == {"MILK-1"}


def test_missing_kdes_are_named_not_left_blank():
	lots = {"MILK-1": Lot("MILK-1", "MILK", "Milk Powder", None, "Dairy Co", None, None)}
	places = Places(warehouses={}, parties={})
	(row,) = spreadsheet_rows(
		[move("MILK-1", 5, "Purchase Receipt", "PR-7", party="X")], lots, places, COVERED
	)
	assert row["tlc"] == "MILK-1"
	assert row["missing"].split("; ") == [
		"immediate previous source",
		"location description",
		"traceability lot code source",
		"traceability lot code (the supplier's lot code is not recorded)",
		"unit of measure",
	]


def test_a_source_reference_stands_for_an_incomplete_source_address():
	lots = {
		"MILK-1": Lot("MILK-1", "MILK", "Milk", "Kg", "Dairy Co", "DC", Place("Dairy Co"), "0614141000005")
	}
	(row,) = spreadsheet_rows(
		[move("MILK-1", 5, "Purchase Receipt", "PR-1", party="X")], lots, PLACES, COVERED
	)
	assert row["tlc_source_reference"] == "0614141000005"
	assert "traceability lot code source" not in row["missing"]


def test_a_transfer_between_two_sites_is_a_shipment_and_a_receipt_one_within_a_site_nothing():
	moves = [
		move("MILK-1", -20, "Stock Entry", "SE-2", "Stores", "Material Transfer"),
		move("MILK-1", 20, "Stock Entry", "SE-2", "Depot", "Material Transfer"),
		move("MILK-1", -5, "Stock Entry", "SE-3", "Stores", "Material Transfer"),
		move("MILK-1", 5, "Stock Entry", "SE-3", "Finished", "Material Transfer"),  # same site
	]
	rows = spreadsheet_rows(moves, LOTS, PLACES, COVERED)
	assert [(row["cte"], row["reference_document_number"]) for row in rows] == [
		(RECEIVING, "SE-2"),
		(SHIPPING, "SE-2"),
	]
	receipt, shipment = rows
	assert receipt["location"] == DEPOT.description() and receipt["previous_source"] == PLANT.description()
	assert (
		shipment["location"] == PLANT.description()
		and shipment["subsequent_recipient"] == DEPOT.description()
	)


def test_a_delivery_ships_from_its_dispatch_address_when_it_has_one():
	places = Places(PLACES.warehouses, PLACES.parties, {("Delivery Note", "DN-1"): DEPOT})
	(row,) = spreadsheet_rows(
		[move("CAKE-1", -3, "Delivery Note", "DN-1", "Finished", party="Corner Bakery")],
		LOTS,
		places,
		COVERED,
	)
	assert row["location"] == DEPOT.description()


def test_the_table_has_one_header_row_and_typed_cells():
	rows = spreadsheet_rows(history(), LOTS, PLACES, COVERED)
	sheet = table(rows)
	assert sheet[0] == list(HEADERS) and len(sheet) == len(rows) + 1
	date_column = [key for key, _h, _t in COLUMNS].index("event_date")
	quantity_column = [key for key, _h, _t in COLUMNS].index("quantity")
	assert all(isinstance(line[date_column], date) for line in sheet[1:])
	assert all(isinstance(line[quantity_column], float) for line in sheet[1:])


@settings(max_examples=100, deadline=None)
@given(
	st.lists(
		st.tuples(
			st.sampled_from(["MILK-1", "CAKE-1"]),
			st.integers(-50, 50).filter(bool),
			st.sampled_from(["Purchase Receipt", "Delivery Note", "Stock Entry"]),
			st.sampled_from(["D1", "D2", "D3"]),
			st.sampled_from(["Stores", "Finished"]),
		),
		max_size=25,
	)
)
def test_the_rows_quantities_equal_the_ledgers_per_lot_event_and_document(ledger):
	moves = [
		move(
			lot,
			qty,
			voucher,
			f"{voucher}-{no}",
			warehouse,
			"Manufacture" if voucher == "Stock Entry" else None,
		)
		for lot, qty, voucher, no, warehouse in ledger
	]
	expected: dict[tuple, float] = {}
	for m in moves:  # reference: each row's event by the rule's words, summed by hand
		if m.voucher_type == "Stock Entry":
			event, role = TRANSFORMATION, (OUTPUT if m.qty > 0 else INPUT)
		else:
			event, role = (RECEIVING if m.qty > 0 else SHIPPING), ""
		key = (m.lot, event, role, m.voucher_no)
		expected[key] = expected.get(key, 0.0) + abs(m.qty)
	assert quantities(spreadsheet_rows(moves, LOTS, PLACES, COVERED)) == expected
