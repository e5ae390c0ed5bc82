"""The pure core must never depend on frappe: it has to run, and be tested, without a site."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "lot_traceability" / "traceability"


def imported_modules(path: Path):
	tree = ast.parse(path.read_text(), filename=str(path))
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			yield from (alias.name for alias in node.names)
		elif isinstance(node, ast.ImportFrom) and node.module:
			yield node.module


def test_core_has_modules():
	assert len(list(CORE.glob("*.py"))) >= 4


def test_no_core_module_imports_frappe_or_erpnext():
	offenders = {
		f"{path.name}: {module}"
		for path in CORE.rglob("*.py")
		for module in imported_modules(path)
		if module.split(".")[0] in {"frappe", "erpnext"}
	}
	assert offenders == set()


def test_core_imports_with_frappe_blocked():
	"""Import every core module in a fresh interpreter in which importing frappe fails."""
	modules = sorted(f"lot_traceability.traceability.{p.stem}" for p in CORE.glob("*.py"))
	code = (
		"import sys\n"
		"class Block:\n"
		"    def find_spec(self, name, path=None, target=None):\n"
		"        if name.split('.')[0] in ('frappe', 'erpnext'):\n"
		"            raise ImportError('blocked: ' + name)\n"
		"sys.meta_path.insert(0, Block())\n"
		f"import importlib\nfor m in {modules!r}: importlib.import_module(m)\n"
		"print('imported', len(sys.modules))\n"
	)
	result = subprocess.run(
		[sys.executable, "-c", code], cwd=CORE.parents[1], capture_output=True, text=True, check=False
	)
	assert result.returncode == 0, result.stderr
	assert result.stdout.startswith("imported")
