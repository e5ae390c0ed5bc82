"""The generator's fast path: documents written as ERPNext writes them, by cloning a template.

The first document of each kind (receipt, manufacture, repack, delivery) is made by ERPNext's own
controllers; its rows in every stock table — Stock Entry / Delivery Note and their items, Serial and
Batch Bundle and Entry, Stock Ledger Entry — become the template. Each later document of that kind
is written as copies of those rows with only what differs recomputed: names and links, items, lots,
quantities, amounts, running balances (qty after transaction, stock value) and times. Batch
quantities and bins are brought up to date at the end. General Ledger entries are not written for
cloned documents (the stock side is complete; the accounts are not). Returns always go through the
controllers. `tests/test_scale.py` compares a fast-path history with the same plan made entirely
by the controllers, table by table.
"""

import copy
from collections import defaultdict
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

STOCK_TABLES = ("Serial and Batch Bundle", "Serial and Batch Entry", "Stock Ledger Entry")
VOUCHER_CHILD = {"Stock Entry": "Stock Entry Detail", "Delivery Note": "Delivery Note Item"}
RATE = 2.0  # every lot of a generated history is valued at this rate


def capture(voucher_type: str, voucher_no: str) -> dict:
	"""All rows a submitted voucher wrote to the stock tables, keyed by table."""
	child = VOUCHER_CHILD[voucher_type]
	bundles = frappe.get_all("Serial and Batch Bundle", filters={"voucher_no": voucher_no}, fields=["*"])
	return {
		voucher_type: frappe.get_all(voucher_type, filters={"name": voucher_no}, fields=["*"]),
		child: frappe.get_all(child, filters={"parent": voucher_no}, fields=["*"], order_by="idx"),
		"Serial and Batch Bundle": bundles,
		"Serial and Batch Entry": frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": ("in", [b.name for b in bundles] or [""])},
			fields=["*"],
			order_by="idx",
		),
		"Stock Ledger Entry": frappe.get_all(
			"Stock Ledger Entry", filters={"voucher_no": voucher_no}, fields=["*"]
		),
	}


class Template:
	"""One captured document, its rows sorted by role: 'out' (consumed / shipped) or 'in' (made / received)."""

	def __init__(self, voucher_type: str, rows: dict):
		self.voucher_type = voucher_type
		self.header = rows[voucher_type][0]
		child = VOUCHER_CHILD[voucher_type]
		self.rows, self.bundles, self.ledger = {}, {}, {}
		bundle_by_row = {b.voucher_detail_no: b for b in rows["Serial and Batch Bundle"]}
		sle_by_row = {s.voucher_detail_no: s for s in rows["Stock Ledger Entry"]}
		entries = defaultdict(list)
		for entry in rows["Serial and Batch Entry"]:
			entries[entry.parent].append(entry)
		for row in rows[child]:
			role = (
				"in" if (voucher_type == "Stock Entry" and row.t_warehouse and not row.s_warehouse) else "out"
			)
			self.rows.setdefault(role, row)
			bundle = bundle_by_row[row.name]
			self.bundles.setdefault(role, (bundle, entries[bundle.name][0]))
			self.ledger.setdefault(role, sle_by_row[row.name])


