"""Stock in a quarantine warehouse: what may take it out.

A warehouse marked *Is Quarantine Warehouse* holds what is in it, whatever the lot's status: a lot
that is Approved elsewhere may have units there (a customer return, a segregation), and those units
are not released by the lot's status alone. Out of a quarantine warehouse only

- a write-off (the stock leaves the books) and a return to the supplier;
- a transfer into another quarantine warehouse;
- the governed release: a transfer to a normal warehouse when the lot's latest signed-off status
  change was recorded after the stock last arrived in that quarantine warehouse (the change's status
  must itself allow the transfer: `movements.check_movement` decides that).

Shipments, issues to production, picks and allocations never take stock from there. The times
compared are the server's (when the change was submitted, when the arrival was posted), never a
date a user may back-date.
"""

from datetime import datetime

from lot_traceability.traceability.statuses import Movement

# Movements that may always take stock out of a quarantine warehouse: it leaves the business.
EXITS = frozenset({Movement.WRITE_OFF, Movement.SUPPLIER_RETURN})

# Why stock may not leave a quarantine warehouse.
HELD = "held"  # the movement never takes stock from quarantine (shipment, issue, allocation)
NOT_RELEASED = "not_released"  # a transfer out, with no status change since the stock arrived


def is_released(arrived: datetime | None, last_change: datetime | None) -> bool:
	"""Whether the lot's stock in a quarantine warehouse has been released: its latest status change
	was recorded after the stock last arrived there. With either time unknown, it has not."""
	return arrived is not None and last_change is not None and last_change > arrived


def check_exit(movement: Movement | None, into_quarantine: bool, released: bool) -> str | None:
	"""None when the movement may take the lot's stock out of a quarantine warehouse, else why not
	(`HELD`, `NOT_RELEASED`). `movement` None is the inward side of a document: not an exit."""
	if movement is None or movement in EXITS:
		return None
	if movement is Movement.TRANSFER:
		return None if into_quarantine or released else NOT_RELEASED
	return HELD


def may_pick_from(movement: Movement | None, in_quarantine: bool) -> bool:
	"""Whether an automatic pick for the movement may take a lot's stock from the warehouse: from a
	quarantine warehouse only for a movement that may leave it (a transfer, which the release decides
	at submit, a write-off, a return to the supplier); a pick that does not know its movement, never."""
	return not in_quarantine or movement is Movement.TRANSFER or movement in EXITS
