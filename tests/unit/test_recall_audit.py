"""A recall's audit figures: the mass balance of the affected lots (made against located: on hand,
shipped, consumed; written off and counted differences beside it; transfers between our companies
add nothing) and containment over time from the recall date (a return on the recall date counts)."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.movements import INTERNAL_TRANSFER
from lot_traceability.traceability.recall_audit import (
	ContainmentDay,
	LedgerRow,
	containment_over_time,
	mass_balance,
)

D1, D2, D3, D4 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def row(lot, voucher, qty, posted=D1, purpose=None):
	return LedgerRow(lot, voucher, qty, posted, purpose)


def test_the_mass_balance_of_a_received_lot_made_into_another_and_shipped():
	rows = [
		row("MILK", "Purchase Receipt", 200),
		row("MILK", "Stock Entry", -40, purpose="Manufacture"),
		row("CAKE", "Stock Entry", 100, purpose="Manufacture"),
		row("CAKE", "Delivery Note", -60),
		row("CAKE", "Delivery Note", 10),  # a customer return nets the shipment
		row("MILK", "Stock Entry", -50, purpose="Material Issue"),  # written off
		row("MILK", "Stock Entry", -20, purpose="Material Transfer"),
		row("MILK", "Stock Entry", 20, purpose="Material Transfer"),
		row("MILK", "Stock Reconciliation", -5),
	]
	balance = mass_balance(rows)
	assert balance.made == 300  # 200 received + 100 made
	assert balance.consumed == 40
	assert balance.shipped == 50
	assert balance.written_off == 50
	assert balance.adjusted == -5
	assert balance.on_hand == 200 - 40 - 50 - 5 + 100 - 50
	assert balance.located == balance.on_hand + 50 + 40
	assert balance.share_located == balance.located / 300


def test_a_transfer_between_our_companies_neither_makes_nor_ships():
	rows = [
		row("OIL", "Purchase Receipt", 100),
		row("OIL", "Delivery Note", -8, purpose=INTERNAL_TRANSFER),
		row("OIL", "Purchase Receipt", 8, purpose=INTERNAL_TRANSFER),
	]
	balance = mass_balance(rows)
	assert (balance.made, balance.shipped, balance.on_hand) == (100, 0, 100)
	assert balance.share_located == 1


def test_what_a_subcontractor_used_is_consumed():
	rows = [row("S", "Purchase Receipt", 10), row("S", "Subcontracting Receipt", -4)]
	assert (mass_balance(rows).consumed, mass_balance(rows).shipped) == (4, 0)


def test_a_return_to_the_supplier_is_shipped_and_nothing_made_has_no_share():
	assert mass_balance([row("X", "Purchase Receipt", 10), row("X", "Purchase Receipt", -4)]).shipped == 4
	assert mass_balance([]).share_located is None


@settings(max_examples=200, deadline=None)
@given(
	st.lists(
		st.tuples(
			st.sampled_from(
				[
					("Purchase Receipt", None),
					("Subcontracting Receipt", None),
					("Delivery Note", None),
					("Stock Entry", "Manufacture"),
					("Stock Entry", "Material Issue"),
					("Stock Entry", "Material Receipt"),
					("Stock Entry", "Material Transfer"),
					("Stock Reconciliation", None),
					("Delivery Note", INTERNAL_TRANSFER),
				]
			),
			st.integers(-30, 30).filter(bool),
		),
		max_size=30,
	)
)
def test_what_is_made_and_adjusted_equals_what_is_located_and_written_off(moves):
	rows = []
	for (voucher, purpose), qty in moves:
		rows.append(row("L", voucher, qty, purpose=purpose))
		if purpose in ("Material Transfer", INTERNAL_TRANSFER):  # a move between sites: both legs
			other = "Purchase Receipt" if purpose == INTERNAL_TRANSFER else voucher
			rows.append(row("L", other, -qty, purpose=purpose))
	balance = mass_balance(rows)
	assert abs(balance.made + balance.adjusted - balance.written_off - balance.located) < 1e-9


def test_containment_counts_returns_from_the_recall_date_on():
	rows = [
		row("C", "Delivery Note", -60, D1),
		row("C", "Delivery Note", -40, D2),
		row("C", "Delivery Note", 5, D1),  # returned before the recall: nets the shipment only
		row("C", "Delivery Note", 30, D2),  # on the recall date: recovered
		row("C", "Stock Entry", -30, D3, "Material Issue"),
		row("C", "Delivery Note", 20, D4),
		row("C", "Delivery Note", -8, D4, INTERNAL_TRANSFER),
	]
	# the 40 shipped on the recall date is out too: 60 + 40 - 5 netted - 30 recovered
	assert containment_over_time(rows, D2) == [
		ContainmentDay(D2, 30, 0, 65),
		ContainmentDay(D3, 30, 30, 65),
		ContainmentDay(D4, 50, 30, 45),
	]


def test_a_same_day_shipment_and_return_on_the_recall_date_cancel_out():
	"""The drill's case: 250 out before the recall, 5 shipped and 5 returned on the recall date: 250
	are still with customers (not 245: the return is not subtracted from what was out before)."""
	rows = [
		row("C", "Delivery Note", -250, D1),
		row("C", "Delivery Note", -5, D2),
		row("C", "Delivery Note", 5, D2),
	]
	assert containment_over_time(rows, D2) == [ContainmentDay(D2, 5, 0, 250)]


def test_a_shipment_after_the_recall_date_is_with_customers_from_its_day():
	rows = [row("C", "Delivery Note", -10, D1), row("C", "Delivery Note", -4, D3)]
	assert containment_over_time(rows, D2) == [ContainmentDay(D2, 0, 0, 10), ContainmentDay(D3, 0, 0, 14)]


@given(
	st.lists(
		st.tuples(st.integers(-50, 50), st.sampled_from([D1, D2, D3, D4])),
		max_size=12,
	),
	st.sampled_from([D1, D2, D3, D4]),
)
def test_the_last_day_still_with_customers_is_the_recalls_outstanding_quantity(moves, recall_date):
	"""One definition: the audit pack's last line says what the war room and the recall say."""
	from lot_traceability.traceability import recall as core

	rows = [row("L", "Delivery Note", qty, posted) for qty, posted in moves]
	lot_moves = [
		core.LotMove("L", "Delivery Note", f"DN-{i}", posted, "W", qty, party="C", is_selling=True)
		for i, (qty, posted) in enumerate(moves)
	]
	figures = core.containment(core.shipments(lot_moves, {"L": 1.0}, recall_date), 0.0, 0.0)
	last = containment_over_time(rows, recall_date)[-1]
	assert abs(last.with_customers - figures.outstanding_qty) < 1e-9
	assert abs(last.recovered - figures.recovered_qty) < 1e-9


