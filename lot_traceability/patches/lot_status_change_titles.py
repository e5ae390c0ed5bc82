"""Lot Status Changes recorded before the list showed their lots: their lots summary and title."""

import frappe

from lot_traceability.lot_traceability.doctype.lot_status_change.lot_status_change import (
	SUMMARY_LOTS,
	summary,
)


def execute():
	rows = frappe.db.sql(
		"""select change_doc.name, change_doc.to_status, count(lot_row.name) as lots,
			substring_index(group_concat(lot_row.batch order by lot_row.idx separator '\n'), '\n', %(shown)s)
				as first_lots
		from `tabLot Status Change` change_doc
		join `tabLot Status Change Lot` lot_row
			on lot_row.parent = change_doc.name and lot_row.parenttype = 'Lot Status Change'
		where ifnull(change_doc.title, '') = ''
		group by change_doc.name, change_doc.to_status""",
		{"shown": SUMMARY_LOTS},
		as_dict=True,
	)
	for row in rows:
		first = row.first_lots.split("\n")
		lots_summary, title = summary(first + [""] * (row.lots - len(first)), row.to_status)
		frappe.db.set_value(
			"Lot Status Change",
			row.name,
			{"lots_summary": lots_summary, "title": title},
			update_modified=False,
		)
