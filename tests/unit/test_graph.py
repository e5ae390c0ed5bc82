"""The genealogy graph: columns by the shortest walk each way, suppliers left and customers right,
edges with the quantity that went along them, and big columns and parties grouped (by item, or the
whole column) with summed edges, opened on request."""

from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.graph import (
	CUSTOMER,
	CUSTOMERS,
	GROUP,
	LOT,
	SUPPLIER,
	SUPPLIERS,
	EndDocument,
	Link,
	LotInfo,
	build,
	columns,
)

LOTS = {
	"MILK": LotInfo("MILK", "MILK-POWDER", "Milk Powder", "Recalled", "2027-01-01", 80, "Kg", "DC-5531"),
	"CAKE-1": LotInfo("CAKE-1", "CAKE-MIX", "Cake Mix", "Released", None, 0, "Kg"),
	"CAKE-2": LotInfo("CAKE-2", "CAKE-MIX", "Cake Mix", "Released", None, 150, "Kg"),
	"FLOUR": LotInfo("FLOUR", "FLOUR", "Flour", "Released", None, 0, "Kg"),
}
FORWARD = [Link("MILK", "CAKE-1", 40), Link("MILK", "CAKE-2", 40)]
BACKWARD = []
RECEIPTS = [EndDocument("MILK", "Dairy", 200, "PR-1")]
DELIVERIES = [
	EndDocument("CAKE-1", "Bakery North", -120, "DN-1"),
	EndDocument("CAKE-1", "Bakery South", -80, "DN-2"),
	EndDocument("CAKE-2", "Bakery South", -50, "DN-2"),
]


def by_id(graph):
	return {node["id"]: node for node in graph["nodes"]}


def edges(graph):
	return {(edge["source"], edge["target"]): edge["qty"] for edge in graph["edges"]}


def test_the_milk_powder_graph():
	graph = build(["MILK"], BACKWARD, FORWARD, LOTS, RECEIPTS, DELIVERIES)
	nodes = by_id(graph)
	assert nodes["MILK"]["root"] and nodes["MILK"]["column"] == 0
	assert nodes["MILK"]["status"] == "Recalled" and nodes["MILK"]["on_hand"] == 80
	assert nodes["CAKE-1"]["column"] == nodes["CAKE-2"]["column"] == 1
	assert nodes["supplier:Dairy"]["kind"] == SUPPLIER and nodes["supplier:Dairy"]["column"] == -1
	assert (
		nodes["customer:Bakery South"]["kind"] == CUSTOMER and nodes["customer:Bakery South"]["column"] == 2
	)
	assert edges(graph) == {
		("supplier:Dairy", "MILK"): 200,
		("MILK", "CAKE-1"): 40,
		("MILK", "CAKE-2"): 40,
		("CAKE-1", "customer:Bakery North"): 120,
		("CAKE-1", "customer:Bakery South"): 80,
		("CAKE-2", "customer:Bakery South"): 50,
	}
	assert graph["columns"] == [0, 1]


def test_columns_take_the_shortest_walk_each_way():
	backward = [Link("FLOUR", "MILK", 1), Link("SALT", "FLOUR", 1), Link("SALT", "MILK", 1)]
	forward = [Link("MILK", "A", 1), Link("A", "B", 1), Link("MILK", "B", 1)]
	assert columns(["MILK"], backward, forward) == {"MILK": 0, "FLOUR": -1, "SALT": -1, "A": 1, "B": 1}


