"""Bounded requests: the EPCIS query reads by key and pushes its filters into the read (a filter
nothing matches answers with one read, however many events the site holds); every trace, recall
scope and graph walks 1 to 50 levels; company-wide downloads of long date ranges are made in the
background and the file is handed to the user who asked."""

import json
from contextlib import contextmanager
from unittest.mock import patch

import frappe
from frappe.utils import add_days, nowdate

from lot_traceability import api, demo
from lot_traceability.benchmarks.epcis_query import add_synthetic_deliveries
from lot_traceability.exports import jobs as export_jobs
from lot_traceability.tests.utils import AsAdministrator, demo_milk_and_cakes, make_user
from lot_traceability.traceability.genealogy import MAX_DEPTH

SYNTHETIC_EVENTS = 100_000
PREFIX = "LT-BOUNDS-"
OUTSIDER = "lt-bounds-retail@example.com"
RETAIL = "Demo Specialty Foods Retail"


@contextmanager
def statements():
	"""The SQL statements run inside the block, as (query, values)."""
	seen, sql = [], frappe.db.sql

	def spy(query, values=(), *args, **kwargs):
		seen.append((str(query), values))
		return sql(query, values, *args, **kwargs)

	with patch.object(frappe.db, "sql", spy):
		yield seen


def ledger_rows_read(query: str, values) -> int:
	"""Rows the server read from the lot ledger running this statement (MariaDB's ANALYZE)."""
	plan = json.loads(frappe.db.sql("analyze format=json " + query, values)[0][0])
	found = []

	def walk(node):
		if isinstance(node, dict):
			table = node.get("table")
			if isinstance(table, dict) and table.get("table_name") == "l":
				found.append(float(table.get("r_rows") or 0) * float(table.get("r_loops") or 1))
			for value in node.values():
				walk(value)
		elif isinstance(node, list):
			for value in node:
				walk(value)

	walk(plan)
	return int(sum(found))


