"""SteadyLabel: a label for a figure that changes often, without relaying out its window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class SteadyLabel(QLabel):
    """A QLabel whose size is fixed, and only grows when a new text needs more room.

    A label of changing size tells every layout above it to lay out again at each new text:
    on the Workload tab, where a slider step changes some twenty figures, that is about a
    tenth of the step. A fixed-size label repaints itself only, and the figures around it do
    not shift while a slider is dragged. Give it an alignment in its layout (it does not
    stretch to fill its cell)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if text != self.text():
            super().setText(text)
            self._fit()

    def setStyleSheet(self, sheet: str) -> None:  # noqa: N802 (a bold or bigger font needs more room)
        super().setStyleSheet(sheet)
        self._fit()

    def _fit(self) -> None:
        self.ensurePolished()
        hint = QLabel.sizeHint(self)
        w, h = max(hint.width(), self.minimumWidth()), max(hint.height(), self.minimumHeight())
        if w > self.maximumWidth() or h > self.maximumHeight() or self.maximumWidth() >= 16_777_215:
            self.setFixedSize(w, h)
