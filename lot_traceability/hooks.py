app_name = "lot_traceability"
app_title = "Lot Traceability"
app_publisher = "lot_traceability contributors"
app_description = (
	"Lot traceability for ERPNext: governed lot lifecycle, FEFO allocation, genealogy and recalls"
)
app_email = "lot-traceability@example.com"
app_license = "mit"
required_apps = ["frappe/erpnext"]

export_python_type_annotations = True

after_install = "lot_traceability.install.after_install"
after_migrate = "lot_traceability.install.after_migrate"
before_uninstall = "lot_traceability.install.before_uninstall"
before_tests = "lot_traceability.tests.before_tests"
before_request = [
	"lot_traceability.overrides.erpnext_queries.apply",
	"lot_traceability.overrides.erpnext_allocation.apply",
	"lot_traceability.overrides.frappe_app.apply",
	"lot_traceability.overrides.erpnext_planning.apply",
]
before_job = [
	"lot_traceability.overrides.erpnext_queries.apply",
	"lot_traceability.overrides.erpnext_allocation.apply",
	"lot_traceability.overrides.erpnext_planning.apply",
]

boot_session = "lot_traceability.overrides.boot.boot_session"

app_include_js = ["/assets/lot_traceability/js/lot_traceability.js"]
app_include_css = ["/assets/lot_traceability/css/lot_traceability.css"]

doctype_js = {
	"Batch": ["public/js/batch.js", "public/js/promise_dashboard.js", "public/js/batch_promise.js"],
	"Delivery Note": [
		"public/js/lot_allocation.js",
		"public/js/lot_scan.js",
		"public/js/delivery_note_lots.js",
		"public/js/certificate_pack.js",
	],
	"Item": ["public/js/promise_dashboard.js", "public/js/item_availability.js"],
	"Pick List": ["public/js/lot_allocation.js", "public/js/lot_scan.js"],
	"Purchase Receipt": "public/js/lot_scan.js",
	"Quotation": "public/js/lot_availability.js",
	"Sales Invoice": "public/js/lot_allocation.js",
	"Sales Order": "public/js/lot_availability.js",
	"Stock Entry": "public/js/lot_scan.js",
	"Supplier": "public/js/supplier_risk.js",
}
doctype_list_js = {
	"Batch": "public/js/batch_list.js",
}

override_whitelisted_methods = {
	"erpnext.stock.utils.scan_barcode": "lot_traceability.api.scan_barcode",
}

