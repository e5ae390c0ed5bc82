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
	from lot_traceability.traceability.kpis import project_expiry

	lots = [("B", date(2026, 7, 1), 50), ("A", date(2026, 6, 1), 30)]
	demand = [(date(2026, 5, 20), 20), (date(2026, 6, 15), 40), (date(2026, 8, 1), 100)]
	# A (expires 1 June) gets the order due 20 May (20); B gets the order due 15 June (40)
	assert project_expiry(lots, demand) == {"A": 20, "B": 40}
	assert project_expiry(lots, []) == {"A": 0, "B": 0}
