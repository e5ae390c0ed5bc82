"""The scope of a recall: every lot made from the source lots, where their stock is, what open
demand holds them, who received them and what it is worth. Feeds the Recall Impact report and the
Lot Recall document. The rules live in `traceability.recall`; this module reads and assembles."""

import time
from collections.abc import Iterator

import frappe
from frappe import _
from frappe.utils import flt, getdate

from lot_traceability import access
from lot_traceability.genealogy.trace import DEFAULT_DEPTH, as_date, end_documents, makes_lot, walks
from lot_traceability.messages import Refused, bold, quantity
from lot_traceability.queries import balances as balance_queries
from lot_traceability.queries import contacts as contact_queries
from lot_traceability.queries import demand as demand_queries
from lot_traceability.queries import items as item_queries
from lot_traceability.queries import ledger as ledger_queries
from lot_traceability.queries import lot_ledger as lot_ledger_queries
from lot_traceability.queries import lots as lot_queries
from lot_traceability.queries import recall as recall_queries
from lot_traceability.queries import vouchers as voucher_queries
from lot_traceability.queries import warehouses as warehouse_queries
from lot_traceability.recall.rows import CUSTOMER_FIGURE_FIELDS
from lot_traceability.traceability import recall as core
from lot_traceability.traceability.genealogy import BACKWARD, FORWARD, spread_forward
from lot_traceability.traceability.movements import INTERNAL_TRANSFER


def source_lots(batches=None, supplier_lot_no: str | None = None) -> list[str]:
	"""The recall's source lots: the lots named, and every lot of the supplier lot no."""
	if isinstance(batches, str):
		batches = frappe.parse_json(batches) if batches.strip().startswith("[") else [batches]
	lots = [lot for lot in (batches or []) if lot]
	missing = [lot for lot in lots if not frappe.db.exists("Batch", lot)]
	if missing:
		frappe.throw(
			_("Lot {0} does not exist.").format(", ".join(bold(lot) for lot in missing)),
			frappe.DoesNotExistError,
		)
	if supplier_lot_no:
		of_supplier_lot = lot_queries.get_lots_of_supplier_lot(supplier_lot_no)
		if not of_supplier_lot:
			frappe.throw(
				_("No lot carries supplier lot no {0}.").format(bold(supplier_lot_no)),
				frappe.DoesNotExistError,
			)
		lots += of_supplier_lot
	if not lots:
		frappe.throw(_("Choose the source lots of the recall, or a supplier lot no."), exc=Refused)
	return list(dict.fromkeys(lots))


def scope_sources(filters) -> tuple[list[str], str | None, str | None]:
	"""Source lots, supplier lot no and recall date from a report's filters: lots named (`batch`,
	`lots`), a supplier lot no, or a Lot Recall the user may read."""
	batches = filters.get("lots") or []
	if isinstance(batches, str):
		batches = frappe.parse_json(batches) if batches.strip().startswith("[") else [batches]
	if filters.get("batch"):
		batches = [filters.batch, *batches]
	if filters.get("lot_recall"):
		recall = frappe.get_doc("Lot Recall", filters.lot_recall)
		access.check_recall_access(recall)
		access.check_lots_access([lot for lot in batches if lot])
		batches += [row.batch for row in recall.source_lots]
		return batches, recall.supplier_lot_no, recall.recall_date
	check_sources(batches, filters.get("supplier_lot_no"))
	return batches, filters.get("supplier_lot_no"), filters.get("recall_date")


def workstation_sources(workstations, from_datetime, to_datetime, company: str | None = None):
	"""A recall's sources from an equipment window: the lots made on these workstations during
	[from, to) and the lots consumed there then (`production_runs.window_runs`, within the user's
	company walls). The window's `lots` go to `compute_scope` as the source lots."""
	from lot_traceability.production_runs import window_runs

	frappe.has_permission("Lot Production Run", "read", throw=True)
	if company:
		access.check_company_access(company)
	return window_runs(workstations, from_datetime, to_datetime, company=company)


