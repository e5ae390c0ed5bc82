from lot_traceability.portal import pages
from lot_traceability.portal.customer import notices

no_cache = 1


def get_context(context):
	pages.base(context, "Recall Notices", "/recall-notices")
	found = notices()
	for notice in found:
		notice["recall_date"] = pages.date(notice["recall_date"])
		for lot in notice["lots"]:
			lot["received_text"] = pages.number(lot["received"])
			if lot["statement"]:
				lot["statement"]["stated_on"] = pages.when(lot["statement"]["stated_on"])
	context.notices = found
	return context
