from lot_traceability.portal import pages
from lot_traceability.portal.supplier import document_types, supplied_lots

no_cache = 1


def get_context(context):
	pages.base(context, "Supplied Lots", "/supplied-lots")
	lots = supplied_lots()
	for row in lots:
		row["types"] = document_types(row)
		row["received_date"] = pages.date(row["received_date"])
		row["expiry_date"] = pages.date(row["expiry_date"])
		for document in row["documents"]:
			document["issued_on"] = pages.date(document["issued_on"])
			document["supplied_on"] = pages.when(document["supplied_on"])
	context.lots = lots
	return context
