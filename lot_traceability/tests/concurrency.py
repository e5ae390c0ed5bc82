"""Two users at once, interleaved deterministically.

A `Connection` is a second (third …) user's database connection in a thread of its own, driven one
step at a time from the test: `call` runs a step and waits for it, `start` runs a step without
waiting, `wait_for_lock` returns once that connection's transaction is observed waiting for a lock
(read from InnoDB, not guessed by sleeping), `result` collects the step's outcome. A test can thus
put any two transactions in any order: one that read before the other committed, one that holds
its locks while the other tries, and so on.
"""

import queue
import re
import threading
import time

import frappe

LOCKING_READ = re.compile(r"for update|lock in share mode", re.IGNORECASE)
LOCKED_MS = 300


class StepFailed(Exception):
	pass


class Connection:
	def __init__(self, site: str, user: str = "Administrator", name: str = "second user"):
		self.name = name
		self._steps: queue.Queue = queue.Queue()
		self._results: queue.Queue = queue.Queue()
		self._thread = threading.Thread(target=self._serve, args=(site, user), daemon=True)
		self._thread.start()
		self.connection_id = self.call(lambda: frappe.db.sql("select connection_id()")[0][0])

	def _serve(self, site: str, user: str) -> None:
		frappe.init(site=site)
		frappe.connect()
		frappe.set_user(user)
		try:
			while True:
				step = self._steps.get()
				if step is None:
					break
				try:
					self._results.put((True, step()))
				except Exception as error:
					frappe.local.message_log = []
					self._results.put((False, error))
		finally:
			frappe.db.rollback()
			frappe.destroy()

	def start(self, step) -> None:
		"""Run `step` (a callable) in this connection without waiting for it."""
		self._steps.put(step)

	def result(self, timeout: float = 120):
		"""The outcome of the step started last: its value, or the exception it raised (returned)."""
		try:
			ok, value = self._results.get(timeout=timeout)
		except queue.Empty:
			raise StepFailed(f"{self.name}: no answer within {timeout} s") from None
		return value if ok else _Raised(value)

	def call(self, step, timeout: float = 120):
		"""Run `step` and wait for it; an exception it raised is raised here."""
		self.start(step)
		outcome = self.result(timeout)
		if isinstance(outcome, _Raised):
			raise outcome.error
		return outcome

	def commit(self) -> None:
		# a lambda: `frappe.db` must be looked up in this connection's thread, not the caller's
		self.call(lambda: frappe.db.commit())

	def rollback(self) -> None:
		self.call(lambda: frappe.db.rollback())

	def wait_for_lock(self, timeout: float = 60) -> None:
		"""Return once this connection is observed waiting for a row lock: it is inside a locking
		read (`for update`, `lock in share mode`) that has run for LOCKED_MS, which an unblocked
		locking read of a few rows never does. Read from the server's process list (the site's own
		connections are visible to it without extra privileges)."""
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			rows = frappe.db.sql(
				"""select info, time_ms from information_schema.processlist
				where id = %s and command = 'Query'""",
				self.connection_id,
			)
			if rows and LOCKING_READ.search(rows[0][0] or "") and rows[0][1] >= LOCKED_MS:
				return
			time.sleep(0.02)
		raise StepFailed(f"{self.name} did not wait for a lock within {timeout} s")

	def wait_until_blocked(self, timeout: float = 60) -> None:
		"""Return once this connection has been in one statement for LOCKED_MS, whatever the statement
		(an insert or update waiting for a row another transaction holds, which `wait_for_lock` does
		not recognise)."""
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			rows = frappe.db.sql(
				"""select time_ms from information_schema.processlist where id = %s and command = 'Query'""",
				self.connection_id,
			)
			if rows and rows[0][0] >= LOCKED_MS:
				return
			time.sleep(0.02)
		raise StepFailed(f"{self.name} did not wait within {timeout} s")

	def close(self) -> None:
		self._steps.put(None)
		self._thread.join(timeout=60)


class _Raised:
	def __init__(self, error: Exception):
		self.error = error

	def __repr__(self):
		return f"raised {self.error!r}"


def raised(outcome):
	"""The exception a step raised (from `Connection.result`), else None."""
	return outcome.error if isinstance(outcome, _Raised) else None