class BulkWriter:
	def __init__(self, company: str, warehouse: str):
		self.ledger_entries_written = 0
		self.company, self.warehouse = company, warehouse
		self.templates: dict[str, Template] = {}
		self.buffer: dict[str, list[dict]] = defaultdict(list)
		self.balance: dict[str, list[float]] = {}  # item -> [qty, value] in the warehouse
		self.touched_items: set[str] = set()
		self.lot_qty: dict[str, float] = defaultdict(float)
		self.stock_entries: list[str] = []  # written here, so without their genealogy hook

	# -- templates -------------------------------------------------------------------------
	def has_template(self, kind: str) -> bool:
		return kind in self.templates

	def learn(self, kind: str, voucher_type: str, voucher_no: str) -> None:
		self.templates[kind] = Template(voucher_type, capture(voucher_type, voucher_no))

	def start_balance(self, item: str) -> list[float]:
		if item not in self.balance:
			qty, value = frappe.db.get_value(
				"Bin", {"item_code": item, "warehouse": self.warehouse}, ["actual_qty", "stock_value"]
			) or (0, 0)
			self.balance[item] = [float(qty or 0), float(value or 0)]
		return self.balance[item]

	# -- documents -------------------------------------------------------------------------
	def stock_entry(self, kind: str, rows: list[tuple[str, str, str, float]]) -> str:
		"""rows: (role, item, batch, qty) with role 'out' for consumed lots and 'in' for made ones."""
		template = self.templates[kind]
		name = self.next_name(template.header)
		stamp = now_datetime()
		self.ledger_entries_written = 0
		out_value = sum(qty for role, *_, qty in rows if role == "out") * RATE
		in_value = sum(qty for role, *_, qty in rows if role == "in") * RATE
		self.stock_entries.append(name)
		header = self.clone(template.header, name=name, stamp=stamp)
		header.update(
			total_outgoing_value=out_value,
			total_incoming_value=in_value,
			value_difference=in_value - out_value,
		)
		self.buffer["Stock Entry"].append(header)
		finished_row = None
		written = []
		for idx, (role, item, batch, qty) in enumerate(rows, start=1):
			row = self.clone(template.rows[role], parent=name, stamp=stamp, idx=idx)
			row.update(
				self.item_fields(item), qty=qty, transfer_qty=qty, basic_amount=qty * RATE, amount=qty * RATE
			)
			if "batch_no" in row and template.rows[role].get("batch_no"):
				row["batch_no"] = batch
			if role == "in":
				finished_row = row["name"]  # ERPNext's finished row is the last one made
			self.buffer["Stock Entry Detail"].append(row)
			written.append((role, item, batch, qty, row))
		for role, item, batch, qty, row in written:
			bundle = self.write_bundle(template, role, item, {batch: qty}, name, row["name"], stamp)
			row["serial_and_batch_bundle"] = bundle
			dependant = (
				finished_row
				if role == "out" and template.ledger[role].get("dependant_sle_voucher_detail_no")
				else None
			)
			self.write_ledger(template, role, item, qty, name, row["name"], bundle, stamp, dependant)
			if role == "in":
				self.buffer["Stock Ledger Entry"][-1]["recalculate_rate"] = int(row["name"] == finished_row)
		return name

	def delivery_note(self, customer: str, rows: list[tuple[str, dict[str, float]]]) -> str:
		template = self.templates["delivery"]
		name = self.next_name(template.header)
		stamp = now_datetime()
		self.ledger_entries_written = 0
		total_qty = sum(sum(lots.values()) for _, lots in rows)
		header = self.clone(template.header, name=name, stamp=stamp)
		rate = template.rows["out"].rate
		total = total_qty * rate
		header.update(
			customer=customer,
			customer_name=customer,
			amount_eligible_for_commission=total,
			title=customer,
			total_qty=total_qty,
			**dict.fromkeys(
				("total", "base_total", "net_total", "base_net_total", "grand_total", "base_grand_total"),
				total,
			),
			**dict.fromkeys(("rounded_total", "base_rounded_total"), round(total)),
			**{
				field: frappe.utils.money_in_words(round(total), header.get("currency"))
				for field in ("in_words", "base_in_words")
				if field in header
			},
		)
		self.buffer["Delivery Note"].append(header)
		before = {item: self.start_balance(item)[0] for item, _ in rows}
		for idx, (item, lots) in enumerate(rows, start=1):
			qty = sum(lots.values())
			row = self.clone(template.rows["out"], parent=name, stamp=stamp, idx=idx)
			row.update(self.item_fields(item), qty=qty, stock_qty=qty)
			for field in ("amount", "base_amount", "net_amount", "base_net_amount", "stock_uom_rate"):
				if field in row and field.endswith("amount"):
					row[field] = qty * rate
			single = len(lots) == 1  # ERPNext keeps a single-lot row's lot on the row itself
			row["batch_no"] = next(iter(lots)) if single else None
			row["use_serial_batch_fields"] = int(single)
			row["actual_qty"] = before[item]  # ERPNext shows the stock before the whole note
			bundle = self.write_bundle(template, "out", item, lots, name, row["name"], stamp)
			row["serial_and_batch_bundle"] = bundle
			self.buffer["Delivery Note Item"].append(row)
			self.write_ledger(template, "out", item, qty, name, row["name"], bundle, stamp, None)
		return name

	# -- rows ------------------------------------------------------------------------------
	def write_bundle(self, template, role, item, lots, voucher_no, row_name, stamp) -> str:
		bundle_template, entry_template = template.bundles[role]
		name = frappe.generate_hash(length=20)
		total = sum(lots.values())
		bundle = self.clone(bundle_template, name=name, stamp=stamp)
		bundle.update(
			self.item_fields(item, with_description=False),
			voucher_no=voucher_no,
			voucher_detail_no=row_name,
			total_qty=total if role == "in" else -total,
			total_amount=total * RATE if role == "in" else -total * RATE,
		)
		bundle.pop("description", None)
		self.buffer["Serial and Batch Bundle"].append(bundle)
		for idx, (batch, qty) in enumerate(lots.items(), start=1):
			signed = qty if role == "in" else -qty
			entry = self.clone(entry_template, parent=name, stamp=stamp, idx=idx)
			entry.update(batch_no=batch, qty=signed, stock_value_difference=signed * RATE)
			self.buffer["Serial and Batch Entry"].append(entry)
			self.lot_qty[batch] += signed
		return name

	def write_ledger(self, template, role, item, qty, voucher_no, row_name, bundle, stamp, dependant) -> None:
		balance = self.start_balance(item)
		signed = qty if role == "in" else -qty
		balance[0] += signed
		balance[1] += signed * RATE
		# ERPNext writes a voucher's ledger entries one after another: the same posting time, creation
		# a moment apart, which is how the next entry finds the last balance (posting time, then
		# creation). Entries sharing one creation would tie there.
		entry = self.clone(template.ledger[role], stamp=stamp)
		entry["creation"] = entry["modified"] = stamp + timedelta(microseconds=self.ledger_entries_written)
		self.ledger_entries_written += 1  # counted per voucher
		entry.update(
			item_code=item,
			voucher_no=voucher_no,
			voucher_detail_no=row_name,
			serial_and_batch_bundle=bundle,
			dependant_sle_voucher_detail_no=dependant,
			actual_qty=signed,
			qty_after_transaction=balance[0],
			stock_value=balance[1],
			stock_value_difference=signed * RATE,
		)
		self.buffer["Stock Ledger Entry"].append(entry)
		self.touched_items.add(item)

	def item_fields(self, item: str, with_description: bool = True) -> dict:
		values = {"item_code": item, "item_name": item}
		if with_description:
			values["description"] = item
		return values

	def clone(self, template: dict, name: str | None = None, stamp=None, **fields) -> dict:
		row = copy.copy(dict(template))
		# 20 characters: with 10 (Frappe's length for child rows) two of a million rows share a name
		# about every other history
		row["name"] = name or frappe.generate_hash(length=20)
		stamp = stamp or now_datetime()
		row["creation"] = row["modified"] = stamp
		if "posting_time" in row:
			row["posting_date"] = stamp.date()
			row["posting_time"] = stamp.time()
		if "posting_datetime" in row:
			row["posting_datetime"] = stamp
		row.update(fields)
		return row

	def next_name(self, header: dict) -> str:
		"""The next name of the header's naming series, taken from the series counter as ERPNext does."""
		from frappe.model.naming import getseries

		prefix = header["name"].rstrip("0123456789")
		return prefix + getseries(prefix, len(header["name"]) - len(prefix))

	# -- writing ---------------------------------------------------------------------------
	def flush(self) -> None:
		for doctype, rows in self.buffer.items():
			if not rows:
				continue
			fields = list(rows[0].keys())
			frappe.db.bulk_insert(doctype, fields, [tuple(row.get(f) for f in fields) for row in rows])
			rows.clear()

	def finish(self) -> None:
		"""Bring the cached quantities ERPNext keeps (Batch qty, Bin) up to the written ledger."""
		self.flush()
		for batch, qty in self.lot_qty.items():
			frappe.db.sql("update `tabBatch` set batch_qty = batch_qty + %s where name = %s", (qty, batch))
		self.lot_qty.clear()
		from erpnext.stock.utils import get_or_make_bin

		for item in self.touched_items:
			qty, value = self.balance[item]
			bin_name = get_or_make_bin(item, self.warehouse)
			frappe.db.set_value(
				"Bin",
				bin_name,
				{"actual_qty": qty, "stock_value": value, "valuation_rate": RATE, "projected_qty": qty},
				update_modified=False,
			)
		self.touched_items.clear()
		self.balance.clear()  # controller-made documents may move these items next: read the bins again
