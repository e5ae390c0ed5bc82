"""Desk scripts the walk through the demo found wanting: the genealogy page's find box (run with Node
where it is installed), the Lot Recall's notice button and the Batch form's Move dialog."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "lot_traceability"
SEARCH = APP / "public" / "js" / "genealogy_search.js"

NODES = [
	{"id": "DEMO-MILK-0001", "label": "DEMO-MILK-0001 · Milk Powder", "supplier_lot_no": "DC-5531"},
	{"id": "DEMO-CAKE-0001", "label": "DEMO-CAKE-0001 · Cake Mix"},
	{"id": "DEMO-CAKE-0002", "label": "DEMO-CAKE-0002 · Cake Mix"},
]


def match(query, nodes=NODES):
	node = shutil.which("node")
	if not node:
		pytest.skip("Node is not installed")
	script = (
		f"const {{ lot_genealogy_match }} = require({json.dumps(str(SEARCH))});"
		f"process.stdout.write(JSON.stringify(lot_genealogy_match({json.dumps(nodes)}, {json.dumps(query)})));"
	)
	return json.loads(subprocess.run([node, "-e", script], capture_output=True, check=True, text=True).stdout)


@pytest.mark.parametrize(
	("query", "found"),
	[
		("DEMO-CAKE-0002", "DEMO-CAKE-0002"),
		("demo-cake-0002", "DEMO-CAKE-0002"),  # any case
		("cake-0002", "DEMO-CAKE-0002"),  # part of a name
		("milk powder", "DEMO-MILK-0001"),  # part of a label
		("dc-55", "DEMO-MILK-0001"),  # part of a supplier lot no
		("  Cake-0001 ", "DEMO-CAKE-0001"),
		("cake", "DEMO-CAKE-0001"),  # several: the first in the graph's order
		("flour", None),
		("", None),
	],
)
def test_the_genealogy_find_box_is_case_insensitive_and_finds_part_of_a_name(query, found):
	assert match(query) == found


def test_a_whole_name_wins_over_a_name_it_is_part_of():
	nodes = [{"id": "LOT-10", "label": "LOT-10"}, {"id": "LOT-1", "label": "LOT-1"}]
	assert match("lot-1", nodes) == "LOT-1"


def test_the_genealogy_page_searches_once_per_value():
	page = (APP / "lot_traceability" / "page" / "lot_genealogy" / "lot_genealogy.js").read_text()
	assert "if (value === state.searched) return;" in page
	assert "state.searched = null; // a new drawing" in page


def test_the_customer_notice_button_opens_the_notice_letter():
	script = (APP / "lot_traceability" / "doctype" / "lot_recall" / "lot_recall.js").read_text()
	button = script[script.index('__("Customer Notice")') :][:700]
	assert 'format: "Lot Recall Customer Notice"' in button
	assert "/printview?" in button
	assert "route_options" not in button  # the print page does not read a format from them
	assert (APP / "lot_traceability" / "print_format" / "lot_recall_customer_notice").is_dir()


def test_the_move_dialog_offers_the_stock_companys_warehouses_not_groups():
	script = (APP / "public" / "js" / "batch.js").read_text()
	limit = script[script.index("function lot_traceability_limit_move_targets") :]
	assert "const filters = { is_group: 0, company: " in limit
	assert 'frappe.db.get_value("Warehouse", $(this).attr("data-warehouse"), "company")' in limit
	assert "lot_traceability_limit_move_targets(wrapper);" in script
