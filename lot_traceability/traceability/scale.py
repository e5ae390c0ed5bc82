"""The plan of a large, realistic lot history: raw lots, multi-level production with merges and
splits, deliveries to many customers and returns. Quantities are whole units (ERPNext rounds quantities: fractions would leave lots a hair negative).
Pure and deterministic for a seed; the app turns
it into real ERPNext documents (`lot_traceability.demo.scale`).

Level 0 lots are received. A lot of level L ≥ 1 is made from lots of level L - 1 (or, once those are
used up in a small plan, of the highest lower level with stock) by one of:
- merge: 2 or 3 input lots into one output lot (blending, manufacture);
- transform: one input lot into one output lot of another item;
- split: one input lot into 2 or 3 output lots (repack).
Deliveries draw from lots of any produced level; every `return_every`-th delivery whose first row
holds a single lot gets a return of one unit of it.
"""

import random
from dataclasses import dataclass, field

RAW_QTY = 1000.0
TAKE_PER_INPUT = 200.0  # a production takes at most this much, and at most half, of an input lot


@dataclass(frozen=True)
class PlanLot:
	key: str
	level: int
	item: str
	qty: float


@dataclass(frozen=True)
class Production:
	kind: str  # "merge", "transform" or "split"
	inputs: tuple[tuple[str, float], ...]
	outputs: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class DeliveryRow:
	item: str
	lots: tuple[tuple[str, float], ...]

	@property
	def qty(self) -> float:
		return sum(qty for _, qty in self.lots)


@dataclass(frozen=True)
class Delivery:
	customer: int
	rows: tuple[DeliveryRow, ...]
	returned: float = 0.0


@dataclass
class ScalePlan:
	items: list[list[str]]
	lots: dict[str, PlanLot] = field(default_factory=dict)
	raw: list[str] = field(default_factory=list)
	productions: list[Production] = field(default_factory=list)
	deliveries: list[Delivery] = field(default_factory=list)

	def lots_at(self, level: int) -> list[str]:
		return [key for key, lot in self.lots.items() if lot.level == level]

	@property
	def entry_rows(self) -> int:
		"""Serial and Batch Entry rows the plan makes (receipts, production, deliveries, returns)."""
		return (
			len(self.raw)
			+ sum(len(p.inputs) + len(p.outputs) for p in self.productions)
			+ sum(len(row.lots) for d in self.deliveries for row in d.rows)
			+ sum(1 for d in self.deliveries if d.returned)
		)


def level_sizes(lots: int, depth: int, raw_share: float = 0.5) -> list[int]:
	"""`raw_share` of the lots (half by default) are raw; the rest are spread over the production
	levels."""
	if depth < 1 or lots < depth + 1:
		raise ValueError(f"need at least depth + 1 lots and depth >= 1 (lots={lots}, depth={depth})")
	if not 0 < raw_share < 1:
		raise ValueError(f"raw_share must lie between 0 and 1, not {raw_share}")
	raw = min(lots - depth, max(1, int(lots * raw_share)))
	produced = lots - raw
	sizes = [raw] + [produced // depth] * depth
	sizes[-1] += produced - sum(sizes[1:])
	return sizes


def make_plan(
	lots: int,
	depth: int,
	deliveries: int,
	customers: int = 100,
	items_per_level: int = 10,
	max_lots_per_row: int = 5,
	return_every: int = 50,
	seed: int = 1,
	prefix: str = "SCL",
	raw_share: float = 0.5,
	take_per_input: float = TAKE_PER_INPUT,
	fan_in: int = 3,
	mixing: bool = False,
	raw_qty: float = RAW_QTY,
) -> ScalePlan:
	"""`mixing` draws each production's inputs at random from the level below (instead of in turn),
	so a lot feeds several productions and traces fan out wide, as blending plants do; with a small
	`raw_share`, a small `take_per_input` and a larger `fan_in` a raw lot reaches thousands of lots."""
	rng = random.Random(seed)
	sizes = level_sizes(lots, depth, raw_share)
	plan = ScalePlan(
		items=[[f"{prefix}-L{level}-{i:03d}" for i in range(items_per_level)] for level in range(depth + 1)]
	)
	remaining: dict[str, float] = {}

	def add_lot(level: int, item: str, qty: float) -> str:
		key = f"{prefix}-{level}-{len(plan.lots):07d}"
		plan.lots[key] = PlanLot(key, level, item, qty)
		remaining[key] = qty
		return key

	for n in range(sizes[0]):
		plan.raw.append(add_lot(0, plan.items[0][n % items_per_level], raw_qty))

	for level in range(1, depth + 1):
		sources = [key for key in plan.lots_at(level - 1)]
		made = 0
		cursor = 0
		while made < sizes[level]:
			left = sizes[level] - made
			kind = (
				rng.choice(("merge", "transform", "split"))
				if left > 1
				else rng.choice(("merge", "transform"))
			)
			fan = rng.choice((2, 3))
			n_inputs = rng.randint(2, max(2, fan_in)) if kind == "merge" else 1
			n_outputs = min(fan, left) if kind == "split" else 1
			inputs = []
			for _ in range(n_inputs):
				for _attempt in range(len(sources)):
					if mixing:
						key = sources[rng.randrange(len(sources))]
					else:
						key = sources[cursor % len(sources)]
						cursor += 1
					if remaining[key] >= 1:
						break
				take = min(take_per_input, remaining[key] // 2) if remaining[key] >= 2 else remaining[key]
				if take < 1 or key in dict(inputs):
					continue
				remaining[key] -= take
				inputs.append((key, take))
			if not inputs:  # the level below is used up (small plans): take from any lower level
				fallback = [k for k in plan.lots if plan.lots[k].level < level and remaining[k] >= 1]
				if not fallback:
					raise ValueError(f"no stock left below level {level}")
				key = max(fallback, key=lambda k: (plan.lots[k].level, remaining[k]))
				take = min(take_per_input, remaining[key] // 2) if remaining[key] >= 2 else remaining[key]
				remaining[key] -= take
				inputs.append((key, take))
			total = sum(qty for _, qty in inputs)
			n_outputs = int(min(n_outputs, total))
			item = rng.choice(plan.items[level])
			shares = [total // n_outputs] * n_outputs
			shares[0] += total - sum(shares)
			outputs = [(add_lot(level, item, share), share) for share in shares]
			plan.productions.append(Production(kind, tuple(inputs), tuple(outputs)))
			made += n_outputs

	by_item: dict[str, list[str]] = {}
	for key, lot in plan.lots.items():
		if lot.level >= 1:
			by_item.setdefault(lot.item, []).append(key)
	sellable_items = sorted(by_item)
	for number in range(deliveries):
		rows = []
		for _ in range(rng.choice((1, 2, 3))):
			item = rng.choice(sellable_items)
			pool = by_item[item]
			wanted = rng.randint(1, max_lots_per_row)
			picked = []
			for key in rng.sample(pool, min(len(pool), wanted * 3)):
				if len(picked) >= wanted:
					break
				qty = min(remaining[key], float(rng.randint(1, 2)))
				if qty >= 1:
					remaining[key] -= qty
					picked.append((key, qty))
			if picked:
				rows.append(DeliveryRow(item, tuple(picked)))
		if not rows:
			continue
		returned = 1.0 if return_every and number % return_every == 0 and len(rows[0].lots) == 1 else 0.0
		plan.deliveries.append(Delivery(number % customers, tuple(rows), returned))
	return plan
