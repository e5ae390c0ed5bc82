"""Company walls on every read of lots: which companies (and warehouses) the user may read, which
companies a lot belongs to, and what a trace or recall of a lot the user may read leaves out.

The user's companies and warehouses are Frappe's User Permissions on Company and Warehouse (those
that apply to every doctype, or to Batch or the stock ledger), with the descendants Frappe adds. A
user with none on Company reads every company; so do the Administrator and System Managers. A lot
belongs to the companies whose movements of it the kept lot ledger holds (a lot never moved: the
company of the document that made it; none known: every user may read it); the user may read a lot
of at least one of their companies.

Inside a trace or recall of a lot the user may read, a row of a company they may not read (a lot
none of whose companies they read, stock in a warehouse they may not read, a shipment, receipt or
customer of another company, and every quantity and value of those) is left out; the answer says
only how many rows of each kind were left out (`Hidden`)."""

from dataclasses import dataclass, field

import frappe
from frappe import _

from lot_traceability.config import check_lot_read
from lot_traceability.messages import Refused, RefusedPermission, bold
from lot_traceability.queries import access as access_queries
from lot_traceability.queries import lots as lot_queries

EVERY_COMPANY_ROLES = frozenset({"System Manager"})
# User Permissions for these doctypes (or for every doctype) wall the reads of lots
WALLED_DOCTYPES = frozenset({"Batch", "Stock Ledger Entry", "Lot Ledger Entry"})


def permitted_values(allow: str, user: str | None = None) -> frozenset[str] | None:
	"""The values of `allow` (Company, Warehouse) the user's User Permissions name (None: no such
	restriction, every one)."""
	user = user or frappe.session.user
	if user == "Administrator" or EVERY_COMPANY_ROLES & set(frappe.get_roles(user)):
		return None
	rows = [
		row
		for row in frappe.permissions.get_user_permissions(user).get(allow, [])
		if not row.get("applicable_for") or row.get("applicable_for") in WALLED_DOCTYPES
	]
	return frozenset(row.doc for row in rows) if rows else None


def readable_companies(user: str | None = None) -> frozenset[str] | None:
	"""The companies whose lots, stock and shipments the user may read (None: every company)."""
	return permitted_values("Company", user)


def readable_warehouses(user: str | None = None) -> frozenset[str] | None:
	"""The warehouses the user's Warehouse permissions name (None: no such restriction)."""
	return permitted_values("Warehouse", user)


def lot_companies(lots) -> dict[str, set[str]]:
	"""The companies each lot belongs to: those of its movements in the kept lot ledger, else (a lot
	never moved) the company of the document that made it, else none."""
	found = access_queries.get_lot_companies(lots)
	unmoved = [lot for lot, companies in found.items() if not companies]
	if unmoved:
		for lot, company in access_queries.get_reference_companies(unmoved).items():
			found[lot].add(company)
	return found


@dataclass
class Wall:
	"""What the current user may read: companies and warehouses (None: every one)."""

	companies: frozenset[str] | None
	warehouses: frozenset[str] | None
	warehouse_companies: dict = field(default_factory=dict)

	@property
	def open(self) -> bool:
		return self.companies is None and self.warehouses is None

	def reads_company(self, company: str | None) -> bool:
		return self.companies is None or not company or company in self.companies

	def reads_companies(self, companies) -> bool:
		"""A lot of these companies (none known: anyone's)."""
		return self.companies is None or not companies or bool(set(companies) & self.companies)

	def reads_warehouse(self, warehouse: str | None, company: str | None = None) -> bool:
		if self.open or not warehouse:
			return self.reads_company(company)
		if self.warehouses is not None and warehouse not in self.warehouses:
			return False
		if company is None:
			if warehouse not in self.warehouse_companies:
				self.warehouse_companies.update(access_queries.get_warehouse_companies([warehouse]))
			company = self.warehouse_companies.get(warehouse)
		return self.reads_company(company)

	def know_warehouses(self, warehouses) -> None:
		"""Read the companies of these warehouses at once (before asking of each)."""
		if self.open:
			return
		unknown = {name for name in warehouses if name and name not in self.warehouse_companies}
		self.warehouse_companies.update(access_queries.get_warehouse_companies(unknown))

	def readable_lots(self, lots) -> set[str]:
		"""The lots among these that belong to a company the user may read."""
		lots = {lot for lot in lots if lot}
		if self.companies is None:
			return lots
		return {lot for lot, companies in lot_companies(lots).items() if self.reads_companies(companies)}


def wall(user: str | None = None) -> Wall:
	return Wall(readable_companies(user), readable_warehouses(user))


