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
	StockRow,
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


def test_tally_with_the_stock_kept_apart_takes_it_and_sums_the_rest_from_fewer_moves():
	everything = [
		move("MIX", 120, makes_lot=True),
		move("MIX", -40),  # a transfer out of Stores ...
		move("MIX", 40, "Transit"),  # ... into Transit: neither is read when the stock is kept apart
		move("MIX", -5, posting_date=D4, is_write_off=True),
		sale("MIX", -10, "Bakery", "DN-1", posting_date=D4),
	]
	whole = tally(everything, RECALL)
	kept = {place: qty for place, (qty, _value) in whole.balances.items() if qty}
	fewer = [m for m in everything if m.makes_lot or m.is_write_off or m.is_selling]
	apart = tally(fewer, RECALL, on_hand=kept)
	assert apart.balances == {("Stores", "MIX"): [65, 0.0], ("Transit", "MIX"): [40, 0.0]}
	assert (apart.made, apart.disposed) == (whole.made, whole.disposed) == ({"MIX": 120}, 5)
	assert apart.shipments == whole.shipments
	assert tally(fewer, RECALL).balances[("Stores", "MIX")][0] == 105  # summed: the transfers missed


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


def test_a_share_is_never_more_than_the_whole_lot_and_a_trace_made_counts_as_unrecorded():
	"""More traced than made is the whole lot; made quantity at or below a billionth is no record,
	just above it divides the traced quantity."""
	content = {"OVER": 150.0, "TRACE": 0.0, "ABOVE": 1e-9}
	made = {"OVER": 100.0, "TRACE": 1e-9, "ABOVE": 2e-9}
	assert shares(content, made, []) == {"OVER": 1.0, "TRACE": 1.0, "ABOVE": 0.5}


def test_tally_sums_stock_value_per_warehouse_and_sales_value_per_document():
	"""Every movement's value adds to its warehouse's balance; every line of a delivery adds to its
	sales value and shipped quantity."""
	moves = [
		move("MIX", 10, value=100),
		move("MIX", -4, voucher_no="SE-2", value=-40),
		move("MIX", 1, voucher_no="SE-3", value=12),
		sale("MIX", -3, "Bakery", "DN-1", amount=30),
		sale("MIX", -2, "Bakery", "DN-1", amount=20),  # a second line of the same delivery
	]
	figures = tally(moves)
	assert figures.balances == {("Stores", "MIX"): [2, 72]}
	(row,) = figures.shipments.values()
	assert (row.customer, row.voucher_no, row.shipped_qty, row.sales_value) == ("Bakery", "DN-1", 5, 50)


def test_a_fraction_returned_is_a_return_and_only_outward_write_offs_are_disposed():
	"""Half a unit back from the customer is returned (and recovered after the recall), not shipped;
	a write-off that takes stock in disposes of nothing."""
	moves = [
		sale("MIX", -2.5, "Bakery", "DN-1"),
		sale("MIX", 0.5, "Bakery", "DN-1", posting_date=D4),
		move("MIX", 0.5, posting_date=D4, is_write_off=True),
		move("MIX", -0.25, voucher_no="SE-2", posting_date=D4, is_write_off=True),
	]
	figures = tally(moves, RECALL)
	(row,) = figures.shipments.values()
	assert (row.shipped_qty, row.returned_qty, row.recovered_qty) == (2.5, 0.5, 0.5)
	assert figures.disposed == 0.25


def test_stock_in_transit_between_companies_names_its_lot_carries_no_value_and_is_whole_without_a_share():
	"""What our other company has not yet received is listed under its lot, valued at nothing, and
	wholly affected when the lot has no share."""
	sent = [
		move("OIL", 60, "Central", "Purchase Receipt", "PR-1", makes_lot=True, value=600),
		internal("OIL", -8, "Central", "Delivery Note", "DN-1", "Retail"),
	]
	rows = stock_rows(tally(sent), {}, COMPANIES)
	assert [(r.company, r.warehouse, r.lot, r.qty, r.value, r.affected_qty, r.in_transit) for r in rows] == [
		("Foods", "Central", "OIL", 52, 600, 52, False),
		("Retail", "", "OIL", 8, 0.0, 8, True),
	]


def test_stock_of_a_billionth_or_less_is_none_and_just_above_it_is_listed():
	"""On hand and in transit alike: a billionth left is nothing, two billionths are stock."""
	moves = [
		move("A", 1e-9, "West"),
		move("B", 2e-9, "West"),
		internal("C", -1e-9, "Central", "Delivery Note", "DN-1", "Retail"),
		internal("D", -2e-9, "Central", "Delivery Note", "DN-2", "Retail"),
	]
	rows = stock_rows(tally(moves), {}, COMPANIES)
	assert [(r.company, r.warehouse, r.lot, r.in_transit) for r in rows] == [
		("Retail", "", "D", True),
		(None, "West", "B", False),
	]


def test_stock_between_companies_adds_every_sender_and_a_receipt_read_before_its_delivery():
	"""Two warehouses sending to one company add up; a receipt met before its delivery still takes
	its quantity in; a delivery returned in whole or in part sends nothing."""
	companies = {"Stores - A": "A", "Cold - A": "A", "Stores - B": "B", "": "A"}
	internal = {
		("L1", "Stores - A", "B", True): -3.0,
		("L1", "Cold - A", "B", True): -2.0,
		("L2", "Stores - B", "A", False): 0.5,  # B's receipt, read before A's delivery
		("L2", "Stores - A", "B", True): -2.0,
		("L3", "Stores - A", "B", True): 0.0,  # a delivery returned in whole
		("L4", "Stores - A", "B", True): 0.5,  # a return on a delivery
		("L5", "Stores - B", "A", False): 0.0,  # a receipt that took nothing in
		("L6", "", "B", True): -4.0,  # no warehouse: no company of ours sent it
	}
	assert between_companies(internal, companies) == {("L1", "B"): 5.0, ("L2", "B"): 1.5}


