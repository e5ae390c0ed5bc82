"""Reads of users by role."""

import frappe


def get_users_with_roles(roles) -> list[str]:
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	return (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(user.name)
		.distinct()
		.where(
			(has_role.parenttype == "User")
			& has_role.role.isin(list(roles))
			& (user.enabled == 1)
			& (user.user_type == "System User")
			& user.name.notin(["Administrator", "Guest"])
		)
		.run(pluck=True)
	)


def get_company_access(users) -> dict[str, set[str] | None]:
	"""The companies each user may see through Company user permissions (None: no such restriction,
	every company)."""
	found: dict[str, set[str] | None] = {user: None for user in users}
	if not found:
		return found
	for user, company in frappe.get_all(
		"User Permission",
		filters={"user": ("in", list(found)), "allow": "Company"},
		fields=["user", "for_value"],
		as_list=True,
	):
		if found[user] is None:
			found[user] = set()
		found[user].add(company)
	return found
