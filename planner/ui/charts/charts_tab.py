"""The Charts tab: every chart in a scrolling grid, following the plan and the catalog live."""

from __future__ import annotations

import atexit
import time

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from planner.domain.catalog import Catalog
from planner.domain.costing import PlanResult
from planner.domain.plan import Plan
from planner.domain.ranking import Ranking
from planner.ui.charts.charts import (
    ALL_CHARTS,
    PDF_CHARTS,
    ChartContext,
    PriceHistoryChart,
    QualityPriceChart,
    SensitivityChart,
    ValueRankingChart,
)
from planner.ui.plan_document import PlanDocument

#: Charts drawn from the catalog and the ranking, not from the plan's numbers.
CATALOG_CHARTS = (QualityPriceChart, ValueRankingChart, PriceHistoryChart)

#: The sensitivity chart re-costs the plan many times: redraw it when a drag pauses.
SLOW_CHART_DELAY_MS = 120
#: While a drag sends a result per slider step, the charts redraw at most this often, so the
#: slider stays smooth and the charts follow at about ten frames a second.
REDRAW_INTERVAL_MS = 100


class ChartsTab(QWidget):
    modelClicked = Signal(str)
    message = Signal(str)

    def __init__(self, doc: PlanDocument, ranking_getter, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._ranking = ranking_getter
        self.charts = [cls() for cls in ALL_CHARTS]
        grid = QGridLayout()
        grid.setSpacing(10)
        for i, c in enumerate(self.charts):
            c.setMinimumSize(560, 340)
            c.message.connect(self.message.emit)
            grid.addWidget(c, i // 2, i % 2)
            if isinstance(c, QualityPriceChart):
                c.modelClicked.connect(self.modelClicked.emit)
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        self._dirty = True
        self._catalog_key: tuple | None = None
        self._slow = QTimer(self, singleShot=True, interval=SLOW_CHART_DELAY_MS)
        self._slow.timeout.connect(self._update_slow)
        self._throttle = QTimer(self, singleShot=True)
        self._throttle.timeout.connect(self._redraw_now)
        self._last_redraw = 0.0
        doc.resultChanged.connect(self._result_changed)

    def chart(self, cls):
        return next(c for c in self.charts if isinstance(c, cls))

    def context(self) -> ChartContext | None:
        r = self.doc.result
        if r is None:
            return None
        ranking: Ranking = self._ranking()
        return ChartContext(self.doc.plan, r, self.doc.catalog, ranking)

    def _result_changed(self) -> None:
        """Redraw now, or, if the last redraw was under REDRAW_INTERVAL_MS ago, once that
        interval is up (the latest result is drawn then)."""
        if not self.isVisible():
            self._dirty = True
            return
        wait = REDRAW_INTERVAL_MS - (time.monotonic() - self._last_redraw) * 1000
        if wait <= 0:
            self.refresh()
        elif not self._throttle.isActive():
            self._throttle.start(int(wait))

    def _redraw_now(self) -> None:
        self.refresh()

    def refresh(self, *_args, force: bool = False) -> None:
        """Redraw from the current result; while hidden, only remember to. Charts that do
        not depend on the plan's numbers (the catalog scatter, the ranking, price history)
        are redrawn only when the ranking, the catalog or the plan's set of models changes."""
        if not (self.isVisible() or force):
            self._dirty = True
            return
        ctx = self.context()
        if ctx is None:
            return
        catalog_key = (id(ctx.catalog), id(ctx.ranking), frozenset(ctx.plan.model_ids()))
        catalog_changed = catalog_key != self._catalog_key
        self._catalog_key = catalog_key
        for c in self.charts:
            if isinstance(c, SensitivityChart):
                continue
            if isinstance(c, CATALOG_CHARTS) and not catalog_changed:
                continue
            c.update_from(ctx)
        if force:
            self._update_slow()
        else:
            self._slow.start()
        self._dirty = False
        self._last_redraw = time.monotonic()

    def _update_slow(self) -> None:
        ctx = self.context()
        if ctx is not None:
            self.chart(SensitivityChart).update_from(ctx)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()


_render_host: QWidget | None = None


def _host() -> QWidget:
    """A hidden parent for the charts the PDF renders, kept for the life of the program.

    Chart widgets are reused rather than made and thrown away: a top-level pyqtgraph widget
    that Python deletes directly can crash Qt, so they are only ever deleted with their
    host, once, before the program exits.
    """
    global _render_host
    if _render_host is None:
        _render_host = QWidget()
        _render_host.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        _render_host.charts = {}  # type: ignore[attr-defined]
        atexit.register(_drop_host)
    return _render_host


def _drop_host() -> None:
    global _render_host
    if _render_host is not None:
        shiboken6.delete(_render_host)
        _render_host = None


def chart_images(plan: Plan, result: PlanResult, catalog: Catalog, ranking: Ranking,
                 size: QSize | None = None) -> list[tuple[str, QImage]]:
    """The PDF's charts (cost by line, waterfall, forecast), rendered off screen."""
    size = size or QSize(860, 440)  # logical pixels: the text stays legible once scaled to the page
    ctx = ChartContext(plan, result, catalog, ranking)
    host = _host()
    host.resize(size)
    host.show()  # axes get their labels only once shown
    out = []
    for cls in PDF_CHARTS:
        c = host.charts.get(cls)  # type: ignore[attr-defined]
        if c is None:
            c = host.charts[cls] = cls(host)  # type: ignore[attr-defined]
        c.resize(size)
        c.show()
        c.update_from(ctx)
        QApplication.processEvents()
        out.append((c.title, c.image(size)))
    host.hide()
    return out
