# Copyright (c) 2026, lot_traceability contributors
# For license information, please see license.txt

from frappe import _

from lot_traceability.genealogy.trace import checked_depth, trace_lot
from lot_traceability.messages import quantity
from lot_traceability.traceability.genealogy import FORWARD
from lot_traceability.traceability.recall import still_with_customers


def heading(way: str) -> str:
	return _("Used in") if way == FORWARD else _("Made from")


def execute(filters=None):
	filters = filters or {}
	if not filters.get("batch") and not filters.get("supplier_lot_no"):
		return get_columns(), [], _("Choose a lot or a supplier lot no to trace.")
	result = trace_lot(
		batch=filters.get("batch"),
		supplier_lot_no=filters.get("supplier_lot_no"),
		direction=filters.get("direction") or "Both",
		max_depth=checked_depth(filters.get("max_depth")),
	)
	message = _(
		"Traced Quantity: how much of the traced lot went into a lot it was used in, or how much of a "
		"lot it was made from went into it. Quantity Moved: what the receipt, production or delivery "
		"moved."
	)
	if result.get("hidden_note"):
		message = f"{message}<br>{result['hidden_note']}"
	return get_columns(), get_data(result), message, None, get_summary(result)


def get_columns():
	def col(fieldname, label, fieldtype="Data", width=120, options=None):
		column = {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width}
		if options:
			column["options"] = options
		return column

	document_type = col("document_type", _("Document Type"), "Data", 120)
	document_type["hidden"] = 1  # the relation says it (received, used in, delivered)
	return [
		col("relation", _("Relation"), "Data", 140),
		col("lot", _("Lot"), "Link", 230, "Batch"),
		col("supplier_lot_no", _("Supplier Lot No"), "Data", 130),
		col("item", _("Item"), "Link", 170, "Item"),
		col("document", _("Document"), "Dynamic Link", 190, "document_type"),
		col("posting_date", _("Date"), "Date", 110),
		col("party", _("Supplier / Customer / Company"), "Data", 180),
		col("uom", _("UOM"), "Link", 60, "UOM"),
		col("link_qty", _("Quantity Moved"), "Data", 120),
		col("qty", _("Traced Quantity"), "Data", 120),
		col("lot_status", _("Status"), "Link", 110, "Lot Status"),
		col("on_hand", _("On Hand"), "Float", 100),
		col("expiry_date", _("Expiry"), "Date", 110),
		document_type,
	]


def get_data(result):
	"""Each traced lot once, then what it was made from and what it was used in, each under its
	heading, every lot with the documents that received or delivered it."""
	rows = []
	roots = {way: root_map(found["nodes"]) for way, found in result["directions"].items()}
	for root in result["roots"]:
		root_node = None
		sections = []
		for way, found in result["directions"].items():
			nodes = [n for n in found["nodes"] if roots[way][n["lot"]] == root]
			root_node = root_node or next((n for n in nodes if n["depth"] == 0), None)
			sections.append(direction_rows(way, nodes, found))
		if root_node is None:
			continue
		rows.append({**lot_row(root_node, 0), "relation": _("Traced lot")})
		for section in sections:
			rows += section
	return rows


def lot_row(node, indent, link_uom=None, traced_uom=None):
	"""A lot's row. Its quantities are text with their units, which are not always the lot's own: a
	lot used in another is consumed in its own unit, and a forward trace follows the traced lot's."""
	own = node.get("uom")
	return {
		"lot": node["lot"],
		"supplier_lot_no": node.get("supplier_lot_no"),
		"item": node["item"],
		"lot_status": node["lot_status"],
		"uom": own,
		"qty": quantity(node["qty"], traced_uom or own),
		"link_qty": quantity(node["link_qty"], link_uom or own) if node["link_qty"] else None,
		"document_type": "Stock Entry" if node["voucher"] else None,
		"document": node["voucher"],
		"posting_date": node.get("posting_date"),
		"on_hand": node["on_hand"],
		"expiry_date": node["expiry_date"],
		"indent": indent,
	}


