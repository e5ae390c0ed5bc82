"""Lots announced before they arrive: a supplier's shipment read from its EPCIS 2.0 shipping events
or from a sheet of FSMA 204 shipping KDEs, matched to our items and purchase orders, and reconciled
with what the receipt brought in. Pure: the caller reads the master data and the receipt.

Reading EPCIS. A shipment is an ObjectEvent with the business step `shipping` (the CBV short name or
its URI): its quantityList names the lots (a class-level identifier: GS1 Digital Link GTIN + lot,
`urn:epc:class:lgtin:…`, or a private `…/lot/<item>/<lot>` URI) and their quantities; its
bizTransactionList the purchase order (`po`) and the despatch advice (`desadv`); its sourceList the
supplier (`owning_party`, a party GLN). The schema forbids instance master data on a shipping event
(ILMD only with action ADD), so a lot's dates and certificates come from the supplier's ADD event of
the same lot in the same document (commissioning or packing): `cbvmda:itemExpirationDate` (else
`cbvmda:bestBeforeDate`) and `cbvmda:productionDate` (else `cbvmda:packDate`) from its `ilmd`, and
its `certificationInfo` links.

Reconciling. Announced and received lots are matched on (item, supplier lot no) — the lot number
compared without surrounding blanks and case. Each announced lot is either received or not received;
each received lot announced or not; a matched lot whose quantity differs by more than the tolerance,
or whose production or expiry date differs where both are known, has one difference each.

The shipment and its identifiers are in `model`, read from EPCIS in `epcis`, from a sheet in
`sheet`, matched and reconciled in `reconcile`; every name is importable from here.
"""

from lot_traceability.traceability.announcements.epcis import (
	master_data,
	shipments_from_epcis,
)
from lot_traceability.traceability.announcements.model import (
	DESADV_TYPES,
	EXPIRY_KEYS,
	OWNING_PARTY,
	PO_TYPES,
	PRODUCTION_KEYS,
	SHIPPING_STEPS,
	AnnouncedLot,
	AnnouncementError,
	Shipment,
	document_name,
	parse_date,
	parse_lot_class,
	party_gln,
)
from lot_traceability.traceability.announcements.reconcile import (
	Discrepancy,
	Finding,
	Line,
	lot_key,
	lots_to_hold,
	match_purchase_order,
	quantity_differs,
	reconcile,
)
from lot_traceability.traceability.announcements.sheet import (
	REQUIRED_COLUMNS,
	SHEET_COLUMNS,
	sheet_columns,
	shipments_from_sheet,
)

__all__ = [
	"DESADV_TYPES",
	"EXPIRY_KEYS",
	"OWNING_PARTY",
	"PO_TYPES",
	"PRODUCTION_KEYS",
	"REQUIRED_COLUMNS",
	"SHEET_COLUMNS",
	"SHIPPING_STEPS",
	"AnnouncedLot",
	"AnnouncementError",
	"Discrepancy",
	"Finding",
	"Line",
	"Shipment",
	"document_name",
	"lot_key",
	"lots_to_hold",
	"master_data",
	"match_purchase_order",
	"parse_date",
	"parse_lot_class",
	"party_gln",
	"quantity_differs",
	"reconcile",
	"sheet_columns",
	"shipments_from_epcis",
	"shipments_from_sheet",
]