def check_sources(batches=None, supplier_lot_no: str | None = None) -> None:
	"""Refuse, naming the lot, source lots the user may not read: each lot named, and a supplier lot
	no none of whose lots is of the user's companies."""
	walled = access.wall()
	if walled.companies is None:
		return
	if isinstance(batches, str):
		batches = frappe.parse_json(batches) if batches.strip().startswith("[") else [batches]
	named = [lot for lot in batches or () if lot and frappe.db.exists("Batch", lot)]
	access.check_lots_access(named, walled)
	if supplier_lot_no:
		lots = lot_queries.get_lots_of_supplier_lot(supplier_lot_no)
		if lots and not walled.readable_lots(lots):
			access.check_lot_access(lots[0], walled)


def within_walls(scope, walled=None) -> frappe._dict:
	"""The scope as the user may read it: the lots, stock, shipments, customers, open demand and
	receipts of companies (and warehouses) they may not read left out and their figures recomputed
	without them; `hidden` counts what was left out, `hidden_note` says it in one line."""
	walled = walled or access.wall()
	scope.hidden, scope.hidden_note = {}, None
	if walled.open:
		return scope
	shown = walled.readable_lots(lot.lot for lot in scope.lots)
	demand = [row for key in ("reservations", "pick_lists", "sales_orders") for row in scope.get(key) or ()]
	walled.know_warehouses({row.warehouse for row in [*scope.stock, *demand]})
	stock = [
		row for row in scope.stock if row.lot in shown and walled.reads_warehouse(row.warehouse, row.company)
	]
	companies = voucher_queries.get_voucher_companies(
		{(row.voucher_type, row.voucher_no) for row in [*scope.shipments, *scope.get("upstream", ())]}
	)
	shipments = [
		row
		for row in scope.shipments
		if row.lot in shown and walled.reads_company(companies.get((row.voucher_type, row.voucher_no)))
	]
	customers = core.customers(shipments)
	hidden = access.hidden_counts(
		lots=len(scope.lots) - len(shown),
		locations=len(
			{(r.company, r.warehouse) for r in scope.stock} - {(r.company, r.warehouse) for r in stock}
		),
		customers=len({c.customer for c in scope.customers} - {c.customer for c in customers}),
		shipments=len(
			{(r.voucher_type, r.voucher_no) for r in scope.shipments}
			- {(r.voucher_type, r.voucher_no) for r in shipments}
		),
	)
	scope.update(
		roots=[lot for lot in scope.roots if lot in shown],
		lots=[lot for lot in scope.lots if lot.lot in shown],
		stock=stock,
		shipments=shipments,
		customers=customers,
		summary=core.summarise(shown, stock, shipments),
		by_site=core.by_site(stock),
		contacts={c.customer: scope.contacts[c.customer] for c in customers if c.customer in scope.contacts},
	)
	documents = 0
	for key in ("reservations", "pick_lists", "sales_orders"):
		if key in scope:
			rows = [row for row in scope[key] if walled.reads_warehouse(row.warehouse)]
			documents += len({row.name for row in scope[key]} - {row.name for row in rows})
			scope[key] = rows
	if "upstream" in scope:
		rows = [
			row
			for row in scope.upstream
			if walled.reads_company(companies.get((row.voucher_type, row.voucher_no)))
		]
		documents += len(scope.upstream) - len(rows)
		scope.upstream = rows
	scope.hidden = access.hidden_counts(**hidden, documents=documents)
	scope.hidden_note = access.hidden_note(scope.hidden)
	return scope


