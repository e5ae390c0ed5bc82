"""Supplier risk at receipt: whether lots received from a supplier go to a held status whatever the
item's Lot Rule says, and why.

What ERPNext already keeps decides, with one setting of the app's own:
- the supplier's **receipt status override** (a status every lot received from it takes);
- the supplier **on hold** (Supplier → *Hold Type* All, or none given) until its *Release Date* — a
  hold on invoices or payments only is a matter for accounts, not for the goods;
- a **Supplier Scorecard** standing that prevents, or warns on, purchase orders.

Then, where none of those holds, the app's own **learned score** of the supplier for the item's group
(`traceability.supplier_scores`): at or above the Settings' threshold (0: off), the score's
recommendation is carried out by the same hold — the score recommends, the setting acts.
"""

from dataclasses import dataclass
from datetime import date

# Supplier hold types that stop the goods (blank is ERPNext's "all").
GOODS_HOLD_TYPES = frozenset({"", "All"})
OVERRIDE, ON_HOLD, SCORECARD_PREVENTS, SCORECARD_WARNS = (
	"receipt_status_override",
	"supplier_on_hold",
	"scorecard_prevents",
	"scorecard_warns",
)
LEARNED_SCORE = "learned_score"


@dataclass(frozen=True)
class SupplierStanding:
	name: str
	on_hold: bool = False
	hold_type: str = ""
	release_date: date | None = None  # the hold ends after this day
	prevent_pos: bool = False
	warn_pos: bool = False
	receipt_status: str | None = None  # the supplier's receipt status override


@dataclass(frozen=True)
class ReceiptHold:
	status: str
	reason: str  # one of the codes above


def risk_of(standing: SupplierStanding, on_date: date) -> str | None:
	"""What makes the supplier risky on `on_date` (one of the codes above, the strongest), or None."""
	if standing.receipt_status:
		return OVERRIDE
	if (
		standing.on_hold
		and (standing.hold_type or "") in GOODS_HOLD_TYPES
		and (standing.release_date is None or on_date <= standing.release_date)
	):
		return ON_HOLD
	if standing.prevent_pos:
		return SCORECARD_PREVENTS
	if standing.warn_pos:
		return SCORECARD_WARNS
	return None


def receipt_hold(standing: SupplierStanding, on_date: date, risk_status: str | None) -> ReceiptHold | None:
	"""The status lots received from the supplier on `on_date` take instead of their rule's, or None
	(the rule decides). `risk_status`: the Settings' status for risky suppliers (None: no hold)."""
	risk = risk_of(standing, on_date)
	if risk == OVERRIDE:
		return ReceiptHold(standing.receipt_status, OVERRIDE)
	if risk is None or not risk_status:
		return None
	return ReceiptHold(risk_status, risk)


def score_hold(score: float | None, threshold: float | None, risk_status: str | None) -> ReceiptHold | None:
	"""The hold of lots received from a supplier whose learned score (for the lots' item group) is
	`score`: the risky-supplier status when a threshold is set (above 0) and the score reaches it."""
	if not risk_status or not threshold or threshold <= 0 or score is None or score < threshold:
		return None
	return ReceiptHold(risk_status, LEARNED_SCORE)
