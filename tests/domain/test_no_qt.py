"""planner.domain stays pure Python: importing it loads no Qt, and no file in it imports Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import planner.domain

QT_ROOTS = ("PySide6", "shiboken6", "pyqtgraph")
DOMAIN_DIR = Path(planner.domain.__file__).parent


def test_importing_every_domain_module_loads_no_qt():
    code = textwrap.dedent(
        f"""
        import importlib, pkgutil, sys
        import planner.domain
        names = [m.name for m in pkgutil.walk_packages(planner.domain.__path__, "planner.domain.")]
        for name in names:
            importlib.import_module(name)
        assert len(names) >= 5, names
        bad = sorted(m for m in sys.modules if m.split(".")[0] in {QT_ROOTS!r})
        print("QT:" + ",".join(bad))
        print("MODULES:" + ",".join(names))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=DOMAIN_DIR.parent.parent,
    )
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)
    assert lines["QT"] == "", f"planner.domain pulled in Qt: {lines['QT']}"
    for mod in ("catalog", "plan", "costing", "ranking", "errors"):
        assert f"planner.domain.{mod}" in lines["MODULES"].split(",")


def _imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            # importlib.import_module("PySide6...") / __import__("pyqtgraph")
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in {"import_module", "__import__"} and isinstance(node.args[0].value, str):
                roots.add(node.args[0].value.split(".")[0])
    return roots


def test_no_domain_file_imports_qt():
    files = sorted(DOMAIN_DIR.rglob("*.py"))
    assert len(files) >= 5
    offenders = {}
    for f in files:
        bad = _imported_roots(ast.parse(f.read_text(encoding="utf-8"), str(f))) & set(QT_ROOTS)
        if bad:
            offenders[str(f.relative_to(DOMAIN_DIR))] = sorted(bad)
    assert offenders == {}


def test_the_static_check_catches_qt_imports():
    # the checker itself must be able to fail
    for src in (
        "import PySide6.QtCore",
        "from pyqtgraph import PlotWidget",
        "def f():\n    from shiboken6 import isValid",
        "import importlib\nimportlib.import_module('PySide6.QtGui')",
    ):
        assert _imported_roots(ast.parse(src)) & set(QT_ROOTS), src
    assert not _imported_roots(ast.parse("import numpy\nfrom planner.domain import plan")) & set(
        QT_ROOTS
    )