def compute_scope(
	batches=None,
	supplier_lot_no: str | None = None,
	recall_date=None,
	max_depth: int = DEFAULT_DEPTH,
	with_demand: bool = True,
	with_contacts: bool = True,
) -> frappe._dict:
	"""Everything a recall needs to know, with the seconds it took (`seconds`). A report section that
	shows no open demand, upstream receipts or contacts can leave them out (`with_demand`,
	`with_contacts`)."""
	started = time.perf_counter()
	roots = source_lots(batches, supplier_lot_no)
	recall_date = getdate(recall_date) if recall_date else None
	traces = walks(roots, (FORWARD, BACKWARD) if with_demand else (FORWARD,), max_depth)
	forward = traces[FORWARD]
	lots = forward.lots
	# the shipments', makings', transfers' and write-offs' movements, not every movement of every lot
	# reached; the stock on hand from the kept balances
	figures = core.tally(
		read_moves(
			lot_ledger_queries.iter_lot_movements(
				lots, lot_ledger_queries.RECALL_FIELDS, lot_ledger_queries.ENDS_MAKINGS_AND_WRITE_OFFS
			)
		),
		recall_date,
		on_hand(lots),
	)
	made = figures.made
	content: dict[str, float] = {}
	for root in roots:
		for lot, qty in spread_forward(root, made.get(root, 0.0), forward.edges, made).items():
			content[lot] = content.get(lot, 0.0) + qty
	shares = core.shares({lot: content.get(lot, 0.0) for lot in lots}, made, roots)

	warehouses = warehouse_queries.get_warehouses({warehouse for warehouse, _lot in figures.balances})
	stock = core.stock_rows(
		figures,
		shares,
		{name: w.company for name, w in warehouses.items()},
		[name for name, w in warehouses.items() if w.in_transit],
	)
	set_stock_values(stock)
	shipped = core.shipment_rows(figures, shares)
	details = lot_queries.get_lot_details(lots)
	units = item_queries.get_item_names_and_units({d.get("item") for d in details.values()} - {None})
	scope = frappe._dict(
		roots=roots,
		recall_date=recall_date,
		lots=[
			frappe._dict(
				lot=lot,
				item=details.get(lot, {}).get("item"),
				item_name=details.get(lot, {}).get("item_name"),
				uom=units.get(details.get(lot, {}).get("item"), (None, None))[1],
				lot_status=details.get(lot, {}).get("lot_status"),
				level=forward.depth[lot],
				made_qty=made.get(lot, 0.0),
				traced_qty=content.get(lot, 0.0),
				share=shares.get(lot, 1.0),
			)
			for lot in lots
		],
		truncated=forward.truncated,
		stock=stock,
		shipments=shipped,
		customers=core.customers(shipped),
		summary=core.summarise(lots, stock, shipped),
		by_site=core.by_site(stock),
		disposed_qty=figures.disposed,
	)
	scope.contacts = customer_contacts(scope.customers) if with_contacts else {}
	if with_demand:
		scope.update(open_demand(lots, stock, details))
		scope.upstream = upstream(traces[BACKWARD])
	scope.seconds = time.perf_counter() - started
	return scope


def read_moves(ledger) -> Iterator[core.LotMove]:
	"""The kept lot ledger's rows (in `RECALL_FIELDS` order) as the core's movements, one at a time
	(without stock values: `set_stock_values`). A scope can hold tens of thousands."""
	selling_doctypes = set(ledger_queries.SELLING_DOCTYPES)
	dates: dict = {}  # a scope's rows share a few hundred posting dates
	for lot, voucher_type, voucher_no, posted, qty, purpose, party, warehouse, amount in ledger:
		qty = qty or 0.0
		posting_date = dates.get(posted)
		if posting_date is None and posted:
			posting_date = dates[posted] = as_date(posted)
		internal = purpose == INTERNAL_TRANSFER
		selling = voucher_type in selling_doctypes and not internal
		yield core.LotMove(
			lot,
			voucher_type,
			voucher_no,
			posting_date,
			warehouse,
			qty,
			0.0,
			party if selling else None,
			amount or 0.0,
			selling,
			makes_lot(voucher_type, purpose, qty),
			purpose == "Material Issue",
			party if internal else None,
			internal,
		)


def on_hand(lots) -> dict[tuple[str, str], float]:
	"""(warehouse, lot) → the quantity on hand there, from the kept balances (none at zero; inside
	`locking_reads`, as last committed)."""
	return {(warehouse, lot): float(qty) for lot, warehouse, qty in balance_queries.get_lots_on_hand(lots)}


