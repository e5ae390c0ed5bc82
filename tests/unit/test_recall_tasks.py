"""Who does what when a recall is submitted, company by company, and each customer's containment."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lot_traceability.traceability.recall import ShipmentRow, containment_by_customer, customers
from lot_traceability.traceability.recall_tasks import (
	HOLD_STOCK,
	INVESTIGATE,
	INVESTIGATE_COMPANY,
	NOTIFY_CUSTOMERS,
	Task,
	by_user,
	plan,
)

A, B = "Maker Inc", "Maker Retail"


def test_one_company_gets_one_task_of_each_kind_with_its_figures():
	tasks = plan([(A, "Stores", 40.0), (A, "Stores", 10.0), (A, "Quarantine", 5.0)], [A, A, A])
	assert tasks == [
		Task(HOLD_STOCK, A, qty=55.0, warehouses=2),
		Task(INVESTIGATE, None),
		Task(NOTIFY_CUSTOMERS, A, customers=3),
	]
	assert [task.role_setting for task in tasks] == [
		"recall_warehouse_role",
		"recall_quality_role",
		"recall_customer_service_role",
	]


def test_two_companies_each_get_their_part_and_quality_a_task_in_each():
	tasks = plan([(B, "Shop", 3.0), (A, "Stores", 7.0)], [A])
	assert tasks == [
		Task(HOLD_STOCK, A, qty=7.0, warehouses=1),
		Task(HOLD_STOCK, B, qty=3.0, warehouses=1),
		Task(INVESTIGATE_COMPANY, A),
		Task(INVESTIGATE_COMPANY, B),
		Task(NOTIFY_CUSTOMERS, A, customers=1),
	]


def test_a_scope_with_nothing_left_still_asks_quality_to_investigate():
	assert plan([], []) == [Task(INVESTIGATE, None)]


def test_users_limited_to_a_company_get_only_its_tasks_each_text_once():
	tasks = plan([(A, "Stores", 1.0), (B, "Shop", 1.0)], [])
	worded = [
		("Stock User", task, f"{task.kind} {task.company}") for task in tasks if task.kind == HOLD_STOCK
	]
	worded += [(None, Task(INVESTIGATE, None), "nobody holds this role")]
	worded += [("Stock User", tasks[0], f"{tasks[0].kind} {tasks[0].company}")]  # said twice
	found = by_user(
		worded,
		{"Stock User": ["anna@a", "ben@b", "cleo@all"]},
		{"anna@a": {A}, "ben@b": {B}, "cleo@all": None},
	)
	assert found == {
		"anna@a": [f"{HOLD_STOCK} {A}"],
		"ben@b": [f"{HOLD_STOCK} {B}"],
		"cleo@all": [f"{HOLD_STOCK} {A}", f"{HOLD_STOCK} {B}"],
	}


def row(customer, shipped=0.0, returned=0.0, recovered=0.0, lot="L1"):
	return ShipmentRow(
		customer, "Delivery Note", f"DN-{customer}-{lot}", lot, date(2026, 1, 5), shipped, returned, recovered
	)


def test_each_customers_outstanding_is_shipped_less_every_return():
	shipments = [
		row("North", shipped=10.0),
		row("North", returned=4.0, recovered=4.0, lot="L2"),  # returned after the recall
		row("South", shipped=6.0, returned=2.0),  # returned before the recall: nets the shipment
		row(None, shipped=3.0),  # no customer (an internal move): nobody's
	]
	contained = containment_by_customer(shipments)
	assert set(contained) == {"North", "South"}
	assert (contained["North"].shipped_qty, contained["North"].outstanding_qty) == (10.0, 6.0)
	assert (contained["South"].shipped_qty, contained["South"].outstanding_qty) == (4.0, 4.0)


@given(
	st.lists(
		st.tuples(
			st.sampled_from(["North", "South", "West"]),
			st.floats(0, 100),
			st.floats(0, 100),
			st.floats(0, 1),
		),
		max_size=12,
	)
)
def test_outstanding_per_customer_is_what_the_customer_row_says_is_still_out(rows):
	shipments = []
	for n, (customer, shipped, returned, recovered_share) in enumerate(rows):
		recovered = returned * recovered_share
		shipments.append(row(customer, shipped, returned, recovered, lot=f"L{n}"))
	contained = containment_by_customer(shipments)
	for customer in customers(shipments):
		expected = max(0.0, customer.shipped_qty - customer.returned_qty)
		assert abs(contained[customer.customer].outstanding_qty - expected) < 1e-6
