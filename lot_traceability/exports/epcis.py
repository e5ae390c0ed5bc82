"""EPCIS 2.0 documents and queries of the site's lot events: the lot ledger's movements and the
submitted status changes, as `traceability.epcis` maps them, named with the site's identifiers
(Settings → Integrations), for the lots, companies, places and times asked — and only of the
companies whose stock the user may read."""

from datetime import datetime
from urllib.parse import unquote

import frappe
from frappe import _
from frappe.utils import get_datetime, get_system_timezone, get_url, now_datetime

from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.exports.scopes import date_range, readable_companies, recall_lots, restrict, trace_lots
from lot_traceability.lot_ledger import moves_of
from lot_traceability.messages import bold, esc
from lot_traceability.queries import epcis as epcis_queries
from lot_traceability.traceability import epcis, gs1, paging

DEFAULT_PAGE = 100
MAX_PAGE = 1000
EVENT_TYPES = (epcis.OBJECT_EVENT, epcis.TRANSFORMATION_EVENT)


def identifiers() -> epcis.Identifiers:
	settings = get_settings()
	base = (settings.get("epcis_uri_base") or "").strip() or f"{get_url().rstrip('/')}/epcis"
	resolver = (settings.get("gs1_resolver") or "").strip() or epcis.DEFAULT_RESOLVER
	try:
		return epcis.Identifiers(base, resolver)
	except epcis.EpcisError as error:
		frappe.throw(_("Lot Traceability Settings, Integrations: {0}").format(esc(error)))


def master_data() -> epcis.MasterData:
	return epcis.MasterData(
		warehouse_gln=epcis_queries.get_glns("Warehouse"),
		company_gln=epcis_queries.get_glns("Company"),
		supplier_gln=epcis_queries.get_glns("Supplier"),
		customer_gln=epcis_queries.get_glns("Customer"),
		uom_codes=epcis_queries.get_uom_codes(),
	)


def lots_of(names) -> dict[str, epcis.EventLot]:
	masters = epcis_queries.get_lot_masters(names)
	barcodes = epcis_queries.get_item_barcodes({row.item for row in masters.values()})
	gtins = {item: gs1.first_gtin(codes) for item, codes in barcodes.items()}  # as `labels.item_gtin`
	return {
		name: epcis.EventLot(name, row.item or name, gtins.get(row.item), row.stock_uom)
		for name, row in masters.items()
	}


def disposition_of(status: str, mapped: str | None) -> str:
	"""The CBV disposition of a status: as mapped on the Lot Status, else by whether it holds lots."""
	if mapped:
		return mapped
	return "sellable_not_accessible" if get_lot_status(status).allows("shipment") else "non_sellable_other"


def events_of(sources, lots=None, companies=None, warehouses=None) -> list[dict]:
	"""The events of these sources ((time, doctype, name), `get_event_sources`), in time order."""
	vouchers = [(doctype, name) for _time, doctype, name in sources if doctype != "Lot Status Change"]
	changes = [name for _time, doctype, name in sources if doctype == "Lot Status Change"]
	rows = epcis_queries.get_movements_of(vouchers, lots, companies, warehouses)
	posted = {(doctype, name): time for time, doctype, name in sources}  # a document's one time
	for row in rows:
		row.posted = posted[(row.voucher_type, row.voucher_no)]
	return events_from(rows, changes, lots)


def events_from(rows, changes, lots=None) -> list[dict]:
	"""The events of these lot ledger rows (each with its document's time as `posted`) and of these
	submitted Lot Status Changes (of these lots), in time order."""
	status_rows = epcis_queries.get_status_changes_of(changes, lots)
	masters = lots_of({row.batch_no for row in rows} | {row.batch for row in status_rows})
	ids, master, zone = identifiers(), master_data(), get_system_timezone()
	moves = moves_of(rows)
	statuses = [
		epcis.StatusChange(
			lot=row.batch,
			change=row.change_name,
			status=row.to_status,
			disposition=disposition_of(row.to_status, row.epcis_disposition),
			changed=get_datetime(row.change_datetime),
			source=row.source,
		)
		for row in status_rows
	]
	events = epcis.movement_events(moves, masters, ids, master, zone) + epcis.status_events(
		statuses, masters, ids, master, zone
	)
	events.sort(key=lambda event: (event["eventTime"], event["eventID"]))
	return events


