"""Application start-up: the application object (planner.qt_runtime), the catalog, the main window.

Nothing here imports the catalog, numpy or pydantic before the window is on screen."""

from __future__ import annotations

import contextlib
import gc
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from planner import paths
from planner.domain.errors import InputError
from planner.qt_runtime import APP_DISPLAY_NAME, make_app, prefer_fusion_to_legacy_style

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
    alone (reference counting still frees them); the import-time source lines are dropped."""
    from planner.ui.main_window import drop_source_lines

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        drop_source_lines()
        gc.freeze()
        if was:
            gc.enable()


class _OnFirstPaint(QObject):
    """Calls `then` once, in the event-loop turn after `widget` is first painted (or after
    `timeout_ms` if it never is: a window that starts hidden or minimised)."""

    def __init__(self, widget: QWidget, then: Callable[[], None], timeout_ms: int = 1000) -> None:
        super().__init__(widget)
        self._widget, self._then, self._done = widget, then, False
        widget.installEventFilter(self)
        QTimer.singleShot(timeout_ms, self._fire)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done:
            QTimer.singleShot(0, self._fire)  # after this paint has reached the screen
        return False

    def _fire(self) -> None:
        if self._done:
            return
        self._done = True
        self._widget.removeEventFilter(self)
        self._then()


def start(argv: list[str]) -> tuple[QApplication, MainWindow | None]:
    """Show the main window as soon as it can be, and finish it from the event loop.

    When the first paint file matches the catalog files and the settings, the window is
    painted from it, and the catalog is loaded and attached right after that paint (about
    half a second sooner than a window built from the catalog). Otherwise the window is built
    first, as `create_window` does. None for the window if the catalog cannot be loaded (the
    user has been told)."""
    from planner.ui import first_paint
    from planner.ui.main_window import MainWindow

    app = make_app(argv, check_style=False)
    data = first_paint.load(MainWindow.saved_models_state())
    if data is None:
        prefer_fusion_to_legacy_style(app)
        try:
            win = create_window()
        except InputError as e:
            _catalog_failed(e)
            return app, None
        win.keeps_first_paint = True
        win.show()
        _started(win, argv)
        return app, win
    win = MainWindow(first_paint=data["window"])
    win.keeps_first_paint = True
    win.first_paint_data = data
    win.show()
    _OnFirstPaint(win, lambda: _complete(win, argv))
    return app, win


def _catalog_failed(e: InputError, parent: QWidget | None = None) -> None:
    from planner.ui import prompts

    prompts.tell(parent, f"The price catalog could not be loaded:\n\n{e}", prompts.Icon.Critical)


def _complete(win: MainWindow, argv: list[str]) -> None:
    """The second half of a start from a first paint: the catalog, the plan, the tabs."""
    from planner.ui.session import Session

    prefer_fusion_to_legacy_style(QApplication.instance())
    try:
        with _building_window():
            win.complete(Session())
    except InputError as e:
        _catalog_failed(e, win)
        _give_up(win)
        return
    except Exception as e:  # a window that looks complete but is not would be worse than none
        traceback.print_exc()
        from planner.ui import prompts

        prompts.tell(win, f"{APP_DISPLAY_NAME} could not start:\n\n{type(e).__name__}: {e}", prompts.Icon.Critical)
        _give_up(win)
        return
    _started(win, argv)


def _give_up(win: MainWindow) -> None:
    """Close a window whose start failed after its first paint; the next start is a normal
    one (its first paint file is removed), which reports the problem before any window."""
    with contextlib.suppress(OSError):
        paths.first_paint_file().unlink(missing_ok=True)
    win.close()
    QCoreApplication.exit(1)


def _started(win: MainWindow, argv: list[str]) -> None:
    """Once the window is complete: keep the first paint file current, offer an autosaved
    plan back, open the plan file given on the command line."""
    from planner.io.atomic import remove_stale_user_temp_files

    win.update_first_paint()
    remove_stale_user_temp_files()
    files = [a for a in argv[1:] if Path(a).suffix.lower() in (".costplan", ".json")]
    recovered = win.files.offer_recovery()
    if files and not recovered:
        win.files.open_plan(files[0])


def run(argv: list[str]) -> int:
    app, win = start(argv)
    if win is None:
        return 1
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
