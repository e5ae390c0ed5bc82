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
