"""The layers hold: the import contracts in pyproject.toml ([tool.importlinter]) are kept,
and they do catch a package that breaks them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


def test_the_import_contracts_are_kept():
    r = lint_imports(REPO)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


# A small package named like the real one, with one file per layer and the wrong imports.
BROKEN = {
    "__init__.py": "",
    "__main__.py": "",
    "cli.py": "",
    "commands.py": "",
    "ui/__init__.py": "",
    "ui/a.py": "import planner.ui.b\nimport planner.commands\n",
    "ui/b.py": "import planner.ui.a\n",
    "io/__init__.py": "",
    "io/export.py": "from planner.ui import a\nimport pyqtgraph\n",
    "qt_runtime.py": "",
    "paths.py": "",
    "formatting.py": "",
    "domain/__init__.py": "",
    "domain/cost.py": "from PySide6 import QtCore\nfrom pathlib import Path\nimport planner.io.export\n",
}


def test_the_contracts_catch_a_package_that_breaks_them(tmp_path: Path):
    for name, text in BROKEN.items():
        f = tmp_path / "planner" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (tmp_path / "pyproject.toml").write_text(_toml(config))
    r = lint_imports(tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"{len(config['contracts'])} broken" in r.stdout, r.stdout
    for needle in (
        "planner.domain is not allowed to import PySide6",
        "planner.domain is not allowed to import pathlib",
        "planner.io is not allowed to import planner.ui",
        "planner.io is not allowed to import pyqtgraph",
        "planner.ui is not allowed to import planner.commands",
        "No cycles are allowed in planner.ui",
    ):
        assert needle in r.stdout, needle


def _toml(config: dict) -> str:
    """[tool.importlinter] back as TOML: its values are strings, booleans and lists of
    strings, which JSON writes the way TOML reads them."""
    lines = ["[tool.importlinter]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in config.items() if k != "contracts"]
    for c in config["contracts"]:
        lines += ["", "[[tool.importlinter.contracts]]", *(f"{k} = {json.dumps(v)}" for k, v in c.items())]
    return "\n".join(lines) + "\n"


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Each import a -> b that some chain of imports leads back from (b -> ... -> a), as the
    cycle a -> b -> ... -> a. Unlike the acyclic_siblings contract, this sees a package's
    __init__ and its own modules importing each other too."""
    found = []
    for a in sorted(graph.modules):
        for b in sorted(graph.find_modules_directly_imported_by(a)):
            if graph.chain_exists(importer=b, imported=a):
                found.append([a, *graph.find_shortest_chain(importer=b, imported=a)])
    return found


def test_no_module_of_planner_imports_itself_back():
    assert import_cycles(grimp.build_graph("planner")) == []


def test_the_cycle_finder_sees_a_package_importing_its_module_back():
    graph = grimp.ImportGraph()
    for importer, imported in (("p", "p.a"), ("p.a", "p.b"), ("p.b", "p"), ("p.b", "p.c")):
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [["p", "p.a", "p.b", "p"], ["p.a", "p.b", "p", "p.a"], ["p.b", "p", "p.a", "p.b"]]