def test_containment_of_a_recall_with_nothing_back_is_one_line():
	assert containment_over_time([row("C", "Delivery Note", -10, D1)], D2) == [ContainmentDay(D2, 0, 0, 10)]


def test_a_row_without_quantity_moves_nothing_and_a_single_unit_counts():
	"""A ledger row of zero quantity changes no figure; a receipt of one unit makes one unit."""
	rows = [
		row("Z", "Purchase Receipt", 1),
		row("Z", "Delivery Note", 0),
		row("Z", "Purchase Receipt", 0),
	]
	balance = mass_balance(rows)
	assert (balance.made, balance.on_hand, balance.shipped, balance.consumed) == (1, 1, 0, 0)
	assert balance.share_located == 1


def test_stock_taken_in_by_a_material_receipt_is_made_not_adjusted():
	"""An inward Material Receipt brings stock into being; its outward leg is a counted difference."""
	rows = [
		row("R", "Stock Entry", 12, purpose="Material Receipt"),
		row("R", "Stock Entry", -2, purpose="Material Receipt"),
	]
	balance = mass_balance(rows)
	assert (balance.made, balance.adjusted, balance.written_off, balance.on_hand) == (12, -2, 0, 10)


def test_containment_skips_transfers_between_our_companies_and_reads_on():
	"""A transfer leg between our companies is no shipment, and the returns after it still count."""
	rows = [
		row("C", "Delivery Note", -8, D1, INTERNAL_TRANSFER),
		row("C", "Delivery Note", -10, D1),
		row("C", "Delivery Note", 4, D3),
	]
	assert containment_over_time(rows, D2) == [ContainmentDay(D2, 0, 0, 10), ContainmentDay(D3, 4, 0, 6)]


def test_containment_sums_each_days_returns_and_write_offs():
	"""Two returns and two write-offs on one day add up; a write-off on the recall date counts."""
	rows = [
		row("C", "Delivery Note", -20, D1),
		row("C", "Delivery Note", 3, D3),
		row("C", "Delivery Note", 1, D3),
		row("C", "Stock Entry", -2, D2, "Material Issue"),
		row("C", "Stock Entry", -5, D3, "Material Issue"),
		row("C", "Stock Entry", -6, D3, "Material Issue"),
	]
	assert containment_over_time(rows, D2) == [
		ContainmentDay(D2, 0, 2, 20),
		ContainmentDay(D3, 4, 13, 16),
	]


def test_containment_counts_only_customer_returns_and_write_offs_as_days():
	"""Production consumption, stock taken in, and rows of zero quantity after the recall add no day."""
	rows = [
		row("C", "Delivery Note", -10, D1),
		row("C", "Delivery Note", 0, D1),  # nothing shipped
		row("C", "Delivery Note", 0, D3),  # nothing returned
		row("C", "Stock Entry", -4, D3, "Manufacture"),  # consumed, not written off
		row("C", "Stock Entry", 7, D3, "Material Receipt"),  # taken in, not written off
		row("C", "Stock Entry", 0, D4, "Material Issue"),  # nothing written off
	]
	assert containment_over_time(rows, D2) == [ContainmentDay(D2, 0, 0, 10)]


def test_a_single_unit_returned_is_recovered_and_nothing_is_left_with_customers_once_all_is_back():
	"""Every shipped unit back leaves zero with customers, never a negative or a floor above zero."""
	rows = [
		row("C", "Delivery Note", -3, D1),
		row("C", "Delivery Note", 1, D3),
		row("C", "Delivery Note", 2, D4),
	]
	assert containment_over_time(rows, D2) == [
		ContainmentDay(D2, 0, 0, 3),
		ContainmentDay(D3, 1, 0, 2),
		ContainmentDay(D4, 3, 0, 0),
	]
