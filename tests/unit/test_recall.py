from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.recall import (
	CLOSED,
	CONTAINED,
	IN_TRANSIT_BETWEEN_COMPANIES,
	OPEN,
	LotMove,
	between_companies,
	by_site,
	containment,
	customers,
	next_status,
	shares,
	shipment_rows,
	shipments,
	stock_on_hand,
	stock_rows,
	summarise,
	tally,
)

D1, D2, RECALL, D4 = date(2026, 1, 5), date(2026, 2, 1), date(2026, 3, 1), date(2026, 3, 10)


def move(lot, qty, warehouse="Stores", voucher_type="Stock Entry", voucher_no="SE-1", **kw):
	return LotMove(lot, voucher_type, voucher_no, kw.pop("posting_date", D1), warehouse, qty, **kw)


def sale(lot, qty, customer, voucher_no, posting_date=D2, amount=0.0):
	return LotMove(
		lot,
		"Delivery Note",
		voucher_no,
		posting_date,
		"Stores",
		qty,
		party=customer,
		sales_amount=amount,
		is_selling=True,
	)


def test_shares_source_whole_descendants_by_traced_over_made():
	content = {"RAW": 100.0, "MIX": 30.0, "LEGACY": 5.0}
	made = {"RAW": 100.0, "MIX": 120.0}
	assert shares(content, made, ["RAW"]) == {"RAW": 1.0, "MIX": 0.25, "LEGACY": 1.0}


def test_stock_on_hand_per_warehouse_and_lot_with_value_transit_and_affected_share():
	moves = [
		move("MIX", 120, "Stores", value=1200),
		move("MIX", -40, "Stores", value=-400),
		move("MIX", 40, "Transit", value=400),
		move("MIX", -80, "Stores", voucher_no="SE-2", value=-800),  # all gone from Stores
		move("B", 10, "East", value=50),
	]
	rows = stock_on_hand(
		moves, {"MIX": 0.25, "B": 1.0}, {"Stores": "C1", "Transit": "C1", "East": "C2"}, ["Transit"]
	)
	assert [(r.warehouse, r.lot, r.qty, r.value, r.affected_qty, r.in_transit, r.company) for r in rows] == [
		("Transit", "MIX", 40, 400, 10.0, True, "C1"),
		("East", "B", 10, 50, 10.0, False, "C2"),
	]
	assert by_site(rows) == {"Transit": 40, "East": 10}


def test_shipments_net_returns_and_count_recovery_from_the_recall_date():
	moves = [
		sale("MIX", -10, "Bakery", "DN-1", amount=100),
		sale("MIX", -4, "Hotel", "DN-2", amount=40),
		sale("MIX", 1, "Bakery", "DN-R1", posting_date=D2, amount=-10),  # before the recall: nets only
		sale("MIX", 3, "Bakery", "DN-R2", posting_date=D4, amount=-30),  # after: recovered
		move("MIX", -5),  # production consumption: not a shipment
	]
	rows = shipments(moves, {"MIX": 0.5}, RECALL)
	assert sum(r.shipped_qty for r in rows) == 14
	assert sum(r.returned_qty for r in rows) == 4
	assert sum(r.recovered_qty for r in rows) == 3
	by = {c.customer: c for c in customers(rows)}
	assert by["Bakery"].net_qty == 6 and by["Bakery"].affected_qty == pytest.approx(3.0)
	assert by["Bakery"].sales_value == pytest.approx(60)
	assert by["Bakery"].documents == {("Delivery Note", "DN-1")}
	assert by["Hotel"].first_date == by["Hotel"].last_date == D2
	assert [c.customer for c in customers(rows)] == ["Bakery", "Hotel"]
	figures = containment(rows, disposed_qty=2, on_hand_qty=7)
	assert figures.shipped_qty == 13  # 14 shipped, 1 back before the recall
	assert figures.recovered_qty == 3 and figures.outstanding_qty == 10
	assert figures.recovered_pct == pytest.approx(300 / 13)


