"""Compare two generated histories of the same plan (different name prefixes), table by table.

Names are replaced by their place in the history (the n-th Stock Entry, its k-th row, that row's
bundle …) and times are left out, so two histories match exactly when ERPNext's rows and the fast
path's rows carry the same values and the same links.
"""

import json

import frappe

from lot_traceability.demo.bulk import VOUCHER_CHILD, capture

VOLATILE = {
	"creation",
	"modified",
	"posting_date",
	"posting_time",
	"posting_datetime",
	"owner",
	"modified_by",
}


def vouchers(prefix: str) -> list[tuple[str, str]]:
	return [
		(row.voucher_type, row.voucher_no)
		for row in frappe.db.sql(
			"""select voucher_type, voucher_no, min(creation) as created from `tabStock Ledger Entry`
			where item_code like %s and is_cancelled = 0 group by voucher_type, voucher_no order by created""",
			f"{prefix}-%",
			as_dict=True,
		)
	]


def history(prefix: str) -> dict[str, dict[str, dict]]:
	tables: dict[str, list[dict]] = {}
	tokens: dict[str, str] = {}
	for number, (voucher_type, voucher_no) in enumerate(vouchers(prefix)):
		rows = capture(voucher_type, voucher_no)
		token = f"{voucher_type}#{number}"
		tokens[voucher_no] = token
		for row in rows[VOUCHER_CHILD[voucher_type]]:
			tokens[row.name] = f"{token}/row{row.idx}"
		for bundle in rows["Serial and Batch Bundle"]:
			tokens[bundle.name] = f"bundle of {tokens.get(bundle.voucher_detail_no)}"
		for entry in rows["Serial and Batch Entry"]:
			tokens[entry.name] = f"{tokens[entry.parent]}/entry{entry.idx}"
		for sle in rows["Stock Ledger Entry"]:
			tokens[sle.name] = f"ledger of {tokens.get(sle.voucher_detail_no)}"
		for table, table_rows in rows.items():
			tables.setdefault(table, []).extend(table_rows)
	tables["Batch"] = frappe.get_all("Batch", filters={"batch_id": ("like", f"{prefix}-%")}, fields=["*"])
	tables["Bin"] = frappe.get_all("Bin", filters={"item_code": ("like", f"{prefix}-%")}, fields=["*"])
	for row in tables["Bin"]:
		tokens[row.name] = f"bin of {row.item_code.replace(prefix + '-', 'P-')}"
	return {
		table: {
			tokens.get(row.name) or row.name.replace(f"{prefix}-", "P-"): json.loads(
				json.dumps(normalise(table, row, prefix, tokens), default=str)
			)
			for row in rows
		}
		for table, rows in tables.items()
	}


def normalise(table: str, row: dict, prefix: str, tokens: dict[str, str]) -> dict:
	out = {}
	for field, value in row.items():
		if field in VOLATILE or field.startswith("_"):
			continue
		if isinstance(value, str):
			value = tokens.get(value, value.replace(f"{prefix}-", "P-"))
		out[field] = value
	return out


def differences(prefix_a: str, prefix_b: str, limit: int = 10) -> list[str]:
	"""Rows (matched by their place in the history) whose values differ, and rows only one side has."""
	a, b = history(prefix_a), history(prefix_b)
	found = []
	for table in sorted(set(a) | set(b)):
		rows_a, rows_b = a.get(table, {}), b.get(table, {})
		for key in sorted(set(rows_a) ^ set(rows_b)):
			found.append(f"{table} {key}: only in {prefix_a if key in rows_a else prefix_b}")
		for key in sorted(set(rows_a) & set(rows_b)):
			left, right = rows_a[key], rows_b[key]
			fields = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
			if fields:
				found.append(
					f"{table} {key}: "
					+ ", ".join(f"{k}: {left.get(k)!r} vs {right.get(k)!r}" for k in fields)
				)
		if len(found) >= limit:
			return found[:limit]
	return found
