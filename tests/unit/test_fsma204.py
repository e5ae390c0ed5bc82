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
	Movement,
	Place,
	Places,
	TracedLot,
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
	"MILK-1": TracedLot("MILK-1", "MILK", "Milk Powder", "Kg", "Dairy Co", "DC-5531", FARM),
	"CAKE-1": TracedLot("CAKE-1", "CAKE", "Cake Mix", "Nos", None, None, PLANT),
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
	lots = {"MILK-1": TracedLot("MILK-1", "MILK", "Milk Powder", None, "Dairy Co", None, None)}
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
		"MILK-1": TracedLot(
			"MILK-1", "MILK", "Milk", "Kg", "Dairy Co", "DC", Place("Dairy Co"), "0614141000005"
		)
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


# ---------------------------------------------------------------- places, in detail


def test_a_place_with_only_a_phone_number_is_described_by_it_alone():
	"""No leading comma when the phone number is all there is."""
	assert Place(phone=" +1 937 000 0000 ").description() == "tel. +1 937 000 0000"
	assert Place("Demo Foods", phone="+1").description() == "Demo Foods, tel. +1"


def test_an_empty_place_lacks_every_part_in_the_rules_order():
	"""A domestic place asks for the state between the city and the ZIP code."""
	assert Place().missing() == ["business name", "phone number", "address", "city", "postal code", "country"]
	assert Place(country="United States").missing() == [
		"business name",
		"phone number",
		"address",
		"city",
		"state",
		"postal code",
	]
	assert Place("A", "1 St", "Town", None, None, "United States", "1").missing() == ["state", "postal code"]


def test_a_blank_part_is_as_missing_as_an_absent_one():
	"""Spaces are no business name, no phone number."""
	assert Place("  ", "1 St", "Town", None, "1", "Germany", " ").missing() == [
		"business name",
		"phone number",
	]


def test_a_site_is_its_address_city_and_country_trimmed_and_in_lower_case():
	"""The business aside; what is absent is blank."""
	assert Place("Demo Foods", " 5 Mill Lane ", "Dayton", "OH", "45402", "United States").site() == (
		"5 mill lane",
		"dayton",
		"united states",
	)
	assert Place("Demo Foods").site() == ("", "", "")


# ---------------------------------------------------------------- events, in detail


def test_a_material_receipt_that_brings_nothing_in_is_no_receiving_event():
	"""Only a positive quantity comes in."""
	assert cte_of(move("L", 0, "Stock Entry", "SE", purpose="Material Receipt")) is None


def test_a_lot_the_records_do_not_describe_is_named_by_its_own_number():
	"""Its lot number stands for its code, item and product description."""
	(row,) = spreadsheet_rows(
		[move("BULK-9", 5, "Purchase Receipt", "PR-1", party="X")], {}, PLACES, {"BULK-9": "listed"}
	)
	assert (row["tlc"], row["lot"], row["item"], row["product"]) == ("BULK-9", "BULK-9", "BULK-9", "BULK-9")
	assert (row["uom"], row["tlc_source"], row["tlc_source_reference"], row["coverage"]) == (
		"",
		"",
		"",
		"listed",
	)
	assert row["missing"] == "traceability lot code source; unit of measure"


def test_a_row_carries_the_unit_of_measure_and_the_company():
	"""Blank when the records lack them."""
	(row,) = spreadsheet_rows(
		[move("MILK-1", 5, "Purchase Receipt", "PR-1", party="X")], LOTS, PLACES, COVERED
	)
	assert (row["uom"], row["company"]) == ("Kg", "Demo Foods")
	without_company = Movement("MILK-1", 5, "Purchase Receipt", "PR-1", WHEN, "Stores", None)
	(row,) = spreadsheet_rows([without_company], LOTS, PLACES, COVERED)
	assert row["company"] == ""


def test_places_the_records_lack_leave_their_columns_blank():
	"""A transformation has neither previous source nor recipient; a row without places has no location."""
	rows = spreadsheet_rows(history(), LOTS, PLACES, COVERED)
	consumed = rows[1]
	assert (consumed["cte"], consumed["previous_source"], consumed["subsequent_recipient"]) == (
		TRANSFORMATION,
		"",
		"",
	)
	(row,) = spreadsheet_rows(
		[move("MILK-1", -5, "Delivery Note", "DN-9", "Nowhere")], LOTS, Places(), COVERED
	)
	assert (row["location"], row["subsequent_recipient"]) == ("", "")
	assert row["missing"] == "immediate subsequent recipient; location description"


def test_a_blank_warehouse_names_no_location():
	"""Even when the places happen to hold an entry for a blank warehouse name."""
	places = Places(warehouses={"": PLANT})
	(row,) = spreadsheet_rows(
		[move("MILK-1", 5, "Stock Entry", "SE-1", "", "Material Receipt")], LOTS, places, COVERED
	)
	assert row["location"] == ""
	assert "location description" in row["missing"].split("; ")


