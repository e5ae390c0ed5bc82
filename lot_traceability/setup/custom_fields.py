"""The fields lot_traceability adds to ERPNext doctypes, as one dict for create_custom_fields."""

MODULE = "Lot Traceability"

SUPPLIER_LOT_FIELDS = [
	{
		"fieldname": "supplier_lot_no",
		"label": "Supplier Lot No",
		"fieldtype": "Data",
		"insert_after": "batch_no",
		"description": "The lot number printed by the supplier.",
		"no_copy": 1,
	},
	{
		"fieldname": "supplier_manufacturing_date",
		"label": "Supplier Manufacturing Date",
		"fieldtype": "Date",
		"insert_after": "supplier_lot_no",
		"no_copy": 1,
	},
	{
		"fieldname": "supplier_expiry_date",
		"label": "Supplier Expiry Date",
		"fieldtype": "Date",
		"insert_after": "supplier_manufacturing_date",
		"no_copy": 1,
	},
]

# The lot an automatic pick put on a selling row: while the row still shows it, the pick is made
# again at submit if that lot can no longer cover the row (a lot the user chose is never replaced).
AUTOMATIC_LOT_FIELDS = [
	{
		"fieldname": "lot_picked_automatically",
		"label": "Lot Picked Automatically",
		"fieldtype": "Data",
		"insert_after": "batch_no",
		"read_only": 1,
		"hidden": 1,
		"no_copy": 1,
		"print_hide": 1,
		"report_hide": 1,
	},
]

# What becomes of a customer return row of a governed lot (rules: `traceability.dispositions`).
RETURN_DISPOSITION_FIELDS = [
	{
		"fieldname": "lot_return_disposition",
		"label": "Return Disposition",
		"fieldtype": "Select",
		"options": "\nRestock\nQuarantine\nReturn to Supplier\nDispose",
		"insert_after": "batch_no",
		"depends_on": "eval:parent.is_return",
		"no_copy": 1,
		"allow_on_submit": 0,
		"description": "Restock (lot status allowing), Quarantine, Return to Supplier (a draft return with the supplier's lot no), Dispose (written off). Empty: Restock where the lot may be sold again, else Quarantine.",
	},
	{
		"fieldname": "lot_disposition_doctype",
		"label": "Disposition Document Type",
		"fieldtype": "Link",
		"options": "DocType",
		"insert_after": "lot_return_disposition",
		"read_only": 1,
		"hidden": 1,
		"no_copy": 1,
		"print_hide": 1,
	},
	{
		"fieldname": "lot_disposition_document",
		"label": "Disposition Document",
		"fieldtype": "Dynamic Link",
		"options": "lot_disposition_doctype",
		"insert_after": "lot_disposition_doctype",
		"read_only": 1,
		"no_copy": 1,
		"print_hide": 1,
		"depends_on": "eval:doc.lot_disposition_document",
	},
]

# The customer return or deviation whose disposition a supplier return or a write-off carries out.
DISPOSITION_OF_FIELDS = [
	{
		"fieldname": "lot_disposition_of_doctype",
		"label": "Disposition Of (Type)",
		"fieldtype": "Link",
		"options": "DocType",
		"insert_after": "return_against",
		"read_only": 1,
		"hidden": 1,
		"no_copy": 1,
		"print_hide": 1,
	},
	{
		"fieldname": "lot_disposition_of",
		"label": "Disposition Of",
		"fieldtype": "Dynamic Link",
		"options": "lot_disposition_of_doctype",
		"insert_after": "lot_disposition_of_doctype",
		"read_only": 1,
		"no_copy": 1,
		"depends_on": "eval:doc.lot_disposition_of",
	},
]

REMAINING_SHELF_LIFE_UNITS = "Days\n% of Shelf Life"


def gln_field(insert_after: str, what: str) -> dict:
	"""The GS1 Global Location Number of a place or a party, as the EPCIS events name it."""
	return {
		"fieldname": "gln",
		"label": "GLN",
		"fieldtype": "Data",
		"length": 13,
		"insert_after": insert_after,
		"description": f"GS1 Global Location Number of this {what} (13 digits): the EPCIS events the app "
		"exports name it by this number; without one, by a private URI.",
	}


