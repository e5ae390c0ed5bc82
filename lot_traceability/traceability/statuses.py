"""Lot statuses and what a lot in each status may do.

A status is a set of allowed movements plus two markers: `is_terminal` (the lot's life has ended:
nothing may come back into it, and it no longer moves except out of the books) and
`requires_reason` (putting a lot into it needs a written reason).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from lot_traceability.traceability.problems import Problem


class Movement(str, Enum):
	RECEIPT = "receipt"  # received into stock (purchase, material receipt, production output)
	ISSUE = "issue"  # issued or consumed in production
	TRANSFER = "transfer"  # moved between warehouses
	ALLOCATION = "allocation"  # allocated, reserved or picked for an order
	SHIPMENT = "shipment"  # shipped to a customer
	CUSTOMER_RETURN = "customer_return"  # returned into stock by a customer
	SUPPLIER_RETURN = "supplier_return"  # sent back to the supplier
	WRITE_OFF = "write_off"  # scrapped, disposed or adjusted out of stock


# The field of the Lot Status doctype that holds each movement's flag.
MOVEMENT_FLAGS: dict[Movement, str] = {movement: f"allow_{movement.value}" for movement in Movement}

# Movements a terminal status may never allow: anything that keeps the lot alive in stock.
TERMINAL_FORBIDS = frozenset(
	{
		Movement.RECEIPT,
		Movement.ISSUE,
		Movement.TRANSFER,
		Movement.ALLOCATION,
		Movement.SHIPMENT,
		Movement.CUSTOMER_RETURN,
	}
)

INDICATOR_COLOURS = (
	"green",
	"blue",
	"orange",
	"yellow",
	"red",
	"gray",
	"purple",
	"pink",
	"cyan",
	"darkgrey",
)


@dataclass(frozen=True)
class LotStatus:
	name: str
	allowed: frozenset[Movement] = field(default_factory=frozenset)
	colour: str = "gray"
	is_terminal: bool = False
	requires_reason: bool = False
	description: str = ""
	is_restricted: bool = False  # released for the uses its release scope names only

	def allows(self, movement: Movement) -> bool:
		return Movement(movement) in self.allowed

	@property
	def is_hold(self) -> bool:
		"""The lot is held: it may neither ship nor move between warehouses (quarantine, recall,
		rejection, expiry). Stock of a held lot that comes back from a customer goes to quarantine."""
		return not self.allows(Movement.SHIPMENT) and not self.allows(Movement.TRANSFER)

	def as_record(self) -> dict[str, Any]:
		"""The Lot Status doctype's fields for this status."""
		record = {
			"status_name": self.name,
			"colour": self.colour,
			"is_terminal": int(self.is_terminal),
			"requires_reason": int(self.requires_reason),
			"description": self.description,
			"is_restricted": int(self.is_restricted),
		}
		record.update({flag: int(movement in self.allowed) for movement, flag in MOVEMENT_FLAGS.items()})
		return record

	@classmethod
	def from_record(cls, record: Mapping[str, Any]) -> "LotStatus":
		return cls(
			name=record.get("status_name") or record.get("name"),
			allowed=frozenset(m for m, flag in MOVEMENT_FLAGS.items() if record.get(flag)),
			colour=record.get("colour") or "gray",
			is_terminal=bool(record.get("is_terminal")),
			requires_reason=bool(record.get("requires_reason")),
			description=record.get("description") or "",
			is_restricted=bool(record.get("is_restricted")),
		)


def validate_status(status: LotStatus) -> list[Problem]:
	problems = []
	if not (status.name or "").strip():
		problems.append(Problem("status_name_missing", "status_name"))
	if status.colour not in INDICATOR_COLOURS:
		problems.append(Problem("unknown_colour", "colour", {"colour": status.colour}))
	if status.is_terminal and status.is_restricted:
		problems.append(Problem("terminal_restricted", "is_restricted", {}))
	if status.is_terminal:
		for movement in sorted(status.allowed & TERMINAL_FORBIDS, key=lambda m: m.value):
			problems.append(
				Problem("terminal_allows_movement", MOVEMENT_FLAGS[movement], {"movement": movement.value})
			)
	return problems


def _status(name, colour, allowed: Iterable[Movement], **markers) -> LotStatus:
	return LotStatus(name=name, colour=colour, allowed=frozenset(allowed), **markers)


M = Movement
DEFAULT_STATUSES: tuple[LotStatus, ...] = (
	_status(
		"Pending Inspection",
		"orange",
		[M.RECEIPT, M.TRANSFER, M.CUSTOMER_RETURN, M.SUPPLIER_RETURN, M.WRITE_OFF],
		description="Received, waiting for quality release. May be put away, not used or sold.",
	),
	_status(
		"Approved",
		"green",
		list(Movement),
		description="Released: free for every movement.",
	),
	_status(
		"Restricted",
		"yellow",
		list(Movement),
		requires_reason=True,
		is_restricted=True,
		description="Released under a concession, for the customers, formulas, places and quantity "
		"its release scope names, until its end date.",
	),
	_status(
		"Quarantined",
		"red",
		[M.CUSTOMER_RETURN, M.SUPPLIER_RETURN, M.WRITE_OFF],
		requires_reason=True,
		description="On hold. Moves only into a quarantine warehouse, back to the supplier or out of stock.",
	),
	_status(
		"Rejected",
		"red",
		[M.CUSTOMER_RETURN, M.SUPPLIER_RETURN, M.WRITE_OFF],
		requires_reason=True,
		description="Failed inspection: to be returned to the supplier or disposed.",
	),
	_status(
		"Expired",
		"darkgrey",
		[M.CUSTOMER_RETURN, M.SUPPLIER_RETURN, M.WRITE_OFF],
		description="Past its expiry date.",
	),
	_status(
		"Recalled",
		"purple",
		[M.CUSTOMER_RETURN, M.SUPPLIER_RETURN, M.WRITE_OFF],
		requires_reason=True,
		description="Under recall: returns are accepted into quarantine, nothing ships.",
	),
	_status(
		"Disposed",
		"gray",
		[],
		is_terminal=True,
		requires_reason=True,
		description="Destroyed or written off. The lot's life has ended.",
	),
)

# The status of a lot that no Lot Rule governs: it moves as ERPNext would move it.
UNGOVERNED_STATUS = "Approved"
