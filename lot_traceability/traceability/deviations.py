"""Deviations: an event that puts lots at risk (temperature excursion, damage, suspected
contamination, supplier notice, customer complaint), the lots it covers, what submitting it holds and
what closing it must decide.

Scope. A deviation names its lots, or a **warehouse and a time window**. A lot is in the window when
it was in that warehouse at some moment of it: it had stock there when the window began, or stock of
it came in while the window was open. Its balance when the window began is read backwards from
today's balance: today's quantity less every movement posted since the window began. A lot that left
before the window began, or first came after it closed, is not in it. Lots in the window that have no
stock left in the warehouse have **moved on**; their movements out of it since the window began say
where they went.

Hold. Submitting the deviation holds, in one change, every lot of its scope that still has stock and
is neither held already nor ended.

Closing. Every lot the deviation held needs a disposition: release, restrict (to a named use),
reject, dispose (written off), or return to supplier (only for a lot received from one). Lots it did
not hold may get one too.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from lot_traceability.traceability.problems import Problem
from lot_traceability.traceability.statuses import LotStatus

EPSILON = 1e-9


class Disposition(str, Enum):
	RELEASE = "Release"
	RESTRICT = "Restrict"
	REJECT = "Reject"
	DISPOSE = "Dispose"
	RETURN_TO_SUPPLIER = "Return to Supplier"


@dataclass(frozen=True)
class WindowMove:
	"""A movement of a lot in the deviation's warehouse, posted at or after the window began."""

	lot: str
	posted_at: datetime
	qty: float  # signed: negative out of the warehouse
	voucher_type: str = ""
	voucher_no: str = ""
	voucher_detail_no: str = ""


@dataclass
class LotInWindow:
	lot: str
	at_start: float  # stock in the warehouse when the window began
	came_in: float = 0.0  # received into it while the window was open
	now: float = 0.0  # in the warehouse today
	left: list[WindowMove] = field(default_factory=list)  # movements out of it since the window began

	@property
	def moved_on(self) -> bool:
		return self.now <= EPSILON


def window_lots(
	current: Mapping[str, float],
	moves: Iterable[WindowMove],
	start: datetime,
	end: datetime,
) -> dict[str, LotInWindow]:
	"""The lots that were in the warehouse during [start, end]: `current` is each lot's stock there
	today, `moves` every movement there posted at or after `start` (later ones are ignored if given)."""
	since = defaultdict(list)
	for move in moves:
		if move.posted_at >= start:
			since[move.lot].append(move)
	found = {}
	for lot in set(current) | set(since):
		lot_moves = sorted(since.get(lot, ()), key=lambda move: move.posted_at)
		now = float(current.get(lot, 0.0))
		at_start = now - sum(move.qty for move in lot_moves)
		came_in = sum(move.qty for move in lot_moves if move.qty > 0 and move.posted_at <= end)
		if at_start <= EPSILON and came_in <= EPSILON:
			continue
		found[lot] = LotInWindow(
			lot,
			at_start=max(at_start, 0.0),
			came_in=came_in,
			now=now,
			left=[move for move in lot_moves if move.qty < 0],
		)
	return found


def to_hold(status: LotStatus, hold_status: str, has_stock: bool) -> bool:
	"""Whether submitting the deviation moves a lot in `status` to `hold_status`."""
	return has_stock and status.name != hold_status and not status.is_hold and not status.is_terminal


def check_close(rows: Iterable[Mapping]) -> list[Problem]:
	"""What stops a deviation from closing: rows (lot, held, disposition, from_supplier, restrict_to)."""
	problems = []
	for row in rows:
		disposition = row.get("disposition")
		if not disposition:
			if row.get("held"):
				problems.append(Problem("disposition_missing", "disposition", {"lot": row["lot"]}))
			continue
		disposition = Disposition(disposition)
		if disposition is Disposition.RETURN_TO_SUPPLIER and not row.get("from_supplier"):
			problems.append(Problem("no_supplier", "disposition", {"lot": row["lot"]}))
		if disposition is Disposition.RESTRICT and not row.get("restrict_to"):
			problems.append(Problem("restriction_missing", "restrict_to", {"lot": row["lot"]}))
	return problems


def group_dispositions(rows: Iterable[Mapping]) -> dict[tuple, list[str]]:
	"""Lots grouped by what is done to them: (disposition, restriction) → lots, in row order. Each
	group is carried out as one change or document."""
	groups: dict[tuple, list[str]] = {}
	for row in rows:
		if not row.get("disposition"):
			continue
		disposition = Disposition(row["disposition"])
		key = (
			disposition,
			tuple(row.get("restrict_to") or ()) if disposition is Disposition.RESTRICT else (),
		)
		groups.setdefault(key, []).append(row["lot"])
	return groups
