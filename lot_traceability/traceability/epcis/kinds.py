"""Which EPCIS event each lot movement is (pure): its event type, business step and disposition, and the
kinds of ledger rows a query's eventType and bizStep can be pushed down to."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lot_traceability.traceability.epcis.model import (
	ADD,
	DELETE,
	OBJECT_EVENT,
	OBSERVE,
	TRANSFORMATION_EVENT,
	Move,
)
from lot_traceability.traceability.movements import (
	PRODUCTION_PURPOSES,
	RECEIVING_VOUCHERS,
	SELLING_VOUCHERS,
	LedgerMove,
)


@dataclass(frozen=True)
class Kind:
	"""The event a movement belongs to: its type, action, business step and disposition, and
	whether the document's party is the source or the destination."""

	event_type: str
	action: str | None
	biz_step: str
	disposition: str | None
	party_is: str | None = None  # "source" or "destination"
	side: str | None = None  # a transformation's "input" or "output"


def kind_of(move: Move) -> Kind:
	"""Which event a lot ledger row is part of."""
	inward = move.qty > 0
	voucher, purpose = move.voucher_type, move.purpose
	if voucher in RECEIVING_VOUCHERS:  # an internal supplier's too: its party is our other company
		if inward:
			return Kind(OBJECT_EVENT, OBSERVE, "receiving", "in_progress", "source")
		return Kind(OBJECT_EVENT, OBSERVE, "shipping", "returned", "destination")  # back to the supplier
	if voucher in SELLING_VOUCHERS:
		if inward:
			return Kind(OBJECT_EVENT, OBSERVE, "receiving", "returned", "source")  # a customer return
		return Kind(OBJECT_EVENT, OBSERVE, "shipping", "in_transit", "destination")
	if voucher == "Stock Entry":
		if purpose in PRODUCTION_PURPOSES or purpose == "Material Consumption for Manufacture":
			step = {"Repack": "repackaging", "Disassemble": "disassembling"}.get(purpose, "commissioning")
			return Kind(TRANSFORMATION_EVENT, None, step, "active", side="output" if inward else "input")
		if purpose == "Material Issue" and not inward:
			return Kind(OBJECT_EVENT, DELETE, "destroying", "destroyed")
		if purpose in ("Material Receipt", "Material Issue"):
			return Kind(
				OBJECT_EVENT,
				ADD if inward else DELETE,
				"receiving" if inward else "removing",
				"in_progress" if inward else "inactive",
			)
		# transfers between warehouses (for manufacture, to subcontractors, through transit)
		return Kind(
			OBJECT_EVENT,
			OBSERVE,
			"arriving" if inward else "departing",
			"in_progress" if inward else "in_transit",
		)
	if voucher == "Stock Reconciliation":
		return Kind(
			OBJECT_EVENT, ADD if inward else DELETE, "stock_taking", "in_progress" if inward else "inactive"
		)
	return Kind(OBJECT_EVENT, OBSERVE, "other", None)


# The kinds of lot ledger rows a query's eventType and bizStep can be pushed down to, so that the
# read skips documents without a matching event (rather than reading every one to filter after).
STOCK_ENTRY_PURPOSES = (
	"Disassemble",
	"Manufacture",
	"Material Consumption for Manufacture",
	"Material Issue",
	"Material Receipt",
	"Material Transfer",
	"Material Transfer for Manufacture",
	"Repack",
	"Send to Subcontractor",
)
KNOWN_VOUCHERS = tuple(
	sorted(RECEIVING_VOUCHERS | SELLING_VOUCHERS | {"Stock Entry", "Stock Reconciliation"})
)


@dataclass(frozen=True)
class RowKind:
	"""Lot ledger rows of one kind: of a voucher type (None: one not in `KNOWN_VOUCHERS`), with a
	Stock Entry's purpose (None: any, or for a Stock Entry one not in `STOCK_ENTRY_PURPOSES`), moving
	in or out."""

	voucher_type: str | None
	purpose: str | None
	inward: bool


def row_kinds(event_types: Iterable[str] = (), biz_steps: Iterable[str] = ()) -> list[RowKind] | None:
	"""The kinds of lot ledger rows whose events have one of these types and one of these business
	steps (empty: any), as `kind_of` decides; None when every kind does (nothing to filter)."""
	types, steps = set(event_types), set(biz_steps)
	every, found = [], []
	for voucher in (*KNOWN_VOUCHERS, None):
		for purpose in (*STOCK_ENTRY_PURPOSES, None) if voucher == "Stock Entry" else (None,):
			for inward in (True, False):
				kind = kind_of(
					LedgerMove("", 1.0 if inward else -1.0, voucher or "", "", date.min, purpose=purpose)
				)
				every.append(RowKind(voucher, purpose, inward))
				if (not types or kind.event_type in types) and (not steps or kind.biz_step in steps):
					found.append(every[-1])
	return None if len(found) == len(every) else found


def status_sources(event_types: Iterable[str] = (), biz_steps: Iterable[str] = ()) -> set[bool]:
	"""Which status changes can make events of these types and business steps (empty: any): True
	for those of a Quality Inspection (*inspecting*), False for the others (*holding*)."""
	types, steps = set(event_types), set(biz_steps)
	if types and OBJECT_EVENT not in types:
		return set()
	return {inspection for inspection in (True, False) if not steps or status_step(inspection) in steps}


def status_step(inspection: bool) -> str:
	return "inspecting" if inspection else "holding"
