"""Findings from a lot's status history (pure): shipped before its release, a held lot moved, an entry
back-dated past a hold, a restricted lot used outside its release scope."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lot_traceability.traceability.findings.model import Finding, Kind
from lot_traceability.traceability.movements import OUTWARD, classify
from lot_traceability.traceability.statuses import LotStatus, Movement


@dataclass(frozen=True)
class StatusChange:
	"""A lot's status change: effective `at`, and recorded (entered into the books) at `recorded_at`,
	which is the same moment unless the change was dated after the fact."""

	at: datetime
	from_status: str | None
	to_status: str
	name: str | None = None
	recorded_at: datetime | None = None

	@property
	def recorded(self) -> datetime:
		return self.recorded_at or self.at


@dataclass(frozen=True)
class DatedMove:
	"""One submitted movement of a lot: when it is dated and when it was entered."""

	lot: str
	voucher_type: str
	voucher_no: str
	direction: str  # Inward / Outward
	posted_at: datetime  # posting date and time
	entered_at: datetime  # when it was entered into the books
	purpose: str | None = None
	is_return: bool = False
	is_write_off: bool = False
	into_quarantine: bool = False


def status_at(history: Sequence[StatusChange], moment: datetime, recorded: bool = False) -> str | None:
	"""The lot's status at a moment, from its changes in time order (before the first change: the
	status that change started from). None without a history. With `recorded`, as the books stood at
	that moment (changes by the time they were recorded), else as effective then."""
	if not history:
		return None
	when = (lambda c: c.recorded) if recorded else (lambda c: c.at)
	ordered = sorted(history, key=when)
	current = ordered[0].from_status
	for change in ordered:
		if when(change) > moment:
			break
		current = change.to_status
	return current


def _allows(status: LotStatus, movement: Movement, move: DatedMove, quarantine_allowed: bool) -> bool:
	if movement is Movement.TRANSFER and move.into_quarantine and quarantine_allowed:
		return not status.is_terminal
	return status.allows(movement)


def status_findings(
	moves: Iterable[DatedMove],
	histories: Mapping[str, Sequence[StatusChange]],
	statuses: Mapping[str, LotStatus],
	release_dates: Mapping[str, date | None] | None = None,
	quarantine_allowed: bool = True,
) -> list[Finding]:
	"""Findings from the status history (lots without a history have none):

	- shipped or issued before release: a shipment or issue the lot's status did not allow, at its
	  posting date and time or when it was entered;
	- held lot moved: an outward movement entered while the lot's status was a hold that does not
	  allow it (a move into quarantine stays allowed);
	- back-dated: a movement entered after the lot went on hold but dated before the hold's day.

	One finding per lot, document and kind.
	"""
	release_dates = release_dates or {}
	found: dict[tuple, Finding] = {}

	def add(finding: Finding):
		found.setdefault(
			(finding.lot, finding.kind, finding.reference_doctype, finding.reference_name), finding
		)

	for move in sorted(moves, key=lambda m: (m.lot, m.entered_at, m.voucher_type, m.voucher_no)):
		history = histories.get(move.lot)
		if not history:
			continue
		outward = move.direction == OUTWARD
		movement = classify(
			move.voucher_type, move.direction, move.purpose, move.is_return, move.is_write_off
		)
		entered_status = status_at(history, move.entered_at, recorded=True)
		if outward and movement in (Movement.SHIPMENT, Movement.ISSUE):
			for moment, status_name in (
				("posting", status_at(history, move.posted_at)),
				("entry", entered_status),
			):
				status = statuses.get(status_name)
				if status and not status.allows(movement):
					release = release_dates.get(move.lot)
					add(
						Finding(
							move.lot,
							Kind.SHIPPED_BEFORE_RELEASE,
							move.voucher_type,
							move.voucher_no,
							{
								"movement": movement.value,
								"status": status_name,
								"moment": moment,
								"posting_date": move.posted_at.date(),
								"release_date": release
								if release and move.posted_at.date() < release
								else None,
							},
						)
					)
					break
		held = statuses.get(entered_status)
		if (
			outward
			and movement is not None
			and held is not None
			and held.is_hold
			and not _allows(held, movement, move, quarantine_allowed)
		):
			add(
				Finding(
					move.lot,
					Kind.HELD_LOT_OVERRIDE,
					move.voucher_type,
					move.voucher_no,
					{"movement": movement.value, "status": entered_status, "entered_at": move.entered_at},
				)
			)
		back_dated_past = [
			change
			for change in history
			if (hold := statuses.get(change.to_status)) is not None
			and hold.is_hold
			and change.recorded < move.entered_at
			and move.posted_at.date() < change.at.date()
		]
		if back_dated_past:
			hold = back_dated_past[-1]
			add(
				Finding(
					move.lot,
					Kind.BACK_DATED,
					move.voucher_type,
					move.voucher_no,
					{
						"status": hold.to_status,
						"hold_date": hold.at.date(),
						"posting_date": move.posted_at.date(),
						"entered_at": move.entered_at,
						"status_change": hold.name,
					},
				)
			)
	return list(found.values())


@dataclass(frozen=True)
class RestrictionPeriod:
	"""A release scope in effect on a lot from `started` until `ended` (None: still in effect)."""

	name: str
	lot: str
	started: datetime
	ended: datetime | None = None
	summary: str = ""


def scope_findings(
	moves: Iterable[DatedMove],
	periods: Iterable[RestrictionPeriod],
	checked: set[tuple[str, str, str]],
) -> list[Finding]:
	"""A shipment or issue of a restricted lot entered while a release scope was in effect, with no
	use recorded against that scope (`checked`: (scope, voucher type, voucher no) of every use the
	scope permitted): it moved without its scope judging it — enforcement switched off, or an override.
	One finding per lot and document."""
	by_lot: dict[str, list[RestrictionPeriod]] = {}
	for period in periods:
		by_lot.setdefault(period.lot, []).append(period)
	found: dict[tuple, Finding] = {}
	for move in moves:
		if move.direction != OUTWARD:
			continue
		movement = classify(
			move.voucher_type, move.direction, move.purpose, move.is_return, move.is_write_off
		)
		if movement not in (Movement.SHIPMENT, Movement.ISSUE):
			continue
		for period in by_lot.get(move.lot, ()):
			in_effect = period.started <= move.entered_at and (
				period.ended is None or move.entered_at < period.ended
			)
			if not in_effect or (period.name, move.voucher_type, move.voucher_no) in checked:
				continue
			found.setdefault(
				(move.lot, move.voucher_type, move.voucher_no),
				Finding(
					move.lot,
					Kind.OUTSIDE_SCOPE,
					move.voucher_type,
					move.voucher_no,
					{"movement": movement.value, "restriction": period.name, "summary": period.summary},
				),
			)
	return list(found.values())
