def before_tests():
	"""ERPNext's own test setup (company, fiscal year, defaults): our tests post real stock documents."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