def refuse_lot(lot: str, companies) -> None:
	frappe.throw(
		_("You may not read lot {0}: it belongs to company {1}, outside the companies you may read.").format(
			bold(lot), ", ".join(bold(company) for company in sorted(companies))
		),
		RefusedPermission,
		title=_("Not Permitted"),
	)


def check_lot_access(lot: str, walled: Wall | None = None) -> None:
	"""Refuse, naming the lot and its companies, a lot the user may not read."""
	check_lot_read(lot)
	walled = walled or wall()
	if walled.companies is None:
		return
	companies = lot_companies([lot]).get(lot) or set()
	if not walled.reads_companies(companies):
		refuse_lot(lot, companies)


def check_lots_access(lots, walled: Wall | None = None) -> None:
	"""Refuse the first of these lots the user may not read."""
	walled = walled or wall()
	for lot in lots:
		check_lot_access(lot, walled)


def check_warehouse_access(warehouse: str, walled: Wall | None = None) -> None:
	"""Refuse a warehouse the user may not read, naming it and its company."""
	walled = walled or wall()
	if walled.reads_warehouse(warehouse):
		return
	company = walled.warehouse_companies.get(warehouse)
	frappe.throw(
		_("You may not read warehouse {0} of company {1}: it is outside what you may read.").format(
			bold(warehouse), bold(company or "")
		),
		RefusedPermission,
		title=_("Not Permitted"),
	)


def check_company_access(company: str, walled: Wall | None = None) -> None:
	walled = walled or wall()
	if not walled.reads_company(company):
		frappe.throw(
			_("You may not read company {0}: it is outside the companies you may read.").format(
				bold(company)
			),
			RefusedPermission,
			title=_("Not Permitted"),
		)


def check_stock_access(company: str | None, warehouses) -> Wall:
	"""Refuse a company or any of these warehouses the user may not read (a walled user names the
	warehouses). Returns the user's wall."""
	walled = wall()
	if walled.open:
		return walled
	if company:
		check_company_access(company, walled)
	warehouses = [warehouses] if isinstance(warehouses, str) else [w for w in warehouses or () if w]
	if not warehouses:
		frappe.throw(_("Choose the warehouses to allocate from."), exc=Refused)
	for warehouse in warehouses:
		check_warehouse_access(warehouse, walled)
	return walled


def check_recall_access(recall, walled: Wall | None = None) -> Wall:
	"""A Lot Recall (loaded) the user may read: Frappe's read permission, and (a recall has no
	company) at least one of its source lots the user may read. Returns the user's wall."""
	recall.check_permission("read")
	walled = walled or wall()
	if walled.companies is None:
		return walled
	sources = [row.batch for row in recall.source_lots if row.batch]
	if not sources and recall.get("supplier_lot_no"):
		sources = lot_queries.get_lots_of_supplier_lot(recall.supplier_lot_no)
	companies = lot_companies(sources)
	if sources and not any(walled.reads_companies(found) for found in companies.values()):
		frappe.throw(
			_(
				"You may not read Lot Recall {0}: its lots {1} belong to company {2}, outside the "
				"companies you may read."
			).format(
				bold(recall.name),
				", ".join(bold(lot) for lot in sorted(sources)),
				", ".join(bold(c) for c in sorted({c for found in companies.values() for c in found})),
			),
			RefusedPermission,
			title=_("Not Permitted"),
		)
	return walled


KINDS = ("lots", "locations", "customers", "shipments", "documents", "actions")


def hidden_words(kind: str, count: int) -> str:
	one = count == 1
	return {
		"lots": _("1 lot") if one else _("{0} lots"),
		"locations": _("1 stock location") if one else _("{0} stock locations"),
		"customers": _("1 customer") if one else _("{0} customers"),
		"shipments": _("1 shipment") if one else _("{0} shipments"),
		"documents": _("1 receipt or delivery") if one else _("{0} receipts and deliveries"),
		"actions": _("1 action") if one else _("{0} actions"),
	}[kind].format(count)


def hidden_note(hidden: dict) -> str | None:
	"""The one line that says how many rows of each kind were left out (no names, no values)."""
	parts = [hidden_words(kind, hidden[kind]) for kind in KINDS if hidden.get(kind)]
	if not parts:
		return None
	listed = parts[0] if len(parts) == 1 else _("{0} and {1}").format(", ".join(parts[:-1]), parts[-1])
	return _("{0} at companies you may not read are not shown.").format(listed)


def hidden_counts(**counts) -> dict:
	"""The counts of rows left out, only the kinds with any."""
	return {kind: int(count) for kind, count in counts.items() if count}
