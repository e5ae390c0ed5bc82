from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lot_traceability.traceability.lifecycle import (
	DEFAULT_TRANSITIONS,
	Transition,
	allowed_targets,
	check_transition,
	is_hold,
	should_expire,
)
from lot_traceability.traceability.statuses import DEFAULT_STATUSES, LotStatus

S = {status.name: status for status in DEFAULT_STATUSES}
QUALITY = {"Quality Manager"}
STOCK = {"Stock Manager"}


def codes(problems):
	return [p.code for p in problems]


def test_quality_manager_releases():
	assert check_transition(S["Pending Inspection"], S["Approved"], QUALITY, DEFAULT_TRANSITIONS) == []


def test_stock_manager_may_quarantine_but_not_release():
	assert check_transition(S["Approved"], S["Quarantined"], STOCK, DEFAULT_TRANSITIONS, reason="damp") == []
	problems = check_transition(S["Quarantined"], S["Approved"], STOCK, DEFAULT_TRANSITIONS)
	assert codes(problems) == ["transition_not_allowed"]
	assert problems[0].params == {"from": "Quarantined", "to": "Approved", "roles": ["Quality Manager"]}


def test_reason_required_where_the_target_status_says_so():
	assert codes(check_transition(S["Approved"], S["Quarantined"], QUALITY, DEFAULT_TRANSITIONS)) == [
		"reason_required"
	]
	assert codes(check_transition(S["Approved"], S["Quarantined"], QUALITY, DEFAULT_TRANSITIONS, "  ")) == [
		"reason_required"
	]


def test_no_change_out_of_a_terminal_status():
	assert "from_terminal" in codes(
		check_transition(S["Disposed"], S["Approved"], QUALITY, DEFAULT_TRANSITIONS)
	)


def test_same_status_is_no_change():
	assert codes(check_transition(S["Approved"], S["Approved"], QUALITY, DEFAULT_TRANSITIONS)) == [
		"same_status"
	]


def test_a_restricted_status_may_be_entered_again_with_a_new_scope():
	restricted = S["Restricted"]
	assert restricted.is_restricted
	reason = "Wider concession"
	assert check_transition(restricted, restricted, QUALITY, DEFAULT_TRANSITIONS, reason) == []
	assert codes(check_transition(restricted, restricted, {"Stock User"}, DEFAULT_TRANSITIONS, reason)) == [
		"transition_not_allowed"
	]


def test_from_specific_transition():
	only_from_pending = [Transition("Approved", "Stock User", from_status="Pending Inspection")]
	assert check_transition(S["Pending Inspection"], S["Approved"], {"Stock User"}, only_from_pending) == []
	assert codes(check_transition(S["Quarantined"], S["Approved"], {"Stock User"}, only_from_pending)) == [
		"transition_not_allowed"
	]


def test_system_changes_skip_roles_but_not_the_other_rules():
	assert check_transition(S["Approved"], S["Expired"], set(), [], check_roles=False) == []
	assert codes(check_transition(S["Disposed"], S["Expired"], set(), [], check_roles=False)) == [
		"from_terminal"
	]


def test_allowed_targets_for_a_stock_manager():
	assert allowed_targets(S["Approved"], DEFAULT_STATUSES, STOCK, DEFAULT_TRANSITIONS) == [
		"Pending Inspection",
		"Quarantined",
		"Disposed",
	]
	assert allowed_targets(S["Disposed"], DEFAULT_STATUSES, QUALITY | STOCK, DEFAULT_TRANSITIONS) == []


@given(
	st.sampled_from(DEFAULT_STATUSES),
	st.sampled_from(DEFAULT_STATUSES),
	st.sets(st.sampled_from(["Quality Manager", "Stock Manager", "Stock User"])),
)
def test_allowed_targets_agree_with_check_transition(current, target, roles):
	allowed = target.name in allowed_targets(current, DEFAULT_STATUSES, roles, DEFAULT_TRANSITIONS)
	assert allowed == (check_transition(current, target, roles, DEFAULT_TRANSITIONS, reason="r") == [])


# The spec's table of who may move a lot where (docs/spec.md, Status changes), written out here as a
# reference independent of the code's own tuple: any status may be left unless it is terminal; a lot
# is not "moved" to the status it has, except a new release scope of a restricted one.
MAY_MOVE_TO = {
	"Approved": {"Quality Manager"},
	"Restricted": {"Quality Manager"},
	"Rejected": {"Quality Manager"},
	"Recalled": {"Quality Manager"},
	"Expired": {"Quality Manager"},
	"Pending Inspection": {"Quality Manager", "Stock Manager"},
	"Quarantined": {"Quality Manager", "Stock Manager"},
	"Disposed": {"Quality Manager", "Stock Manager"},
}