def direction_rows(way, nodes, found):
	"""Under a heading (indent 1): the lots of one direction (the traced lot's own receipts or
	deliveries first), each with its documents."""
	documents = {}
	for document in found["documents"]:
		documents.setdefault(document.batch_no, []).append(document)
	units = {node["lot"]: node.get("uom") for node in nodes}
	root_uom = next((node.get("uom") for node in nodes if not node["depth"]), None)
	rows = []
	for node in nodes:
		indent = node["depth"] + 1
		if node["depth"]:
			if way == FORWARD:  # the parent's quantity used, the traced lot's content
				row = lot_row(node, indent, units.get(node["parent"]), root_uom)
			else:
				row = lot_row(node, indent)
			rows.append({**row, "relation": heading(way)})
		for document in documents.get(node["lot"], []):
			rows.append(
				{
					"relation": relation(way, document),
					"uom": node.get("uom"),
					"link_qty": quantity(moved(way, document), node.get("uom")),
					"document_type": document.voucher_type,
					"document": document.voucher_no,
					"posting_date": document.posting_date,
					"party": document.party,
					"indent": indent + 1,
				}
			)
	if not rows:
		return []
	return [{"relation": heading(way), "indent": 1, "is_heading": 1}, *rows]


def relation(way, document) -> str:
	"""A delivery and a customer's return of it, a receipt and its return to the supplier, read apart."""
	if document.get("transfer"):
		return _("Transferred to") if document.qty < 0 else _("Transferred in")
	if way == FORWARD:
		return _("Delivered") if document.qty <= 0 else _("Returned")
	return _("Received") if document.qty >= 0 else _("Returned to Supplier")


def moved(way, document) -> float:
	"""The quantity a document moved, signed the way its relation reads: a delivery or a receipt
	positive, a return (by a customer, to a supplier) negative against it; a transfer what it sent."""
	if document.get("transfer"):
		return abs(document.qty)
	return -document.qty if way == FORWARD else document.qty


def shipped_figures(documents) -> dict[str, float]:
	"""What the deliveries shipped, what customers returned and what is still with them (lot
	quantities; transfers between our sites are neither)."""
	shipped = returned = 0.0
	for document in documents:
		if document.get("transfer"):
			continue
		if document.qty < 0:
			shipped -= document.qty
		else:
			returned += document.qty
	return {
		"shipped": shipped,
		"returned": returned,
		"outstanding": still_with_customers(shipped, returned, 0.0),
	}


def root_map(nodes) -> dict[str, str]:
	"""Lot → the traced lot it hangs under (nodes come depth first: a parent before its children)."""
	roots = {}
	for node in nodes:
		roots[node["lot"]] = roots[node["parent"]] if node["parent"] else node["lot"]
	return roots


def get_summary(result):
	summary = []
	for way, found in result["directions"].items():
		customers = {d.party for d in found["documents"] if d.party and not d.get("transfer")}
		summary.append(
			{
				"label": heading(way) + " — " + _("lots"),
				"value": found["lots"] - len(result["roots"]),
				"indicator": "blue",
			}
		)
		summary.append(
			{
				"label": _("Customers") if way == FORWARD else _("Suppliers"),
				"value": len(customers),
				"indicator": "orange" if way == FORWARD else "green",
			}
		)
		if way == FORWARD:
			figures = shipped_figures(found["documents"])
			summary += [
				{"label": _("Shipped"), "value": figures["shipped"], "indicator": "red", "datatype": "Float"},
				{
					"label": _("Returned"),
					"value": figures["returned"],
					"indicator": "green",
					"datatype": "Float",
				},
				{
					"label": _("Still with Customers"),
					"value": figures["outstanding"],
					"indicator": "red",
					"datatype": "Float",
				},
			]
	return summary
