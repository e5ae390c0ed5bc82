"""Recall impact and containment: what a bad lot reached, where it is, who has it, what it is worth.

Scope. A recall starts from source lots (or every lot of a supplier lot no). The affected lots are
the sources and everything made from them (the forward closure of the genealogy). Each affected lot
carries a *share*: the part of the lot that came from the sources (traced quantity / made quantity,
from the proportional genealogy; 1 for a source lot). Every figure is given twice: the lot quantity
(what must be found and held) and the affected quantity (lot quantity × share: how much of the bad
input it holds).

Stock. On hand per company, warehouse and lot is the sum of the lot's submitted movements there,
valued by their stock value differences; a transit warehouse's stock is "in transit".

Shipments. Outward movements of selling documents are shipments, inward ones are customer returns.
Per customer and document: shipped, returned (netted), affected and sales value. A return posted on
or after the recall date counts as *recovered* (containment); an earlier one only nets the shipment.

Our own sites and companies are not customers. A selling or buying document whose party is one of
our companies (an internal transfer) moves the lot between our warehouses: it is neither a shipment
nor a receipt that makes the lot. Where it crosses companies (a delivery to the other company, and
later that company's receipt), what has left one company and not yet reached the other is in transit
to the receiving company.

Containment. A submitted recall is Open. It is Contained once every unit shipped is recovered (or a
person marks it contained) and Closed once it is contained and no affected stock is left on hand.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from lot_traceability.traceability.movements import SELLING_VOUCHERS
from lot_traceability.traceability.problems import Problem

OPEN, CONTAINED, CLOSED = "Open", "Contained", "Closed"
IN_TRANSIT_BETWEEN_COMPANIES = "In transit between companies"
EPSILON = 1e-9


@dataclass(slots=True)
class LotMove:
	"""One submitted movement of a lot (one Serial and Batch Entry). Not frozen: a recall scope
	builds tens of thousands, and a frozen dataclass is several times slower to build."""

	lot: str
	voucher_type: str
	voucher_no: str
	posting_date: date | None
	warehouse: str | None
	qty: float  # signed: positive into stock
	value: float = 0.0  # stock value difference, signed
	party: str | None = None  # customer of a selling document
	sales_amount: float = 0.0  # net sales amount of the lot's quantity (selling documents)
	is_selling: bool = False
	makes_lot: bool = False  # a receipt or production of the lot: counts to its made quantity
	is_write_off: bool = False  # a Material Issue: outward ones on or after the recall are disposed
	transfer_company: str | None = None  # an internal transfer's other company (receiving when outward)
	is_internal: bool = False  # a selling or buying document between our own sites or companies


@dataclass(slots=True)
class StockRow:
	company: str | None
	warehouse: str
	lot: str
	qty: float = 0.0
	value: float = 0.0
	affected_qty: float = 0.0
	in_transit: bool = False


@dataclass(slots=True)
class ShipmentRow:
	customer: str | None
	voucher_type: str
	voucher_no: str
	lot: str
	posting_date: date | None
	shipped_qty: float = 0.0
	returned_qty: float = 0.0
	recovered_qty: float = 0.0
	affected_qty: float = 0.0
	sales_value: float = 0.0

	@property
	def net_qty(self) -> float:
		return self.shipped_qty - self.returned_qty


@dataclass(slots=True)
class CustomerRow:
	customer: str
	shipped_qty: float = 0.0
	returned_qty: float = 0.0
	recovered_qty: float = 0.0
	affected_qty: float = 0.0
	sales_value: float = 0.0
	documents: set = field(default_factory=set)
	lots: set = field(default_factory=set)
	first_date: date | None = None
	last_date: date | None = None
	last_delivery_note: str | None = None  # the latest Delivery Note that shipped to the customer

	@property
	def net_qty(self) -> float:
		return self.shipped_qty - self.returned_qty


def shares(
	content: Mapping[str, float], made: Mapping[str, float], sources: Iterable[str]
) -> dict[str, float]:
	"""The part of each affected lot that came from the sources (0–1)."""
	result = {}
	sources = set(sources)
	for lot, qty in content.items():
		if lot in sources:
			result[lot] = 1.0
		elif made.get(lot, 0.0) > EPSILON:
			result[lot] = min(1.0, max(0.0, qty / made[lot]))
		else:  # made by no recorded receipt or production (legacy data): treat as wholly affected
			result[lot] = 1.0
	return result


@dataclass(slots=True)
class Tally:
	"""A scope's movements summed in one pass, before the shares are known: made quantity per lot,
	balance (quantity and value) per warehouse and lot, shipments per customer, document and lot
	(affected quantity not yet set), and the quantity written off on or after the recall date."""

	made: dict[str, float] = field(default_factory=dict)
	balances: dict[tuple[str, str], list[float]] = field(default_factory=dict)
	shipments: dict[tuple, ShipmentRow] = field(default_factory=dict)
	disposed: float = 0.0
	# internal transfers' legs: (lot, warehouse, other company, selling document) → quantity
	internal: dict[tuple, float] = field(default_factory=dict)


def tally(
	moves: Iterable[LotMove],
	recall_date: date | None = None,
	on_hand: Mapping[tuple[str, str], float] | None = None,
) -> Tally:
	"""Every figure of a scope that does not depend on the shares, in one pass over the movements
	(a scope can hold tens of thousands; they can be streamed and are not kept).

	A return is credited to the customer it came from (its own document's customer); a return
	posted on or after the recall date is recovered. `on_hand`: each (warehouse, lot)'s quantity
	where it is kept apart (the moves then need not hold every movement, only the shipments, the
	makings, the transfers between our companies and the write-offs); else summed from the moves."""
	result = Tally()
	made, balances, shipped = result.made, result.balances, result.shipments
	summed = on_hand is None
	if not summed:
		balances.update({place: [qty, 0.0] for place, qty in on_hand.items()})
	for move in moves:
		lot, qty = move.lot, move.qty
		if summed and move.warehouse:
			balance = balances.get((move.warehouse, lot))
			if balance is None:
				balances[(move.warehouse, lot)] = [qty, move.value]
			else:
				balance[0] += qty
				balance[1] += move.value
		if move.makes_lot:
			made[lot] = made.get(lot, 0.0) + qty
		if move.is_internal:
			key = (lot, move.warehouse, move.transfer_company, move.voucher_type in SELLING_VOUCHERS)
			result.internal[key] = result.internal.get(key, 0.0) + qty
			continue
		if move.is_selling and qty:
			key = (move.party, move.voucher_type, move.voucher_no, lot)
			row = shipped.get(key)
			if row is None:
				row = shipped[key] = ShipmentRow(
					move.party, move.voucher_type, move.voucher_no, lot, move.posting_date
				)
			if qty < 0:
				row.shipped_qty -= qty
			else:
				row.returned_qty += qty
				if recall_date and move.posting_date and move.posting_date >= recall_date:
					row.recovered_qty += qty
			row.sales_value += move.sales_amount
		elif (
			qty < 0
			and move.is_write_off
			and recall_date
			and move.posting_date
			and move.posting_date >= recall_date
		):
			result.disposed -= qty
	return result


def stock_rows(
	figures: Tally,
	lot_shares: Mapping[str, float],
	companies: Mapping[str, str | None],
	transit: Iterable[str] = (),
) -> list[StockRow]:
	"""On hand per warehouse and lot (only what is left above zero), and what internal transfers
	between companies sent and the receiving company has not received yet (in transit, without a
	warehouse, under the receiving company), largest first."""
	transit = set(transit)
	between = [
		StockRow(company, "", lot, qty, 0.0, qty * lot_shares.get(lot, 1.0), True)
		for (lot, company), qty in between_companies(figures.internal, companies).items()
		if qty > EPSILON
	]
	left = between + [
		StockRow(
			companies.get(warehouse),
			warehouse,
			lot,
			qty,
			value,
			qty * lot_shares.get(lot, 1.0),
			warehouse in transit,
		)
		for (warehouse, lot), (qty, value) in figures.balances.items()
		if qty > EPSILON
	]
	return sorted(left, key=lambda r: (-r.qty, r.warehouse, r.lot))


def between_companies(
	internal: Mapping[tuple, float], companies: Mapping[str, str | None]
) -> dict[tuple[str, str], float]:
	"""(lot, receiving company) → quantity an internal delivery sent from another company and no
	receipt of the receiving company has taken in yet. A delivery's outward leg sends to its party;
	a receipt's inward leg takes in what its party sent. The other legs (a delivery into a target
	warehouse, a receipt out of a transit warehouse) move stock within one company's warehouses."""
	between: dict[tuple[str, str], float] = {}
	for (lot, warehouse, other, selling), qty in internal.items():
		own = companies.get(warehouse) if warehouse else None
		if not other or not own or own == other:
			continue
		if selling and qty < 0:
			between[(lot, other)] = between.get((lot, other), 0.0) - qty
		elif not selling and qty > 0:
			between[(lot, own)] = between.get((lot, own), 0.0) - qty
	return between


