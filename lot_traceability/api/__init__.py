"""The app's whitelisted methods (the only ones), one module per family, all reachable by their
historical path `lot_traceability.api.<method>` (the desk's forms, pages, number cards and REST
clients call them so): lots (lifecycle and sign-off), recall (traces, recall impact, war room),
picking (allocation, scans, promisable stock), cards (number cards), exports (EPCIS, FSMA 204, audit
pack), foresight, partners (portals, announcements, certificate packs) and counting (cycle counts).

Heavy reads that decide nothing run on a MariaDB read replica where the site has one (Frappe's
`read_from_replica`), through `frappe.read_only()`: traces, recall impact, allocation explanations,
lot lookup, the lot overview and the number cards. What allows or refuses a movement (the scan of a
label on a form, the batch picker, every validation hook) reads the primary: a replica that lags
must not decide."""

from lot_traceability.api.cards import (
	count_accuracy_card,
	kpi_default_company,
	lots_expiring_card,
	lots_on_hold_card,
	lots_waiting_for_documents_card,
	receiving_completeness_card,
	restricted_lots_card,
)
from lot_traceability.api.counting import (
	complete_lot_count,
	get_lot_count_sheet,
	get_lot_counts,
	identify_counted_lot,
	make_lot_count,
	record_lot_count,
)
from lot_traceability.api.exports import (
	download_epcis,
	download_fsma204,
	download_recall_audit_pack,
	epcis_events,
)
from lot_traceability.api.foresight import (
	compute_foresight_now,
	get_supplier_risk,
	make_rebalance_transfer,
)
from lot_traceability.api.lots import (
	approve_lot_status_change,
	change_lot_status,
	check_lot_ledger_now,
	close_lot_deviation,
	get_batch_no,
	get_effective_lot_rule,
	get_lot_overview,
	make_lot_complaint,
	make_quarantine_transfer,
)
from lot_traceability.api.partners import (
	answer_recall_notice,
	capture_epcis,
	download_certificate_pack,
	download_lot_certificate,
	get_recall_notices,
	get_shipped_lots,
	get_supplied_lots,
	make_purchase_receipt_from_announcement,
	send_certificate_pack,
	upload_lot_announcements,
	upload_lot_document,
)
from lot_traceability.api.picking import (
	check_allocation,
	lookup_lot,
	lot_promisable,
	promisable,
	scan_barcode,
	scan_lot_label,
)
from lot_traceability.api.recall import (
	get_lot_graph,
	get_lot_trace,
	get_recall_impact,
	get_recall_rows,
	get_recall_war_room,
	get_workstation_window_scope,
	update_recall,
)

__all__ = [
	"answer_recall_notice",
	"approve_lot_status_change",
	"capture_epcis",
	"change_lot_status",
	"check_allocation",
	"check_lot_ledger_now",
	"close_lot_deviation",
	"complete_lot_count",
	"compute_foresight_now",
	"count_accuracy_card",
	"download_certificate_pack",
	"download_epcis",
	"download_fsma204",
	"download_lot_certificate",
	"download_recall_audit_pack",
	"epcis_events",
	"get_batch_no",
	"get_effective_lot_rule",
	"get_lot_count_sheet",
	"get_lot_counts",
	"get_lot_graph",
	"get_lot_overview",
	"get_lot_trace",
	"get_recall_impact",
	"get_recall_notices",
	"get_recall_rows",
	"get_recall_war_room",
	"get_shipped_lots",
	"get_supplied_lots",
	"get_supplier_risk",
	"get_workstation_window_scope",
	"identify_counted_lot",
	"kpi_default_company",
	"lookup_lot",
	"lot_promisable",
	"lots_expiring_card",
	"lots_on_hold_card",
	"lots_waiting_for_documents_card",
	"make_lot_complaint",
	"make_lot_count",
	"make_purchase_receipt_from_announcement",
	"make_quarantine_transfer",
	"make_rebalance_transfer",
	"promisable",
	"receiving_completeness_card",
	"record_lot_count",
	"restricted_lots_card",
	"scan_barcode",
	"scan_lot_label",
	"send_certificate_pack",
	"update_recall",
	"upload_lot_announcements",
	"upload_lot_document",
]