def test_every_gap_of_a_place_is_named_after_the_kde_it_belongs_to():
	"""Gaps of one place are listed together, comma separated."""
	shop = Place("Corner Shop", "3 High St", "Akron", "OH", None, "United States", None)
	places = Places(PLACES.warehouses, {("Delivery Note", "DN-5"): shop})
	(row,) = spreadsheet_rows(
		[move("CAKE-1", -2, "Delivery Note", "DN-5", "Finished")], LOTS, places, COVERED
	)
	assert row["missing"] == "immediate subsequent recipient: phone number, postal code"


def test_an_incomplete_lot_code_source_without_a_reference_names_its_gaps():
	"""The source's address must then be whole."""
	lots = {
		"MILK-1": TracedLot("MILK-1", "MILK", "Milk", "Kg", "Dairy Co", "DC", Place("Dairy Co", phone="1"))
	}
	(row,) = spreadsheet_rows(
		[move("MILK-1", 5, "Purchase Receipt", "PR-1", party="X")], lots, PLACES, COVERED
	)
	assert row["tlc_source"] == "Dairy Co, tel. 1"
	assert row["missing"] == "traceability lot code source: address, city, postal code, country"


def test_a_transfer_of_a_single_unit_between_sites_is_a_shipment_and_a_receipt():
	"""The direction is the sign of the quantity, whatever its size."""
	moves = [
		move("MILK-1", -1, "Stock Entry", "SE-2", "Stores", "Material Transfer"),
		move("MILK-1", 1, "Stock Entry", "SE-2", "Depot", "Material Transfer"),
	]
	receipt, shipment = spreadsheet_rows(moves, LOTS, PLACES, COVERED)
	assert (receipt["cte"], receipt["quantity"], receipt["location"], receipt["previous_source"]) == (
		RECEIVING,
		1.0,
		DEPOT.description(),
		PLANT.description(),
	)
	assert (shipment["cte"], shipment["location"], shipment["subsequent_recipient"]) == (
		SHIPPING,
		PLANT.description(),
		DEPOT.description(),
	)


def test_a_transfer_for_manufacture_between_sites_is_identified_by_its_document():
	"""Its event ID is the stock entry, not the work order: only a transformation is grouped by that."""
	moves = [
		move(
			"MILK-1",
			-3,
			"Stock Entry",
			"SE-4",
			"Stores",
			"Material Transfer for Manufacture",
			work_order="WO-1",
		),
		move(
			"MILK-1",
			3,
			"Stock Entry",
			"SE-4",
			"Depot",
			"Material Transfer for Manufacture",
			work_order="WO-1",
		),
	]
	rows = spreadsheet_rows(moves, LOTS, PLACES, COVERED)
	assert [(row["cte"], row["event_id"]) for row in rows] == [(RECEIVING, "SE-4"), (SHIPPING, "SE-4")]


def test_a_transfer_to_a_warehouse_without_a_place_crosses_sites():
	"""An unknown place is not the known site it left."""
	moves = [
		move("MILK-1", -4, "Stock Entry", "SE-6", "Stores", "Material Transfer"),
		move("MILK-1", 4, "Stock Entry", "SE-6", "Yard", "Material Transfer"),
	]
	rows = spreadsheet_rows(moves, LOTS, PLACES, COVERED)
	assert [(row["cte"], row["location"]) for row in rows] == [
		(RECEIVING, ""),
		(SHIPPING, PLANT.description()),
	]


def test_a_transfer_between_places_without_addresses_is_not_taken_for_a_move_between_sites():
	"""A warehouse with no place and one with a place that has no address: no site tells them apart."""
	places = Places(warehouses={"Stores": Place("Demo Foods")})
	moves = [
		move("MILK-1", -4, "Stock Entry", "SE-7", "Stores", "Material Transfer"),
		move("MILK-1", 4, "Stock Entry", "SE-7", "Yard", "Material Transfer"),
	]
	assert spreadsheet_rows(moves, LOTS, places, COVERED) == []


def test_only_the_transfer_rows_of_a_document_say_where_it_took_a_lot():
	"""Other rows filed under the same document number do not make a move within a site a move between sites."""
	moves = [
		move("MILK-1", -5, "Stock Entry", "SE-3", "Stores", "Material Transfer"),
		move("MILK-1", 5, "Stock Entry", "SE-3", "Finished", "Material Transfer"),
		move("MILK-1", -1, "Stock Entry", "SE-3", "Depot", "Material Issue"),
	]
	assert spreadsheet_rows(moves, LOTS, PLACES, COVERED) == []


