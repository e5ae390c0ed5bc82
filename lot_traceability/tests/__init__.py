# Replica reads in the integration tier: the tests' documents are not committed, so a read replica
# (where the site has one) cannot see them. Every test reads the primary, but the replica test, which
# turns replica reads on for itself (`replica_reads`). Frappe switches to the replica in
# `frappe.connect_replica` (called by `frappe.read_only`); a request made by a test client re-reads
# the site config, so the switch is held here, in the module, rather than in `frappe.conf`.
replica_reads = {"on": False}
_connect_replica = None


def before_tests():
	"""ERPNext's own test setup (company, fiscal year, defaults): our tests post real stock documents.
	And replica reads off but for the replica test (above)."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	hold_replica_reads()


def hold_replica_reads() -> None:
	global _connect_replica
	import frappe

	if _connect_replica is None:
		_connect_replica = frappe.connect_replica
		frappe.connect_replica = lambda: _connect_replica() if replica_reads["on"] else False
