"""`bench --site <site> lot-traceability …` commands."""

import click
from frappe.commands import get_site, pass_context


@click.group("lot-traceability")
def lot_traceability():
	"""Lot traceability: demo and scale data, genealogy and lot balances."""


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


@lot_traceability.command("generate")
@click.option(
	"--lots", type=int, default=1000, show_default=True, help="Lots to make (half of them received)."
)
@click.option("--depth", type=int, default=5, show_default=True, help="Production levels above the raw lots.")
@click.option("--deliveries", type=int, default=500, show_default=True)
@click.option("--customers", type=int, default=100, show_default=True)
@click.option(
	"--seed", type=int, default=1, show_default=True, help="Another seed makes another, separate history."
)
@click.option("--max-lots-per-row", type=int, default=5, show_default=True)
@click.option(
	"--return-every", type=int, default=50, show_default=True, help="Every n-th delivery gets a return."
)
@click.option("--raw-share", type=float, default=0.5, show_default=True, help="Share of the lots received.")
@click.option("--raw-qty", type=float, default=1000, show_default=True, help="Quantity of each received lot.")
@click.option(
	"--take-per-input", type=float, default=200, show_default=True, help="Most a production takes of one lot."
)
@click.option("--fan-in", type=int, default=3, show_default=True, help="Most input lots of a merge.")
@click.option(
	"--mixing", is_flag=True, help="Draw production inputs at random (wide traces, as blending plants have)."
)
@click.option("--slow", is_flag=True, help="Make every document through ERPNext's controllers.")
@pass_context
def generate(
	context, lots, depth, deliveries, customers, seed, max_lots_per_row, return_every, slow, **shape
):
	"""Make a large lot history through ERPNext's own documents (for benchmarks)."""
	import frappe

	from lot_traceability.demo.scale import generate as run

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		run(
			lots,
			depth,
			deliveries,
			customers=customers,
			seed=seed,
			fast=not slow,
			max_lots_per_row=max_lots_per_row,
			return_every=return_every,
			out=click.echo,
			**shape,
		)
	finally:
		frappe.destroy()


@lot_traceability.command("genealogy")
@click.option("--rebuild", is_flag=True, help="Replace every genealogy record by what the ledger says.")
@click.option("--check", "check_only", is_flag=True, help="Report records that differ from the ledger.")
@pass_context
def genealogy(context, rebuild=False, check_only=False):
	"""Rebuild or check the lot genealogy from the ledger."""
	import frappe

	from lot_traceability.genealogy import records as lineage

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		if rebuild:
			count = lineage.rebuild(out=click.echo)
			frappe.db.commit()
			click.echo(f"Rebuilt {count} genealogy records.")
		problems = lineage.check()
		for problem in problems[:50]:
			click.echo(problem)
		click.echo(f"{len(problems)} differences between the stored genealogy and the ledger.")
		if problems and check_only:
			raise SystemExit(1)
	finally:
		frappe.destroy()


@lot_traceability.command("runs")
@click.option(
	"--rebuild", is_flag=True, help="Replace every production run by what the Job Cards and entries say."
)
@click.option("--check", "check_only", is_flag=True, help="Report production runs that differ from them.")
@pass_context
def runs(context, rebuild=False, check_only=False):
	"""Rebuild or check the lots' production runs (Lot Production Run) against ERPNext's records."""
	from lot_traceability import production_runs as kept

	rebuild_or_check(
		context,
		kept,
		rebuild,
		check_only,
		kept.describe,
		"production runs differ from the Job Cards and entries.",
	)


@lot_traceability.command("balances")
@click.option("--rebuild", is_flag=True, help="Replace every kept lot balance by the ledger's figure.")
@click.option("--check", "check_only", is_flag=True, help="Report lot balances that differ from the ledger.")
@pass_context
def balances(context, rebuild=False, check_only=False):
	"""Rebuild or check the kept lot balances (Lot Balance) against the ledger."""
	from lot_traceability import balances as kept

	rebuild_or_check(
		context,
		kept,
		rebuild,
		check_only,
		lambda row: f"{row.batch} @ {row.warehouse}: kept {row.kept_qty}, ledger {row.ledger_qty}",
		"lot balances differ from the ledger.",
	)


@lot_traceability.command("lot-ledger")
@click.option("--rebuild", is_flag=True, help="Replace every kept lot ledger entry by the stock ledger's.")
@click.option(
	"--check", "check_only", is_flag=True, help="Report lot ledger entries that differ from the ledger."
)
@pass_context
def lot_ledger(context, rebuild=False, check_only=False):
	"""Rebuild or check the kept lot ledger (Lot Ledger Entry) against the stock ledger."""
	from lot_traceability import lot_ledger as kept

	rebuild_or_check(
		context,
		kept,
		rebuild,
		check_only,
		lambda row: f"{row.batch_no} / {row.voucher_no}: {row.problem}",
		"lot ledger entries differ from the stock ledger.",
	)


def rebuild_or_check(context, kept, rebuild: bool, check_only: bool, describe, summary: str) -> None:
	"""Rebuild a table the app keeps beside the ledger (`kept.rebuild`), then list where it differs
	from the ledger (`kept.differences`); with --check, differences fail the command."""
	import frappe

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		if rebuild:
			kept.rebuild(out=click.echo)
			frappe.db.commit()
		found = kept.differences()
		for row in found[:50]:
			click.echo(describe(row))
		click.echo(f"{len(found)} {summary}")
		if found and check_only:
			raise SystemExit(1)
	finally:
		frappe.destroy()


commands = [lot_traceability]