def set_stock_values(stock) -> None:
	"""Value the stock left on hand from ERPNext's ledger (a repost can change stock values, so the
	kept lot ledger does not hold them): one read of the few lots that still have stock."""
	values = {
		(row.batch, row.warehouse): flt(row.stock_value)
		for row in balance_queries.get_ledger_lot_balances({row.lot for row in stock})
	}
	for row in stock:
		row.value = values.get((row.lot, row.warehouse), 0.0)


def customer_contacts(customers) -> dict[str, dict]:
	"""Each customer's name, contact, e-mail, phone and address: the customer's primary ones, else those
	of its latest Delivery Note (read only for customers that lack them)."""
	found = contact_queries.get_customer_contacts([c.customer for c in customers])
	deliveries = contact_queries.get_delivery_contacts(
		{
			c.last_delivery_note
			for c in customers
			if c.last_delivery_note and not has_contact(found.get(c.customer))
		}
	)
	contacts = {}
	for customer in customers:
		record = found.get(customer.customer) or frappe._dict()
		last = deliveries.get(customer.last_delivery_note) or frappe._dict()
		contacts[customer.customer] = frappe._dict(
			customer_name=record.get("customer_name") or customer.customer,
			contact=record.get("customer_primary_contact") or last.get("contact_person"),
			email=record.get("email_id") or last.get("contact_email"),
			phone=record.get("mobile_no") or last.get("contact_mobile"),
			address=record.get("customer_primary_address") or last.get("shipping_address_name"),
			address_display=record.get("primary_address") or last.get("shipping_address"),
		)
	with_phones(contacts.values())
	return contacts


def with_phones(contacts) -> None:
	"""A phone number for each contact without one: its contact's phone numbers (the primary first,
	then the contact's phone and mobile fields), else its address's phone."""
	contacts = [row for row in contacts if not row.phone]
	phones = contact_queries.get_contact_phones({row.contact for row in contacts})
	at_address = contact_queries.get_address_phones(
		{row.address for row in contacts if not phones.get(row.contact)}
	)
	for row in contacts:
		row.phone = phones.get(row.contact) or at_address.get(row.address)


def has_contact(record) -> bool:
	"""The customer record alone fills every contact column."""
	return bool(
		record
		and record.customer_primary_contact
		and record.email_id
		and record.mobile_no
		and record.customer_primary_address
		and record.primary_address
	)


def open_demand(lots, stock, details) -> dict:
	"""Reservations and open pick lists on the lots, and open Sales Order lines whose deliveries would
	draw on them (same item, from a warehouse that holds affected stock)."""
	pairs = {(details.get(row.lot, {}).get("item"), row.warehouse) for row in stock if not row.in_transit}
	return {
		"reservations": demand_queries.get_reservations(lots),
		"pick_lists": demand_queries.get_open_pick_lists(lots),
		"sales_orders": demand_queries.get_open_sales_order_lines(pairs),
	}


def upstream(backward) -> list:
	"""Receipts (with their suppliers) of the source lots and of every lot they were made from (the
	backward trace)."""
	rows = end_documents(lot_ledger_queries.get_lot_movements(backward.lots), set(backward.lots), BACKWARD)
	details = lot_queries.get_lot_details({row.batch_no for row in rows})
	units = item_queries.get_item_names_and_units({d.item for d in details.values() if d.item})
	for row in rows:
		row.item = details.get(row.batch_no, {}).get("item")
		row.uom = units.get(row.item, (None, None))[1]
	return rows


def scope_as_dict(scope) -> dict:
	"""The scope as plain JSON-ready data (the API's answer)."""
	from dataclasses import asdict

	def plain(row):
		data = asdict(row)
		for key, value in data.items():
			if isinstance(value, set):
				data[key] = sorted(value)
		return data

	return {
		"roots": scope.roots,
		"lots": scope.lots,
		"truncated": scope.truncated,
		"summary": asdict(scope.summary),
		"stock": [plain(row) for row in scope.stock],
		"customers": [{**plain(c), **scope.contacts.get(c.customer, {})} for c in scope.customers],
		"shipments": [plain(row) for row in scope.shipments],
		"reservations": scope.get("reservations", []),
		"pick_lists": scope.get("pick_lists", []),
		"sales_orders": scope.get("sales_orders", []),
		"upstream": scope.get("upstream", []),
		"seconds": round(scope.seconds, 4),
		"hidden": scope.get("hidden", {}),
		"hidden_note": scope.get("hidden_note"),
	}