def test_rows_that_are_no_event_do_not_hide_the_ones_after_them():
	"""A write-off or an ordinary movement listed first, a transfer between sites after."""
	moves = [
		move("MILK-1", -10, "Stock Entry", "SE-9", "Stores", "Material Issue"),
		move("MILK-1", -2, "Stock Entry", "SE-2", "Stores", "Material Transfer"),
		move("MILK-1", 2, "Stock Entry", "SE-2", "Depot", "Material Transfer"),
	]
	rows = spreadsheet_rows(moves, LOTS, PLACES, COVERED)
	assert [(row["cte"], row["reference_document_number"]) for row in rows] == [
		(RECEIVING, "SE-2"),
		(SHIPPING, "SE-2"),
	]
	moves = [move("MILK-1", 200, "Purchase Receipt", "PR-1", party="Dairy Co"), *moves]
	rows = spreadsheet_rows(moves, LOTS, PLACES, COVERED)
	assert [(row["cte"], row["reference_document_number"]) for row in rows] == [
		(RECEIVING, "PR-1"),
		(RECEIVING, "SE-2"),
		(SHIPPING, "SE-2"),
	]


def test_one_shipment_from_two_warehouses_is_one_row_per_warehouse():
	"""Each with its own location; a blank and an absent warehouse are the same (none)."""
	moves = [
		move("CAKE-1", -3, "Delivery Note", "DN-1", "Finished"),
		move("CAKE-1", -2, "Delivery Note", "DN-1", "Depot"),
	]
	rows = spreadsheet_rows(moves, LOTS, PLACES, COVERED)
	assert sorted((row["location"], row["quantity"]) for row in rows) == [
		(PLANT.description(), 3.0),
		(DEPOT.description(), 2.0),
	]
	moves = [
		move("CAKE-1", -3, "Delivery Note", "DN-1", None),
		move("CAKE-1", -2, "Delivery Note", "DN-1", ""),
	]
	assert [row["quantity"] for row in spreadsheet_rows(moves, LOTS, PLACES, COVERED)] == [5.0]


def test_a_row_posted_on_a_date_without_a_time_is_dated_that_day():
	"""The ledger may give a posting date alone."""
	moves = [
		move("CAKE-1", -3, "Delivery Note", "DN-1", "Finished", posted=date(2026, 3, 4)),
		move("CAKE-1", -2, "Delivery Note", "DN-1", "Finished", posted=datetime(2026, 3, 4, 8)),
	]
	(row,) = spreadsheet_rows(moves, LOTS, PLACES, COVERED)
	assert (row["event_date"], row["quantity"]) == (date(2026, 3, 4), 5.0)


def test_the_rows_of_one_event_take_the_details_of_its_earliest_row():
	"""Two rows of one lot made by one stock entry on one day: the first posted names the work order."""
	moves = [
		move("CAKE-1", 60, "Stock Entry", "SE-1", "Finished", "Manufacture", posted=datetime(2026, 3, 2, 15)),
		move(
			"CAKE-1",
			40,
			"Stock Entry",
			"SE-1",
			"Finished",
			"Manufacture",
			posted=datetime(2026, 3, 2, 9),
			work_order="WO-7",
		),
	]
	(row,) = spreadsheet_rows(moves, LOTS, PLACES, COVERED)
	assert (row["event_id"], row["quantity"], row["event_date"]) == ("WO-7", 100.0, date(2026, 3, 2))


def test_a_row_without_a_warehouse_is_never_merged_with_a_warehouses_row():
	"""Whatever the warehouse is called, the two are two rows."""
	for name in ("Stores", "XXXX", "-"):
		moves = [
			move("CAKE-1", -3, "Delivery Note", "DN-1", None),
			move("CAKE-1", -2, "Delivery Note", "DN-1", name),
		]
		assert sorted(row["quantity"] for row in spreadsheet_rows(moves, LOTS, PLACES, COVERED)) == [2.0, 3.0]


def test_equal_places_held_as_different_objects_are_described_alike():
	"""A spreadsheet describes each place object once; two objects of one place (two documents
	naming the same customer address) give the same description and the same gaps."""
	one, other = Place("Corner Bakery", "3 Bread St", "Akron"), Place("Corner Bakery", "3 Bread St", "Akron")
	assert one == other and one is not other
	places = Places(
		warehouses={"Stores": PLANT},
		parties={
			("Delivery Note", "DN-1"): one,
			("Delivery Note", "DN-2"): other,
			("Delivery Note", "DN-3"): one,
		},
	)
	rows = spreadsheet_rows(
		[move("MILK-1", -1, "Delivery Note", f"DN-{n}", party="Corner Bakery") for n in (1, 2, 3)],
		LOTS,
		places,
		{"MILK-1": "listed"},
	)
	assert [row["reference_document_number"] for row in rows] == ["DN-1", "DN-2", "DN-3"]
	assert {row["subsequent_recipient"] for row in rows} == {"Corner Bakery, 3 Bread St, Akron"}
	assert {row["missing"] for row in rows} == {
		"immediate subsequent recipient: phone number, postal code, country"
	}
