"""Lot exceptions: what in a lot's history deserves a second look, and how much (pure).

Findings. Each detector turns what the ledger, the status history and the master data say about a
lot into findings: one finding is one kind of exception with the document it points to and the
figures that explain it. The app reads the data; the rules that decide whether something is an
exception are here.

Score. Every kind has a base severity (0–100, configurable by a mapping of weights; a finding may
carry its own weight). A lot's score is its most severe finding plus a tenth of the severity of
every other finding, capped at 100: one grave exception outweighs many small ones, and each further
finding still raises the score. The score does not depend on the order the findings come in, and
adding a finding never lowers it. Reasons are listed most severe first; ties are broken by kind,
then document, so the same findings always give the same list.

The model and the score are in `model`; the detectors by what they read in `status` (the status
history, restricted release scopes), `production` (mass balance, BOM yield) and `records`
(documents, announcements, supplier lot numbers, adjustments, near expiry). Every name is
importable from here.
"""

from lot_traceability.traceability.findings.model import (
	ANOMALY_KINDS,
	DEFAULT_WEIGHTS,
	KIND_ORDER,
	MAX_ANOMALY_FACTOR,
	MAX_SCORE,
	OTHERS_SHARE,
	Finding,
	Kind,
	LotScore,
	Reason,
	Thresholds,
	anomaly_finding,
	combine,
	rank_lots,
	score_lot,
	severity,
)
from lot_traceability.traceability.findings.production import (
	CONSUMPTION,
	ItemUnit,
	Production,
	ProductionEntry,
	balance_quantities,
	bom_yield_findings,
	deviation_pct,
	group_productions,
	mass_balance_findings,
	unbalanced_productions,
)
from lot_traceability.traceability.findings.records import (
	Adjustment,
	NearExpiryLot,
	adjustment_findings,
	announcement_findings,
	busiest_window,
	document_findings,
	near_expiry_findings,
	supplier_lot_findings,
)
from lot_traceability.traceability.findings.status import (
	DatedMove,
	RestrictionPeriod,
	StatusChange,
	scope_findings,
	status_at,
	status_findings,
)

__all__ = [
	"ANOMALY_KINDS",
	"CONSUMPTION",
	"DEFAULT_WEIGHTS",
	"KIND_ORDER",
	"MAX_ANOMALY_FACTOR",
	"MAX_SCORE",
	"OTHERS_SHARE",
	"Adjustment",
	"DatedMove",
	"Finding",
	"ItemUnit",
	"Kind",
	"LotScore",
	"NearExpiryLot",
	"Production",
	"ProductionEntry",
	"Reason",
	"RestrictionPeriod",
	"StatusChange",
	"Thresholds",
	"adjustment_findings",
	"announcement_findings",
	"anomaly_finding",
	"balance_quantities",
	"bom_yield_findings",
	"busiest_window",
	"combine",
	"deviation_pct",
	"document_findings",
	"group_productions",
	"mass_balance_findings",
	"near_expiry_findings",
	"rank_lots",
	"scope_findings",
	"score_lot",
	"severity",
	"status_at",
	"status_findings",
	"supplier_lot_findings",
	"unbalanced_productions",
]
