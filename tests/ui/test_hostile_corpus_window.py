"""The window's Open and Import over the hostile corpus (tests/corpus): each file is refused
with one message naming it, the window keeps its plan and the user's catalog is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from planner.ui import prompts
from planner.ui.main_window import MainWindow
from tests.conftest import REPO
from tests.ui.test_main_window import session  # noqa: F401  (the fixture)

CORPUS = sorted((REPO / "tests" / "corpus").glob("*.json"))


@pytest.fixture
def told(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(prompts, "tell", lambda _w, text, *a, **k: said.append(str(text)))
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text, *a, **k: said.append(str(text)))
    return said


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_open_and_import_refuse_each_file_with_one_message(path: Path, qtbot, session, told):  # noqa: F811
    win = MainWindow(session)
    qtbot.addWidget(win)
    plan_before = win.doc.stored_plan
    overlay = session.overlay_path.read_bytes() if session.overlay_path.exists() else None
    assert win.files.open_plan(path) is False
    assert len(told) == 1 and str(path) in told[0] and "Traceback" not in told[0]
    assert win.doc.stored_plan == plan_before
    told.clear()
    assert win.imports.import_catalog("litellm", path) is False
    assert len(told) == 1 and path.name in told[0]
    assert (session.overlay_path.read_bytes() if session.overlay_path.exists() else None) == overlay
