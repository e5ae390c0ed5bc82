"""Existing sites get the default people for the tasks of automatic holds (Quality Manager)."""


def execute():
	from lot_traceability.install import set_default_task_roles

	set_default_task_roles()