def test_a_big_column_is_grouped_by_item_with_summed_edges_and_opens_on_request():
	lots = {"ROOT": LotInfo("ROOT", "RAW", uom="Kg")}
	forward = []
	for number in range(30):
		item = "CAKE" if number < 20 else "BREAD"
		lots[f"L{number}"] = LotInfo(f"L{number}", item, item.title(), "Released", None, 1.0, "Kg")
		forward.append(Link("ROOT", f"L{number}", 2))
	graph = build(["ROOT"], [], forward, lots, limit=25)
	nodes = by_id(graph)
	assert set(nodes) == {"ROOT", "column:1:CAKE", "column:1:BREAD"}
	assert nodes["column:1:CAKE"]["kind"] == GROUP and nodes["column:1:CAKE"]["lots"] == 20
	assert nodes["column:1:CAKE"]["label"] == "20 lots of CAKE" and nodes["column:1:CAKE"]["on_hand"] == 20
	assert edges(graph) == {("ROOT", "column:1:CAKE"): 40, ("ROOT", "column:1:BREAD"): 20}
	opened = by_id(build(["ROOT"], [], forward, lots, limit=25, expand=["column:1:BREAD"]))
	assert "L25" in opened and opened["L25"]["kind"] == LOT and "column:1:CAKE" in opened
	every = by_id(build(["ROOT"], [], forward, lots, limit=25, expand=["column:1"]))
	assert len(every) == 31


def test_a_column_of_too_many_items_is_one_group_and_many_customers_one_node():
	lots = {"ROOT": LotInfo("ROOT", "RAW")}
	forward, deliveries = [], []
	for number in range(30):
		lots[f"L{number}"] = LotInfo(f"L{number}", f"ITEM-{number}")
		forward.append(Link("ROOT", f"L{number}", 1))
		deliveries.append(EndDocument(f"L{number}", f"Customer {number}", -3, f"DN-{number}"))
	graph = build(["ROOT"], [], forward, lots, deliveries=deliveries, limit=25)
	nodes = by_id(graph)
	assert set(nodes) == {"ROOT", "column:1", CUSTOMERS}
	assert nodes["column:1"]["label"] == "30 lots, 30 items"
	assert nodes[CUSTOMERS]["parties"] == 30
	assert edges(graph) == {("ROOT", "column:1"): 30, ("column:1", CUSTOMERS): 90}
	opened = by_id(build(["ROOT"], [], forward, lots, deliveries=deliveries, limit=25, expand=[CUSTOMERS]))
	assert sum(1 for node in opened.values() if node["kind"] == CUSTOMER) == 30


@settings(max_examples=150, deadline=None)
@given(
	st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(1, 9)), max_size=40),
	st.lists(st.tuples(st.integers(0, 12), st.integers(0, 4), st.integers(1, 9)), max_size=20),
	st.integers(1, 6),
)
def test_grouping_keeps_every_quantity(links, deliveries, limit):
	"""Whatever is grouped, the quantities leaving the traced lot's side add up the same: the sum of
	the edges equals the sum of the links and deliveries drawn (a reference summed by hand)."""
	forward = [Link(f"L{a}", f"L{b}", q) for a, b, q in links if a < b]
	reached = columns(["L0"], [], forward)
	lots = {lot: LotInfo(lot, f"I{int(lot[1:]) % 3}") for lot in reached}
	ends = [EndDocument(f"L{a}", f"C{c}", -q, f"DN{a}") for a, c, q in deliveries if f"L{a}" in reached]
	graph = build(["L0"], [], forward, lots, deliveries=ends, limit=limit)
	ids = {}
	for node in graph["nodes"]:
		ids[node["id"]] = node
	# reference: the same sums, an edge inside one group dropped
	group_of = {}
	for lot, at in reached.items():
		members = [other for other, column in reached.items() if column == at]
		items = {lots[other].item for other in members}
		if at != 0 and len(members) > limit:
			group_of[lot] = f"column:{at}" if len(items) > limit else f"column:{at}:{lots[lot].item}"
		else:
			group_of[lot] = lot
	expected = sum(
		link.qty
		for link in forward
		if link.parent in reached and group_of[link.parent] != group_of[link.child]
	)
	expected += sum(abs(end.qty) for end in ends)
	assert abs(sum(edge["qty"] for edge in graph["edges"]) - expected) < 1e-6