def test_shipments_without_a_customer_come_first():
	"""Shipments are listed by customer; one with no customer comes before every named one."""
	rows = shipments(
		[
			sale("MIX", -1, "Bakery", "DN-1"),
			LotMove("MIX", "Delivery Note", "DN-2", D2, "Stores", -1, is_selling=True),
		],
		{},
	)
	assert [(r.customer, r.voucher_no) for r in rows] == [(None, "DN-2"), ("Bakery", "DN-1")]


def test_customers_sum_every_document_and_lot_and_skip_shipments_without_a_customer():
	"""A customer's recovered quantity and lots gather all its documents; a shipment without a
	customer belongs to no one and does not stop the others being counted."""
	rows = shipments(
		[
			LotMove("A", "Delivery Note", "DN-0", D2, "Stores", -2, is_selling=True),
			sale("A", -10, "Bakery", "DN-1"),
			sale("B", -5, "Bakery", "DN-2"),
			sale("A", 3, "Bakery", "DN-R1", posting_date=D4),
			sale("B", 2, "Bakery", "DN-R2", posting_date=D4),
		],
		{},
		RECALL,
	)
	(bakery,) = customers(rows)
	assert (bakery.customer, bakery.shipped_qty, bakery.returned_qty, bakery.recovered_qty) == (
		"Bakery",
		15,
		5,
		5,
	)
	assert bakery.lots == {"A", "B"}
	assert bakery.documents == {("Delivery Note", "DN-1"), ("Delivery Note", "DN-2")}


def test_customers_with_equal_affected_quantity_come_by_more_held_first():
	"""Where no customer holds any affected quantity, the one holding more of the lot comes first."""
	rows = shipments([sale("A", -5, "Hotel", "DN-1"), sale("A", -9, "Deli", "DN-2")], {"A": 0.0})
	assert [(c.customer, c.affected_qty, c.net_qty) for c in customers(rows)] == [
		("Deli", 0.0, 9),
		("Hotel", 0.0, 5),
	]


def test_summary_sums_returns_and_affected_quantities_and_counts_only_customers_shipped_to():
	"""Returns and affected quantities add up over every row; a customer who only returned, or a
	shipment without a customer, is not a customer reached."""
	lot_shares = {"A": 0.5, "B": 0.25}
	stock = stock_on_hand([move("A", 8, "W1"), move("B", 4, "W2")], lot_shares, {})
	shipped = shipments(
		[
			sale("A", -6, "X", "DN-1"),
			sale("A", 2, "X", "DN-2"),
			sale("B", -4, "Y", "DN-3"),
			sale("B", 1, "Y", "DN-4"),
			sale("B", 1, "Z", "DN-5"),
			LotMove("B", "Delivery Note", "DN-6", D2, "Stores", -3, is_selling=True),
		],
		lot_shares,
	)
	s = summarise(["A", "B"], stock, shipped)
	assert (s.shipped_qty, s.returned_qty, s.customers) == (13, 4, 2)
	assert (s.affected_on_hand_qty, s.affected_shipped_qty) == (5.0, 3.25)


def test_by_site_sums_each_warehouse_largest_first_then_by_name():
	"""The chart adds a warehouse's lots together and lists the fullest first, equal ones by name."""
	rows = [
		StockRow("C1", "North", "A", 9),
		StockRow("C1", "Dock", "A", 7),
		StockRow("C1", "Annex", "B", 4),
		StockRow("C1", "Annex", "A", 3),
	]
	assert list(by_site(rows).items()) == [("North", 9), ("Annex", 7), ("Dock", 7)]


def test_containment_with_nothing_shipped_is_whole_and_carries_disposed_and_on_hand():
	"""Nothing shipped: nothing outstanding, all recovered; what was disposed of and is on hand is
	passed on as given."""
	figures = containment([], disposed_qty=4.0, on_hand_qty=6.0)
	assert (figures.shipped_qty, figures.recovered_qty, figures.disposed_qty, figures.on_hand_qty) == (
		0.0,
		0,
		4.0,
		6.0,
	)
	assert (figures.outstanding_qty, figures.recovered_pct) == (0.0, 100.0)


def test_a_billionth_outstanding_or_on_hand_is_nothing_and_two_billionths_are_something():
	"""Containment and closing treat a billionth as nothing; twice that keeps the recall open."""
	from lot_traceability.traceability.recall import Containment

	trace = Containment(shipped_qty=1e-9, recovered_qty=0.0, disposed_qty=0.0, on_hand_qty=1e-9)
	assert next_status(OPEN, trace) == (CONTAINED, [])
	assert next_status(OPEN, trace, CLOSED) == (CLOSED, [])
	more = Containment(shipped_qty=2e-9, recovered_qty=0.0, disposed_qty=0.0, on_hand_qty=2e-9)
	assert next_status(OPEN, more) == (OPEN, [])
	status, problems = next_status(OPEN, more, CLOSED)
	assert (status, [(p.code, p.params) for p in problems]) == (
		OPEN,
		[("recall_stock_on_hand", {"qty": 2e-9}), ("recall_not_contained", {"qty": 2e-9})],
	)


def test_only_an_open_recall_is_contained_by_its_figures():
	"""A recall in any status other than Open (a draft, a drill) keeps it when everything is back."""
	from lot_traceability.traceability.recall import Containment

	clear = Containment(shipped_qty=10.0, recovered_qty=10.0, disposed_qty=0.0, on_hand_qty=0.0)
	assert next_status("Draft", clear) == ("Draft", [])
	assert next_status("Drill", clear, CONTAINED) == ("Drill", [])
