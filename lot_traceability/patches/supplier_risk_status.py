"""Existing sites quarantine the lots of risky suppliers from now on (Settings, editable)."""


def execute():
	from lot_traceability.install import set_default_supplier_risk_status

	set_default_supplier_risk_status()
