"""The Qt application object and the shipped fonts and icon: what both the window
(planner.ui) and the PDF export (planner.io) need before they draw anything.

No widgets are made here; planner.domain never imports this module."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from planner import PROG, __version__, paths


def _read_source_once_per_import() -> None:
    """PySide6 asks of every module imported after it whether its source mentions "PySide6"
    (for its opt-in `__feature__` switches), through `inspect.getsource`: the source read,
    decoded, split into lines and kept in `linecache`, for every module of numpy, pydantic
    and this program, about a fifth of a second before the window can be built. The same
    question is answered here from the file's bytes ("PySide6" is ASCII, so it is the same
    bytes in any source encoding Python reads); a module without a .py file (an extension,
    a built-in) does not use PySide, as PySide's own check decides. If a PySide6 release
    no longer has the check, nothing is changed."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return

    def uses_pyside(module: object) -> bool:
        file = getattr(module, "__file__", None)
        if not isinstance(file, str) or not file.endswith(".py"):
            return False
        try:
            with open(file, "rb") as f:
                return b"PySide6" in f.read()
        except OSError:
            return False

    feature._mod_uses_pyside = uses_pyside


_read_source_once_per_import()

APP_NAME = PROG
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


def prefer_fusion_to_legacy_style(app: QApplication) -> None:
    """Follow the system light/dark palette: the platform's own style does, and so does
    Fusion; only the legacy "Windows" fallback (no platform style) does not."""
    style = app.style()
    if style is None or style.name().lower() == "windows":
        app.setStyle("Fusion")


#: how long a worker thread may keep the interpreter while the window's thread waits for it
UI_SWITCH_INTERVAL_S = 0.0005


def make_app(argv: list[str] | None = None, check_style: bool = True) -> QApplication:
    """The application object with its names, icon and font. `check_style=False` leaves
    `prefer_fusion_to_legacy_style` to the caller: asking Qt for the style from Python
    costs ~10 ms, which a first paint can do without (the check then follows it)."""
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
        if check_style:
            prefer_fusion_to_legacy_style(app)
    if app.windowIcon().isNull():
        app.setWindowIcon(app_icon())
    # While a worker thread costs the plan (a slider drag), the window's thread gets the
    # interpreter back within half a millisecond instead of Python's default 5 ms, so the
    # slider and the rest of the window answer at once (planner.ui.slider_drag).
    sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
    family = register_fonts()
    if family:
        f = QFont(family, 9)
        app.setFont(f)
    return app  # type: ignore[return-value]
