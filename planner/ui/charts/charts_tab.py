"""The Charts tab: every chart in a scrolling grid, following the plan and the catalog live."""

from __future__ import annotations

import atexit
import time
from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from planner.domain.catalog import Catalog
from planner.domain.costing import PlanResult
from planner.domain.plan import Plan
from planner.domain.ranking import Ranking
from planner.ui.charts.base import Chart
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

#: The sensitivity chart re-costs the plan many times: it is redrawn once results stop coming
#: for this long (a drag that pauses), never in the middle of a drag.
SLOW_CHART_DELAY_MS = 120
#: While a drag sends a result per slider step, the charts redraw at most this often, so the
#: slider stays smooth; the latest result is always drawn once the interval is up.
REDRAW_INTERVAL_MS = 100


def _same(a: tuple | None, b: tuple) -> bool:
    """The same objects (results, catalogs and rankings are replaced, never changed in place)."""
    return a is not None and len(a) == len(b) and all(
        x is y or (isinstance(x, frozenset | str) and x == y) for x, y in zip(a, b, strict=True))


class ChartsTab(QWidget):
    modelClicked = Signal(str)
    message = Signal(str)

    def __init__(self, doc: PlanDocument, ranking_getter, parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._ranking = ranking_getter
        #: the group whose lines the plan's charts show (None: every line)
        self.group: str | None = None
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
        self.scroll = scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # charts scrolled out of sight are not redrawn; they catch up when they come into view
        scroll.verticalScrollBar().valueChanged.connect(self._reveal)
        scroll.horizontalScrollBar().valueChanged.connect(self._reveal)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        self._dirty = True
        #: what each chart was last drawn from (the objects themselves, compared by identity)
        self._drawn: dict[Chart, tuple] = {}
        self._models: tuple = (None, frozenset())
        self._slow = QTimer(self, singleShot=True, interval=SLOW_CHART_DELAY_MS)
        self._slow.timeout.connect(self._update_slow)
        self._throttle = QTimer(self, singleShot=True)
        self._throttle.timeout.connect(self._redraw_now)
        self._last_redraw = 0.0
        doc.resultChanged.connect(self._result_changed)

    def redraw(self) -> None:
        """Draw every chart again, axes included: same figures, new labels (the number
        format changed). While hidden: when next shown."""
        self._drawn.clear()
        for c in self.charts:
            for name in ("left", "bottom"):
                axis = c.plot.getAxis(name)
                axis.picture = None  # pyqtgraph's cached tick labels
                axis.update()
        self.refresh()

    def chart(self, cls):
        return next(c for c in self.charts if isinstance(c, cls))

    def context(self) -> ChartContext | None:
        r = self.doc.result
        if r is None:
            return None
        ranking: Ranking = self._ranking()
        return ChartContext(self.doc.plan, r, self.doc.catalog, ranking, self.group)

    def set_group(self, name: str | None) -> None:
        """Draw the plan's charts for one group's lines (None: every line)."""
        if name != self.group:
            self.group = name
            self.refresh()

    def inputs(self, chart: Chart, ctx: ChartContext) -> tuple:
        """What a chart is drawn from: it is redrawn only when one of these changes. (The
        document edits its plan in place but computes a new result for every edit, so the
        result stands for the plan.)"""
        if isinstance(chart, PriceHistoryChart):
            return (ctx.catalog,)
        if isinstance(chart, CATALOG_CHARTS):
            if self._models[0] is not ctx.result:  # the plan's models, once per result
                self._models = (ctx.result, frozenset(ctx.plan.model_ids()))
            return (ctx.catalog, ctx.ranking, self._models[1])
        if isinstance(chart, SensitivityChart):
            return (ctx.result, ctx.catalog, ctx.ranking)
        return (ctx.result, ctx.catalog, ctx.group or "")

    def on_screen(self, chart: Chart) -> bool:
        return self.isVisible() and not chart.visibleRegion().isEmpty()

    def _result_changed(self) -> None:
        """Redraw now, or, if the last redraw was under REDRAW_INTERVAL_MS ago, once that
        interval is up (the latest result is drawn then)."""
        if not self.isVisible():
            self._dirty = True
            return
        self._slow.start()  # (re)started by every result: it fires once they stop coming
        wait = REDRAW_INTERVAL_MS - (time.monotonic() - self._last_redraw) * 1000
        if wait <= 0:
            self._throttle.stop()
            self.refresh(live=True)
        elif not self._throttle.isActive():
            self._throttle.start(int(wait))

    def _redraw_now(self) -> None:
        self.refresh(live=True)

    def refresh(self, *_args, force: bool = False, live: bool = False) -> None:
        """Redraw from the current result; while hidden, only remember to.

        A chart is redrawn only when what it is drawn from has changed (see `inputs`: the
        catalog charts follow the catalog, the ranking and the plan's set of models, not
        the plan's numbers) and only when it is on screen; charts scrolled out of sight
        catch up when they are scrolled into view. The sensitivity chart waits for the
        slow timer; meanwhile its marker follows the plan. `force` draws every chart now.
        `live` marks a result that is one of a stream (see charts.base.LIVE_FILL): the slow
        timer fits the charts exactly once the stream stops.
        """
        if not (self.isVisible() or force):
            self._dirty = True
            return
        ctx = self.context()
        if ctx is None:
            return
        for c in self.charts:
            c.setVisible(c.shown_for(ctx))
        for c in self.charts:
            if isinstance(c, SensitivityChart):
                if force:
                    self._draw(c, ctx, force=True)
                elif not _same(self._drawn.get(c), self.inputs(c, ctx)):
                    if c.series and self.on_screen(c):
                        c.follow(ctx)
                    self._slow.start()
                continue
            self._draw(c, ctx, force, live)
        self._dirty = False
        self._last_redraw = time.monotonic()

    def _draw(self, c: Chart, ctx: ChartContext, force: bool = False, live: bool = False) -> None:
        key = self.inputs(c, ctx)
        if _same(self._drawn.get(c), key) and not (c.provisional and not live):
            return
        if not (force or self.on_screen(c)):
            return
        c.draw(ctx, live=live)
        self._drawn[c] = key

    def _reveal(self, *_args) -> None:
        """Charts that come into view draw what they missed (the sensitivity chart after a pause)."""
        if not self.isVisible():
            return
        ctx = self.context()
        if ctx is None:
            return
        for c in self.charts:
            if isinstance(c, SensitivityChart):
                if not _same(self._drawn.get(c), self.inputs(c, ctx)) and self.on_screen(c):
                    self._slow.start()
            else:
                self._draw(c, ctx)

    def _update_slow(self) -> None:
        """Results have stopped coming: fit the charts drawn live exactly, and redraw the
        sensitivity chart (unless a mouse button is still held: a drag that only paused)."""
        ctx = self.context()
        if ctx is None or not self.isVisible():
            return
        for c in self.charts:
            if c.provisional:
                self._draw(c, ctx)
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._slow.start()  # a drag is still going on: wait until it ends
            return
        self._draw(self.chart(SensitivityChart), ctx)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._reveal)  # once the layout has placed the charts


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
    ctx = ChartContext(plan, result, catalog, ranking)
    return render_off_screen([(cls, lambda c: c.draw(ctx)) for cls in PDF_CHARTS], size)


def render_off_screen(charts: Sequence[tuple[type[Chart], Callable[[Chart], None]]],
                      size: QSize | None = None) -> list[tuple[str, QImage]]:
    """(title, image) of each chart class drawn by its function, rendered off screen on the
    shared hidden host (one widget of each class, reused)."""
    size = size or QSize(860, 440)  # logical pixels: the text stays legible once scaled to the page
    host = _host()
    host.resize(size)
    host.show()  # axes get their labels only once shown
    drawn = []
    for cls, draw in charts:
        c = host.charts.get(cls)  # type: ignore[attr-defined]
        if c is None:
            c = host.charts[cls] = cls(host)  # type: ignore[attr-defined]
        c.resize(size)
        c.show()
        draw(c)
        drawn.append(c)
    # lay the charts out (axes sized to their labels) without painting them on the hidden host
    for _ in range(2):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    out = [(c.title, c.image(size)) for c in drawn]
    host.hide()
    return out