def test_a_lot_node_carries_what_the_page_shows_of_the_lot():
	"""A lot shows its name, item, status, expiry, stock, unit and supplier lot number; a lot the
	caller knows nothing about still shows under its own name."""
	graph = build(["MILK"], [], [*FORWARD, Link("CAKE-1", "MYSTERY", 5)], LOTS, RECEIPTS, DELIVERIES)
	nodes = by_id(graph)
	assert nodes["MILK"] == {
		"id": "MILK",
		"kind": LOT,
		"column": 0,
		"label": "MILK",
		"item": "MILK-POWDER",
		"item_name": "Milk Powder",
		"status": "Recalled",
		"expiry": "2027-01-01",
		"on_hand": 80,
		"uom": "Kg",
		"supplier_lot_no": "DC-5531",
		"root": True,
	}
	assert nodes["MYSTERY"] == {
		"id": "MYSTERY",
		"kind": LOT,
		"column": 2,
		"label": "MYSTERY",
		"item": None,
		"item_name": None,
		"status": None,
		"expiry": None,
		"on_hand": 0.0,
		"uom": None,
		"supplier_lot_no": None,
		"root": False,
	}
	assert edges(graph)[("CAKE-1", "MYSTERY")] == 5
	assert graph["columns"] == [0, 2]


def test_columns_count_every_link_of_a_longer_walk():
	"""A lot three links away sits three columns out, on either side."""
	backward = [Link("WHEAT", "FLOUR", 1), Link("SEED", "WHEAT", 1), Link("FLOUR", "MILK", 1)]
	forward = [Link("MILK", "CAKE", 1), Link("CAKE", "BOX", 1), Link("BOX", "PALLET", 1)]
	assert columns(["MILK"], backward, forward) == {
		"MILK": 0,
		"FLOUR": -1,
		"WHEAT": -2,
		"SEED": -3,
		"CAKE": 1,
		"BOX": 2,
		"PALLET": 3,
	}


def fan_out(count: int, item=lambda number: "CAKE") -> tuple[list[Link], dict[str, LotInfo]]:
	lots = {"ROOT": LotInfo("ROOT", "RAW")}
	forward = []
	for number in range(count):
		lots[f"L{number}"] = LotInfo(f"L{number}", item(number), "Cake", "Released", None, 1.0, "Kg")
		forward.append(Link("ROOT", f"L{number}", 1))
	return forward, lots


def test_a_column_of_exactly_limit_lots_stays_open_and_one_more_is_grouped():
	"""Grouping starts only above the limit: `limit` lots show one by one, `limit + 1` as a group."""
	forward, lots = fan_out(3)
	assert set(by_id(build(["ROOT"], [], forward, lots, limit=3))) == {"ROOT", "L0", "L1", "L2"}
	forward, lots = fan_out(4)
	assert set(by_id(build(["ROOT"], [], forward, lots, limit=3))) == {"ROOT", "column:1:CAKE"}


def test_a_column_of_exactly_limit_items_groups_by_item_and_one_more_is_one_group():
	"""A big column groups by item while its items are no more than the limit, as one group above."""
	forward, lots = fan_out(4, item=lambda number: f"ITEM-{number % 2}")
	assert set(by_id(build(["ROOT"], [], forward, lots, limit=2))) == {
		"ROOT",
		"column:1:ITEM-0",
		"column:1:ITEM-1",
	}
	forward, lots = fan_out(4, item=lambda number: f"ITEM-{number % 3}")
	assert set(by_id(build(["ROOT"], [], forward, lots, limit=2))) == {"ROOT", "column:1"}


