"""The app's layers are one-way (docs/architecture.md): a module imports only from its own floor or
the floors below it, and nothing in the app imports the API. Read from the source, imports inside
functions included, as the purity test reads the core."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "lot_traceability"

# floor: (name, what lives there), from the bottom up
FLOORS = {
	0: "pure core",
	1: "queries and wording",
	2: "configuration",
	3: "services",
	4: "Frappe module",
	5: "overrides",
	6: "api",
	7: "entry points",
}
SUPPORT = {"messages", "qr"}  # user-facing wording of the core's codes, the QR encoder
ENTRY_POINTS = {"hooks", "install", "commands"}


def floor_of(module: str) -> int | None:
	"""The floor of a dotted module name of the app (None: not the app's)."""
	parts = module.split(".")
	if parts[0] != "lot_traceability":
		return None
	if len(parts) == 1:
		return None  # the package itself (`from lot_traceability import x` names x)
	top = parts[1]
	if parts[-1].startswith("test_"):
		return 7  # a doctype's own test module is a test, not part of the doctype
	if top == "traceability":
		return 0
	if top in ("queries", "setup") or top in SUPPORT:
		return 1
	if top == "config":
		return 2
	if top == "lot_traceability":
		return 4
	if top == "overrides":
		return 5
	if top == "api":
		return 6
	if top in ENTRY_POINTS or top in ("demo", "benchmarks", "tests", "public", "patches"):
		return 7
	return 3


def module_name(path: Path, app: Path = APP) -> str:
	parts = path.relative_to(app.parent).with_suffix("").parts
	return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, app: Path = APP):
	"""(line, imported module) for every import of the app's modules in the file."""
	tree = ast.parse(path.read_text(), filename=str(path))
	package = module_name(path, app).rsplit(".", 1)[0]
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			for alias in node.names:
				yield node.lineno, alias.name
		elif isinstance(node, ast.ImportFrom):
			base = node.module or ""
			if node.level:
				base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base])
			yield node.lineno, base
			for alias in node.names:  # `from lot_traceability import api` names a module
				yield node.lineno, f"{base}.{alias.name}"


def app_files(app: Path = APP):
	return [path for path in app.rglob("*.py") if "node_modules" not in path.parts]


def upward_imports(files, app: Path = APP) -> list[str]:
	found = []
	for path in files:
		own = floor_of(module_name(path, app))
		for line, module in imports(path, app):
			target = floor_of(module)
			if target is None or own is None:
				continue
			calls_the_api = (
				module.startswith("lot_traceability.api") and own < 6
			)  # the API's modules excepted
			if target > own or calls_the_api:
				found.append(
					f"{path.relative_to(app.parent)}:{line} ({FLOORS[own]}) imports {module} ({FLOORS[target]})"
				)
	return sorted(set(found))


def test_every_floor_has_modules():
	floors = {floor_of(module_name(path)) for path in app_files()}
	assert floors >= set(range(8))


def test_no_module_imports_from_a_floor_above_its_own():
	assert upward_imports(app_files()) == []


@pytest.mark.parametrize(
	("source", "module"),
	[
		("lot_traceability/allocation.py", "from lot_traceability.overrides import stock_rows"),
		("lot_traceability/queries/lots.py", "from lot_traceability import balances"),
		("lot_traceability/enforcement.py", "from lot_traceability.lot_traceability.doctype import lot_rule"),
		("lot_traceability/scanning.py", "from lot_traceability import api"),
		("lot_traceability/overrides/batch.py", "from lot_traceability.api import get_batch_no"),
		("lot_traceability/config.py", "import lot_traceability.genealogy.trace"),
	],
)
def test_an_upward_import_is_caught(tmp_path, source, module):
	"""The check fails when one upward import is added to a file (a copy of the app's tree)."""
	copy = tmp_path / "lot_traceability"
	for path in app_files():
		target = copy / path.relative_to(APP)
		target.parent.mkdir(parents=True, exist_ok=True)
		target.write_text(path.read_text())
	assert upward_imports(app_files(copy), copy) == []
	changed = tmp_path / source
	changed.write_text(changed.read_text() + f"\n{module}\n")
	found = upward_imports(app_files(copy), copy)
	assert any(line.startswith(source) for line in found), found


def import_cycles(files, app: Path = APP) -> list[list[str]]:
	"""Groups of the app's modules that import each other round in a circle (imports inside
	functions included): each a strongly connected component of the import graph."""
	names = {module_name(path, app) for path in files}
	graph = {}
	for path in files:
		by_line: dict[int, set[str]] = {}
		for line, module in imports(path, app):
			if module in names:
				by_line.setdefault(line, set()).add(module)
		found = set()
		for modules in by_line.values():
			# `from package import module` imports the module, not the package's other modules
			found |= {m for m in modules if not any(other.startswith(f"{m}.") for other in modules)}
		graph[module_name(path, app)] = found - {module_name(path, app)}
	index, low, stack, on_stack, cycles = {}, {}, [], set(), []

	def visit(module):  # Tarjan's algorithm
		index[module] = low[module] = len(index)
		stack.append(module)
		on_stack.add(module)
		for other in graph[module]:
			if other not in index:
				visit(other)
				low[module] = min(low[module], low[other])
			elif other in on_stack:
				low[module] = min(low[module], index[other])
		if low[module] == index[module]:
			group = []
			while True:
				other = stack.pop()
				on_stack.discard(other)
				group.append(other)
				if other == module:
					break
			if len(group) > 1:
				cycles.append(sorted(group))

	for module in sorted(graph):
		if module not in index:
			visit(module)
	return sorted(cycles)


def test_no_modules_import_each_other_in_a_circle():
	assert import_cycles(app_files()) == []


def test_a_circle_of_imports_is_found(tmp_path):
	app = tmp_path / "lot_traceability"
	(app / "drills").mkdir(parents=True)
	(app / "__init__.py").write_text("")
	(app / "drills" / "__init__.py").write_text("")
	(app / "drills" / "plan.py").write_text("from lot_traceability.drills import run\n")
	(app / "drills" / "run.py").write_text("def go():\n\tfrom lot_traceability.drills.plan import x\n")
	(app / "alone.py").write_text("from lot_traceability.drills import plan\n")
	assert import_cycles(app_files(app), app) == [
		["lot_traceability.drills.plan", "lot_traceability.drills.run"]
	]
