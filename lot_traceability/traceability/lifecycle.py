"""Who may move a lot from which status to which, and when a lot expires.

A status change is allowed when every one of these holds:

- the lot is not already in the target status (a restricted status excepted: a new change into it
  replaces the lot's release scope);
- the lot's current status is not terminal;
- a reason is given where the target status requires one;
- a transition rule grants the change to one of the user's roles. A rule names a target status,
  optionally a source status (empty: from any status) and a role.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from lot_traceability.traceability.problems import Problem
from lot_traceability.traceability.shelf_life import is_expired
from lot_traceability.traceability.statuses import LotStatus, Movement


@dataclass(frozen=True)
class Transition:
	to_status: str
	role: str
	from_status: str | None = None

	def grants(self, current: str, target: str, roles: Collection[str]) -> bool:
		return self.to_status == target and self.from_status in (None, "", current) and self.role in roles


def check_transition(
	current: LotStatus,
	target: LotStatus,
	roles: Collection[str],
	transitions: Iterable[Transition],
	reason: str | None = None,
	check_roles: bool = True,
) -> list[Problem]:
	"""Problems with moving a lot from `current` to `target`; empty when the change is allowed."""
	if current.name == target.name and not target.is_restricted:
		return [Problem("same_status", "to_status", {"status": current.name})]
	problems = []
	if current.is_terminal:
		problems.append(Problem("from_terminal", "to_status", {"status": current.name}))
	if target.requires_reason and not (reason or "").strip():
		problems.append(Problem("reason_required", "reason", {"status": target.name}))
	if check_roles:
		transitions = list(transitions)
		if not any(t.grants(current.name, target.name, roles) for t in transitions):
			granted_to = sorted(
				{t.role for t in transitions if t.grants(current.name, target.name, {t.role})}
			)
			problems.append(
				Problem(
					"transition_not_allowed",
					"to_status",
					{"from": current.name, "to": target.name, "roles": granted_to},
				)
			)
	return problems


def allowed_targets(
	current: LotStatus,
	statuses: Iterable[LotStatus],
	roles: Collection[str],
	transitions: Iterable[Transition],
) -> list[str]:
	"""The statuses these roles may move a lot in `current` to (reasons aside)."""
	transitions = list(transitions)
	return [
		target.name
		for target in statuses
		if not check_transition(current, target, roles, transitions, reason="-")
	]


def is_hold(status: LotStatus) -> bool:
	"""A hold (quarantine, rejection, recall …) is a status set on purpose, with a reason, that stops
	every use of the lot. Expiry does not replace a hold."""
	return status.requires_reason and not (
		status.allowed & {Movement.ISSUE, Movement.ALLOCATION, Movement.SHIPMENT}
	)


def should_expire(status: LotStatus, expiry: date | None, today: date, expired_status: str) -> bool:
	"""Whether the daily expiry check moves a lot in `status` to the expired status."""
	return (
		is_expired(expiry, today)
		and status.name != expired_status
		and not status.is_terminal
		and not is_hold(status)
	)


# Automatic changes that assign their own tasks (a recall gives warehouse, quality and customer
# service theirs; a deviation gives its own to the people Settings name).
SOURCES_WITH_OWN_TASKS = frozenset({"Recall", "Deviation"})


def routes_hold_task(target: LotStatus, source: str, automatic: bool) -> bool:
	"""Whether a change gives the people Settings name a task: a hold the app made by itself (a
	rejected inspection, an expiry, a lapsed restricted release), not a person's (who knows of it)
	nor a recall's (which assigns its own)."""
	return automatic and target.is_hold and not target.is_terminal and source not in SOURCES_WITH_OWN_TASKS


def hold_resolved(statuses: Iterable[LotStatus]) -> bool:
	"""Whether the lots of a hold task are all out of hold: released, restricted, or disposed of."""
	return not any(status.is_hold and not status.is_terminal for status in statuses)


DEFAULT_TRANSITIONS: tuple[Transition, ...] = (
	Transition("Approved", "Quality Manager"),
	Transition("Restricted", "Quality Manager"),
	Transition("Rejected", "Quality Manager"),
	Transition("Recalled", "Quality Manager"),
	Transition("Expired", "Quality Manager"),
	Transition("Pending Inspection", "Quality Manager"),
	Transition("Quarantined", "Quality Manager"),
	Transition("Quarantined", "Stock Manager"),
	Transition("Pending Inspection", "Stock Manager"),
	Transition("Disposed", "Quality Manager"),
	Transition("Disposed", "Stock Manager"),
)
