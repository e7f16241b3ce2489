"""The core stays pure and keeps its floors.

Nothing under ``core/`` imports Odoo (so these tests run in milliseconds without
it), and each subpackage imports only the subpackages its docstring allows.
"""

import ast
import pathlib
import subprocess
import sys

CORE = pathlib.Path(__file__).resolve().parents[1]

#: subpackage -> the other core subpackages it may import
ALLOWED = {
    "request": set(),
    "routing": set(),
    "resource": {"request"},
    "openapi": {"request", "routing", "resource"},
    "as_code": {"routing", "request"},
    "oauth": set(),
}


def core_modules():
    for path in sorted(CORE.rglob("*.py")):
        rel = path.relative_to(CORE)
        if "tests" in rel.parts:
            continue
        yield rel, path


def imported(path):
    """(absolute module names, core subpackages) one module imports."""
    tree = ast.parse(path.read_text(), str(path))
    rel = path.relative_to(CORE)
    package = rel.parts[0] if len(rel.parts) > 1 else None
    absolute, subpackages = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            absolute.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                absolute.add(node.module)
            elif node.level == 1:
                subpackages.add(package)
            else:
                # "..x" from core/<package>/<module>.py names core/x
                target = (node.module or "").split(".")[0]
                subpackages.add(target)
    return absolute, subpackages - {package, None}


def test_every_subpackage_is_known_and_documented():
    found = {p.name for p in CORE.iterdir() if (p / "__init__.py").exists()}
    assert found == set(ALLOWED)
    for name in found:
        doc = ast.get_docstring(ast.parse((CORE / name / "__init__.py").read_text()))
        assert doc, name
        assert "may import" in doc or "imports only" in doc, name


def test_no_module_imports_odoo():
    offenders = [
        str(rel)
        for rel, path in core_modules()
        if any(m == "odoo" or m.startswith(("odoo.", "core.")) for m in imported(path)[0])
    ]
    assert offenders == []


def test_subpackages_import_only_the_floors_below():
    wrong = {}
    for rel, path in core_modules():
        if len(rel.parts) < 2:
            continue
        extra = imported(path)[1] - ALLOWED[rel.parts[0]]
        if extra:
            wrong[str(rel)] = sorted(extra)
    assert wrong == {}


def test_importing_all_of_core_loads_no_odoo():
    names = [
        "core." + ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        for rel, _path in core_modules()
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'odoo' or m.startswith('odoo.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=CORE.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]"
    assert len(names) >= 25


ADDON = CORE.parent


def tracked_python_files():
    out = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ADDON, capture_output=True, text=True, check=False
    ).stdout.split()
    return out or [str(p.relative_to(ADDON)) for p in ADDON.rglob("*.py")]


def test_addon_root_holds_no_loose_modules():
    loose = sorted(p.name for p in ADDON.glob("*.py"))
    assert loose == ["__init__.py", "__manifest__.py"]


def test_modules_keep_to_one_concern_in_size():
    """About 400 lines a module and 500 a test module (a little slack)."""
    too_long = {}
    for name in tracked_python_files():
        if name.startswith("static/"):
            continue
        limit = 520 if "test" in name else 420
        lines = (ADDON / name).read_text().count("\n")
        if lines > limit:
            too_long[name] = lines
    assert too_long == {}