def test_tally_sums_made_quantity_and_write_offs_from_the_recall_date():
	moves = [
		move("MIX", 120, makes_lot=True),
		move("MIX", 30, voucher_no="SE-2", makes_lot=True),
		move("MIX", 40, "Transit"),  # a transfer in: not made
		move("MIX", -2, posting_date=D2, is_write_off=True),  # before the recall: not disposed
		move("MIX", -5, posting_date=RECALL, is_write_off=True),
		move("MIX", -7, posting_date=D4, is_write_off=True),
		move("MIX", -9, posting_date=D4),  # consumed by production
		sale("MIX", -1, "Bakery", "DN-1", posting_date=D4),
	]
	figures = tally(moves, RECALL)
	assert figures.made == {"MIX": 150}
	assert figures.disposed == 12
	assert figures.balances[("Stores", "MIX")][0] == 150 - 2 - 5 - 7 - 9 - 1
	assert tally(moves).disposed == 0  # no recall date: nothing counts as disposed


@given(
	st.lists(
		st.tuples(
			st.sampled_from(["A", "B"]),
			st.sampled_from(["Bakery", "Hotel", "Deli"]),
			st.sampled_from(["DN-1", "DN-2", "DN-3"]),
			st.sampled_from([D1, D2, D4]),
			st.integers(-9, 9),
		),
		max_size=30,
	),
	st.dictionaries(st.sampled_from(["A", "B"]), st.floats(0, 1)),
)
@settings(max_examples=200, deadline=None)
def test_shipment_rows_sum_the_moves_and_come_by_customer_date_and_document(rows, lot_shares):
	moves = [
		sale(lot, qty, customer, voucher, posting_date) for lot, customer, voucher, posting_date, qty in rows
	]
	shipped = shipments(moves, lot_shares, RECALL)
	assert sum(r.shipped_qty for r in shipped) == sum(-qty for *_, qty in rows if qty < 0)
	assert sum(r.returned_qty for r in shipped) == sum(qty for *_, qty in rows if qty > 0)
	assert sum(r.recovered_qty for r in shipped) == sum(
		qty for *_, posting_date, qty in rows if qty > 0 and posting_date >= RECALL
	)
	for r in shipped:
		assert r.affected_qty == pytest.approx(r.net_qty * lot_shares.get(r.lot, 1.0))
	keys = [(r.customer, r.posting_date, r.voucher_no) for r in shipped]
	assert keys == sorted(keys)


def test_a_customers_latest_delivery_note_is_kept_for_its_contact_details():
	rows = shipments(
		[
			sale("MIX", -1, "Bakery", "DN-7", posting_date=D2),
			sale("MIX", -1, "Bakery", "DN-3", posting_date=D4),
			sale("MIX", -1, "Bakery", "DN-5", posting_date=D4),  # same day: the later name
			sale("MIX", 2, "Bakery", "DN-9", posting_date=D4),  # a return ships nothing
			LotMove("MIX", "Sales Invoice", "SI-1", D4, "Stores", -1, party="Hotel", is_selling=True),
		],
		{},
	)
	by = {c.customer: c for c in customers(rows)}
	assert by["Bakery"].last_delivery_note == "DN-5"
	assert by["Hotel"].last_delivery_note is None and by["Hotel"].last_date == D4


def test_summary():
	stock = stock_on_hand([move("A", 5, "W1", value=10), move("B", 2, "T", value=4)], {}, {}, ["T"])
	shipped = shipments([sale("A", -3, "X", "DN-1", amount=9), sale("B", -1, "Y", "DN-2", amount=5)], {})
	s = summarise(["A", "B", "C"], stock, shipped)
	assert (s.lots, s.on_hand_qty, s.stock_value, s.in_transit_qty) == (3, 7, 14, 2)
	assert (s.shipped_qty, s.shipped_value, s.customers, s.sites) == (4, 14, 2, 2)


def figures(outstanding=0.0, on_hand=0.0):
	from lot_traceability.traceability.recall import Containment

	return Containment(shipped_qty=10, recovered_qty=10 - outstanding, disposed_qty=0, on_hand_qty=on_hand)


