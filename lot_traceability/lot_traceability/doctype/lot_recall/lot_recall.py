# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

import zlib

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, now_datetime

from lot_traceability import access
from lot_traceability.bulk_rows import BulkChildTables
from lot_traceability.config import get_lot_status, get_settings
from lot_traceability.messages import Refused, bold, esc, problem_message
from lot_traceability.queries import locks as lock_queries
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import recall as recall_queries
from lot_traceability.recall import audit as recall_audit
from lot_traceability.recall import rows as recall_rows
from lot_traceability.recall.demand import release_demand
from lot_traceability.recall.scope import compute_scope, customer_companies, customer_products
from lot_traceability.recall.tasks import assign_recall_tasks
from lot_traceability.status_changes import change_lot_status
from lot_traceability.traceability import recall as core

# Above this many affected lots and customers, submitting runs as a background job (as ERPNext does
# for a Stock Reconciliation of over 100 rows). The scope's rows are written in bulk (`bulk_rows`):
# a recall of 4,000 lots and 2,000 customers submits within the request.
QUEUED_SUBMIT_ROWS = 20000
# The scope's tables: written in bulk, and shown in the form as paged lists (`get_recall_rows`)
# rather than sent whole with the form.
SCOPE_TABLES = ("affected_lots", "locations", "customers")
# Rounds of locking and reading a real recall's scope again before giving up (`before_submit`).
MAX_SCOPE_ROUNDS = 5