CUSTOM_FIELDS = {
	"Batch": [
		{
			"fieldname": "lot_status",
			"label": "Lot Status",
			"fieldtype": "Link",
			"options": "Lot Status",
			"insert_after": "item_name",
			"read_only": 1,
			"no_copy": 1,
			"bold": 1,
			"in_list_view": 1,
			"in_standard_filter": 1,
			"search_index": 1,
		},
		{
			"fieldname": "restricted_to",
			"label": "Restricted To",
			"fieldtype": "Data",
			"length": 240,
			"insert_after": "lot_status",
			"read_only": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
			"depends_on": "eval:doc.restricted_to",
			"description": "The release scope in effect (Lot Restriction): what the lot may be used for.",
		},
		{
			"fieldname": "lot_restriction",
			"label": "Release Scope",
			"fieldtype": "Link",
			"options": "Lot Restriction",
			"insert_after": "restricted_to",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "eval:doc.lot_restriction",
		},
		{
			"fieldname": "lot_details_section",
			"label": "Lot Details",
			"fieldtype": "Section Break",
			"insert_after": "reference_name",
			"collapsible": 0,
		},
		{
			"fieldname": "supplier_lot_no",
			"label": "Supplier Lot No",
			"fieldtype": "Data",
			"insert_after": "lot_details_section",
			"in_standard_filter": 1,
			"search_index": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "received_date",
			"label": "Received Date",
			"fieldtype": "Date",
			"insert_after": "supplier_lot_no",
			"no_copy": 1,
		},
		{
			"fieldname": "release_date",
			"label": "Release Date",
			"fieldtype": "Date",
			"insert_after": "received_date",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "lot_details_column",
			"fieldtype": "Column Break",
			"insert_after": "release_date",
		},
		{
			"fieldname": "best_before_date",
			"label": "Best Before Date",
			"fieldtype": "Date",
			"insert_after": "lot_details_column",
			"no_copy": 1,
		},
		{
			"fieldname": "retest_date",
			"label": "Retest Date",
			"fieldtype": "Date",
			"insert_after": "best_before_date",
			"no_copy": 1,
		},
		{
			"fieldname": "lot_origin_column",
			"fieldtype": "Column Break",
			"insert_after": "retest_date",
		},
		{
			"fieldname": "country_of_origin",
			"label": "Country of Origin",
			"fieldtype": "Link",
			"options": "Country",
			"insert_after": "lot_origin_column",
			"no_copy": 1,
		},
		{
			"fieldname": "lot_documents_section",
			"label": "Lot Documents",
			"fieldtype": "Section Break",
			"insert_after": "country_of_origin",
		},
		{
			"fieldname": "lot_documents",
			"label": "Lot Documents",
			"fieldtype": "Table",
			"options": "Lot Document",
			"insert_after": "lot_documents_section",
			"no_copy": 1,
			"description": "Certificates and statements received with the lot, each typed and with its file. "
			"A lot whose Lot Rule requires a document cannot be released without it.",
		},
		{
			"fieldname": "tlc_source_section",
			"label": "Traceability Lot Code Source (FSMA 204)",
			"fieldtype": "Section Break",
			"insert_after": "lot_documents",
			"collapsible": 1,
		},
		{
			"fieldname": "tlc_source_address",
			"label": "TLC Source Address",
			"fieldtype": "Link",
			"options": "Address",
			"insert_after": "tlc_source_section",
			"no_copy": 1,
			"description": "Where this lot's code was assigned, for a lot received from a supplier: recorded "
			"from the receipt (the supplier's dispatch address, else its address).",
		},
		{
			"fieldname": "tlc_source_warehouse",
			"label": "TLC Source Warehouse",
			"fieldtype": "Link",
			"options": "Warehouse",
			"insert_after": "tlc_source_address",
			"no_copy": 1,
			"description": "Where this lot's code was assigned, for a lot we made or took in: the warehouse "
			"of the production or stock entry that brought it into being.",
		},
		{
			"fieldname": "tlc_source_column",
			"fieldtype": "Column Break",
			"insert_after": "tlc_source_warehouse",
		},
		{
			"fieldname": "tlc_source_reference",
			"label": "TLC Source Reference",
			"fieldtype": "Data",
			"insert_after": "tlc_source_column",
			"no_copy": 1,
			"description": "A reference to the traceability lot code source instead of, or beside, its "
			"address (its GLN, FDA Food Facility Registration number, or web address).",
		},
	],
	"Purchase Receipt Item": SUPPLIER_LOT_FIELDS,
	"Purchase Invoice Item": SUPPLIER_LOT_FIELDS,
	"Subcontracting Receipt Item": SUPPLIER_LOT_FIELDS,
	"Stock Entry Detail": SUPPLIER_LOT_FIELDS,
	"Delivery Note Item": AUTOMATIC_LOT_FIELDS + RETURN_DISPOSITION_FIELDS,
	"Sales Invoice Item": AUTOMATIC_LOT_FIELDS + RETURN_DISPOSITION_FIELDS,
	"Purchase Receipt": DISPOSITION_OF_FIELDS,
	"Purchase Invoice": DISPOSITION_OF_FIELDS,
	"POS Invoice Item": AUTOMATIC_LOT_FIELDS,
	"Customer": [
		{
			"fieldname": "lot_requirements_section",
			"label": "Lot Requirements",
			"fieldtype": "Section Break",
			"insert_after": "disabled",
			"collapsible": 1,
		},
		{
			"fieldname": "min_remaining_shelf_life",
			"label": "Minimum Remaining Shelf Life at Delivery",
			"fieldtype": "Float",
			"insert_after": "lot_requirements_section",
			"non_negative": 1,
			"description": "Lots shipped to this customer must have at least this much shelf life left on the delivery date.",
		},
		{
			"fieldname": "min_remaining_shelf_life_unit",
			"label": "Minimum Remaining Shelf Life Unit",
			"fieldtype": "Select",
			"options": REMAINING_SHELF_LIFE_UNITS,
			"default": "Days",
			"insert_after": "min_remaining_shelf_life",
		},
		{
			"fieldname": "lot_requirements_column",
			"fieldtype": "Column Break",
			"insert_after": "min_remaining_shelf_life_unit",
		},
		{
			"fieldname": "no_older_lot_than_last",
			"label": "Never Ship a Lot Older than the Last One Shipped",
			"fieldtype": "Check",
			"insert_after": "lot_requirements_column",
		},
		gln_field("no_older_lot_than_last", "customer"),
	],
	"Stock Entry": [
		{
			"fieldname": "is_lot_write_off",
			"label": "Write Off Lots",
			"fieldtype": "Check",
			"insert_after": "stock_entry_type",
			"depends_on": "eval:doc.purpose=='Material Issue'",
			"no_copy": 1,
			"description": "This issue disposes of or scraps stock. Held lots (quarantined, rejected, expired …) may only leave stock this way.",
		},
		{**DISPOSITION_OF_FIELDS[0], "insert_after": "is_lot_write_off"},
		{**DISPOSITION_OF_FIELDS[1]},
	],
	"Supplier": [
		{
			"fieldname": "lot_receipt_status",
			"label": "Lot Receipt Status",
			"fieldtype": "Link",
			"options": "Lot Status",
			"insert_after": "release_date",
			"description": "Every lot received from this supplier takes this status, whatever its item's Lot Rule says (e.g. Quarantined for a supplier under review). Empty: the rule decides, unless the supplier is on hold or its scorecard prevents or warns on purchase orders.",
		},
		gln_field("lot_receipt_status", "supplier"),
	],
	"Warehouse": [
		{
			"fieldname": "is_quarantine_warehouse",
			"label": "Is Quarantine Warehouse",
			"fieldtype": "Check",
			"insert_after": "is_rejected_warehouse",
			"description": "Held lots (quarantined, rejected, recalled …) may still be moved into this warehouse.",
		},
		gln_field("is_quarantine_warehouse", "warehouse"),
	],
	"Company": [gln_field("tax_id", "company")],
	"Item": [
		{
			"fieldname": "food_traceability_section",
			"label": "Food Traceability (FSMA 204)",
			"fieldtype": "Section Break",
			"insert_after": "sample_quantity",
			"collapsible": 1,
		},
		{
			"fieldname": "on_food_traceability_list",
			"label": "On the Food Traceability List",
			"fieldtype": "Check",
			"insert_after": "food_traceability_section",
			"description": "A food the FDA's Food Traceability List names: its lots, and the lots made from "
			"them, are listed in the FSMA 204 sortable spreadsheet.",
		},
		{
			"fieldname": "ftl_kill_step",
			"label": "Made with a Kill Step",
			"fieldtype": "Check",
			"insert_after": "on_food_traceability_list",
			"depends_on": "eval:!doc.on_food_traceability_list",
			"description": "Lots of this item made from listed foods are not covered themselves (a kill step "
			"applied, 21 CFR 1.1305(d)); without it they inherit the listing.",
		},
	],
	"UOM": [
		{
			"fieldname": "un_cefact_code",
			"label": "UN/CEFACT Code",
			"fieldtype": "Data",
			"length": 3,
			"insert_after": "must_be_whole_number",
			"description": "The unit's code in UN/CEFACT Recommendation 20 (KGM, LTR …), carried by the EPCIS "
			"events' quantities. Empty for a count of units (each, box …), which EPCIS counts without one.",
		},
	],
}


# What of the row's item may be promised to the customer on the row's delivery date, beside ERPNext's
# Actual Qty (set on save: `promising.set_order_rows_promisable`).
PROMISABLE_ROW_FIELDS = [
	{
		"fieldname": "promisable_qty",
		"label": "Promisable Qty (Lots)",
		"fieldtype": "Float",
		"insert_after": "actual_qty",
		"read_only": 1,
		"no_copy": 1,
		"print_hide": 1,
		"description": "Of the stock in the row's warehouse, what may be promised to this customer on the "
		"row's delivery date: lots usable (or released for this customer), not expired, with the shelf "
		"life the customer and the item's Lot Rule ask for, not reserved for other orders. Set on save; "
		"ERPNext's Actual Qty counts every lot.",
	},
]
for _doctype in ("Sales Order Item", "Quotation Item"):
	CUSTOM_FIELDS.setdefault(_doctype, []).extend(PROMISABLE_ROW_FIELDS)


def get_custom_fields() -> dict[str, list[dict]]:
	"""CUSTOM_FIELDS with the module set on every field, so that they belong to this app."""
	return {
		doctype: [{**field, "module": MODULE} for field in fields]
		for doctype, fields in CUSTOM_FIELDS.items()
	}
