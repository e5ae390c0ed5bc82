"""Lot genealogy: which input lots went into which output lots, how much, and the closure.

Attribution. When one entry consumes input lots I (lot i, quantity q_i) and makes output lots O
(lot o, quantity p_o), each input is shared among the outputs in proportion to their quantities:
the edge i → o carries q_i · p_o / Σp, the part of i that ended up in o. An entry with one output
gives each input whole to it; a split (one input, several outputs) shares the input by output
quantity; a merge (several inputs, one output) gives every input whole to the output. A lot that is
both consumed and made by the same entry (rework in place) gets no edge to itself.

Closure. Forward from a lot are the lots made from it, level by level; backward are the lots it was
made from. The walk asks for the edges of a whole level at once (one read per level), never visits a
lot twice (so a cycle in bad data ends the walk instead of looping) and stops at a depth limit.

Quantities. The part of lot A found in lot Z is propagated along the edges: a lot's content of A is
spread over its outgoing edges in proportion to the edge quantity over the lot's total quantity.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

FORWARD, BACKWARD = "forward", "backward"


@dataclass(frozen=True)
class Edge:
	parent: str  # the input lot
	child: str  # the output lot
	qty: float  # quantity of the parent consumed that is attributable to the child
	voucher: str | None = None


def attribute(
	inputs: Sequence[tuple[str, float]], outputs: Sequence[tuple[str, float]], voucher: str | None = None
) -> list[Edge]:
	"""Edges of one entry, input quantities shared among outputs in proportion to output quantity."""
	consumed = _totals(inputs)
	made = _totals(outputs)
	made_total = sum(made.values())
	if not consumed or made_total <= 0:
		return []
	return [
		Edge(parent, child, qty * made_qty / made_total, voucher)
		for parent, qty in consumed.items()
		for child, made_qty in made.items()
		if parent != child
	]


def _totals(rows: Sequence[tuple[str, float]]) -> dict[str, float]:
	totals: dict[str, float] = defaultdict(float)
	for lot, qty in rows:
		if lot and qty and qty > 0:
			totals[lot] += qty
	return dict(totals)


@dataclass
class Trace:
	direction: str
	roots: list[str]
	depth: dict[str, int] = field(default_factory=dict)  # lot -> level at which it was reached
	edges: list[Edge] = field(default_factory=list)  # the edges walked, in walking order
	truncated: bool = False  # the depth limit stopped the walk with lots still unexplored

	@property
	def lots(self) -> list[str]:
		return list(self.depth)


# The deepest a trace, a recall scope or a genealogy graph walks (levels of lots made from lots): a
# request for more is refused rather than left to read an unbounded recursion.
MAX_DEPTH = 50


def closure(
	roots: Iterable[str],
	edges_of: Callable[[list[str]], Iterable[Edge]],
	direction: str = FORWARD,
	max_depth: int | None = None,
) -> Trace:
	"""Walk the genealogy from `roots`. `edges_of(lots)` returns the edges leaving those lots in the
	direction walked (children for forward, parents for backward): one call per level."""
	if direction not in (FORWARD, BACKWARD):
		raise ValueError(f"direction must be {FORWARD!r} or {BACKWARD!r}, not {direction!r}")
	trace = Trace(direction, list(dict.fromkeys(roots)))
	trace.depth = dict.fromkeys(trace.roots, 0)
	frontier, level = list(trace.roots), 0
	while frontier:
		if max_depth is not None and level >= max_depth:
			trace.truncated = bool(list(edges_of(frontier)))
			break
		level += 1
		next_frontier = []
		for edge in edges_of(frontier):
			trace.edges.append(edge)
			lot = edge.child if direction == FORWARD else edge.parent
			if lot not in trace.depth:
				trace.depth[lot] = level
				next_frontier.append(lot)
		frontier = next_frontier
	return trace


def spread_forward(
	source: str, source_qty: float, edges: Iterable[Edge], totals: dict[str, float]
) -> dict[str, float]:
	"""How much of `source` (of which there were `source_qty`) ended up in each lot downstream.

	`totals[lot]` is the lot's total quantity (received or made); a lot's content of the source is
	spread over its outgoing edges as edge quantity / total.
	"""
	children: dict[str, list[Edge]] = defaultdict(list)
	for edge in edges:
		children[edge.parent].append(edge)
	content = {source: float(source_qty)}
	for lot in _topological(source, children, lambda e: e.child):
		share = content.get(lot, 0.0) / totals[lot] if totals.get(lot) else 0.0
		for edge in children.get(lot, ()):
			if edge.child != source:
				content[edge.child] = content.get(edge.child, 0.0) + edge.qty * share
	return content


def gather_backward(
	target: str, target_qty: float, edges: Iterable[Edge], totals: dict[str, float]
) -> dict[str, float]:
	"""How much of each upstream lot went into `target` (of which there are `target_qty`)."""
	parents: dict[str, list[Edge]] = defaultdict(list)
	for edge in edges:
		parents[edge.child].append(edge)
	content = {target: float(target_qty)}
	for lot in _topological(target, parents, lambda e: e.parent):
		share = content.get(lot, 0.0) / totals[lot] if totals.get(lot) else 0.0
		for edge in parents.get(lot, ()):
			if edge.parent != target:
				content[edge.parent] = content.get(edge.parent, 0.0) + edge.qty * share
	return content


def _topological(start: str, out_edges: dict[str, list[Edge]], far_end) -> list[str]:
	"""Lots reachable from `start`, each after every lot that leads to it; an edge closing a cycle is
	ignored (bad data must not loop)."""
	order, state = [], {}
	stack = [(start, iter(out_edges.get(start, ())))]
	state[start] = "open"
	while stack:
		lot, pending = stack[-1]
		for edge in pending:
			nxt = far_end(edge)
			if nxt not in state:
				state[nxt] = "open"
				stack.append((nxt, iter(out_edges.get(nxt, ()))))
				break
		else:
			stack.pop()
			state[lot] = "done"
			order.append(lot)
	order.reverse()
	return order


@dataclass(frozen=True)
class TreeNode:
	lot: str
	parent: str | None  # the node it hangs under in the tree (None for a root)
	depth: int
	link_qty: float  # quantity on the edge that reached it
	voucher: str | None


def tree(trace: Trace) -> list[TreeNode]:
	"""The trace as a tree for display, depth first: each lot once, under the lot that first
	reached it (its shortest path); further links to an already shown lot are not repeated."""
	children: dict[str, list[Edge]] = defaultdict(list)
	for edge in trace.edges:
		near, far = (edge.parent, edge.child) if trace.direction == FORWARD else (edge.child, edge.parent)
		if trace.depth.get(far) == trace.depth.get(near, -2) + 1:
			children[near].append(edge)
	nodes, placed = [], set()
	stack = [TreeNode(root, None, 0, 0.0, None) for root in reversed(trace.roots)]
	while stack:
		node = stack.pop()
		if node.lot in placed:
			continue
		placed.add(node.lot)
		nodes.append(node)
		below = []
		for edge in children.get(node.lot, ()):
			far = edge.child if trace.direction == FORWARD else edge.parent
			if far not in placed:
				below.append(TreeNode(far, node.lot, node.depth + 1, edge.qty, edge.voucher))
		stack.extend(reversed(sorted(below, key=lambda n: n.lot)))
	return nodes