def export(lots=None, company=None, since=None, until=None) -> dict:
	"""An EPCIS document of the lot events of these lots (or all), in a company (or every company
	the user may read), within these times."""
	companies = restrict(readable_companies(), company)
	rows = epcis_queries.get_timed_movements(lots, companies, since, until)  # the documents' rows and times
	changes = epcis_queries.get_event_sources(
		lots=lots, companies=companies, since=since, until=until, with_movements=False
	)
	events = events_from(rows, [name for _time, _doctype, name in changes], lots)
	return epcis.document(events, now_datetime(), get_system_timezone(), sender=company or None)


def export_for(lot=None, lot_recall=None, company=None, from_date=None, to_date=None) -> tuple[dict, str]:
	"""The EPCIS document a user downloads, and its file name: a lot's trace (the lot, every lot made
	from it and every lot it was made from), a Lot Recall's scope, or a company's (or every readable
	company's) events between two dates."""
	from frappe.utils import add_days

	if lot:
		return export(lots=trace_lots(lot), company=company), f"EPCIS {lot}.jsonld"
	if lot_recall:
		return export(lots=recall_lots(lot_recall), company=company), f"EPCIS {lot_recall}.jsonld"
	since, until = date_range(
		from_date, to_date, _("Choose a lot, a Lot Recall, or a date range (from and to).")
	)
	name = f"EPCIS {company or _('all companies')} {since} {until}.jsonld"
	return export(company=company, since=get_datetime(since), until=get_datetime(add_days(until, 1))), name


def status_change_epcis(name: str) -> str:
	"""The EPCIS document (JSON) of one submitted Lot Status Change: the body of a Frappe Webhook on
	Lot Status Change that tells a partner (Request Structure JSON, body
	`{{ status_change_epcis(doc.name) }}`). The webhook's own setup decides who receives it."""
	import json

	events = events_of([(None, "Lot Status Change", name)])
	return json.dumps(epcis.document(events, now_datetime(), get_system_timezone()))


# ---------------------------------------------------------------- the REST query


def query(
	event_type: str | None = None,
	since=None,
	until=None,
	biz_step: str | None = None,
	biz_location: str | None = None,
	epc_classes: str | None = None,
	lot: str | None = None,
	per_page=DEFAULT_PAGE,
	page_token: str | None = None,
) -> dict:
	"""A page of lot events as the EPCIS 2.0 query interface answers it (an EPCISQueryDocument of a
	SimpleEventQuery), and the token of the next page. A page holds the events of whole documents,
	at most `per_page` events (more only when one document alone has more). Every filter is part of
	the read of the documents (eventType and bizStep as the kinds of rows that make such events), and
	a page reads from just after the last document of the one before (`traceability.paging`): a
	filter nothing matches answers with one read, however many events the site holds."""
	companies = readable_companies()
	per_page = min(MAX_PAGE, max(1, int(per_page or DEFAULT_PAGE)))
	after = parse_token(page_token)
	types = [value.strip() for value in (event_type or "").split(",") if value.strip()]
	for value in types:
		if value not in EVENT_TYPES:
			frappe.throw(_("eventType {0}: the app records {1}.").format(esc(value), ", ".join(EVENT_TYPES)))
	steps = {value.strip() for value in (biz_step or "").split(",") if value.strip()}
	lots = None
	if lot or epc_classes:
		lots = set(filter(None, [lot])) | lots_of_classes(epc_classes)
	warehouses = None
	if biz_location:
		warehouses = {warehouse_of(uri.strip()) for uri in biz_location.split(",") if uri.strip()}
	since = parse_time(since, "GE_eventTime")
	until = parse_time(until, "LT_eventTime")
	ids = identifiers()
	kinds = {"row_kinds": epcis.row_kinds(types, steps), "status_sources": None}
	if types or steps:
		kinds["status_sources"] = epcis.status_sources(types, steps)

	def sources_after(key, limit: int) -> list[tuple]:
		return epcis_queries.get_event_sources(
			lots=lots,
			companies=companies,
			warehouses=warehouses,
			since=since,
			until=until,
			after=key,
			limit=limit,
			**kinds,
		)

	events = []
	while True:
		sources = sources_after(after, per_page)
		if not sources:
			break
		by_document: dict[str, list[dict]] = {}  # each event names its document first
		for event in events_of(sources, lots, companies, warehouses):
			by_document.setdefault(event["bizTransactionList"][0]["bizTransaction"], []).append(event)
		for source in sources:
			_time, doctype, name = source
			found = [
				event
				for event in by_document.get(ids.document(doctype, name), ())
				if (not types or event["type"] in types) and (not steps or event.get("bizStep") in steps)
			]
			if events and len(events) + len(found) > per_page:
				return page(events, after)
			events += found
			after = source
		if len(sources) < per_page or len(events) >= per_page:
			break
	more = after is not None and bool(sources_after(after, 1))
	return page(events, after if more else None)


