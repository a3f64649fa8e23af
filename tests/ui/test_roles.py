"""One value per custom item role: a model's answer to a role means the same in every table."""

from __future__ import annotations

import ast
from pathlib import Path

from planner.ui import roles

UI = Path(__file__).resolve().parents[2] / "planner" / "ui"
#: the catalog import preview keeps its own roles (its own module), with the same values
ELSEWHERE = {"import_dialog.py"}


def test_each_role_has_its_own_value():
    assert len(set(roles.ALL)) == len(roles.ALL)


def test_no_model_defines_a_role_of_its_own():
    defined = []
    for path in sorted(UI.rglob("*.py")):
        if path.name in ELSEWHERE or path.name == "roles.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "UserRole":
                defined.append(f"{path.name}:{node.lineno}")
    assert defined == []