def test_status_moves_open_contained_closed():
	assert next_status(OPEN, figures(outstanding=4)) == (OPEN, [])
	assert next_status(OPEN, figures()) == (CONTAINED, [])
	assert next_status(OPEN, figures(outstanding=4), CONTAINED) == (CONTAINED, [])
	status, problems = next_status(CONTAINED, figures(on_hand=3), CLOSED)
	assert status == CONTAINED and [p.code for p in problems] == ["recall_stock_on_hand"]
	status, problems = next_status(OPEN, figures(outstanding=2), CLOSED)
	assert status == OPEN and {p.code for p in problems} == {"recall_not_contained"}
	assert next_status(CONTAINED, figures(), CLOSED) == (CLOSED, [])
	assert next_status(CLOSED, figures(outstanding=5))[0] == CLOSED
	assert [p.code for p in next_status(CLOSED, figures(), CONTAINED)[1]] == ["recall_closed"]
	assert [p.code for p in next_status(CONTAINED, figures(), OPEN)[1]] == ["recall_cannot_reopen"]


@given(
	st.lists(
		st.tuples(
			st.sampled_from(["A", "B", "C"]),
			st.sampled_from(["W1", "W2"]),
			st.integers(-20, 20),
		),
		max_size=40,
	),
	st.dictionaries(st.sampled_from(["A", "B", "C"]), st.floats(0, 1)),
)
@settings(max_examples=200, deadline=None)
def test_stock_rows_are_the_positive_balances_and_affected_never_exceeds_them(rows, lot_shares):
	moves = [move(lot, qty, warehouse) for lot, warehouse, qty in rows]
	balances = {}
	for lot, warehouse, qty in rows:
		balances[(warehouse, lot)] = balances.get((warehouse, lot), 0) + qty
	stock = stock_on_hand(moves, lot_shares, {})
	assert {(r.warehouse, r.lot): r.qty for r in stock} == {k: v for k, v in balances.items() if v > 0}
	assert all(0 <= r.affected_qty <= r.qty + 1e-9 for r in stock)


def internal(lot, qty, warehouse, voucher_type, voucher_no, other, posting_date=D2):
	"""A leg of a transfer between our own companies (ERPNext's internal customer or supplier)."""
	return LotMove(
		lot,
		voucher_type,
		voucher_no,
		posting_date,
		warehouse,
		qty,
		transfer_company=other,
		is_internal=True,
	)


COMPANIES = {"Central": "Foods", "Goods in Transit": "Foods", "North": "Retail"}


def test_internal_transfer_within_a_company_is_no_shipment_and_stock_is_where_it_went():
	moves = [
		move("OIL", 60, "Central", "Purchase Receipt", "PR-1", makes_lot=True),
		internal("OIL", -8, "Central", "Delivery Note", "DN-1", "Foods"),
		internal("OIL", 8, "Goods in Transit", "Delivery Note", "DN-1", "Foods"),
	]
	figures = tally(moves, RECALL)
	assert figures.shipments == {}
	assert figures.made == {"OIL": 60}
	rows = stock_rows(figures, {"OIL": 1.0}, COMPANIES, ["Goods in Transit"])
	assert [(r.company, r.warehouse, r.qty, r.in_transit) for r in rows] == [
		("Foods", "Central", 52, False),
		("Foods", "Goods in Transit", 8, True),
	]
	assert summarise(["OIL"], rows, shipment_rows(figures, {"OIL": 1.0})).customers == 0


def test_delivery_to_our_other_company_is_in_transit_to_it_until_its_receipt():
	sent = [
		move("OIL", 60, "Central", "Purchase Receipt", "PR-1", makes_lot=True),
		internal("OIL", -8, "Central", "Delivery Note", "DN-1", "Retail"),
	]
	rows = stock_rows(tally(sent), {"OIL": 0.5}, COMPANIES)
	assert [(r.company, r.warehouse, r.qty, r.affected_qty, r.in_transit) for r in rows] == [
		("Foods", "Central", 52, 26, False),
		("Retail", "", 8, 4, True),
	]
	assert by_site(rows) == {"Central": 52, IN_TRANSIT_BETWEEN_COMPANIES: 8}
	assert summarise(["OIL"], rows, []).sites == 1

	received = [*sent, internal("OIL", 5, "North", "Purchase Receipt", "PR-9", "Foods")]
	figures = tally(received)
	assert figures.made == {"OIL": 60}  # a receipt from our own company does not make the lot
	rows = stock_rows(figures, {"OIL": 1.0}, COMPANIES)
	assert [(r.company, r.warehouse, r.qty, r.in_transit) for r in rows] == [
		("Foods", "Central", 52, False),
		("Retail", "North", 5, False),
		("Retail", "", 3, True),
	]
	everything = [*received, internal("OIL", 3, "North", "Purchase Receipt", "PR-10", "Foods")]
	rows = stock_rows(tally(everything), {"OIL": 1.0}, COMPANIES)
	assert [(r.company, r.warehouse, r.qty, r.in_transit) for r in rows] == [
		("Foods", "Central", 52, False),
		("Retail", "North", 8, False),
	]


