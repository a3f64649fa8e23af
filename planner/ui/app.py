"""Application start-up: QApplication, the shipped font, the catalog, the main window."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from planner import __version__, paths
from planner.domain.errors import InputError

APP_NAME = "cost-planner"
APP_DISPLAY_NAME = "Cost Planner"
ORG_NAME = "CostPlanner"
#: Reverse-DNS application id: the .desktop file's name (so Wayland compositors match the
#: window to packaging/io.github.costplanner.CostPlanner.desktop), AppStream id, icon name.
APP_ID = "io.github.costplanner.CostPlanner"
#: The PNG sizes rendered from resources/icons/cost-planner.svg (scripts/render_icons.py).
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def register_fonts() -> str | None:
    """Register the shipped TTFs so text renders (and PDFs carry text) without system fonts.
    Returns the family name, or None if none could be loaded."""
    family = None
    for ttf in sorted((paths.resources_dir() / "fonts").glob("*.ttf")):
        fid = QFontDatabase.addApplicationFont(str(ttf))
        if fid >= 0 and family is None:
            fams = QFontDatabase.applicationFontFamilies(fid)
            family = fams[0] if fams else None
    return family


def app_icon() -> QIcon:
    """The window icon: every shipped PNG size, so each place picks a sharp one."""
    icon = QIcon()
    icons = paths.resources_dir() / "icons"
    for size in ICON_SIZES:
        png = icons / f"cost-planner-{size}.png"
        if png.exists():
            icon.addFile(str(png), QSize(size, size))
    return icon


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setApplicationName(APP_NAME)
        QCoreApplication.setOrganizationName(ORG_NAME)
        QCoreApplication.setApplicationVersion(__version__)
        # Fractional scale factors (125%, 150%) as they are, not rounded: Qt 6 scales by
        # default; this only has effect before the application object exists.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv or [APP_NAME])
        app.setApplicationDisplayName(APP_DISPLAY_NAME)
        app.setDesktopFileName(APP_ID)
        # Follow the system light/dark palette: the platform's own style does, and so does
        # Fusion; only the legacy "Windows" fallback (no platform style) does not.
        style = app.style()
        if style is None or style.name().lower() == "windows":
            app.setStyle("Fusion")
    if app.windowIcon().isNull():
        app.setWindowIcon(app_icon())
    family = register_fonts()
    if family:
        f = QFont(family, 9)
        app.setFont(f)
    return app  # type: ignore[return-value]


def create_window(today=None):
    """Load the catalog and build the main window (raises InputError on a broken shipped catalog)."""
    from planner.ui.main_window import MainWindow
    from planner.ui.session import Session

    # Start-up builds hundreds of thousands of long-lived objects (the catalog, its table):
    # no cyclic collection while it does (each one would walk everything built so far), and
    # afterwards collections leave them alone (reference counting still frees them).
    was = gc.isenabled()
    gc.disable()
    try:
        return MainWindow(Session(), today=today)
    finally:
        gc.freeze()
        if was:
            gc.enable()


def run(argv: list[str]) -> int:
    app = make_app(argv)
    try:
        win = create_window()
    except InputError as e:
        QMessageBox.critical(None, APP_DISPLAY_NAME, f"The price catalog could not be loaded:\n\n{e}")
        return 1
    win.show()
    files = [a for a in argv[1:] if Path(a).suffix.lower() in (".costplan", ".json")]
    recovered = win.offer_recovery()
    if files and not recovered:
        win.open_plan(files[0])
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))

