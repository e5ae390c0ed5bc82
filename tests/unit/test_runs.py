"""Production runs: the runs an entry gives its lots from Job Cards and time logs, and which runs a
workstation window covers."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.runs import (
	CONSUMED,
	MADE,
	JobCard,
	Run,
	TimeLog,
	in_window,
	key,
	overlaps,
	runs_for,
	span,
	window_problems,
)

BASE = datetime(2026, 12, 1, 6)
POSTED = datetime(2026, 12, 2, 15)


def at(hours: float) -> datetime:
	return BASE + timedelta(hours=hours)


def test_a_card_runs_from_its_first_log_to_its_last_with_its_employees_once():
	card = JobCard(
		"JC-1",
		"Mixer 2",
		"Mixing",
		(TimeLog(at(3), at(4), "EMP-B"), TimeLog(at(1), at(2), "EMP-A"), TimeLog(at(5), at(6), "EMP-B")),
		("EMP-C", "EMP-A"),
	)
	(run,) = runs_for([("LOT-F", 10)], [], [card], POSTED)
	assert (run.from_time, run.to_time) == (at(1), at(6))
	assert run.employees == ("EMP-B", "EMP-A", "EMP-C")
	assert (run.lot, run.role, run.workstation, run.operation, run.job_card) == (
		"LOT-F",
		MADE,
		"Mixer 2",
		"Mixing",
		"JC-1",
	)


def test_every_lot_made_and_consumed_gets_a_run_per_card():
	cards = [
		JobCard("JC-1", "Mixer", "Mix", (TimeLog(at(0), at(1)),)),
		JobCard("JC-2", "Oven", "Bake", (TimeLog(at(1), at(2)),)),
	]
	runs = runs_for([("F", 4)], [("R1", 2), ("R2", 3), ("R1", 1)], cards, POSTED)
	assert sorted((r.lot, r.role, r.job_card, r.qty) for r in runs) == [
		("F", MADE, "JC-1", 4),
		("F", MADE, "JC-2", 4),
		("R1", CONSUMED, "JC-1", 3),
		("R1", CONSUMED, "JC-2", 3),
		("R2", CONSUMED, "JC-1", 3),
		("R2", CONSUMED, "JC-2", 3),
	]


def test_without_cards_a_lot_runs_at_the_posting_time_on_no_workstation():
	(run,) = runs_for([("F", 1)], [], [], POSTED)
	assert (run.from_time, run.to_time, run.workstation, run.job_card) == (POSTED, POSTED, None, None)


def test_a_card_without_complete_logs_runs_at_the_posting_time_on_its_workstation():
	card = JobCard("JC-1", "Mixer", "Mix", (TimeLog(at(1), None),))
	assert span(card) is None
	(run,) = runs_for([("F", 1)], [], [card], POSTED)
	assert (run.from_time, run.to_time, run.workstation) == (POSTED, POSTED, "Mixer")


def test_the_window_is_half_open():
	start, end = at(10), at(20)
	assert not overlaps(at(5), at(10), start, end)  # ends as the window begins
	assert not overlaps(at(20), at(25), start, end)  # begins as the window ends
	assert overlaps(at(5), at(11), start, end)  # began before, ended inside
	assert overlaps(at(19), at(25), start, end)  # began inside, ended after
	assert overlaps(at(5), at(25), start, end)  # spans the whole window
	assert overlaps(at(10), at(10), start, end)  # an instant at the start is in
	assert not overlaps(at(20), at(20), start, end)  # an instant at the end is not


def test_only_the_named_workstations_count():
	runs = [
		Run("A", MADE, 1, at(1), at(2), "Mixer 2"),
		Run("B", MADE, 1, at(1), at(2), "Mixer 1"),
		Run("C", CONSUMED, 1, at(1), at(2), None),
	]
	assert [r.lot for r in in_window(runs, ["Mixer 2"], at(0), at(3))] == ["A"]


def test_refusals_of_a_window():
	assert [p.code for p in window_problems([], at(0), at(1))] == ["no_workstation"]
	assert [p.code for p in window_problems(["M"], at(1), at(0))] == ["ends_before_start"]
	assert [p.code for p in window_problems(["M"], at(1), at(1))] == ["ends_before_start"]
	assert [p.code for p in window_problems(["M"], at(0), at(24 * 31 + 1))] == ["window_too_long"]
	assert window_problems(["M"], at(0), at(24 * 31)) == []
	assert [p.code for p in window_problems(["M"], None, at(1))] == ["no_bounds"]


def test_key_ignores_microseconds_and_missing_cards():
	run = Run("A", MADE, 1.0000001, at(1).replace(microsecond=5), at(2), None)
	assert key(run, "SE-1") == ("SE-1", "A", MADE, "", "", at(1), at(2), 1.0)


# Property: runs_for + in_window agree with a brute force over the time logs themselves.

hours = st.integers(min_value=0, max_value=48)
logs = st.lists(
	st.tuples(hours, st.integers(min_value=0, max_value=12), st.sampled_from(["E1", "E2", None])),
	max_size=4,
)
cards = st.lists(
	st.tuples(st.sampled_from(["W1", "W2", "W3"]), logs),
	max_size=4,
)


@given(
	cards=cards,
	made=st.lists(st.tuples(st.sampled_from(["F1", "F2"]), st.integers(1, 5)), max_size=2),
	consumed=st.lists(st.tuples(st.sampled_from(["R1", "R2", "R3"]), st.integers(1, 5)), max_size=3),
	start=hours,
	length=st.integers(min_value=1, max_value=24),
	stations=st.sets(st.sampled_from(["W1", "W2", "W3"]), min_size=1),
	posted=hours,
)
def test_window_membership_matches_a_brute_force_over_the_time_logs(
	cards, made, consumed, start, length, stations, posted
):
	job_cards = [
		JobCard(f"JC-{i}", station, "Op", tuple(TimeLog(at(h), at(h + d), e) for h, d, e in entries))
		for i, (station, entries) in enumerate(cards)
	]
	window = (at(start), at(start + length))
	found = {
		(r.lot, r.role) for r in in_window(runs_for(made, consumed, job_cards, at(posted)), stations, *window)
	}

	def card_in_window(card):
		complete = [log for log in card.time_logs if log.from_time and log.to_time]
		if not complete:  # instant run at the posting time
			return window[0] <= at(posted) < window[1]
		first = min(log.from_time for log in complete)
		last = max(log.to_time for log in complete)
		if last <= first:
			return window[0] <= first < window[1]
		# some moment of [first, last) lies in [start, end)
		moment = first
		while moment < last:
			if window[0] <= moment < window[1]:
				return True
			moment += timedelta(hours=1)
		return False

	covered = any(card.workstation in stations and card_in_window(card) for card in job_cards)
	expected = (
		{(lot, MADE) for lot, _ in made} | {(lot, CONSUMED) for lot, _ in consumed} if covered else set()
	)
	assert found == expected


def test_yield_against_the_bom():
	from lot_traceability.traceability.runs import bom_yield

	# BOM: 10 cakes from 6 flour and 4 sugar; 20 cakes made from 13 flour and 8 sugar (and 1 salt)
	found = bom_yield(20, {"FLOUR": 13, "SUGAR": 8, "SALT": 1}, 10, {"FLOUR": 6, "SUGAR": 4})
	assert [(i.item, i.standard_qty, i.actual_qty) for i in found.inputs] == [
		("FLOUR", 12, 13),
		("SUGAR", 8, 8),
		("SALT", 0, 1),
	]
	assert round(found.inputs[0].variance, 6) == round(13 / 12 - 1, 6)
	assert found.inputs[2].variance is None
	assert found.expected_qty == 21
	assert round(found.ratio, 6) == round(20 / 21, 6)


def test_yield_without_a_bom_or_inputs_has_no_ratio():
	from lot_traceability.traceability.runs import bom_yield

	assert bom_yield(5, {}, 1, {"A": 1}).ratio is None
	assert bom_yield(5, {"A": 1}, 0, {}).ratio is None


def timed(n: int, station: str, minutes: float, qty: float = 10):
	from lot_traceability.traceability.runs import TimedRun

	return TimedRun(
		f"JC-{station}-{n}", f"SE-{n}", station, "CAKE", BASE.date(), minutes, qty, (f"LOT-{station}-{n}",)
	)


def test_a_run_far_slower_per_unit_than_the_workstation_usually_is_flagged():
	from lot_traceability.traceability.anomalies import AnomalyKind
	from lot_traceability.traceability.runs import duration_anomalies

	usual = [timed(n, "Mixer", 60 + n, 10) for n in range(8)]
	slow = timed(99, "Mixer", 600, 10)  # ten times as long for the same quantity
	big = timed(98, "Mixer", 600, 100)  # ten times as long for ten times as much: usual per unit
	oven = [timed(n, "Oven", 600, 10) for n in range(8)]  # another workstation's usual is its own
	(found,) = duration_anomalies([*usual, slow, big, *oven])
	assert (found.kind, found.reference_doctype, found.reference_name) == (
		AnomalyKind.RUN_DURATION,
		"Job Card",
		"JC-Mixer-99",
	)
	assert found.lots == ("LOT-Mixer-99",)
	assert found.params["workstation"] == "Mixer" and found.params["direction"] == "high"
	assert found.value == 60 and found.strength >= 1


def test_too_little_history_or_instant_runs_judge_nothing():
	from lot_traceability.traceability.runs import duration_anomalies

	assert duration_anomalies([timed(n, "Mixer", 60) for n in range(3)] + [timed(9, "Mixer", 6000)]) == []
	assert duration_anomalies([timed(n, "Mixer", 0) for n in range(10)]) == []
