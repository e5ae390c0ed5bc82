"""Every value quoted in a message is escaped: the desk renders server messages as HTML, so a lot id
or a filter value holding `<img src=x onerror=…>` must reach it as text. Messages quote values
through `lot_traceability.messages.bold` / `esc`; read from the source, as the layer test reads it."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "lot_traceability"
HELPERS = APP / "messages.py"

# calls whose result is text that cannot carry markup from data: the escaping helpers, translations
# of the app's own words, numbers, dates and the app's own wording functions
SAFE_CALLS = {
	"bold",
	"esc",
	"_",
	"_n",
	"quantity",
	"document_label",
	"movement_label",
	"movement_phrase",
	"problem_message",
	"format",  # frappe.format of a number
	"format_date",
	"formatdate",
	"format_datetime",
	"flt",
	"cint",
	"int",
	"len",
	"min",
	"max",
	"round",
	"get_label",  # a field's label, the app's own words
	"missing_words",  # document kinds, the app's own words
	"get_desk_link",  # a link to a document whose name the app numbers (LR-00001)
}
# attributes and names that hold numbers or dates (row positions, quantities, counts, date ranges)
NUMBERS = {
	"idx",
	"qty",
	"cap_qty",
	"on_hand",
	"available",
	"wanted",
	"count",
	"days",
	"until",
	"since",
	"depth",
}
MESSAGE_CALLS = {"throw", "msgprint"}


def _name(node) -> str | None:
	if isinstance(node, ast.Name):
		return node.id
	if isinstance(node, ast.Attribute):
		return node.attr
	return None


def _is_frappe_call(node, names) -> bool:
	func = node.func
	return (
		isinstance(func, ast.Attribute)
		and isinstance(func.value, ast.Name)
		and func.value.id == "frappe"
		and func.attr in names
	)


def _safe(node) -> bool:
	"""Whether a value formatted into a message is known to be escaped (or to be a number)."""
	if isinstance(node, ast.Constant):
		return True
	if isinstance(node, ast.Name | ast.Attribute) and _name(node) in NUMBERS:
		return True
	if isinstance(node, ast.Name) and node.id.isupper():
		return True  # the module's own constants
	if isinstance(node, ast.IfExp):
		return _safe(node.body) and _safe(node.orelse)
	if isinstance(node, ast.BinOp):
		return _safe(node.left) and _safe(node.right)
	if isinstance(node, ast.BoolOp):
		return all(_safe(value) for value in node.values)
	if isinstance(node, ast.Call):
		name = _name(node.func)
		if name == "join":  # ", ".join(<escaped items>)
			return all(_safe_items(arg) for arg in node.args)
		return name in SAFE_CALLS
	return False


def _safe_items(node) -> bool:
	if isinstance(node, ast.GeneratorExp | ast.ListComp):
		return _safe(node.elt)
	if isinstance(node, ast.Call) and _name(node.func) == "map":
		return _name(node.args[0]) in SAFE_CALLS
	return _safe(node)


def where(path: Path) -> str:
	return str(path.relative_to(APP.parent))


def unquoted_values(source: str, where: str) -> list[str]:
	"""Values formatted into a `frappe.throw` / `frappe.msgprint` message without the helpers."""
	tree = ast.parse(source, filename=where)
	found = []
	for call in ast.walk(tree):
		if not (isinstance(call, ast.Call) and _is_frappe_call(call, MESSAGE_CALLS)):
			continue
		messages = call.args[:1] + [k.value for k in call.keywords if k.arg in ("msg", "title")]
		for message in messages:
			for node in ast.walk(message):
				values = []
				if (
					isinstance(node, ast.Call)
					and isinstance(node.func, ast.Attribute)
					and node.func.attr == "format"
					and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "frappe")
				):
					values = node.args
				elif isinstance(node, ast.JoinedStr):
					values = [part.value for part in node.values if isinstance(part, ast.FormattedValue)]
				found += [
					f"{where}:{value.lineno}: {ast.unparse(value)}" for value in values if not _safe(value)
				]
	return found


def direct_bold_calls(source: str, where: str) -> list[str]:
	tree = ast.parse(source, filename=where)
	return [
		f"{where}:{node.lineno}"
		for node in ast.walk(tree)
		if isinstance(node, ast.Call) and _is_frappe_call(node, {"bold"})
	]


def app_files():
	return [path for path in APP.rglob("*.py") if "node_modules" not in path.parts]


def request_files():
	"""The code that answers requests (the demo, benchmarks and tests only talk to a terminal)."""
	skip = {"demo", "benchmarks", "tests", "patches"}
	return [path for path in app_files() if not skip & set(path.relative_to(APP).parts)]


def test_only_the_helpers_call_frappe_bold():
	offenders = [
		line
		for path in app_files()
		if path != HELPERS
		for line in direct_bold_calls(path.read_text(), where(path))
	]
	assert offenders == []


def test_messages_quote_values_through_the_helpers():
	found = [line for path in request_files() for line in unquoted_values(path.read_text(), where(path))]
	assert found == []


@pytest.mark.parametrize(
	("source", "caught"),
	[
		('frappe.throw(_("Lot {0} does not exist.").format(frappe.bold(lot)))', "bold"),
		('frappe.throw(_("Lot {0} does not exist.").format(lot))', "value"),
		('frappe.msgprint(_("Lot {0} is {1}.").format(bold(lot), doc.status))', "value"),
		('frappe.throw(msg=_("No row {0}.").format(row.name))', "value"),
		('frappe.throw(f"Lot {lot} does not exist.")', "value"),
		('frappe.throw(_("Not one of {0}.").format(", ".join(values)))', "value"),
		('frappe.throw(_("Lot {0}.").format(str(lot)))', "value"),
	],
)
def test_an_unquoted_value_is_caught(source, caught):
	probe = f"import frappe\nfrom frappe import _\n\n\ndef f(lot, doc, row, values):\n\t{source}\n"
	found = direct_bold_calls(probe, "probe.py") if caught == "bold" else unquoted_values(probe, "probe.py")
	assert len(found) == 1


@pytest.mark.parametrize(
	"source",
	[
		'frappe.throw(_("Lot {0} does not exist.").format(bold(lot)))',
		'frappe.throw(_("Row {0}: lot {1}.").format(row.idx, esc(lot)))',
		'frappe.throw(_("Not one of {0}.").format(", ".join(esc(v) for v in values)))',
		'frappe.throw(_("Lot {0} is {1}.").format(bold(lot), _("Released")))',
	],
)
def test_a_quoted_value_passes(source):
	assert unquoted_values(f"def f(lot, row, values):\n\t{source}\n", "probe.py") == []
