"""Render the main window offscreen to a PNG (for the README and for looking at a change)."""

from __future__ import annotations

import os
from pathlib import Path


def screenshot(out: Path, tab: str = "models", size: tuple[int, int] = (1400, 900), plan: Path | None = None,
               compare: list[str] | None = None, select: str | None = None) -> Path:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from planner.qt_runtime import make_app
    from planner.ui.app import create_window
    from planner.ui.main_window import TAB_KEYS

    app = make_app()
    win = create_window()
    if plan is not None:
        from planner.io.plan_files import open_plan
        from planner.ui.plan_document import PlanDocument

        win.set_document(PlanDocument(lambda: win.session.catalog, open_plan(plan), path=plan, parent=win))
    win.resize(*size)
    win.show_tab(TAB_KEYS[tab])
    win.show()
    QApplication.processEvents()
    if compare:
        win.models_tab.compare_models(compare)
    if select:
        win.models_tab.select_model(select)
    for _ in range(3):
        QApplication.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not win.grab().save(str(out)):
        raise OSError(f"{out}: could not write the PNG")
    win.close()
    app.processEvents()
    return out