def test_our_other_company_selling_on_is_the_shipment_not_the_transfer():
	moves = [
		move("OIL", 60, "Central", "Purchase Receipt", "PR-1", makes_lot=True),
		internal("OIL", -8, "Central", "Delivery Note", "DN-1", "Retail"),
		internal("OIL", 8, "North", "Purchase Receipt", "PR-9", "Foods"),
		LotMove("OIL", "Delivery Note", "DN-2", D4, "North", -5, party="Market", is_selling=True),
	]
	shipped = shipment_rows(tally(moves, RECALL), {"OIL": 1.0})
	assert [(r.customer, r.voucher_no, r.shipped_qty, r.returned_qty) for r in shipped] == [
		("Market", "DN-2", 5, 0)
	]
	assert [c.customer for c in customers(shipped)] == ["Market"]


def test_between_companies_ignores_legs_within_one_company_and_unknown_warehouses():
	internal_legs = {
		("OIL", "Central", "Foods", True): -8,  # to a target warehouse of the same company
		("OIL", "Goods in Transit", "Foods", True): 8,
		("OIL", None, "Retail", True): -2,  # no warehouse: not placed
		("OIL", "Central", "Retail", True): -4,
	}
	assert between_companies(internal_legs, COMPANIES) == {("OIL", "Retail"): 4}


def test_next_status_refusals_name_their_quantities_and_each_boundary_holds():
	from lot_traceability.traceability.recall import Containment

	def written(current, figures, requested=None):
		status, problems = next_status(current, figures, requested)
		return status, [(p.code, p.params) for p in problems]

	out = Containment(shipped_qty=10.0, recovered_qty=4.0, disposed_qty=0.0, on_hand_qty=3.0)
	assert written(OPEN, out, CLOSED) == (
		OPEN,
		[("recall_stock_on_hand", {"qty": 3.0}), ("recall_not_contained", {"qty": 6.0})],
	)
	assert written(CONTAINED, out, CLOSED) == (CONTAINED, [("recall_stock_on_hand", {"qty": 3.0})])
	clear = Containment(shipped_qty=10.0, recovered_qty=10.0, disposed_qty=0.0, on_hand_qty=0.0)
	assert written(CONTAINED, clear, CLOSED) == (CLOSED, [])
	assert written(OPEN, clear, CLOSED) == (CLOSED, [])  # nothing outstanding: it may close at once
	# closed is final; asking for it again is no refusal
	assert written(CLOSED, out, OPEN) == (CLOSED, [("recall_closed", {})])
	assert written(CLOSED, out, CLOSED) == (CLOSED, [])
	assert written(CLOSED, out) == (CLOSED, [])
	# reopening: refused once contained, nothing to do while open
	assert written(CONTAINED, out, OPEN) == (CONTAINED, [("recall_cannot_reopen", {})])
	assert written(OPEN, out, OPEN) == (OPEN, [])
	# contained by the figures once every shipped unit is back (exactly), not before
	assert written(OPEN, clear) == (CONTAINED, [])
	assert written(OPEN, out) == (OPEN, [])
	assert written(CONTAINED, out) == (CONTAINED, [])  # a person's containment stands


def test_stock_between_companies_is_what_one_sent_and_the_other_has_not_taken_in():
	companies = {"Stores - A": "A", "Stores - B": "B", "Transit - B": "B"}
	internal = {
		("L1", "Stores - A", "B", True): -8.0,  # A's delivery to B sends 8
		("L1", "Stores - B", "A", False): 5.0,  # B's receipt from A takes in 5
		("L2", "Stores - A", "B", True): 3.0,  # a return on a delivery: not a sending leg
		("L3", "Stores - A", "A", True): -4.0,  # within one company
		("L4", None, "B", True): -2.0,  # no warehouse: no company of ours to send from
		("L5", "Stores - B", "A", False): -1.0,  # a receipt's other leg
	}
	assert between_companies(internal, companies) == {("L1", "B"): 3.0}