def shipment_rows(figures: Tally, lot_shares: Mapping[str, float]) -> list[ShipmentRow]:
	"""Shipments and returns per customer, document and lot, with their affected quantity (net
	quantity × the lot's share), by customer and date."""
	rows = list(figures.shipments.values())
	for row in rows:
		row.affected_qty = (row.shipped_qty - row.returned_qty) * lot_shares.get(row.lot, 1.0)
	# stable sorts, last key first: cheaper than one sort on a key tuple for tens of thousands
	rows.sort(key=attrgetter("voucher_no"))
	rows.sort(key=lambda r: r.posting_date or date.min)
	rows.sort(key=lambda r: r.customer or "")
	return rows


def stock_on_hand(
	moves: Iterable[LotMove],
	lot_shares: Mapping[str, float],
	companies: Mapping[str, str | None],
	transit: Iterable[str] = (),
) -> list[StockRow]:
	"""On hand per warehouse and lot of these movements (`stock_rows`)."""
	return stock_rows(tally(moves), lot_shares, companies, transit)


def shipments(
	moves: Iterable[LotMove], lot_shares: Mapping[str, float], recall_date: date | None = None
) -> list[ShipmentRow]:
	"""Shipments and returns of these movements (`tally`, `shipment_rows`)."""
	return shipment_rows(tally(moves, recall_date), lot_shares)