def page(events: list[dict], last: tuple | None) -> dict:
	document = {
		"@context": [epcis.CONTEXT],
		"type": "EPCISQueryDocument",
		"schemaVersion": epcis.SCHEMA_VERSION,
		"creationDate": epcis.event_time(now_datetime(), get_system_timezone())[0],
		"epcisBody": {
			"queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": events}}
		},
	}
	token = None if last is None else paging.encode((get_datetime(last[0]), last[1], last[2]), token_secret())
	return {"document": document, "nextPageToken": token}


def token_secret() -> bytes:
	"""The key page tokens are signed with: derived from the site's encryption key, for this use."""
	import hashlib

	from frappe.utils.password import get_encryption_key

	return hashlib.sha256(b"lot_traceability epcis page token\0" + get_encryption_key().encode()).digest()


def parse_token(token) -> tuple | None:
	"""The key (time, doctype, name) of a nextPageToken this query gave; anything else is refused."""
	if not token:
		return None
	try:
		return paging.decode(token, token_secret(), parts=2)
	except paging.PageTokenError:
		frappe.throw(_("nextPageToken {0} is not one this query gave.").format(bold(str(token)[:200])))


def parse_time(value, name: str) -> datetime | None:
	"""A query time as a local time of the site (an ISO time with an offset is converted)."""
	if not value:
		return None
	try:
		moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
	except ValueError:
		frappe.throw(
			_("{0}: {1} is not a date and time (ISO 8601, e.g. 2026-03-01T00:00:00+01:00).").format(
				esc(name), esc(value)
			)
		)
	if moment.tzinfo is not None:
		from zoneinfo import ZoneInfo

		moment = moment.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)
	return moment


def lots_of_classes(classes: str | None) -> set[str]:
	"""The lots named by these EPC class URIs (Digital Link GTIN + lot, or the private lot URI)."""
	ids = identifiers()
	found = set()
	for uri in (value.strip() for value in (classes or "").split(",") if value.strip()):
		lot = None
		if uri.startswith(f"{ids.resolver}/01/") and "/10/" in uri:
			lot = unquote(uri.split("/10/", 1)[1])
		elif uri.startswith(f"{ids.private_base}/lot/"):
			lot = unquote(uri.rsplit("/", 1)[1])
		if not lot:
			frappe.throw(_("MATCH_anyEPCClass: {0} names no lot of this site.").format(esc(uri)))
		found.add(lot)
	return found


def warehouse_of(uri: str) -> str:
	ids = identifiers()
	warehouse = None
	if uri.startswith(f"{ids.resolver}/414/"):
		warehouse = epcis_queries.get_warehouse_by_gln(uri.rsplit("/", 1)[1])
	elif uri.startswith(f"{ids.private_base}/location/"):
		warehouse = unquote(uri.rsplit("/", 1)[1])
	if not warehouse:
		frappe.throw(_("EQ_bizLocation: {0} names no warehouse of this site.").format(esc(uri)))
	return warehouse


def validate_gln(doc) -> None:
	"""A GLN typed on a warehouse, company, supplier or customer is 13 digits with its check digit."""
	gln = (doc.get("gln") or "").strip()
	if gln and not epcis.is_valid_gln(gln):
		frappe.throw(
			_(
				"{0} {1}: GLN {2} is not a GS1 Global Location Number (13 digits ending in their check digit)."
			).format(_(doc.doctype), bold(doc.name), bold(gln))
		)
	if doc.get("gln") is not None:
		doc.gln = gln or None