def mixed_lots() -> tuple[list[Link], dict[str, LotInfo]]:
	lots = {
		"ROOT": LotInfo("ROOT", "RAW"),
		"A": LotInfo("A", "CAKE", "Cake Mix", "Released", None, 10.0, "Kg"),
		"B": LotInfo("B", "CAKE", "Cake Mix", "Recalled", None, 5.0, "Kg"),
		"C": LotInfo("C", "CAKE", "Cake Mix", "Released", None, 2.5, "Kg"),
		"D": LotInfo("D", "BREAD", "Bread", "Released", None, 1.0, "Kg"),
		"E": LotInfo("E", "BREAD", "Bread", "Released", None, 3.0, "Nos"),
		"F": LotInfo("F", "BREAD", "Bread", None, None, 1.0, "Nos"),
	}
	forward = [Link("ROOT", lot, 1) for lot in "ABCDEF"]
	return forward, lots


def test_an_item_group_sums_its_lots_and_keeps_their_common_unit():
	"""A group of one item shows the item and its name, the count of lots, the summed stock, the
	unit while all its lots share it (none once they differ) and how many lots hold each status."""
	forward, lots = mixed_lots()
	nodes = by_id(build(["ROOT"], [], forward, lots, limit=2))
	assert nodes["column:1:CAKE"] == {
		"id": "column:1:CAKE",
		"kind": GROUP,
		"column": 1,
		"lots": 3,
		"item": "CAKE",
		"item_name": "Cake Mix",
		"on_hand": 17.5,
		"uom": "Kg",
		"statuses": {"Released": 2, "Recalled": 1},
		"label": "3 lots of CAKE",
	}
	assert nodes["column:1:BREAD"] == {
		"id": "column:1:BREAD",
		"kind": GROUP,
		"column": 1,
		"lots": 3,
		"item": "BREAD",
		"item_name": "Bread",
		"on_hand": 5.0,
		"uom": None,
		"statuses": {"Released": 2, "": 1},
		"label": "3 lots of BREAD",
	}


def test_a_whole_column_group_names_no_single_item():
	"""A column grouped whole shows no item nor item name, counts its items and sums its lots."""
	forward, lots = mixed_lots()
	nodes = by_id(build(["ROOT"], [], forward, lots, limit=1))
	assert nodes["column:1"] == {
		"id": "column:1",
		"kind": GROUP,
		"column": 1,
		"lots": 6,
		"item": None,
		"item_name": None,
		"on_hand": 22.5,
		"uom": None,
		"statuses": {"Released": 4, "Recalled": 1, "": 1},
		"label": "6 lots, 2 items",
	}


def test_lots_without_an_item_or_status_group_under_an_empty_name_and_open_on_request():
	"""Lots with no item gather in the group `column:<n>:` with their missing statuses counted under
	"", and that group opens like any other."""
	lots = {"ROOT": LotInfo("ROOT", "RAW")}
	for name in ("N1", "N2", "N3"):
		lots[name] = LotInfo(name)
	lots["K1"] = LotInfo("K1", "CAKE", status="Released")
	forward = [Link("ROOT", lot, 2) for lot in ("N1", "N2", "N3", "K1")]
	nodes = by_id(build(["ROOT"], [], forward, lots, limit=2))
	assert set(nodes) == {"ROOT", "column:1:", "column:1:CAKE"}
	assert nodes["column:1:"]["statuses"] == {"": 3}
	assert nodes["column:1:"]["label"] == "3 lots, 1 items"
	assert nodes["column:1:CAKE"]["statuses"] == {"Released": 1}
	opened = by_id(build(["ROOT"], [], forward, lots, limit=2, expand=["column:1:"]))
	assert set(opened) == {"ROOT", "N1", "N2", "N3", "column:1:CAKE"}


def test_lots_without_an_item_count_apart_from_every_item_code():
	"""Lots with no item count as an item of their own, even beside an item coded like a placeholder."""
	lots = {
		"ROOT": LotInfo("ROOT", "RAW"),
		"A": LotInfo("A"),
		"B": LotInfo("B", "XXXX"),
	}
	forward = [Link("ROOT", "A", 1), Link("ROOT", "B", 1)]
	nodes = by_id(build(["ROOT"], [], forward, lots, limit=1))
	assert set(nodes) == {"ROOT", "column:1"}
	assert nodes["column:1"]["label"] == "2 lots, 2 items"