def customers(rows: Iterable[ShipmentRow]) -> list[CustomerRow]:
	"""Shipments summed per customer, the customers with the most affected quantity first."""
	by_customer: dict[str, CustomerRow] = {}
	note_dates: dict[str, date] = {}  # date of each customer's latest Delivery Note so far
	for row in rows:
		name = row.customer
		if not name:
			continue
		customer = by_customer.get(name)
		if customer is None:
			customer = by_customer[name] = CustomerRow(name)
		customer.shipped_qty += row.shipped_qty
		customer.returned_qty += row.returned_qty
		customer.recovered_qty += row.recovered_qty
		customer.affected_qty += row.affected_qty
		customer.sales_value += row.sales_value
		customer.lots.add(row.lot)
		if not row.shipped_qty:
			continue
		customer.documents.add((row.voucher_type, row.voucher_no))
		posted = row.posting_date
		if posted:
			if customer.first_date is None or posted < customer.first_date:
				customer.first_date = posted
			if customer.last_date is None or posted > customer.last_date:
				customer.last_date = posted
		if row.voucher_type == "Delivery Note":
			posted = posted or date.min
			if customer.last_delivery_note is None or (posted, row.voucher_no) >= (
				note_dates[name],
				customer.last_delivery_note,
			):
				customer.last_delivery_note = row.voucher_no
				note_dates[name] = posted
	return sorted(by_customer.values(), key=lambda c: (-c.affected_qty, -c.net_qty, c.customer))


@dataclass(frozen=True)
class Summary:
	lots: int
	on_hand_qty: float
	stock_value: float
	in_transit_qty: float
	shipped_qty: float
	returned_qty: float
	shipped_value: float
	customers: int
	sites: int
	affected_on_hand_qty: float
	affected_shipped_qty: float


