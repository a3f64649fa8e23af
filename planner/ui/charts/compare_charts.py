"""Charts of a comparison (planner.domain.comparison.compare): the monthly totals side by side,
each side's forecast against its budget, a waterfall of the line changes from one side to
another; and plan versus actual: by line, by month and the variance waterfall. Drawn with the
Charts tab's plumbing."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from planner.domain.actuals import Variance, month_totals, variance_waterfall
from planner.domain.comparison import Comparison, compare
from planner.ui.charts.base import (
    INCREASE_COLOR,
    PALETTE,
    SAVING_COLOR,
    TOTAL_COLOR,
    CategoryAxis,
    Chart,
    FlatBars,
    MoneyAxis,
    ValueLabels,
    money_text,
)
from planner.ui.charts.charts import StepChart, _HBarChart


class TotalsChart(_HBarChart):
    title = "Monthly total"
    question = "What does each side cost a month (expected, with its low – high range)?"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ranges = pg.ErrorBarItem(x=np.array([]), y=np.array([]), pen=pg.mkPen("#555", width=1.2))
        self.plot.addItem(self.ranges)
        self._add_labels()

    def draw_comparison(self, c: Comparison) -> None:
        cur = c.sides[0].summary.currency
        self.money_axis.set_currency(cur)
        opt = [float(s.summary.optimized) for s in c.sides]
        low = np.array([float(s.summary.low) for s in c.sides])
        high = np.array([float(s.summary.high) for s in c.sides])
        y = list(range(len(opt)))
        self._labels([s.label for s in c.sides])
        self.bars_by_colour.set_bars([0.0] * len(opt), y, opt, [PALETTE[i % len(PALETTE)] for i in y])
        self.ranges.setData(x=np.array(opt), y=np.array(y, dtype=float), left=np.array(opt) - low,
                            right=high - np.array(opt), height=0.0)
        top = max([*opt, *high], default=0) or 1
        self.value_labels.set_labels([h + top * 0.01 for h in high], y, [money_text(v, cur, 2) for v in opt])
        self._ranges(top * 1.25, len(opt))


class ForecastsChart(Chart):
    title = "Forecasts against the budget"
    question = "Where is each side's monthly bill heading, and when does it cross its budget?"

    def __init__(self, parent=None) -> None:
        self.money_axis = MoneyAxis("left")
        self.month_axis = CategoryAxis("bottom")
        super().__init__({"left": self.money_axis, "bottom": self.month_axis}, parent)
        self.add_legend(offset=(90, 10))
        self.items: list[pg.GraphicsObject] = []

    def draw_comparison(self, c: Comparison) -> None:
        for item in self.items:
            self.plot.removeItem(item)
            if isinstance(item, pg.PlotDataItem):
                self.legend.removeItem(item)
        self.items = []
        cur = c.sides[0].summary.currency
        self.money_axis.set_currency(cur)
        months = c.sides[0].summary.forecast
        n = min(len(s.summary.forecast) for s in c.sides)
        step = max(1, -(-n // 12))
        self.month_axis.setTicks([[(i, m.start.strftime("%b %y") if m.start else str(i + 1))
                                   for i, m in enumerate(months[:n]) if i % step == 0]])
        top = 0.0
        budgets: dict[Decimal, int] = {}
        for i, s in enumerate(c.sides):
            colour = PALETTE[i % len(PALETTE)]
            ys = [float(m.expected) for m in s.summary.forecast[:n]]
            top = max(top, *ys)
            line = pg.PlotDataItem(list(range(n)), ys, pen=pg.mkPen(colour, width=2.2), symbol="o", symbolSize=4,
                                   symbolBrush=colour, name=s.label)
            self.plot.addItem(line)
            self.items.append(line)
            if s.summary.budget is not None:
                budgets.setdefault(s.summary.budget, i)
        for budget, i in budgets.items():
            label = "budget" if len(budgets) == 1 else f"budget ({c.sides[i].label})"
            mark = pg.InfiniteLine(pos=float(budget), angle=0, label=label, labelOpts={"position": 0.1, "color": "#a33"},
                                   pen=pg.mkPen(PALETTE[i % len(PALETTE)] if len(budgets) > 1 else "#e15759",
                                                width=1.5, style=Qt.PenStyle.DashLine))
            self.plot.addItem(mark)
            self.items.append(mark)
            top = max(top, float(budget))
        self.fit("x", -0.5, n - 0.5)
        self.fit("y", 0, (top or 1) * 1.12, loose=True)


class LineWaterfallChart(_HBarChart):
    """From one side's total to another's, one bar per line that changed (biggest first)."""

    title = "What explains the difference"
    question = "Which lines move the total from one side to the other?"
    bar_height = 0.62
    #: the most lines shown one by one (the rest are one bar)
    MAX_BARS = 12

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._add_labels()

    def draw_pair(self, c: Comparison) -> None:
        cur = c.sides[0].summary.currency
        self.money_axis.set_currency(cur)
        first, last = c.sides[0], c.sides[-1]
        moves = [(d.name, float(d.delta)) for d in c.lines if d.delta]
        if len(moves) > self.MAX_BARS:
            rest = sum(m for _, m in moves[self.MAX_BARS - 1:])
            moves = moves[: self.MAX_BARS - 1] + [(f"{len(moves) - self.MAX_BARS + 1} other lines", rest)]
        labels, x0, widths, colours, texts, label_x = [first.label], [0.0], [float(first.summary.optimized)], \
            [TOTAL_COLOR], [money_text(float(first.summary.optimized), cur, 2)], [float(first.summary.optimized)]
        running = float(first.summary.optimized)
        for name, move in moves:
            lo, hi = sorted((running, running + move))
            labels.append(name)
            x0.append(lo)
            widths.append(hi - lo)
            colours.append(INCREASE_COLOR if move > 0 else SAVING_COLOR)
            texts.append(("+" if move > 0 else "−") + money_text(abs(move), cur, 2))
            label_x.append(hi)
            running += move
        labels.append(last.label)
        x0.append(0.0)
        widths.append(float(last.summary.optimized))
        colours.append(TOTAL_COLOR)
        texts.append(money_text(float(last.summary.optimized), cur, 2))
        label_x.append(float(last.summary.optimized))
        top = max([a + w for a, w in zip(x0, widths, strict=True)], default=0) or 1
        y = list(range(len(labels)))
        self._labels(labels)
        self.bars_by_colour.set_bars(x0, y, [max(w, top * 0.002) for w in widths], colours)
        self.value_labels.set_labels([v + top * 0.01 for v in label_x], y, texts)
        self._ranges(top * 1.22, len(labels))


class CompareCharts(QWidget):
    """The three charts of a comparison; the waterfall's two sides are picked above it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.totals = TotalsChart()
        self.forecasts = ForecastsChart()
        self.waterfall = LineWaterfallChart()
        self.from_side, self.to_side = QComboBox(), QComboBox()
        for combo in (self.from_side, self.to_side):
            combo.activated.connect(lambda _i: self._draw_waterfall())
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Waterfall from"))
        pick.addWidget(self.from_side)
        pick.addWidget(QLabel("to"))
        pick.addWidget(self.to_side)
        pick.addStretch(1)
        right = QVBoxLayout()
        right.addLayout(pick)
        right.addWidget(self.waterfall, 1)
        grid = QGridLayout(self)
        grid.addWidget(self.totals, 0, 0)
        grid.addWidget(self.forecasts, 1, 0)
        grid.addLayout(right, 0, 1, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.comparison: Comparison | None = None

    def draw(self, c: Comparison) -> None:
        self.comparison = c
        self.totals.draw_comparison(c)
        self.forecasts.draw_comparison(c)
        labels = [s.label for s in c.sides]
        for combo, default in ((self.from_side, 0), (self.to_side, len(labels) - 1)):
            keep = combo.currentText()
            combo.clear()
            combo.addItems(labels)
            combo.setCurrentIndex(labels.index(keep) if keep in labels else default)
        if self.from_side.currentIndex() == self.to_side.currentIndex():
            self.from_side.setCurrentIndex(0)
            self.to_side.setCurrentIndex(len(labels) - 1)
        self._draw_waterfall()

    def _draw_waterfall(self) -> None:
        c = self.comparison
        if c is None:
            return
        a, b = c.sides[self.from_side.currentIndex()], c.sides[self.to_side.currentIndex()]
        self.waterfall.draw_pair(compare([a, b]) if a is not b else compare([a, a]))
        self.waterfall.plot.getViewBox().prepareForPaint()


class PlanActualChart(_HBarChart):
    """Each line's planned and actual cost in the month, side by side."""

    title = "Plan versus actual"
    question = "Which lines cost more or less than planned?"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.add_legend()
        self.planned = FlatBars(x0=0, y=[], height=0.34, width=[], brush="#9db4d3", pen=None, name="Planned")
        self.actual = FlatBars(x0=0, y=[], height=0.34, width=[], brush="#f28e2b", pen=None, name="Actual")
        self.plot.addItem(self.planned)
        self.plot.addItem(self.actual)
        self._add_labels()

    def draw_rows(self, names: Sequence[str], planned: Sequence[Decimal], actual: Sequence[Decimal], currency: str) -> None:
        self.money_axis.set_currency(currency)
        p, a = [float(v) for v in planned], [float(v) for v in actual]
        y = np.arange(len(names), dtype=float)
        self._labels(list(names))
        self.planned.setOpts(y=y - 0.18, width=p)
        self.actual.setOpts(y=y + 0.18, width=a)
        top = max(p + a, default=0) or 1
        self.value_labels.set_labels([v + top * 0.01 for v in a], y + 0.18, [money_text(v, currency, 2) for v in a])
        if names:
            self._ranges(top * 1.2, len(names))
        self.plot.getViewBox().prepareForPaint()


PLANNED_COLOR = "#9db4d3"
ACTUAL_COLOR = "#f28e2b"


class MonthPlanActualChart(Chart):
    """Each month's planned and actual totals, side by side."""

    title = "By month"
    question = "How did each month the usage covers compare with the plan?"

    def __init__(self, parent=None) -> None:
        self.money_axis = MoneyAxis("left")
        self.month_axis = CategoryAxis("bottom")
        super().__init__({"left": self.money_axis, "bottom": self.month_axis}, parent)
        self.plot.showGrid(x=False, y=True, alpha=0.15)
        self.set_key([(PLANNED_COLOR, "Planned", "box"), (ACTUAL_COLOR, "Actual", "box")])
        self.planned = FlatBars(x=[], height=[], width=0.36, brush=PLANNED_COLOR, pen=None)
        self.actual = FlatBars(x=[], height=[], width=0.36, brush=ACTUAL_COLOR, pen=None)
        self.plot.addItem(self.planned)
        self.plot.addItem(self.actual)
        self.value_labels = ValueLabels("#333", anchor=(0.5, 1))
        self.plot.addItem(self.value_labels, ignoreBounds=True)
        self.rows: list[tuple[str, Decimal, Decimal]] = []

    def draw_variance(self, v: Variance) -> None:
        self.rows = rows = month_totals(v)
        cur = v.currency
        self.money_axis.set_currency(cur)
        p, a = [float(r[1]) for r in rows], [float(r[2]) for r in rows]
        x = np.arange(len(rows), dtype=float)
        self.month_axis.setTicks([[(i, r[0]) for i, r in enumerate(rows)]])
        self.planned.setOpts(x=x - 0.19, height=p)
        self.actual.setOpts(x=x + 0.19, height=a)
        xs = [*(x - 0.19), *(x + 0.19)]
        self.value_labels.set_labels(xs, p + a, [money_text(val, cur, 2) for val in p + a])
        top = max(p + a, default=0) or 1
        self.fit("x", -0.6, len(rows) - 0.4)
        self.fit("y", 0, top * 1.15, loose=True)
        self.plot.getViewBox().prepareForPaint()


class VarianceWaterfallChart(StepChart):
    """From the planned total to the actual one through the variance's four parts."""

    title = "Variance waterfall"
    question = "What moved the month from planned to actual: volume, token mix, price or levers?"

    def draw_variance(self, v: Variance) -> None:
        self.set_key([(INCREASE_COLOR, "Over plan", "box"), (SAVING_COLOR, "Under plan", "box"),
                      (TOTAL_COLOR, "Totals", "box")])
        self.draw_steps(variance_waterfall(v), v.currency)
        self.plot.getViewBox().prepareForPaint()
