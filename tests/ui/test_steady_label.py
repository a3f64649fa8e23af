"""SteadyLabel: figures that change at every slider step neither clip nor relayout the window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

from planner.ui.steady_label import SteadyLabel


class _LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def _row(qtbot, label: QLabel) -> tuple[QWidget, _LayoutRequests]:
    w = QWidget()
    lay = QHBoxLayout(w)
    lay.addWidget(QLabel("Optimized"))
    lay.addStretch(1)
    lay.addWidget(label, 0, Qt.AlignmentFlag.AlignRight)
    qtbot.addWidget(w)
    w.show()
    QApplication.processEvents()
    requests = _LayoutRequests()
    w.installEventFilter(requests)
    return w, requests


def test_a_longer_figure_gets_room_and_a_shorter_one_keeps_it(qtbot):
    label = SteadyLabel("$1.00")
    row, _ = _row(qtbot, label)
    label.setText("$1,234,567.89")
    assert label.width() >= label.fontMetrics().horizontalAdvance("$1,234,567.89")
    wide = label.width()
    label.setText("$2.00")
    assert label.width() == wide, "no shrinking while a slider is dragged: the figures stay put"
    label.setStyleSheet("font-weight: bold; font-size: 15pt;")
    assert label.height() >= label.fontMetrics().height()
    assert label.width() >= QLabel.sizeHint(label).width()


def test_a_figure_that_fits_asks_for_no_layout(qtbot):
    steady, plain = SteadyLabel("$9,999.99"), QLabel("$9,999.99")
    steady_row, steady_requests = _row(qtbot, steady)
    plain_row, plain_requests = _row(qtbot, plain)
    for text in ("$1,234.56", "$8,888.88", "$7,000.01"):
        steady.setText(text)
        plain.setText(text)
        QApplication.processEvents()
    assert plain_requests.count >= 1  # what a QLabel does
    assert steady_requests.count == 0
    assert steady.text() == "$7,000.01"