class TestEpcisQueryBounds(AsAdministrator):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()

	def test_a_filter_nothing_matches_answers_with_one_read_over_a_hundred_thousand_events(self):
		add_synthetic_deliveries(SYNTHETIC_EVENTS, prefix=PREFIX)  # undone with the test
		self.assertGreaterEqual(
			frappe.db.count("Lot Ledger Entry", {"voucher_no": ("like", f"{PREFIX}%")}), SYNTHETIC_EVENTS
		)
		# nothing on the site is disassembled
		self.assertFalse(frappe.db.exists("Lot Ledger Entry", {"purpose": "Disassemble"}))
		with statements() as seen:
			answer = api.epcis_events(EQ_bizStep="disassembling", perPage=10)
		events = answer["document"]["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
		self.assertEqual(events, [])
		self.assertIsNone(answer["nextPageToken"])
		reads = [(query, values) for query, values in seen if "`tabLot Ledger Entry`" in query]
		self.assertEqual(len(reads), 1, reads[:2])
		self.assertNotIn("offset", " ".join(query.lower() for query, _values in seen))
		query, values = reads[0]
		self.assertLess(ledger_rows_read(query, values), 1000)

		# the synthetic shipments page by key: a page after the first reads from its last document on
		first = api.epcis_events(EQ_bizStep="shipping", perPage=100)
		self.assertTrue(first["nextPageToken"].startswith("1."))
		with statements() as seen:
			second = api.epcis_events(
				EQ_bizStep="shipping", perPage=100, nextPageToken=first["nextPageToken"]
			)
		self.assertNotIn("offset", " ".join(query.lower() for query, _values in seen))
		ids = lambda answer: [  # noqa: E731
			event["eventID"]
			for event in answer["document"]["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
		]
		self.assertEqual(len(ids(second)), 100)
		self.assertFalse(set(ids(first)) & set(ids(second)))
		self.assertTrue(
			all(
				event["bizStep"] == "shipping"
				for event in second["document"]["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
			)
		)

	def test_a_forged_page_token_is_refused(self):
		token = api.epcis_events(perPage=1)["nextPageToken"]
		version, payload, signature = token.split(".")
		forged = f"{version}.{payload[:-2]}AA.{signature}"
		with self.assertRaisesRegex(
			frappe.ValidationError, "nextPageToken <strong>.*</strong> is not one this query gave"
		):
			api.epcis_events(nextPageToken=forged)
		with self.assertRaisesRegex(
			frappe.ValidationError,
			"nextPageToken <strong>&lt;b&gt;x&lt;/b&gt;</strong> is not one this query gave",
		):
			api.epcis_events(nextPageToken="<b>x</b>")


class TestDepthLimit(AsAdministrator):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()
		cls.milk, _cakes = demo_milk_and_cakes()

	def test_the_api_walks_one_to_fifty_levels(self):
		self.assertIn(self.milk, api.get_lot_trace(batch=self.milk, max_depth=MAX_DEPTH)["roots"])
		self.assertTrue(api.get_recall_impact(batches=self.milk, max_depth=1))
		for method in (
			lambda depth: api.get_lot_trace(batch=self.milk, max_depth=depth),
			lambda depth: api.get_recall_impact(batches=self.milk, max_depth=depth),
		):
			with self.assertRaisesRegex(
				frappe.ValidationError, "Depth 500 is over the limit of 50 levels: trace at most 50 levels"
			):
				method(500)
			with self.assertRaisesRegex(frappe.ValidationError, "Depth 51 is over the limit of 50 levels"):
				method("51")
			with self.assertRaisesRegex(frappe.ValidationError, "Depth 0 is under 1 level"):
				method(0)
			with self.assertRaisesRegex(frappe.ValidationError, "Depth -3 is under 1 level"):
				method(-3)

	def test_the_reports_walk_one_to_fifty_levels(self):
		from lot_traceability.lot_traceability.report.lot_trace.lot_trace import execute as lot_trace
		from lot_traceability.lot_traceability.report.recall_impact.recall_impact import execute as impact

		self.assertTrue(lot_trace({"batch": self.milk, "max_depth": "50"})[1])
		self.assertTrue(lot_trace({"batch": self.milk})[1])  # no levels chosen: the default
		self.assertTrue(impact({"batch": self.milk, "section": "Affected Lots", "max_depth": "3"})[1])
		for report, filters in (
			(lot_trace, {"batch": self.milk}),
			(impact, {"batch": self.milk, "section": "Affected Lots"}),
		):
			with self.assertRaisesRegex(frappe.ValidationError, "Depth 100 is over the limit of 50 levels"):
				report({**filters, "max_depth": "100"})
			with self.assertRaisesRegex(frappe.ValidationError, "Depth 0 is under 1 level"):
				report({**filters, "max_depth": "0"})
			with self.assertRaisesRegex(
				frappe.ValidationError, "Depth <strong>&lt;x&gt;</strong> is not a whole number of levels"
			):
				report({**filters, "max_depth": "<x>"})

	def test_the_walk_itself_refuses_a_depth_over_the_limit(self):
		from lot_traceability.genealogy.graph import graph_of
		from lot_traceability.recall.scope import compute_scope

		with self.assertRaisesRegex(frappe.ValidationError, "Depth 60 is over the limit of 50 levels"):
			graph_of(self.milk, max_depth=60)
		with self.assertRaisesRegex(frappe.ValidationError, "Depth 99 is over the limit of 50 levels"):
			compute_scope([self.milk], max_depth=99)


class TestBackgroundDownloads(AsAdministrator):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		demo.load()
		frappe.db.commit()
		make_user(OUTSIDER, ["Stock User"])
		if not frappe.db.exists("User Permission", {"user": OUTSIDER, "allow": "Company"}):
			frappe.get_doc(
				{"doctype": "User Permission", "user": OUTSIDER, "allow": "Company", "for_value": RETAIL}
			).insert(ignore_permissions=True)
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		frappe.local.response.pop("type", None)
		frappe.local.response.pop("filecontent", None)

	def long_range(self) -> dict:
		return {"from_date": add_days(nowdate(), -export_jobs.MAX_DAYS), "to_date": nowdate()}

	def run_enqueued(self, enqueue) -> str:
		"""Run the job as the worker would, from what the request enqueued."""
		enqueue.assert_called_once()
		args, kwargs = enqueue.call_args
		self.assertEqual(args, ("lot_traceability.exports.jobs.run",))
		self.assertEqual(kwargs["queue"], "long")
		job = {key: kwargs[key] for key in ("kind", "scope", "user")}
		return export_jobs.run(**job)

	def test_a_long_epcis_range_is_made_in_the_background_and_notified(self):
		with patch("frappe.enqueue") as enqueue:
			answer = api.download_epcis(company=RETAIL, **self.long_range())
		self.assertTrue(answer["job_id"].startswith("lot_traceability_export_"))
		self.assertIn("spans more than 366 days, so it is being made in the background", answer["message"])
		self.assertNotEqual(frappe.local.response.get("type"), "download")
		self.assertEqual(enqueue.call_args.kwargs["job_id"], answer["job_id"])
		before = frappe.db.count("Notification Log", {"for_user": "Administrator"})
		name = self.run_enqueued(enqueue)
		file = frappe.get_doc("File", name)
		self.assertEqual(
			(file.is_private, file.attached_to_doctype, file.attached_to_name), (1, "User", "Administrator")
		)
		self.assertTrue(file.file_name.startswith(f"EPCIS {RETAIL}"))
		document = json.loads(file.get_content())
		self.assertEqual(document["type"], "EPCISDocument")
		self.assertTrue(document["epcisBody"]["eventList"])
		self.assertEqual(frappe.db.count("Notification Log", {"for_user": "Administrator"}), before + 1)
		notice = frappe.get_last_doc("Notification Log", {"for_user": "Administrator"})
		self.assertIn("Your EPCIS download is ready", notice.subject)
		self.assertIn(f'href="{file.file_url}"', notice.subject)
		self.assertEqual((notice.document_type, notice.document_name), ("File", name))

	def test_a_long_fsma204_range_is_made_in_the_background_as_the_user_who_asked(self):
		contents = {}
		for user in ("Administrator", OUTSIDER):
			frappe.set_user(user)
			with patch("frappe.enqueue") as enqueue:
				answer = api.download_fsma204(
					file_format="csv", **self.long_range()
				)  # every readable company
			self.assertIn("job_id", answer)
			frappe.set_user("Administrator")  # the worker's own user, as the job starts
			name = self.run_enqueued(enqueue)
			file = frappe.get_doc("File", name)
			self.assertEqual(
				(file.is_private, file.attached_to_doctype, file.attached_to_name), (1, "User", user)
			)
			self.assertTrue(file.file_name.endswith(".csv"))
			content = file.get_content()
			contents[user] = content.decode() if isinstance(content, bytes) else content
			self.assertTrue(frappe.db.exists("Notification Log", {"for_user": user, "document_name": name}))
		self.assertIn("Demo Food Ingredients", contents["Administrator"])
		self.assertNotIn("Demo Food Ingredients", contents[OUTSIDER])  # read as the user who asked

	def test_a_short_range_downloads_at_once_and_a_forbidden_company_is_refused_at_once(self):
		with patch("frappe.enqueue") as enqueue:
			api.download_epcis(
				company=RETAIL, from_date=add_days(nowdate(), -(export_jobs.MAX_DAYS - 1)), to_date=nowdate()
			)
			self.assertEqual(frappe.local.response["type"], "download")
			frappe.set_user(OUTSIDER)
			with self.assertRaisesRegex(
				frappe.PermissionError, "You may not read the stock of <strong>Demo Food Ingredients</strong>"
			):
				api.download_fsma204(company="Demo Food Ingredients", **self.long_range())
		enqueue.assert_not_called()
