"""The lot ledger's index by document kind (voucher type, purpose), read by the EPCIS query's
eventType and bizStep filters, on sites made before it."""


def execute():
	from lot_traceability.lot_traceability.doctype.lot_ledger_entry.lot_ledger_entry import on_doctype_update

	on_doctype_update()