@settings(max_examples=300, deadline=None)
@given(
	st.sampled_from(DEFAULT_STATUSES),
	st.sampled_from(DEFAULT_STATUSES),
	st.sets(st.sampled_from(["Quality Manager", "Stock Manager", "Stock User", "Accounts User"])),
)
def test_transitions_against_the_written_table(current, target, roles):
	expected = (
		not current.is_terminal
		and (current.name != target.name or target.name == "Restricted")
		and bool(MAY_MOVE_TO.get(target.name, set()) & roles)
	)
	assert (target.name in allowed_targets(current, DEFAULT_STATUSES, roles, DEFAULT_TRANSITIONS)) == expected
	assert (check_transition(current, target, roles, DEFAULT_TRANSITIONS, reason="r") == []) == expected


@pytest.mark.parametrize(
	("name", "hold"),
	[
		("Quarantined", True),
		("Rejected", True),
		("Recalled", True),
		("Pending Inspection", False),
		("Approved", False),
		("Restricted", False),
		("Expired", False),
	],
)
def test_holds(name, hold):
	assert is_hold(S[name]) is hold


@pytest.mark.parametrize(
	("name", "expires"),
	[
		("Approved", True),
		("Restricted", True),
		("Pending Inspection", True),
		("Quarantined", False),
		("Recalled", False),
		("Expired", False),
		("Disposed", False),
	],
)
def test_daily_expiry_moves_usable_lots_only(name, expires):
	assert should_expire(S[name], date(2025, 5, 31), date(2025, 6, 1), "Expired") is expires


def test_lot_is_not_expired_on_its_expiry_date_or_without_one():
	assert not should_expire(S["Approved"], date(2025, 6, 1), date(2025, 6, 1), "Expired")
	assert not should_expire(S["Approved"], None, date(2025, 6, 1), "Expired")


def test_custom_hold_status_is_a_hold():
	lab_hold = LotStatus("Lab Hold", frozenset(), "blue", requires_reason=True)
	assert is_hold(lab_hold)


def test_only_a_hold_the_app_made_by_itself_routes_a_task():
	from lot_traceability.traceability.lifecycle import routes_hold_task

	assert routes_hold_task(S["Rejected"], "Quality Inspection", automatic=True)
	assert routes_hold_task(S["Expired"], "Expiry Check", automatic=True)
	assert routes_hold_task(S["Quarantined"], "Expiry Check", automatic=True)
	assert not routes_hold_task(S["Quarantined"], "Manual", automatic=False)  # a person's hold
	assert not routes_hold_task(S["Recalled"], "Recall", automatic=True)  # the recall assigns its own
	assert not routes_hold_task(S["Approved"], "Quality Inspection", automatic=True)
	assert not routes_hold_task(S["Pending Inspection"], "System", automatic=True)  # not a hold
	assert not routes_hold_task(S["Disposed"], "System", automatic=True)  # nothing left to decide


def test_a_hold_is_resolved_when_every_lot_is_out_of_hold():
	from lot_traceability.traceability.lifecycle import hold_resolved

	assert hold_resolved([S["Approved"], S["Restricted"], S["Disposed"]])
	assert not hold_resolved([S["Approved"], S["Rejected"]])
	assert not hold_resolved([S["Expired"]])
	assert hold_resolved([])


def as_written(problems):
	"""Each problem whole: its code, the form field it points at and the figures its message names."""
	return [(p.code, p.field, p.params) for p in problems]


def test_each_refusal_points_at_its_field_and_names_its_statuses():
	transitions = [
		Transition("Approved", "Quality Manager", "Quarantined"),
		Transition("Quarantined", "Stock Manager"),
	]
	assert as_written(check_transition(S["Approved"], S["Approved"], QUALITY, transitions)) == [
		("same_status", "to_status", {"status": "Approved"})
	]
	assert as_written(check_transition(S["Disposed"], S["Quarantined"], STOCK, transitions, reason="x")) == [
		("from_terminal", "to_status", {"status": "Disposed"})
	]
	assert as_written(check_transition(S["Approved"], S["Quarantined"], STOCK, transitions)) == [
		("reason_required", "reason", {"status": "Quarantined"})
	]
	# who may: only the roles whose transition would allow this very move (the from-status counts)
	assert as_written(
		check_transition(S["Rejected"], S["Approved"], STOCK, transitions, check_roles=True)
	) == [("transition_not_allowed", "to_status", {"from": "Rejected", "to": "Approved", "roles": []})]
	assert as_written(check_transition(S["Quarantined"], S["Approved"], STOCK, transitions)) == [
		(
			"transition_not_allowed",
			"to_status",
			{"from": "Quarantined", "to": "Approved", "roles": ["Quality Manager"]},
		)
	]


def test_a_transition_with_an_empty_from_status_grants_from_any_status():
	anywhere = Transition("Quarantined", "Stock Manager", "")
	assert anywhere.grants("Approved", "Quarantined", STOCK)
	assert anywhere.grants("Expired", "Quarantined", STOCK)
	assert not Transition("Quarantined", "Stock Manager", "Approved").grants("Expired", "Quarantined", STOCK)
