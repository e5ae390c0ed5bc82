"""The lot ledger's indexes by document kind (voucher type, purpose) and by company, read by the
EPCIS query's eventType / bizStep filters and a user's companies, on sites made before them."""


def execute():
	from lot_traceability.lot_traceability.doctype.lot_ledger_entry.lot_ledger_entry import on_doctype_update

	on_doctype_update()