doc_events = {
	"Batch": {
		"before_insert": "lot_traceability.overrides.batch.before_insert",
		"validate": "lot_traceability.overrides.batch.validate",
		"on_trash": "lot_traceability.overrides.batch.on_trash",
	},
	"Company": {"validate": "lot_traceability.overrides.company.validate"},
	"Customer": {"validate": "lot_traceability.overrides.customer.validate"},
	"Delivery Note": {
		"before_validate": "lot_traceability.overrides.delivery_note.before_validate",
		"before_submit": "lot_traceability.overrides.delivery_note.before_submit",
		"on_submit": "lot_traceability.overrides.delivery_note.on_submit",
		"before_cancel": "lot_traceability.overrides.delivery_note.before_cancel",
		"on_cancel": "lot_traceability.overrides.delivery_note.on_cancel",
	},
	"Lot Status Change": {"on_submit": "lot_traceability.overrides.lot_status_change.on_submit"},
	"Pick List": {
		"before_validate": "lot_traceability.overrides.pick_list.before_validate",
		"before_submit": "lot_traceability.overrides.pick_list.before_submit",
		"on_submit": "lot_traceability.overrides.pick_list.on_submit",
	},
	"POS Invoice": {
		"before_validate": "lot_traceability.overrides.pos_invoice.before_validate",
		"before_submit": "lot_traceability.overrides.pos_invoice.before_submit",
		"on_submit": "lot_traceability.overrides.pos_invoice.on_submit",
		"before_cancel": "lot_traceability.overrides.pos_invoice.before_cancel",
	},
	"Purchase Invoice": {
		"before_validate": "lot_traceability.overrides.purchase_invoice.before_validate",
		"before_submit": "lot_traceability.overrides.purchase_invoice.before_submit",
		"on_submit": "lot_traceability.overrides.purchase_invoice.on_submit",
		"before_cancel": "lot_traceability.overrides.purchase_invoice.before_cancel",
	},
	"Purchase Receipt": {
		"before_validate": "lot_traceability.overrides.purchase_receipt.before_validate",
		"before_submit": "lot_traceability.overrides.purchase_receipt.before_submit",
		"on_submit": "lot_traceability.overrides.purchase_receipt.on_submit",
		"before_cancel": "lot_traceability.overrides.purchase_receipt.before_cancel",
		"on_cancel": "lot_traceability.overrides.purchase_receipt.on_cancel",
	},
	"Quality Inspection": {
		"on_submit": "lot_traceability.overrides.quality_inspection.on_submit",
		"on_cancel": "lot_traceability.overrides.quality_inspection.on_cancel",
	},
	"Quotation": {"validate": "lot_traceability.overrides.quotation.validate"},
	"Sales Invoice": {
		"before_validate": "lot_traceability.overrides.sales_invoice.before_validate",
		"before_submit": "lot_traceability.overrides.sales_invoice.before_submit",
		"on_submit": "lot_traceability.overrides.sales_invoice.on_submit",
		"before_cancel": "lot_traceability.overrides.sales_invoice.before_cancel",
		"on_cancel": "lot_traceability.overrides.sales_invoice.on_cancel",
	},
	"Sales Order": {"validate": "lot_traceability.overrides.sales_order.validate"},
	"ToDo": {"on_update": "lot_traceability.recall.war_room.notify_for_task"},
	"Serial and Batch Bundle": {
		"on_submit": "lot_traceability.overrides.serial_and_batch_bundle.on_submit",
		"on_cancel": "lot_traceability.overrides.serial_and_batch_bundle.on_cancel",
	},
	"Stock Entry": {
		"before_validate": "lot_traceability.overrides.stock_entry.before_validate",
		"before_submit": "lot_traceability.overrides.stock_entry.before_submit",
		"on_submit": "lot_traceability.overrides.stock_entry.on_submit",
		"before_cancel": "lot_traceability.overrides.stock_entry.before_cancel",
		"on_cancel": "lot_traceability.overrides.stock_entry.on_cancel",
	},
	"Stock Reconciliation": {
		"before_validate": "lot_traceability.overrides.stock_reconciliation.before_validate",
		"before_submit": "lot_traceability.overrides.stock_reconciliation.before_submit",
		"before_cancel": "lot_traceability.overrides.stock_reconciliation.before_cancel",
	},
	"Stock Reservation Entry": {
		"before_submit": "lot_traceability.overrides.stock_reservation_entry.before_submit",
		"before_update_after_submit": (
			"lot_traceability.overrides.stock_reservation_entry.before_update_after_submit"
		),
	},
	"Subcontracting Receipt": {
		"before_validate": "lot_traceability.overrides.subcontracting_receipt.before_validate",
		"before_submit": "lot_traceability.overrides.subcontracting_receipt.before_submit",
		"on_submit": "lot_traceability.overrides.subcontracting_receipt.on_submit",
		"before_cancel": "lot_traceability.overrides.subcontracting_receipt.before_cancel",
		"on_cancel": "lot_traceability.overrides.subcontracting_receipt.on_cancel",
	},
	"Supplier": {"validate": "lot_traceability.overrides.supplier.validate"},
	"Warehouse": {"validate": "lot_traceability.overrides.warehouse.validate"},
}

scheduler_events = {
	"daily": [
		"lot_traceability.tasks.expire_lots",
		"lot_traceability.tasks.lapse_restrictions",
		"lot_traceability.tasks.notify_near_expiry",
		"lot_traceability.tasks.update_open_recalls",
		"lot_traceability.tasks.switch_heavy_reports",
		"lot_traceability.tasks.make_lot_counts",
	],
	"daily_long": [
		"lot_traceability.tasks.reconcile_lot_balances",
		"lot_traceability.tasks.reconcile_lot_ledger",
		"lot_traceability.tasks.reconcile_production_runs",
		"lot_traceability.tasks.compute_foresight",
	],
}

jinja = {
	"methods": [
		"lot_traceability.labels.lot_gs1_string",
		"lot_traceability.labels.lot_qr_data_uri",
		"lot_traceability.exports.epcis.status_change_epcis",
		"lot_traceability.recall.audit.audit_figures",
		"lot_traceability.batch_record.lot_batch_record",
		"lot_traceability.certificate_packs.lot_certificate_contents",
	],
}

portal_menu_items = [
	{"title": "Supplied Lots", "route": "/supplied-lots", "role": "Supplier"},
	{"title": "Received Lots", "route": "/received-lots", "role": "Customer"},
	{"title": "Recall Notices", "route": "/recall-notices", "role": "Customer"},
]