def customers_of(count: int) -> tuple[list[Link], dict[str, LotInfo], list[EndDocument]]:
	lots = {"ROOT": LotInfo("ROOT", "RAW"), "CAKE": LotInfo("CAKE", "CAKE")}
	deliveries = [EndDocument("CAKE", f"Shop {number}", -2, f"DN-{number}") for number in range(count)]
	return [Link("ROOT", "CAKE", 10)], lots, deliveries


def test_exactly_limit_customers_show_one_by_one_and_one_more_as_one_node():
	"""Each customer is its own labelled node up to the limit; above it they are one node that counts
	them."""
	forward, lots, deliveries = customers_of(2)
	nodes = by_id(build(["ROOT"], [], forward, lots, deliveries=deliveries, limit=2))
	assert nodes["customer:Shop 0"] == {
		"id": "customer:Shop 0",
		"kind": CUSTOMER,
		"column": 2,
		"parties": 1,
		"label": "Shop 0",
	}
	assert "customer:Shop 1" in nodes and CUSTOMERS not in nodes
	forward, lots, deliveries = customers_of(3)
	graph = build(["ROOT"], [], forward, lots, deliveries=deliveries, limit=2)
	nodes = by_id(graph)
	assert set(nodes) == {"ROOT", "CAKE", CUSTOMERS}
	assert nodes[CUSTOMERS] == {"id": CUSTOMERS, "kind": CUSTOMERS, "column": 2, "parties": 3}
	assert edges(graph)[("CAKE", CUSTOMERS)] == 6


def test_many_suppliers_show_as_one_node_left_of_the_trace():
	"""More suppliers than the limit are one node in the column before the first."""
	receipts = [EndDocument("MILK", f"Dairy {number}", 10, f"PR-{number}") for number in range(3)]
	graph = build(["MILK"], [], FORWARD, LOTS, receipts=receipts, limit=2)
	nodes = by_id(graph)
	assert nodes[SUPPLIERS] == {"id": SUPPLIERS, "kind": SUPPLIERS, "column": -1, "parties": 3}
	assert edges(graph)[(SUPPLIERS, "MILK")] == 30


def test_deliveries_of_lots_outside_the_trace_are_left_out_and_the_rest_still_drawn():
	"""A delivery of a lot the trace did not reach adds nothing, and does not hide the deliveries
	listed after it."""
	deliveries = [EndDocument("ELSEWHERE", "Bakery East", -9, "DN-9"), *DELIVERIES]
	graph = build(["MILK"], BACKWARD, FORWARD, LOTS, RECEIPTS, deliveries)
	assert "customer:Bakery East" not in by_id(graph)
	assert edges(graph) == {
		("supplier:Dairy", "MILK"): 200,
		("MILK", "CAKE-1"): 40,
		("MILK", "CAKE-2"): 40,
		("CAKE-1", "customer:Bakery North"): 120,
		("CAKE-1", "customer:Bakery South"): 80,
		("CAKE-2", "customer:Bakery South"): 50,
	}


def test_an_empty_trace_is_an_empty_graph():
	"""With no traced lot there is nothing to show, and the columns span nothing."""
	assert build([], [], [], {}) == {"nodes": [], "edges": [], "columns": [0, 0]}


def test_edge_quantities_keep_six_decimals():
	"""Quantities along edges keep fractions, rounded to six decimals."""
	forward = [Link("MILK", "CAKE-1", 2.5), Link("MILK", "CAKE-2", 0.1234567)]
	graph = build(["MILK"], [], forward, LOTS)
	assert edges(graph) == {("MILK", "CAKE-1"): 2.5, ("MILK", "CAKE-2"): 0.123457}
