"""`bench --site <site> lot-traceability …` commands."""

import click
from frappe.commands import get_site, pass_context


@click.group("lot-traceability")
def lot_traceability():
	"""Lot traceability: demo data."""


@lot_traceability.command("demo")
@click.option("--remove", is_flag=True, help="Remove the demo companies and everything they hold.")
@pass_context
def demo(context, remove=False):
	"""Load the manufacturer and distributor demo stories (idempotent), or remove them."""
	import frappe

	from lot_traceability import demo as demo_data

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		if remove:
			demo_data.remove()
			frappe.db.commit()
			click.echo("Demo removed.")
			return
		made = demo_data.load()
		frappe.db.commit()
		click.echo("Demo already loaded: nothing to do." if made is None else f"Demo loaded: {made}")
	except Exception:
		frappe.db.rollback()
		raise
	finally:
		frappe.destroy()


commands = [lot_traceability]
