"""Restricted release: a lot released for named uses only, and the formula check.

A lot in a *restricted* status carries a release scope, recorded with the governed change that put
it there. The scope says what the lot may be used for, and nothing else:

- **customers** — it ships (and is allocated or picked) only for a customer listed, or one in a
  customer group listed (or below it). A scope listing no customer and no group ships to nobody.
- **items to make** — it is issued to production (work order transfer, manufacture, material
  consumption, repack, subcontracting supply) only to make an item listed, or under a BOM listed
  (the formula revision). A scope listing neither is used in no production.
- **companies and warehouses** — where listed, the lot's uses and transfers must stay within them (the
  source, and the target of a transfer). Not listed: anywhere, as its status allows.
- **a cap** — the quantity (in the lot's stock unit) that permitted outbound movements (shipments
  and issues) may take, in all, from the moment the scope took effect; a cancelled movement gives its
  quantity back. Allocation and transfers do not use the cap, but a pick is never offered more than
  what is left of it.
- **valid until** — after that day the lot is treated as held: no use, no transfer (write-off, a
  return to the supplier and a customer return stay possible, as for a hold).

Movements that take the lot out of the books or back (write-off, supplier return, customer return,
receipt) are not uses: no part of the scope limits them — a restricted lot can always be disposed of,
sent back or taken back.

The formula check applies to every governed lot: a lot issued for production must be of an item the
formula of what is made lists (its BOM's items, or an allowed substitute). Production with no BOM
known is not checked.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from lot_traceability.traceability.problems import Problem
from lot_traceability.traceability.statuses import Movement

EPSILON = 1e-9

# Movements a release scope governs as uses, and those that count against its cap.
SCOPED_USES = frozenset({Movement.ISSUE, Movement.ALLOCATION, Movement.SHIPMENT})
CAPPED = frozenset({Movement.ISSUE, Movement.SHIPMENT})
# Movements that may not exceed what is left of the cap (a pick does not use it, but may not promise
# more than is left).
CAP_CHECKED = CAPPED | {Movement.ALLOCATION}
# Movements still possible once the scope has lapsed (the lot is then treated as held).
LAPSED_ALLOWS = frozenset(
	{Movement.WRITE_OFF, Movement.SUPPLIER_RETURN, Movement.CUSTOMER_RETURN, Movement.RECEIPT}
)


@dataclass(frozen=True)
class Scope:
	customers: frozenset[str] = frozenset()
	customer_groups: frozenset[str] = frozenset()
	items: frozenset[str] = frozenset()  # items the lot may be used to make
	boms: frozenset[str] = frozenset()  # formulas (BOMs) it may be used in
	companies: frozenset[str] = frozenset()
	warehouses: frozenset[str] = frozenset()
	cap: float | None = None  # in the lot's stock unit; None: no cap
	used: float = 0.0  # what permitted outbound movements have taken since the scope took effect
	valid_until: date | None = None
	reference: str = ""  # the concession or deviation it was granted under
	any_production: bool = False  # a lot restricted before scopes existed: internal use, any item

	@property
	def remaining(self) -> float | None:
		"""What is left of the cap (None: no cap)."""
		return None if self.cap is None else max(0.0, self.cap - self.used)

	def lapsed(self, on_date: date) -> bool:
		return self.valid_until is not None and on_date > self.valid_until


@dataclass(frozen=True)
class Use:
	"""One movement of a restricted lot, as its document states it."""

	movement: Movement
	qty: float
	on_date: date
	customer: str | None = None
	customer_groups: frozenset[str] = frozenset()  # the customer's group and every group above it
	items_made: frozenset[str] = frozenset()  # what the production makes
	bom: str | None = None
	company: str | None = None
	warehouse: str | None = None  # where the lot leaves from
	target_warehouse: str | None = None  # where a transfer takes it


# What a scope refused (the app words them): the scope has lapsed, the customer, the item made or
# BOM, the company, the warehouse is not permitted, or the cap would be exceeded.
LAPSED, CUSTOMER, ITEM, COMPANY, WAREHOUSE, CAP = (
	"scope_lapsed",
	"customer_not_in_scope",
	"use_not_in_scope",
	"company_not_in_scope",
	"warehouse_not_in_scope",
	"cap_exceeded",
)


def check_use(scope: Scope, use: Use) -> Problem | None:
	"""None when the scope permits the use, else the first thing it does not permit."""
	if use.movement in LAPSED_ALLOWS:
		return None  # leaving the books, or coming back: never limited by a scope
	if scope.lapsed(use.on_date):
		return Problem(LAPSED, "valid_until", {"valid_until": scope.valid_until})
	if scope.companies and use.company and use.company not in scope.companies:
		return Problem(COMPANY, "companies", {"company": use.company})
	if scope.warehouses:
		for warehouse in (use.warehouse, use.target_warehouse):
			if warehouse and warehouse not in scope.warehouses:
				return Problem(WAREHOUSE, "warehouses", {"warehouse": warehouse})
	if use.movement in (Movement.SHIPMENT, Movement.ALLOCATION) and not customer_permitted(scope, use):
		return Problem(CUSTOMER, "customers", {"customer": use.customer})
	if use.movement is Movement.ISSUE and not production_permitted(scope, use):
		return Problem(ITEM, "items", {"items": sorted(use.items_made), "bom": use.bom})
	if use.movement in CAP_CHECKED and scope.cap is not None and use.qty > scope.remaining + EPSILON:
		return Problem(CAP, "cap", {"cap": scope.cap, "used": scope.used, "qty": use.qty})
	return None


def customer_permitted(scope: Scope, use: Use) -> bool:
	if not use.customer:
		return False
	return use.customer in scope.customers or bool(scope.customer_groups & use.customer_groups)


def production_permitted(scope: Scope, use: Use) -> bool:
	if scope.any_production:
		return True
	if use.bom and use.bom in scope.boms:
		return True
	return bool(scope.items & use.items_made)


def may_allocate(scope: Scope, use: Use) -> float:
	"""How much of the lot an allocation for this use may take: nothing where the scope refuses the
	use, else up to what is left of the cap (for a shipment or issue; a pick of an order alike)."""
	if check_use(scope, replace(use, qty=0.0)) is not None:
		return 0.0
	if scope.cap is None or use.movement not in SCOPED_USES:
		return float("inf")
	return scope.remaining


def add_use(used: float, qty: float) -> float:
	"""The cap's count after a permitted outbound movement of `qty` (negative: a cancellation gives
	it back); never below zero."""
	return max(0.0, used + qty)


@dataclass(frozen=True)
class Formula:
	"""What a production may consume: the items its BOM lists, with their allowed substitutes."""

	bom: str
	items: frozenset[str] = field(default_factory=frozenset)
	substitutes: frozenset[str] = field(default_factory=frozenset)

	def admits(self, item: str) -> bool:
		return item in self.items or item in self.substitutes


def check_formula(lot_item: str, formula: Formula | None) -> Problem | None:
	"""None when the lot's item belongs in the formula (or no formula is known), else why not."""
	if formula is None or formula.admits(lot_item):
		return None
	return Problem("not_in_formula", "bom", {"bom": formula.bom, "item": lot_item})


def ancestors(group: str | None, parents: dict[str, str | None]) -> frozenset[str]:
	"""A customer group and every group above it (a scope naming a parent group covers its children)."""
	found = set()
	while group and group not in found:
		found.add(group)
		group = parents.get(group)
	return frozenset(found)


def scope_from(rows: Iterable[tuple[str, str]], **values) -> Scope:
	"""A scope from (kind, value) rows — kinds: Customer, Customer Group, Item, BOM, Company,
	Warehouse — and its other values (cap, used, valid_until, reference)."""
	kinds = {
		"Customer": "customers",
		"Customer Group": "customer_groups",
		"Item": "items",
		"BOM": "boms",
		"Company": "companies",
		"Warehouse": "warehouses",
	}
	sets: dict[str, set] = {name: set() for name in kinds.values()}
	for kind, value in rows:
		if kind not in kinds:
			raise ValueError(f"scope kind must be one of {', '.join(kinds)}, not {kind!r}")
		if value:
			sets[kinds[kind]].add(value)
	return Scope(**{name: frozenset(found) for name, found in sets.items()}, **values)
