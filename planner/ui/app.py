"""Application start-up: the application object (planner.qt_runtime), the catalog, the main window."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

from planner.domain.errors import InputError
from planner.qt_runtime import make_app, prefer_fusion_to_legacy_style

if TYPE_CHECKING:
    from planner.ui.main_window import MainWindow


def create_window(today=None):
    """Load the catalog and build the main window (raises InputError on a broken shipped catalog)."""
    from planner.ui.main_window import MainWindow
    from planner.ui.session import Session

    with _building_window():
        return MainWindow(Session(), today=today)


@contextlib.contextmanager
def _building_window() -> Iterator[None]:
    """Around loading the catalog and building the window: hundreds of thousands of
    long-lived objects (the catalog, its table). No cyclic collection while they are made
    (each one would walk everything built so far), and afterwards collections leave them
    alone (reference counting still frees them)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


def start(argv: list[str]) -> tuple[QApplication, MainWindow | None]:
    """Build the main window from the catalog and show it. None for the window if the catalog
    cannot be loaded (the user has been told).

    (Painting a picture of the last run's window first, then building this one, was tried:
    measured until the window accepts input, it was no sooner, so the window is simply built.)"""
    app = make_app(argv, check_style=False)
    prefer_fusion_to_legacy_style(app)
    try:
        win = create_window()
    except InputError as e:
        _catalog_failed(e)
        return app, None
    win.show()
    _started(win, argv)
    return app, win


def _catalog_failed(e: InputError, parent: QWidget | None = None) -> None:
    from planner.ui import prompts

    prompts.tell(parent, f"The price catalog could not be loaded:\n\n{e}", prompts.Icon.Critical)


def _started(win: MainWindow, argv: list[str]) -> None:
    """Once the window is complete: offer an autosaved plan back, open the plan file given on
    the command line; remove this program's stale temporary files."""
    from planner.io.atomic import remove_stale_user_temp_files

    remove_stale_user_temp_files()
    files = [a for a in argv[1:] if Path(a).suffix.lower() in (".costplan", ".json")]
    recovered = win.files.offer_recovery()
    if files and not recovered:
        win.files.open_plan(files[0])


def run(argv: list[str]) -> int:
    """Start the app (planner.cli pauses the cyclic garbage collector for the start-up; what
    the start made is long-lived and left out of later collections, see _building_window)."""
    try:
        app, win = start(argv)
    finally:
        gc.enable()
    if win is None:
        return 1
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
