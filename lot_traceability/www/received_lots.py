from lot_traceability.portal import pages
from lot_traceability.portal.customer import shipped_lots

no_cache = 1


def get_context(context):
	pages.base(context, "Received Lots", "/received-lots")
	rows = shipped_lots()
	for row in rows:
		row["posting_date"] = pages.date(row["posting_date"])
		row["expiry_date"] = pages.date(row["expiry_date"])
		row["qty_text"] = pages.number(row["qty"])
	context.rows = rows
	return context
