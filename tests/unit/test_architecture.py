"""docs/architecture.md's capability map names every module, doctype, report, page, print format and
test module of the app, and nothing that does not exist: a map that cannot go stale."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "lot_traceability"
MAP = ROOT / "docs" / "architecture.md"

# column of the capability map → the folder its names live in (relative to the repository)
FOLDERS = {
	"Core": "lot_traceability/traceability",
	"Reads": "lot_traceability/queries",
	"Services": "lot_traceability",
	"Hooks": "lot_traceability/overrides",
	"Documents": "lot_traceability/lot_traceability",
	"Integration tests": "lot_traceability/tests",
	"Unit tests": "tests/unit",
}
PYTHON_FOLDERS = {"Core", "Reads", "Services", "Hooks", "Integration tests", "Unit tests"}
DOCUMENT_KINDS = ("doctype", "report", "page", "print_format")
# folders of the package the map names as a whole (documents are named one by one, below)
NOT_MAPPED = {"lot_traceability", "tests", "demo", "benchmarks", "setup", "patches", "public", "templates"}


def named(text: str) -> set[str]:
	"""Every path the capability map names, relative to the repository."""
	section = text.split("## Capability map", 1)[1]
	rows = [line for line in section.splitlines() if line.startswith("|")]
	header = [cell.strip() for cell in rows[0].strip("|").split("|")]
	paths = set()
	for row in rows[2:]:
		cells = [cell.strip() for cell in row.strip("|").split("|")]
		for column, cell in zip(header, cells, strict=True):
			if column not in FOLDERS:
				continue
			for name in re.findall(r"`([^`]+)`", cell):
				if column == "Documents" and name.startswith("www/"):
					paths.add(f"lot_traceability/{name}.py")  # a portal page's controller
					continue
				suffix = ".py" if column in PYTHON_FOLDERS else ""
				paths.add(f"{FOLDERS[column]}/{name}{suffix}")
	return paths


def existing(root: Path = ROOT) -> set[str]:
	"""Every module, document and test module the map must name, relative to the repository."""
	app = root / "lot_traceability"
	found = set()
	for module in app.rglob("*.py"):
		inside = module.relative_to(app).parts
		if module.name != "__init__.py" and inside[0] not in NOT_MAPPED:
			found.add(module.relative_to(root).as_posix())
	for module in list((app / "tests").glob("test_*.py")) + list((root / "tests" / "unit").glob("test_*.py")):
		found.add(module.relative_to(root).as_posix())
	for kind in DOCUMENT_KINDS:
		for document in (app / "lot_traceability" / kind).iterdir():
			if document.is_dir() and not document.name.startswith("__"):
				found.add(document.relative_to(root).as_posix())
	return found


def test_the_map_names_every_module_and_only_modules_that_exist():
	on_map = named(MAP.read_text())
	assert not existing() - on_map, "not on docs/architecture.md's capability map"
	assert not on_map - existing(), "on docs/architecture.md's capability map but not in the app"


def test_a_module_added_without_its_place_on_the_map_is_found(tmp_path):
	# a copy of the app's layout with one more service, read module and doctype than the map names
	for path in existing():
		target = tmp_path / path
		target.parent.mkdir(parents=True, exist_ok=True)
		if path.endswith(".py"):
			target.write_text("")
		else:
			target.mkdir(exist_ok=True)
	(tmp_path / "lot_traceability" / "lot_drills.py").write_text("")
	(tmp_path / "lot_traceability" / "queries" / "drills.py").write_text("")
	(tmp_path / "lot_traceability" / "lot_traceability" / "doctype" / "lot_drill").mkdir()
	unnamed = existing(tmp_path) - named(MAP.read_text())
	assert unnamed == {
		"lot_traceability/lot_drills.py",
		"lot_traceability/queries/drills.py",
		"lot_traceability/lot_traceability/doctype/lot_drill",
	}


def test_a_name_the_map_gives_that_does_not_exist_is_found():
	text = MAP.read_text().replace(
		"| `recall` `recall_audit` `recall_tasks` |",
		"| `recall` `recall_audit` `recall_tasks` `recall_drills` |",
		1,
	)
	assert named(text) - existing() == {"lot_traceability/traceability/recall_drills.py"}


MAX_LINES = 500
# "lot_" names what every module is about (lot_documents, lot_ledger, lot_overview), not a family
NOT_A_FAMILY = {"lot"}


def long_modules(app: Path = APP) -> list[str]:
	"""The app's modules over MAX_LINES lines (its tests apart)."""
	return sorted(
		f"{path.relative_to(app.parent)}: {count} lines"
		for path in app.rglob("*.py")
		if "tests" not in path.relative_to(app).parts and "node_modules" not in path.parts
		for count in [len(path.read_text().splitlines())]
		if count > MAX_LINES
	)


def root_families(app: Path = APP) -> dict[str, list[str]]:
	"""Modules at the package root sharing the first word of their name, three or more of them:
	a family that belongs in a folder of its own."""
	families: dict[str, list[str]] = {}
	for path in app.glob("*.py"):
		families.setdefault(path.stem.split("_")[0], []).append(path.stem)
	return {
		word: sorted(names)
		for word, names in families.items()
		if len(names) >= 3 and word not in NOT_A_FAMILY
	}


def test_no_app_module_is_over_500_lines():
	assert long_modules() == []


def test_no_family_of_three_modules_at_the_package_root():
	assert root_families() == {}


def test_a_long_module_and_a_family_at_the_root_are_found(tmp_path):
	app = tmp_path / "lot_traceability"
	(app / "tests").mkdir(parents=True)
	(app / "short.py").write_text("x = 1\n")
	(app / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
	(app / "tests" / "test_long.py").write_text("x = 1\n" * (MAX_LINES + 1))  # tests apart
	for name in ("drill_plan", "drill_run", "drill_report", "lot_a", "lot_b", "lot_c"):
		(app / f"{name}.py").write_text("")
	assert long_modules(app) == [f"lot_traceability/long.py: {MAX_LINES + 1} lines"]
	assert root_families(app) == {"drill": ["drill_plan", "drill_report", "drill_run"]}
