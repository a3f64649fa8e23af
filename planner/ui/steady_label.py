"""SteadyLabel: a label for a figure that changes often, without relaying out its window."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # the Qt namespace with QtGui's functions (mightBeRichText)
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QWidget


class SteadyLabel(QLabel):
    """A QLabel whose size is fixed, and only grows when a new text needs more room.

    A label of changing size tells every layout above it to lay out again at each new text:
    on the Workload tab, where a slider step changes some twenty figures, that is about a
    tenth of the step. A fixed-size label repaints itself only, and the figures around it do
    not shift while a slider is dragged. Give it an alignment in its layout (it does not
    stretch to fill its cell).

    A new text is measured by itself (the font's advance for plain text, a few µs; the
    document's ideal width for rich text), plus the room the label adds around its text,
    taken once from the label's own size hint."""

    #: room for glyphs that reach past their advance (bold, italics)
    SLACK = 2

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._around: int | None = None  # the label's width minus its text's own width
        self._metrics = self.fontMetrics()
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if text != self.text():
            super().setText(text)
            self._fit()

    def setStyleSheet(self, sheet: str) -> None:  # noqa: N802 (a bold or bigger font needs more room)
        super().setStyleSheet(sheet)
        self._remeasure()

    def setTextFormat(self, fmt: Qt.TextFormat) -> None:  # noqa: N802
        super().setTextFormat(fmt)
        self._remeasure()

    def _remeasure(self) -> None:
        """After a change of font or format: measure from the size hint again (grow only)."""
        self._around = None
        w, h = self.maximumWidth(), self.maximumHeight()
        self.setMaximumSize(16_777_215, 16_777_215)  # unfixed, so the hint is the text's own
        self._fit(at_least=(w, h) if w < 16_777_215 else None)

    def _plain(self) -> bool:
        fmt = self.textFormat()
        if fmt == Qt.TextFormat.PlainText:
            return True
        return fmt == Qt.TextFormat.AutoText and not GuiQt.mightBeRichText(self.text())

    def _text_width(self) -> int:
        if self._plain():
            return self._metrics.horizontalAdvance(self.text())
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(0)
        doc.setHtml(self.text())
        return math.ceil(doc.idealWidth())

    def _fit(self, at_least: tuple[int, int] | None = None) -> None:
        fixed = self.maximumWidth() < 16_777_215
        if fixed and self._around is not None:
            if self._text_width() + self._around <= self.width():
                return
        self.ensurePolished()
        self._metrics = self.fontMetrics()
        hint = QLabel.sizeHint(self)
        if not fixed:  # the hint is the text's own size: note the room around it
            self._around = max(hint.width() - self._text_width(), 0) + self.SLACK
        w = max(hint.width() + self.SLACK, self._text_width() + (self._around or 0), self.minimumWidth())
        h = max(hint.height(), self.minimumHeight())
        if at_least is not None:
            w, h = max(w, at_least[0]), max(h, at_least[1])
        if not fixed or w > self.maximumWidth() or h > self.maximumHeight():
            self.setFixedSize(w, h)
