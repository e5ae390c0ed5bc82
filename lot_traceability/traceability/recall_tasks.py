"""Who does what when a recall is submitted (pure): the plan of its tasks, company by company, and
who of the people holding each role gets which (the service words them and assigns them).

A lot that crossed our companies has stock (or customers) in each, and each company's people get
the part that is theirs: the warehouse role holds and segregates the stock on hand in its company,
the quality role investigates (one task, or one per company when several are concerned), customer
service notifies its company's customers. A user restricted to some companies gets only theirs; one
list of tasks per user."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HOLD_STOCK = "hold_stock"
INVESTIGATE = "investigate"  # the one quality task of a recall concerning one company
INVESTIGATE_COMPANY = "investigate_company"  # a quality task per company
NOTIFY_CUSTOMERS = "notify_customers"


@dataclass(frozen=True)
class Task:
	kind: str
	company: str | None
	qty: float = 0.0  # HOLD_STOCK: on hand in the company's warehouses
	warehouses: int = 0  # HOLD_STOCK: how many
	customers: int = 0  # NOTIFY_CUSTOMERS: how many

	@property
	def role_setting(self) -> str:
		"""The setting naming the role that does it."""
		if self.kind == HOLD_STOCK:
			return "recall_warehouse_role"
		if self.kind == NOTIFY_CUSTOMERS:
			return "recall_customer_service_role"
		return "recall_quality_role"


def plan(
	locations: Iterable[tuple[str | None, str | None, float]], customers: Iterable[str | None]
) -> list[Task]:
	"""The recall's tasks. `locations`: (company, warehouse, qty) of each stock row of the scope;
	`customers`: the company of each customer row."""
	stock: dict[str | None, list] = {}
	for company, warehouse, qty in locations:
		figures = stock.setdefault(company, [0.0, set()])
		figures[0] += qty or 0.0
		if warehouse:
			figures[1].add(warehouse)
	notified: dict[str | None, int] = {}
	for company in customers:
		notified[company] = notified.get(company, 0) + 1
	companies = sorted(company for company in set(stock) | set(notified) if company)
	tasks = [
		Task(HOLD_STOCK, company, qty=stock[company][0], warehouses=len(stock[company][1]))
		for company in sorted(stock, key=lambda company: company or "")
	]
	if len(companies) > 1:
		tasks += [Task(INVESTIGATE_COMPANY, company) for company in companies]
	else:
		tasks.append(Task(INVESTIGATE, None))
	tasks += [
		Task(NOTIFY_CUSTOMERS, company, customers=notified[company])
		for company in sorted(notified, key=lambda company: company or "")
	]
	return tasks


def by_user(
	tasks: Iterable[tuple[str | None, Task, str]],
	users_of_role: Mapping[str, Iterable[str]],
	companies_of_user: Mapping[str, set | None],
) -> dict[str, list[str]]:
	"""Each user's task texts, in plan order, each text once. `tasks`: (role, task, its text);
	`companies_of_user`: the companies a user is limited to (None or absent: all)."""
	found: dict[str, list[str]] = {}
	for role, task, text in tasks:
		if not role:
			continue
		for user in users_of_role.get(role, ()):
			allowed = companies_of_user.get(user)
			if task.company and allowed is not None and task.company not in allowed:
				continue
			texts = found.setdefault(user, [])
			if text not in texts:
				texts.append(text)
	return found