def summarise(lots: Iterable[str], stock: Iterable[StockRow], shipped: Iterable[ShipmentRow]) -> Summary:
	stock = list(stock)
	shipped_qty = returned_qty = shipped_value = affected_shipped_qty = 0.0
	customers = set()
	for row in shipped:  # one pass: a recall can list tens of thousands of shipments
		shipped_qty += row.shipped_qty
		returned_qty += row.returned_qty
		shipped_value += row.sales_value
		affected_shipped_qty += row.affected_qty
		if row.customer and row.shipped_qty:
			customers.add(row.customer)
	return Summary(
		lots=len(set(lots)),
		on_hand_qty=sum(r.qty for r in stock),
		stock_value=sum(r.value for r in stock),
		in_transit_qty=sum(r.qty for r in stock if r.in_transit),
		shipped_qty=shipped_qty,
		returned_qty=returned_qty,
		shipped_value=shipped_value,
		customers=len(customers),
		sites=len({r.warehouse for r in stock if r.warehouse}),
		affected_on_hand_qty=sum(r.affected_qty for r in stock),
		affected_shipped_qty=affected_shipped_qty,
	)


def by_site(stock: Iterable[StockRow]) -> dict[str, float]:
	"""On-hand quantity per warehouse (the report's chart)."""
	sites: dict[str, float] = defaultdict(float)
	for row in stock:
		sites[row.warehouse or IN_TRANSIT_BETWEEN_COMPANIES] += row.qty
	return dict(sorted(sites.items(), key=lambda kv: (-kv[1], kv[0])))


def still_with_customers(shipped: float, returned_before: float, recovered: float) -> float:
	"""What is still with customers: shipped (whenever), less returns posted before the recall date
	(they net the shipment) and returns posted on or after it (recovered). The one definition of the
	figure: Recall Impact, the Lot Recall, its war room and its audit pack all say this."""
	return max(0.0, shipped - returned_before - recovered)


@dataclass(frozen=True)
class Containment:
	shipped_qty: float  # shipped before the recall, net of earlier returns: what is out there
	recovered_qty: float  # returned on or after the recall date
	disposed_qty: float  # written off on or after the recall date
	on_hand_qty: float  # affected stock still on hand

	@property
	def outstanding_qty(self) -> float:
		return still_with_customers(self.shipped_qty, 0.0, self.recovered_qty)

	@property
	def recovered_pct(self) -> float:
		if self.shipped_qty <= EPSILON:
			return 100.0
		return min(100.0, 100.0 * self.recovered_qty / self.shipped_qty)


def containment(shipped: Iterable[ShipmentRow], disposed_qty: float, on_hand_qty: float) -> Containment:
	shipped = list(shipped)
	out = sum(r.shipped_qty - (r.returned_qty - r.recovered_qty) for r in shipped)
	return Containment(
		shipped_qty=max(0.0, out),
		recovered_qty=sum(r.recovered_qty for r in shipped),
		disposed_qty=disposed_qty,
		on_hand_qty=on_hand_qty,
	)


def containment_by_customer(shipped: Iterable[ShipmentRow]) -> dict[str, Containment]:
	"""Each customer's containment: what it was shipped (net of earlier returns), what came back
	since the recall date and what is still with it (`Containment.outstanding_qty`)."""
	by_customer: dict[str, list[ShipmentRow]] = {}
	for row in shipped:
		if row.customer:
			by_customer.setdefault(row.customer, []).append(row)
	return {customer: containment(rows, 0.0, 0.0) for customer, rows in by_customer.items()}


def next_status(
	current: str, figures: Containment, requested: str | None = None
) -> tuple[str, list[Problem]]:
	"""The recall's status after new containment figures or a person's request.

	Open → Contained when every shipped unit is recovered, or on request; → Closed on request, once
	it is contained and no affected stock is left on hand. Closed is final."""
	if current == CLOSED:
		return CLOSED, ([Problem("recall_closed")] if requested and requested != CLOSED else [])
	if requested == OPEN:
		return current, [Problem("recall_cannot_reopen")] if current != OPEN else []
	if requested == CLOSED:
		problems = []
		if figures.on_hand_qty > EPSILON:
			problems.append(Problem("recall_stock_on_hand", params={"qty": figures.on_hand_qty}))
		if current == OPEN and figures.outstanding_qty > EPSILON:
			problems.append(Problem("recall_not_contained", params={"qty": figures.outstanding_qty}))
		return (current, problems) if problems else (CLOSED, [])
	if requested == CONTAINED or figures.outstanding_qty <= EPSILON:
		return (CONTAINED if current == OPEN else current), []
	return current, []
