"""The window's colours: a few named tones that read on a light and on a dark palette.

Widgets and models ask for a tone (`colour`, `brush`, `css`) instead of writing a colour:
the tone is picked for the application palette in use (a dark palette gets lighter, less
saturated variants), and surfaces (a computed column, a message bar) are blended from the
palette's own colours. Qt only: the first paint uses it before the catalog loads."""

from __future__ import annotations

from enum import Enum
from functools import lru_cache

from PySide6.QtGui import (  # Qt.mightBeRichText is QtGui's
    QBrush,
    QColor,
    QGuiApplication,
    QPalette,
    Qt,
)
from PySide6.QtWidgets import QWidget


class Tone(Enum):
    """What a colour says, with its light-palette and dark-palette variants."""

    NEGATIVE = ("#a33333", "#ff7b72")  # over budget, a cost going up, an error
    POSITIVE = ("#1d7a3a", "#56d364")  # a saving, headroom
    WARNING = ("#9a5b00", "#e3b341")  # stale prices, an engine notice
    EDITED = ("#1f5fbf", "#79c0ff")  # a value the user changed
    INFO = ("#2f5d8c", "#8ab4f8")  # a hint


def palette() -> QPalette:
    return QGuiApplication.palette()


def is_dark(pal: QPalette | None = None) -> bool:
    """Whether text is lighter than the window behind it (a dark theme)."""
    pal = pal or palette()
    return pal.color(QPalette.ColorRole.WindowText).lightness() > pal.color(QPalette.ColorRole.Window).lightness()


def colour(tone: Tone, pal: QPalette | None = None) -> QColor:
    return QColor(tone.value[1] if is_dark(pal) else tone.value[0])


@lru_cache(maxsize=32)
def _brush(name: str) -> QBrush:
    # (QBrush(QColor) weighs up every constructor of QBrush, and on the way loads the image
    # and gradient classes: 3 ms of a start that shows neither)
    b = QBrush()
    b.setColor(QColor(name))
    b.setStyle(Qt.BrushStyle.SolidPattern)
    return b


def brush(tone: Tone) -> QBrush:
    """A brush of `tone` for an item model's ForegroundRole (shared: models hold many)."""
    return _brush(colour(tone).name())


def css(tone: Tone, bold: bool = False) -> str:
    """A style sheet fragment: the text colour of `tone`."""
    return f"color: {colour(tone).name()};" + (" font-weight: bold;" if bold else "")


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """`a` moved a fraction `t` of the way to `b`."""
    return QColor.fromRgbF(*(x + (y - x) * t for x, y in zip(a.getRgbF()[:3], b.getRgbF()[:3], strict=True)))


def muted(pal: QPalette | None = None) -> QColor:
    """Secondary text: hints, placeholders, switched-off rows."""
    pal = pal or palette()
    return blend(pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Window), 0.45)


def muted_brush() -> QBrush:
    return _brush(muted().name())


def muted_css() -> str:
    return f"color: {muted().name()};"


def computed_brush() -> QBrush:
    """The background of cells the engine fills in (not typed): the base tinted a little
    toward the highlight colour."""
    pal = palette()
    return _brush(blend(pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Highlight), 0.07).name())


def surface(tone: Tone, pal: QPalette | None = None) -> QColor:
    """A background tinted with `tone` that the palette's text reads on."""
    pal = pal or palette()
    return blend(pal.color(QPalette.ColorRole.Window), colour(tone, pal), 0.16)


def plain_tooltip(text: str | None) -> str | None:
    """`text` as a tooltip that shows it as typed. Qt renders a tooltip that looks like
    rich text ('<b>Team</b>' in a model or plan name) as rich text; such a text is escaped."""
    if text is None or not Qt.mightBeRichText(text):
        return text
    import html  # (with its entity table: when a tooltip is first shown, not at start-up)

    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def mark_override(widget: QWidget, scenario: str | None) -> None:
    """Show a plan-wide setting the shown scenario overrides as the worksheet shows a line's:
    in italics, its tooltip saying so (`scenario` None: the base's own value)."""
    base_tip = widget.property("cp_base_tooltip")
    if base_tip is None:
        base_tip = widget.toolTip()
        widget.setProperty("cp_base_tooltip", base_tip)
    font = widget.font()
    font.setItalic(scenario is not None)
    widget.setFont(font)
    note = f"Scenario '{scenario}' changes this setting (the base's value is kept in the base)."
    widget.setToolTip(base_tip if scenario is None else f"{base_tip}\n{note}" if base_tip else note)