class LotRecall(BulkChildTables, Document):
	bulk_tables = SCOPE_TABLES
	bulk_tables_before_save = False  # nothing compares a recall's scope with its last save

	def validate(self):
		self.validate_sources()
		self.set_target_status()
		if self._action != "submit":
			self.capture_scope()
		elif self.is_mock and not self.scope_still_holds():
			self.capture_scope()  # a real recall's submit checks its scope locked (`before_submit`)
		if self.docstatus == 0:
			self.status = "Draft"

	def on_update(self):
		self.flags.scope_to_write = set()  # written by this save (`keep_bulk_table`)

	def onload(self):
		"""The form gets the scope's counts, not its rows: it pages through them (`get_recall_rows`).
		A submitted recall's figures, counts and actions are those of the companies the user may read
		(a draft is left whole: saving it must not drop the source lots of other companies)."""
		if self.docstatus == 1:
			recall_audit.within_walls(self, access.wall())
			if self.hidden:
				self.set_onload("hidden_note", access.hidden_note(self.hidden))
		self.set_onload("scope_rows", {table: len(self.get(table) or []) for table in SCOPE_TABLES})
		for table in SCOPE_TABLES:
			self.set(table, [])

	def keep_bulk_table(self, fieldname: str) -> bool:
		"""A save writes the scope's rows only when it computed them: a submit that found the saved
		scope still holding, or a change after submit, leaves them as they are (a form may even
		have been sent without them)."""
		return fieldname in (self.flags.scope_to_write or ())

	def bulk_docstatus_written_later(self, fieldname: str) -> bool:
		# a real recall's submit writes every affected lot's status after (`recall_lots`)
		return fieldname == "affected_lots" and self._action == "submit" and not self.is_mock

	def submit(self):
		rows = len(self.affected_lots) + len(self.customers)
		if rows <= QUEUED_SUBMIT_ROWS:
			return self._submit()
		frappe.msgprint(
			_(
				"Recall {0} reaches {1} lots and {2} customers: it is being submitted as a background job. Reload the form in a minute; should the job fail, a comment on the recall gives the error and the recall stays a draft."
			).format(bold(self.name), len(self.affected_lots), len(self.customers)),
			alert=True,
		)
		self.queue_action("submit", timeout=3600)

	def before_submit(self):
		if not self.is_mock:
			self.capture_scope_as_committed()

	def on_submit(self):
		if self.is_mock:
			self.db_set("status", "Drill")
			return
		self.recall_lots()
		release_demand(self)
		assign_recall_tasks(self)
		self.db_set("status", core.OPEN)
		self.update_containment(scope=self.flags.scope)

	def before_cancel(self):
		if not self.is_mock:
			frappe.throw(
				_(
					"Recall {0} cannot be cancelled: its lots were moved and its actions are on record. Close it when it is contained."
				).format(bold(self.name)),
				exc=Refused,
			)

	def on_cancel(self):
		self.db_set("status", "Cancelled")

	def validate_sources(self):
		if self.source_workstations and self.docstatus == 0:
			add_window_lots(self)
		seen = set()
		for row in self.source_lots:
			if row.batch in seen:
				frappe.throw(
					_("Row {0}: lot {1} is listed twice.").format(row.idx, bold(row.batch)), exc=Refused
				)
			seen.add(row.batch)
		if not self.source_lots and not self.supplier_lot_no:
			frappe.throw(_("Name the source lots of the recall, or a supplier lot no."), exc=Refused)

	def set_target_status(self):
		self.target_status = self.target_status or get_settings().recall_status or "Recalled"
		if get_lot_status(self.target_status).allows("shipment"):
			frappe.throw(
				_(
					"Lot Status {0} allows shipping: a recall must move lots to a status that holds them."
				).format(bold(self.target_status)),
				exc=Refused,
			)

	def capture_scope(self):
		"""Compute the whole scope now and keep it on the document, with the time it took."""
		started = now_datetime()
		scope = compute_scope(
			[row.batch for row in self.source_lots], self.supplier_lot_no, self.recall_date, with_demand=False
		)  # open demand is released at submit (`release_demand`), read then
		self.flags.scope = scope
		self.time_to_scope = round(scope.seconds, 3)
		self.scope_computed_on = started
		self.update(recall_rows.header_figures(scope.summary))
		tables = recall_rows.scope_rows(scope, customer_products(scope), customer_companies(scope))
		for table in SCOPE_TABLES:
			self.set(table, tables[table])
		self.set_source_lots(scope.roots)
		self.scope_fingerprint = self.fingerprint({lot.lot: lot.lot_status for lot in scope.lots})
		self.flags.scope_to_write = set(SCOPE_TABLES)

	def fingerprint(self, statuses: dict) -> str:
		"""What the scope of these lots (lot → its status) was computed from: the recall's own inputs
		(source lots, supplier lot no, recall date), the lots' statuses, their movements and the
		genealogy links from them."""
		inputs = frappe.as_json(
			[
				sorted(row.batch for row in self.source_lots),
				self.supplier_lot_no,
				str(self.recall_date),
				sorted((lot, status or "") for lot, status in statuses.items()),
			],
			indent=None,
		)
		return f"{zlib.crc32(inputs.encode())} {recall_queries.get_scope_fingerprint(statuses)}"

	def scope_lots(self) -> list[str]:
		"""The affected lots of the scope as saved (from the form's rows, or read when the form was
		sent without them)."""
		if self.scope_rows_in_memory():
			return [row.batch for row in self.affected_lots]
		return recall_queries.get_recall_lot_names(self.name)

	def scope_rows_in_memory(self) -> bool:
		"""Whether the scope's rows are on the document (computed, loaded), not left out of the form."""
		return bool(self.affected_lots) or not self.affected_lots_count or self.is_new()

	def scope_still_holds(self, lots: dict | None = None) -> bool:
		"""Whether the scope saved with the recall is still its scope: nothing it was computed from
		changed since (`fingerprint`). `lots`: the scope's lots as just read and locked (else read
		now). Inside `locking_reads`, as last committed. When it holds, the saved rows are in memory
		afterwards."""
		if lots is None:
			lots = lot_queries.get_lots(self.scope_lots())
		statuses = {name: lot.lot_status for name, lot in lots.items()}
		if not self.scope_fingerprint or not lots or self.fingerprint(statuses) != self.scope_fingerprint:
			return False
		self.load_scope_rows()
		return True

	def load_scope_rows(self):
		"""The scope's rows as saved, where the form was sent without them."""
		if self.scope_rows_in_memory():
			return
		for table in SCOPE_TABLES:
			self.set(table, recall_queries.get_recall_rows_of_table(self, table))

	def set_source_lots(self, roots):
		"""The lots the recall starts from, as the scope resolved them (the lots of a supplier lot no
		included), with their item, supplier lot no and status."""
		named = {row.batch for row in self.source_lots}
		details = lot_queries.get_lots(roots)
		for lot in roots:
			if lot not in named and lot in details:
				self.append("source_lots", {"batch": lot})
		for row in self.source_lots:
			record = details.get(row.batch)
			if record:
				row.update(
					{
						"item": record.item,
						"supplier_lot_no": record.supplier_lot_no,
						"lot_status": record.lot_status,
					}
				)

	def capture_scope_as_committed(self):
		"""A real recall decides what to hold: its scope is checked, or captured again, with its lots
		locked. The lots of the scope saved with the form are locked first (in name order, as every
		status change locks them): a delivery or production of one of them that is being submitted
		finishes first, and none can start until the recall has committed. What the saved scope was
		computed from is then read with locking reads, which see those last commits: if nothing
		changed (`scope_still_holds`), the saved scope is the scope. Otherwise it is read again;
		lots made meanwhile from affected lots join the scope, are locked, and the scope is read
		again, until it holds no lot that is not locked."""
		saved = set(self.scope_lots())
		lots = saved | {row.batch for row in self.source_lots}
		self.flags.locked_lots = lot_queries.get_lots(lots, for_update=True)  # read again at `recall_lots`
		locked = lots
		with lock_queries.locking_reads():
			if self.scope_still_holds(
				{lot: self.flags.locked_lots[lot] for lot in saved if lot in self.flags.locked_lots}
			):
				return  # nothing it was computed from moved since it was saved
			self.capture_scope()
		for _round in range(MAX_SCOPE_ROUNDS):
			lots = {row.batch for row in self.affected_lots} | {row.batch for row in self.source_lots}
			if lots <= locked:
				return
			self.flags.locked_lots.update(lot_queries.get_lots(lots - locked, for_update=True))
			locked |= lots
			with lock_queries.locking_reads():
				self.capture_scope()
		frappe.throw(
			_("The scope of recall {0} kept growing while it was submitted: submit it again.").format(
				bold(self.name)
			),
			exc=Refused,
		)

	def recall_lots(self):
		"""Move every affected lot to the recall status in one governed Lot Status Change."""
		target = self.target_status
		lots = {row.batch for row in self.affected_lots}
		locked = self.flags.locked_lots or {}
		current = (
			{lot: locked[lot] for lot in lots}  # read and locked by this submit (`before_submit`)
			if lots <= set(locked)
			else lot_queries.get_lots(lots, for_update=True)
		)
		moving, skipped = [], []
		terminal = {
			status
			for status in {lot.lot_status for lot in current.values()} - {None, ""}
			if get_lot_status(status).is_terminal
		}
		for row in self.affected_lots:
			status = (current.get(row.batch) or {}).get("lot_status")
			if status == target or status in terminal:
				skipped.append((row, status))
			else:
				moving.append(row)
		if moving:
			change = change_lot_status(
				[row.batch for row in moving],
				target,
				reason=_("Recall {0}: {1}").format(self.name, self.reason),
				reference_doctype=self.doctype,
				reference_name=self.name,
				source="Recall",
				by_system=True,
				locked_lots={row.batch: current[row.batch] for row in moving if row.batch in current},
			)
			self.db_set("status_change", change.name)
			self.add_action(
				"Lot Status Change",
				change.name,
				_("Lots moved"),
				_("{0} lots moved to {1}").format(len(moving), _(target)),
			)
		for row, status in skipped:
			self.add_action("Batch", row.batch, _("Not moved"), _("already {0}").format(_(status)))
		moved = {row.batch for row in moving}
		for row in self.affected_lots:
			row.status_after = (
				target if row.batch in moved else (current.get(row.batch) or {}).get("lot_status")
			)
		# every row (submitted with the recall), then those the recall did not move
		recall_queries.set_recall_lots_status_after(self.name, None, target, docstatus=self.docstatus)
		for row, status in skipped:
			recall_queries.set_recall_lots_status_after(self.name, [row.batch], status)

	def add_action(self, document_type, document, action, detail=""):
		row = self.append(
			"actions",
			{"document_type": document_type, "document": document, "action": action, "detail": detail},
		)
		row.db_insert()

	def returns_by_disposition_text(self, scope=None) -> str | None:
		"""The affected lots' customer returns since the recall date, summed per disposition (none
		where the scope of the recall's submit recovered nothing: submitted before any return)."""
		from lot_traceability.queries.returns import get_return_dispositions
		from lot_traceability.traceability.dispositions import by_disposition

		if scope is not None and not any(row.recovered_qty for row in scope.shipments):
			return None
		lots = [row.batch for row in self.affected_lots] or [row.batch for row in self.source_lots]
		totals = by_disposition(
			(row.disposition, row.qty) for row in get_return_dispositions(lots, since=self.recall_date)
		)
		return "\n".join(f"{_(disposition)}: {flt(qty)}" for disposition, qty in totals.items()) or None

	def update_containment(self, requested: str | None = None, scope=None) -> list:
		"""Refresh the containment figures from the ledger, and the status they (or a person) allow.
		Returns the problems that refused a requested status. `scope`: the one just captured at
		submit (a status change and cancelled reservations move no stock)."""
		if self.docstatus != 1 or self.is_mock:
			return []
		at_submit = scope
		if scope is None:
			lots, supplier_lot_no = recall_rows.scope_roots(self)
			scope = compute_scope(lots, supplier_lot_no, self.recall_date, with_demand=False)
		figures = core.containment(scope.shipments, scope.disposed_qty, scope.summary.on_hand_qty)
		status, problems = core.next_status(self.status, figures, requested)
		self.db_set(
			{
				"outstanding_qty": figures.outstanding_qty,
				"recovered_qty": figures.recovered_qty,
				"recovered_pct": figures.recovered_pct,
				"disposed_qty": figures.disposed_qty,
				"affected_on_hand_qty": figures.on_hand_qty,
				"containment_updated_on": now_datetime(),
				"returns_by_disposition": self.returns_by_disposition_text(at_submit),
				"status": status,
			}
		)
		if problems:
			frappe.throw(
				[problem_message(problem) for problem in problems],
				title=_("Recall {0} stays {1}").format(esc(self.name), _(status)),
				as_list=True,
				exc=Refused,
			)
		return problems


def add_window_lots(recall) -> None:
	"""The lots made or consumed on the recall's workstations during its window become source lots
	(`production_runs.window_runs`, within the user's company walls)."""
	from lot_traceability.production_runs import window_runs

	window = window_runs(
		[row.workstation for row in recall.source_workstations], recall.window_from, recall.window_to
	)
	named = {row.batch for row in recall.source_lots}
	for lot in window.lots:
		if lot not in named:
			recall.append("source_lots", {"batch": lot})