def customer_products(scope) -> dict[str, str]:
	"""For each customer of the scope: every item it received from the affected lots, with those lots
	and the quantity delivered in the item's unit ("Cake Mix Classic (DEMO-CAKE-MIX) — lots …: 80 Kg")."""
	items = {lot.lot: lot.item for lot in scope.lots}
	names = item_queries.get_item_names_and_units({item for item in items.values() if item})
	received: dict[str, dict[str, list]] = {}
	for row in scope.shipments:
		if not row.customer or not row.shipped_qty:
			continue
		item = items.get(row.lot)
		entry = received.setdefault(row.customer, {}).setdefault(item, [set(), 0.0])
		entry[0].add(row.lot)
		entry[1] += row.shipped_qty
	found = {}
	line = _("{0} ({1}) — lots {2}: {3}")  # translated once: thousands of customers
	units = {uom: _(uom) for _name, uom in names.values() if uom}  # and each unit once
	for customer, by_item in received.items():
		lines = []
		for item, (lots, qty) in sorted(by_item.items(), key=lambda pair: pair[0] or ""):
			name, uom = names.get(item, (item, ""))
			text = quantity(qty)
			lines.append(
				line.format(name, item, ", ".join(sorted(lots)), f"{text} {units[uom]}" if uom else text)
			)
		found[customer] = "\n".join(lines)
	return found


def customer_companies(scope) -> dict[str, str]:
	"""The company that last delivered to each customer of the scope: the sender of its notice."""
	latest: dict[str, tuple] = {}
	for row in scope.shipments:
		if row.customer and row.shipped_qty:
			key = (row.posting_date or getdate("1900-01-01"), row.voucher_no)
			if row.customer not in latest or key > latest[row.customer][0]:
				latest[row.customer] = (key, row.voucher_type, row.voucher_no)
	companies = voucher_queries.get_voucher_companies({(t, n) for _key, t, n in latest.values()})
	return {customer: companies.get((t, n)) for customer, (_key, t, n) in latest.items()}


# The form's paged list of a recall's customers: who, how to reach them, the recall's figures of each
# (`recall.rows.CUSTOMER_FIGURES`) and the lots they received.
CUSTOMER_LIST_FIELDS = (
	"customer",
	"customer_name",
	"company",
	"email",
	"phone",
	*CUSTOMER_FIGURE_FIELDS,
	"lots",
)


def readable_recall_rows(
	recall, table: str, start: int, page_length: int, search: str | None, after: int | None = None
) -> dict:
	"""One page of a recall's scope table (affected lots, stock locations or customers) as the user
	may read it: the rows of companies and warehouses they may not read left out and counted."""
	walled = access.check_recall_access(recall)
	within = {}
	if not walled.open:
		if table == "affected_lots":
			lots = walled.readable_lots(recall_queries.get_recall_lot_names(recall.name))
			within["batch"] = ("in", sorted(lots) or [""])
		elif walled.companies is not None:
			within["company"] = ("in", sorted(walled.companies))
		if table == "locations" and walled.warehouses is not None:
			within["warehouse"] = ("in", sorted(walled.warehouses))
	rows, total, last = recall_queries.get_recall_rows(
		recall.name,
		table,
		start,
		page_length,
		search,
		within,
		after,
		fields=CUSTOMER_LIST_FIELDS if table == "customers" else None,
	)
	hidden = {}
	if within:
		every = recall_queries.get_recall_rows(recall.name, table, 0, 1, search)[1]
		kind = {"affected_lots": "lots", "locations": "locations"}.get(table, "customers")
		hidden = access.hidden_counts(**{kind: every - total})
	return {
		"rows": rows,
		"total": total,
		"after": last,
		"hidden": hidden,
		"hidden_note": access.hidden_note(hidden),
	}
