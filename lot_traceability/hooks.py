app_name = "lot_traceability"
app_title = "Lot Traceability"
app_publisher = "lot_traceability contributors"
app_description = "Lot traceability for ERPNext: governed lot lifecycle, FEFO allocation, genealogy and recalls"
app_email = "lot-traceability@example.com"
app_license = "mit"
required_apps = ["frappe/erpnext"]

export_python_type_annotations = True

after_install = "lot_traceability.install.after_install"
after_migrate = "lot_traceability.install.after_migrate"
before_uninstall = "lot_traceability.install.before_uninstall"
before_tests = "lot_traceability.tests.before_tests"

doc_events = {
	"Batch": {
		"before_insert": "lot_traceability.overrides.batch.before_insert",
	},
}
