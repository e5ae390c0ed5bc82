from datetime import date, datetime

import pytest

from lot_traceability.traceability.kpis import (
	LotFacts,
	Ratio,
	Shipment,
	StatusEvent,
	by_month,
	fefo_adherence,
	mean,
	project_expiry,
	quarantine_cycles,
	receiving_completeness,
)


def test_receiving_completeness_needs_supplier_lot_and_expiry():
	ratio = receiving_completeness(
		[("L1", date(2027, 1, 1)), ("", date(2027, 1, 1)), ("L3", None), ("L4", date(2026, 1, 1))]
	)
	assert (ratio.part, ratio.whole, ratio.pct) == (2, 4, 50.0)
	assert Ratio(0, 0).pct is None


def event(lot, day, status, hold=False, release=False):
	return StatusEvent(lot, datetime(2026, 3, day, 8), status, hold, release)


def test_quarantine_cycles_from_hold_to_release():
	cycles = quarantine_cycles(
		[
			event("A", 1, "Quarantined", hold=True),
			event("A", 2, "Rejected", hold=True),  # still held: the cycle started on the 1st
			event("A", 5, "Approved", release=True),
			event("A", 6, "Approved", release=True),  # a release without a hold: no cycle
			event("B", 10, "Approved", release=True),
			event("B", 11, "Quarantined", hold=True),  # never released: no cycle
			event("C", 20, "Recalled", hold=True),
			event("C", 22, "Approved", release=True),
		]
	)
	assert [(c.lot, c.days) for c in cycles] == [("A", 4.0), ("C", 2.0)]
	assert mean(c.days for c in cycles) == 3.0
	assert mean([]) is None


def facts(lot, expiry, moves, may_ship=True, item="I", warehouse="W"):
	return LotFacts(lot, item, warehouse, expiry, may_ship, tuple(moves))


def test_fefo_adherence_counts_shipments_that_skipped_an_earlier_lot_that_could_ship():
	lots = [
		facts("EARLY", date(2026, 5, 1), [(date(2026, 1, 1), 10)]),
		facts("LATE", date(2026, 9, 1), [(date(2026, 1, 1), 10)]),
		facts("HELD", date(2026, 2, 1), [(date(2026, 1, 1), 10)], may_ship=False),
		facts("GONE", date(2026, 3, 1), [(date(2026, 1, 1), 5), (date(2026, 1, 20), -5)]),
		facts("OTHER-WH", date(2026, 2, 2), [(date(2026, 1, 1), 5)], warehouse="X"),
	]
	shipments = [
		Shipment("LATE", "I", "W", date(2026, 2, 1), date(2026, 9, 1)),  # EARLY could ship: departure
		Shipment("EARLY", "I", "W", date(2026, 2, 1), date(2026, 5, 1)),  # earliest that could ship
		Shipment("LATE", "I", "W", date(2026, 5, 2), date(2026, 9, 1)),  # EARLY expired by then
	]
	ratio, departures = fefo_adherence(shipments, lots)
	assert (ratio.part, ratio.whole) == (2, 3)
	assert ratio.pct == pytest.approx(200 / 3)
	assert [(s.lot, earlier) for s, earlier in departures] == [("LATE", "EARLY")]


def test_by_month():
	assert by_month([(date(2026, 2, 3), 5), (date(2026, 1, 9), 1), (date(2026, 2, 28), 2)]) == {
		"2026-01": 1,
		"2026-02": 7,
	}


def test_project_expiry_demand_takes_the_earliest_expiring_lot_for_orders_due_before_it_expires():
	lots = [("B", date(2026, 7, 1), 50), ("A", date(2026, 6, 1), 30)]
	demand = [(date(2026, 5, 20), 20), (date(2026, 6, 15), 40), (date(2026, 8, 1), 100)]
	# A (expires 1 June) gets the order due 20 May (20); B gets the order due 15 June (40)
	assert project_expiry(lots, demand) == {"A": 20, "B": 40}
	assert project_expiry(lots, []) == {"A": 0, "B": 0}


def test_fefo_adherence_edges_of_the_shipping_day() -> None:
	"""An earlier lot counts against a shipment while it is still usable on the shipping day (its
	expiry day included) and held any stock, however little, at the end of that day (a receipt that
	very day included); a shipment from a warehouse with no other lot adheres."""
	day = date(2026, 4, 10)
	shipped = Shipment("LATE", "I", "W", day, date(2026, 9, 1))
	expiring_today = facts("TODAY", day, [(date(2026, 1, 1), 10)])
	one_left = facts("ONE", date(2026, 5, 1), [(date(2026, 1, 1), 10), (date(2026, 3, 1), -9)])
	received_today = facts("NEW", date(2026, 5, 1), [(day, 10)])
	received_tomorrow = facts("NEXT", date(2026, 5, 1), [(date(2026, 4, 11), 10)])
	for earlier in (expiring_today, one_left, received_today):
		ratio, departures = fefo_adherence([shipped], [earlier])
		assert ((ratio.part, ratio.whole), [(s.lot, e) for s, e in departures]) == (
			(0, 1),
			[("LATE", earlier.lot)],
		)
	ratio, departures = fefo_adherence([shipped], [received_tomorrow])
	assert ((ratio.part, ratio.whole), departures) == ((1, 1), [])
	ratio, departures = fefo_adherence([Shipment("LATE", "I", "EMPTY", day, date(2026, 9, 1))], [one_left])
	assert ((ratio.part, ratio.whole), departures) == ((1, 1), [])


def test_fefo_adherence_looks_past_lots_that_expire_later() -> None:
	"""A later-expiring lot listed first does not hide an earlier-expiring one behind it."""
	day = date(2026, 4, 10)
	lots = [
		facts("LATEST", date(2026, 12, 1), [(date(2026, 1, 1), 10)]),
		facts("EARLIEST", date(2026, 5, 1), [(date(2026, 1, 1), 10)]),
	]
	ratio, departures = fefo_adherence([Shipment("MID", "I", "W", day, date(2026, 9, 1))], lots)
	assert (ratio.part, ratio.whole) == (0, 1)
	assert [(s.lot, earlier) for s, earlier in departures] == [("MID", "EARLIEST")]


def test_project_expiry_serves_the_earliest_expiry_first_whatever_the_names_or_quantities() -> None:
	"""Demand goes to the earliest-expiring lot first (not the first by name or size); lots expiring
	the same day are served in lot order."""
	lots = [("A-LATE", date(2026, 7, 1), 10), ("Z-EARLY", date(2026, 6, 1), 50)]
	assert project_expiry(lots, [(date(2026, 5, 1), 30)]) == {"Z-EARLY": 30, "A-LATE": 0}
	same_day = [("B", date(2026, 6, 1), 20), ("A", date(2026, 6, 1), 20)]
	assert project_expiry(same_day, [(date(2026, 5, 1), 25)]) == {"A": 20, "B": 5}


def test_project_expiry_counts_small_orders_and_orders_due_on_the_expiry_day() -> None:
	"""An order of a single unit is demand too; an order due on the lot's expiry day still takes it;
	a lot used up leaves the rest of the demand to the next lot."""
	lots = [("A", date(2026, 6, 1), 1), ("B", date(2026, 7, 1), 10)]
	demand = [(date(2026, 6, 1), 1), (date(2026, 6, 2), 1), (date(2026, 6, 3), 0.5)]
	assert project_expiry(lots, demand) == {"A": 1, "B": 1.5}
	assert project_expiry([("A", date(2026, 6, 1), 1)], [(date(2026, 6, 1), 5)]) == {"A": 1}
