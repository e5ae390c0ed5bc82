"""Statistical anomalies: figures far from what the same thing usually does.

The exception rules (`traceability.findings`) judge a lot against fixed tolerances. These detectors judge a
figure against its own history instead — a run's yield against the item's other runs, a week's
adjustments against the pair's usual weekly rate, a movement's size against the item's usual sizes,
a receipt's dates against the supplier's earlier lots of the item — so an item that always loses
8 % is not flagged for losing 8 %, and one that never loses anything is flagged for losing 4 %.

Robust statistics. A history is summarised by its median and its MAD (median absolute deviation
from the median) scaled by 1.4826, which equals the standard deviation for normal data but is not
moved by the very outliers being looked for: one run at 50 % among runs at 100 % leaves the median
at 100 % and the spread small. A figure's robust z is (value − median) / spread; it is flagged when
|z| reaches the kind's threshold (in MADs), low and high both. Strength is how far past the
threshold it is (|z| / threshold, so ≥ 1 when flagged), comparable across kinds for ranking.

Spread floor. The MAD is 0 when most of the history is equal (every run yields exactly 1.0, every
lot keeps 365 days): a z would then be infinite for any difference, however small. The spread is
floored at `floor_fraction` (1 %) of the median's size and at an absolute floor (1e-9 by default),
so a value equal to the median scores 0 and a clearly different one scores high but finite. Kinds
whose unit makes a relative floor meaningless set their own absolute floor: 1 day for dates (the
data's resolution), 0.25 for log quantities (against a constant history a quantity must be about
e^(5 × 0.25) ≈ 3.5 times larger or smaller to be flagged).

History. Each point is judged against comparable points other than itself: yields and quantities
against all the item's other runs or movements (leave-one-out: a point never vouches for itself),
receipt dates against the supplier's receipts of the item on earlier days (what was known when it
arrived). Fewer than `min_history` comparable points: no judgement. Leave-one-out baselines are
exact, not approximated, and cost O(n log n) per item, not O(n² log n): removing one point moves the
median by at most one rank, so the leave-one-out median takes at most three values, and for each the
absolute deviations are sorted once and the point's own deviation removed by rank.

Kinds.
- Yield: made / consumed of a production run (runs that consumed nothing are skipped).
- Unusual quantity: a movement's absolute quantity, judged on log(quantity): sizes are multiplicative
  (a 10× movement is as odd for an item moved by the pallet as for one moved by the gram) and their
  spread is skewed; `expected` is then e^(median log quantity) and `spread` the spread of the logs.
- Supplier dates: a receipt's shelf life (expiry − made) and age at receipt (received − made), in
  days (params `figure`: shelf_life_days or age_at_receipt_days). Impossible dates are flagged
  whatever the history (params `reason`: expiry_not_after_made, made_after_received; strength 2, or
  the figure's z strength when higher); impossible figures are no one's history. One anomaly per
  receipt: the impossibility if any, else the stronger of the two figures.
- Adjustment burst: counts, not measurements, so Poisson, not z. A (warehouse, item) pair's
  adjustments are counted per 7-day week over the `weeks` weeks ending the day before `today`; a
  week with k adjustments (at least `min_adjustments`) is a burst when P(X ≥ k) < `adjustment_p` for
  X ~ Poisson(λ), λ the mean of the other weeks, floored at 1 / weeks (a pair never adjusted before
  is still judged). Strength is log10(p) / log10(adjustment_p). The other weeks are its history.

Anomalies are ranked strongest first; ties by kind, reference, lots.

The model, the statistics and the ranking are in `model`; the detectors in `production` (yield),
`stock` (adjustment bursts, unusual quantities, count variances) and `suppliers` (supplier dates).
Every name is importable from here.
"""

from lot_traceability.traceability.anomalies.model import (
	DAYS_FLOOR,
	IMPOSSIBLE_STRENGTH,
	KIND_ORDER,
	LOG_QUANTITY_FLOOR,
	MAD_SCALE,
	MEAN_AD_SCALE,
	MIN_SPREAD,
	Anomaly,
	AnomalyKind,
	Baseline,
	Thresholds,
	baseline,
	leave_one_out,
	log_outliers,
	rank,
	robust_z,
)
from lot_traceability.traceability.anomalies.production import (
	ProductionRun,
	yield_anomalies,
)
from lot_traceability.traceability.anomalies.stock import (
	AdjustmentRow,
	CountVariance,
	Movement,
	adjustment_bursts,
	count_variance_anomalies,
	poisson_log_tail,
	quantity_anomalies,
)
from lot_traceability.traceability.anomalies.suppliers import (
	AGE,
	EXPIRY_NOT_AFTER_MADE,
	MADE_AFTER_RECEIVED,
	SHELF_LIFE,
	Receipt,
	supplier_date_anomalies,
)

__all__ = [
	"AGE",
	"DAYS_FLOOR",
	"EXPIRY_NOT_AFTER_MADE",
	"IMPOSSIBLE_STRENGTH",
	"KIND_ORDER",
	"LOG_QUANTITY_FLOOR",
	"MADE_AFTER_RECEIVED",
	"MAD_SCALE",
	"MEAN_AD_SCALE",
	"MIN_SPREAD",
	"SHELF_LIFE",
	"AdjustmentRow",
	"Anomaly",
	"AnomalyKind",
	"Baseline",
	"CountVariance",
	"Movement",
	"ProductionRun",
	"Receipt",
	"Thresholds",
	"adjustment_bursts",
	"baseline",
	"count_variance_anomalies",
	"leave_one_out",
	"log_outliers",
	"poisson_log_tail",
	"quantity_anomalies",
	"rank",
	"robust_z",
	"supplier_date_anomalies",
	"yield_anomalies",
]
