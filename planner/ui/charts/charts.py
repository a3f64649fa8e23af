"""The eight charts. Each one draws numbers from planner.domain.chart_data, never its own."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal, localcontext

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout

from planner.domain import chart_data as cd
from planner.domain.catalog import Catalog, metric_label
from planner.domain.costing import PlanResult, cost_line, line_context
from planner.domain.money import ENGINE_PRECISION
from planner.domain.plan import Plan
from planner.domain.ranking import Ranking
from planner.domain.ranking import value as model_value
from planner.domain.summary import GroupFigures
from planner.formatting import display_locale, fmt_pct
from planner.ui.charts.base import (
    BASELINE_COLOR,
    INCREASE_COLOR,
    OPTIMIZED_COLOR,
    PALETTE,
    SAVING_COLOR,
    TOTAL_COLOR,
    CategoryAxis,
    Chart,
    ColourBars,
    DateAxis,
    FlatBars,
    FormattedTexts,
    LogMoneyAxis,
    MoneyAxis,
    ValueLabels,
    money_text,
)


@dataclass(frozen=True)
class ChartContext:
    plan: Plan
    result: PlanResult
    catalog: Catalog
    ranking: Ranking
    #: the group whose lines the plan's charts show (None: every line)
    group: str | None = None

    @property
    def currency(self) -> str:
        return self.result.currency

    def group_figures(self) -> GroupFigures | None:
        """The chosen group's figures (None: the whole plan)."""
        return cd.group_figures(self.result, self.plan, self.group)


def _scope(chart: Chart, group: GroupFigures | None) -> None:
    chart.set_scope("" if group is None else group.name)


def _short(name: str, n: int = 28) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


class _HBarChart(Chart):
    """Horizontal bars with category names on the left axis (readable long labels).

    Its items (bars, value labels, axes) are made once and updated in place on every redraw.
    """

    bar_height = 0.6

    def __init__(self, parent=None) -> None:
        self.cat_axis = CategoryAxis("left")
        self.money_axis = MoneyAxis("bottom")
        super().__init__({"left": self.cat_axis, "bottom": self.money_axis}, parent)
        self.plot.getViewBox().invertY(True)
        self.plot.showGrid(x=True, y=False, alpha=0.15)
        self.values: dict[str, list[float]] = {}
        self.bars_by_colour = ColourBars(self.bar_height)
        self.plot.addItem(self.bars_by_colour)
        self.value_labels = ValueLabels("#333", anchor=(0, 0.5), rows=True)

    def _add_labels(self) -> None:
        """The value labels go above the bars (call once the bars are added)."""
        self.plot.addItem(self.value_labels, ignoreBounds=True)

    def _labels(self, labels: list[str]) -> None:
        self.cat_axis.set_labels([_short(s) for s in labels])

    def _ranges(self, right: float, rows: int) -> None:
        self.fit("x", 0, right, loose=True)
        self.fit("y", -0.6, rows - 0.4)


class CostByLineChart(_HBarChart):
    title = "Cost by line"
    question = "Which features cost the most, before and after the levers?"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.set_key([(BASELINE_COLOR, "Baseline", "box"), (OPTIMIZED_COLOR, "Optimized", "box")])
        self.base_bars = FlatBars(x0=0, y=[], height=0.34, width=[], brush=BASELINE_COLOR, pen=None, name="Baseline")
        self.opt_bars = FlatBars(x0=0, y=[], height=0.34, width=[], brush=OPTIMIZED_COLOR, pen=None, name="Optimized")
        self.plot.addItem(self.base_bars)
        self.plot.addItem(self.opt_bars)
        self._add_labels()

    def update_from(self, ctx: ChartContext) -> None:
        group = ctx.group_figures()
        _scope(self, group)
        rows = cd.cost_by_line(ctx.result, group)
        self.set_empty(not rows)
        if rows:
            self.set_key([(BASELINE_COLOR, "Baseline", "box"), (OPTIMIZED_COLOR, "Optimized", "box")])
        self.money_axis.set_currency(ctx.currency)
        names = [r[0] for r in rows]
        base = [r[1] for r in rows]
        opt = [r[2] for r in rows]
        self.values = {"baseline": base, "optimized": opt}
        self._labels(names)
        y = np.arange(len(rows), dtype=float)
        self.base_bars.setOpts(y=y - 0.18, width=base)
        self.opt_bars.setOpts(y=y + 0.18, width=opt)
        top = max(base + opt, default=0) or 1
        cur = ctx.currency
        self.value_labels.set_labels([v + top * 0.01 for v in opt], y + 0.18,
                                     FormattedTexts(opt, lambda v: money_text(v, cur, 2), (cur, display_locale())))
        if rows:
            self._ranges(top * 1.18, len(rows))


#: a waterfall step's colour by its kind: totals, a saving or a cost under plan, a cost increase
#: or a cost over plan (anything else, a "flat" step of nothing: grey)
STEP_COLOURS = {"total": TOTAL_COLOR, "saving": SAVING_COLOR, "under": SAVING_COLOR,
                "increase": INCREASE_COLOR, "over": INCREASE_COLOR}


class StepChart(_HBarChart):
    """A waterfall: totals from zero, steps from the running total, each labelled with its
    amount (a step signed), a dashed connector from each bar's end to the next bar. The
    steps are the domain's (anything with label, start, end and kind)."""

    bar_height = 0.62

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.bars: list = []
        # one item draws every connector (the dashed line from a bar's end to the next bar)
        self.connectors = pg.PlotDataItem([], [], connect="pairs", pen=pg.mkPen("#999", width=1, style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.connectors)
        self._add_labels()

    def draw_steps(self, bars: list, currency: str) -> None:
        self.money_axis.set_currency(currency)
        self.bars = bars
        self._labels([b.label for b in bars])
        top = max((max(float(b.start), float(b.end)) for b in bars), default=0) or 1
        x0, widths, colours, label_x, texts = [], [], [], [], []
        for b in bars:
            lo, hi = sorted((float(b.start), float(b.end)))
            x0.append(lo)
            widths.append(max(hi - lo, top * 0.002))
            colours.append(STEP_COLOURS.get(b.kind, "#999999"))
            amount = float(b.end) if b.kind == "total" else float(b.end) - float(b.start)
            text = money_text(amount, currency, 2)
            if b.kind not in ("total", "flat"):  # (a step of nothing is shown unsigned)
                text = ("−" if amount < 0 else "+") + money_text(abs(amount), currency, 2)
            label_x.append(hi + top * 0.01)
            texts.append(text)
        y = list(range(len(bars)))
        self.bars_by_colour.set_bars(x0, y, widths, colours)
        self.value_labels.set_labels(label_x, y, texts)
        cx, cy = [], []
        for i in range(1, len(bars)):  # connector from the previous bar's end
            prev = float(bars[i - 1].end)
            cx += [prev, prev]
            cy += [i - 0.69, i - 0.31]
        self.connectors.setData(cx, cy)
        self._ranges(top * 1.2, len(bars))


class WaterfallChart(StepChart):
    title = "Savings waterfall"
    question = "What does each lever save, in the order they apply?"

    def update_from(self, ctx: ChartContext) -> None:
        self.set_empty(not ctx.plan.lines)
        group = ctx.group_figures()
        _scope(self, group)
        self.draw_steps(cd.waterfall(ctx.result, group), ctx.currency)


class CostByModelChart(_HBarChart):
    title = "Cost by model"
    question = "Where does the money go after routing?"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._add_labels()

    def update_from(self, ctx: ChartContext) -> None:
        self.money_axis.set_currency(ctx.currency)
        group = ctx.group_figures()
        _scope(self, group)
        bars = cd.cost_by_model(ctx.result, ctx.catalog, ctx.plan, group)
        self.set_empty(not bars)
        vals = [b.value for b in bars]
        self.values = {"cost": vals}
        self._labels([b.label for b in bars])
        y = list(range(len(bars)))
        self.bars_by_colour.set_bars([0.0] * len(bars), y, vals, [PALETTE[i % len(PALETTE)] for i in y])
        top = max(vals, default=0) or 1
        self.value_labels.set_labels([v + top * 0.01 for v in vals], y,
                                     [f"{money_text(b.value, ctx.currency, 2)}  ({fmt_pct(b.share_fraction * 100, 0)})"
                                      for b in bars])
        if bars:
            self._ranges(top * 1.3, len(bars))


class QualityPriceChart(Chart):
    title = "Quality vs price"
    question = "Which models give the most quality for the price? (log price axis)"
    modelClicked = Signal(str)

    def __init__(self, parent=None) -> None:
        self.price_axis = LogMoneyAxis("bottom")
        super().__init__({"bottom": self.price_axis}, parent)
        self.points: list[cd.ScatterPoint] = []
        self.scatter: pg.ScatterPlotItem | None = None
        self.labels: list[str] = []  # the names shown by the points

    def update_from(self, ctx: ChartContext) -> None:
        self.clear()
        self.points = pts = cd.quality_vs_price(ctx.ranking, ctx.catalog, ctx.plan.model_ids())
        self.plot.setLabel("bottom", f"Blended $/1M at {ctx.ranking.ratio:.2g}:1 input:output")
        self.plot.setLabel("left", f"Quality ({metric_label(ctx.ranking.metric, short=True)})")
        self.set_key([])
        if not pts:
            return
        xs = np.log10([p.price for p in pts])
        ys = np.array([p.quality for p in pts])
        brushes = [pg.mkBrush("#e15759") if p.in_plan else pg.mkBrush(78, 121, 167, 120) for p in pts]
        sizes = [12 if p.in_plan else 7 for p in pts]
        tips = [self._tip(p, ctx) for p in pts]
        self.scatter = pg.ScatterPlotItem(x=xs, y=ys, brush=brushes, size=sizes, pen=pg.mkPen("w", width=0.5),
                                          hoverable=True, hoverSize=14, tip=None, data=list(range(len(pts))))
        self.scatter.sigHovered.connect(lambda _s, points, _ev: self._hover(points, tips))
        self.scatter.sigClicked.connect(lambda _s, points, _ev: points and self.modelClicked.emit(pts[points[0].data()].model_id))
        self.plot.addItem(self.scatter)
        key = [("#e15759", "In this plan", "dot")] if any(p.in_plan for p in pts) else []
        key.append(("#4e79a7", "Other models" if key else "Models", "dot"))
        front = [(x, p.quality) for x, p in zip(xs, pts, strict=True) if p.on_frontier]
        if len(front) > 1:
            fx, fy = zip(*sorted(front), strict=True)
            self.plot.addItem(pg.PlotDataItem(fx, fy, pen=pg.mkPen("#59a14f", width=2)))
            key.append(("#59a14f", "Pareto frontier (nothing cheaper is better)", "line"))
        self.set_key(key)
        x_range = (xs.min() - 0.15, xs.max() + 0.7)
        y_range = (max(ys.min() - 5, 0), ys.max() + 6)
        self._add_names(pts, xs, x_range, y_range)
        self.plot.setXRange(*x_range, padding=0)
        self.plot.setYRange(*y_range, padding=0)

    def _add_names(self, pts: list[cd.ScatterPoint], xs: np.ndarray, x_range: tuple, y_range: tuple) -> None:
        """Names by the plan's models, then by the frontier's: a name that would overlap one
        already placed is left out (its point keeps its tooltip)."""
        chosen = [i for i, p in enumerate(pts) if p.in_plan]
        chosen += [i for i, p in enumerate(pts) if p.on_frontier and not p.in_plan and len(pts) <= 80]
        names = [(xs[i], pts[i].quality, _short(pts[i].name, 22), "#a33" if pts[i].in_plan else "#2d6b33") for i in chosen]
        self.labels = self.add_names(names, x_range, y_range)

    def _tip(self, p: cd.ScatterPoint, ctx: ChartContext) -> str:
        m = ctx.catalog.get(p.model_id)
        if m is None:
            return p.name
        v = model_value(m, ctx.ranking.metric)
        value = "—" if v is None else f"{v:,.1f}"
        return (f"{m.name} ({m.provider})\nInput ${m.input:,f} / output ${m.output:,f} per 1M\n"
                f"Blended ${p.price:,.4f} · quality {p.quality:g} · value {value}\nClick to select it in the Models tab")

    def _hover(self, points, tips: list[str]) -> None:
        self.plot_widget.setToolTip(tips[points[0].data()] if len(points) else "")


class ValueRankingChart(_HBarChart):
    title = "Value ranking"
    question = "Which models give the most quality per dollar?"
    bar_height = 0.65

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.key = QComboBox()
        self.key.addItem("Value: quality ÷ input $ (higher is better)", "value")
        self.key.addItem("$ per quality point (lower is better)", "cost_per_point")
        self.key.currentIndexChanged.connect(lambda _i: self._ctx is not None and self.update_from(self._ctx))
        row = QHBoxLayout()
        row.addWidget(self.key)
        row.addStretch(1)
        self.layout().insertLayout(1, row)
        self._ctx: ChartContext | None = None
        self.bars: list[cd.Bar] = []
        self._add_labels()

    def update_from(self, ctx: ChartContext) -> None:
        self._ctx = ctx
        key = self.key.currentData()
        self.bars = bars = cd.value_ranking(ctx.ranking, ctx.catalog, key, top=15)
        self._labels([b.label for b in bars])
        axis_label = "quality per $ of input / 1M" if key == "value" else "$ per quality point"
        if self.money_axis.labelText != axis_label:
            self.money_axis.setLabel(axis_label)
        self.money_axis.set_currency("" if key == "value" else "USD")
        self.set_note("Red: models this plan uses. " + (f"Quality: {metric_label(ctx.ranking.metric)}; models under the floor "
                      f"({ctx.ranking.floor:g}) are left out." if ctx.ranking.floor else f"Quality: {metric_label(ctx.ranking.metric)}."))
        vals = [b.value for b in bars]
        in_plan = ctx.plan.model_ids()
        y = list(range(len(bars)))
        self.bars_by_colour.set_bars([0.0] * len(bars), y, vals, ["#e15759" if b.detail in in_plan else "#4e79a7" for b in bars])
        top = max(vals, default=0) or 1
        self.value_labels.set_labels([v + top * 0.01 for v in vals], y,
                                     [f"{v:,.1f}" if key == "value" else f"${v:,.4f}" for v in vals])
        if bars:
            self._ranges(top * 1.2, len(bars))


class SensitivityChart(Chart):
    title = "Sensitivity to input:output"
    question = "How does the monthly cost move as tokens shift between input and output? (log axis)"

    def __init__(self, parent=None) -> None:
        self.money_axis = LogMoneyAxis("left")
        super().__init__({"left": self.money_axis}, parent)
        self.series: list[cd.Series] = []
        self.plot.setLabel("bottom", "Input share of tokens (%): 0 all output, 100 all input")
        self.curves: list[pg.PlotDataItem] = []  # one per series, reused
        self.now_line = pg.InfiniteLine(pos=0, angle=90, pen=pg.mkPen("#e15759", width=1.5, style=Qt.PenStyle.DotLine),
                                        label="now", labelOpts={"position": 0.04, "color": "#a33", "anchors": [(1, 1), (1, 1)]})
        self.now_line.hide()
        self.plot.addItem(self.now_line)
        self.plot.setXRange(0, 100, padding=0.02)

    def update_from(self, ctx: ChartContext) -> None:
        """The curves (the plan re-costed at 11 ratios: slow, see ChartsTab) and the marker."""
        self.money_axis.set_currency(ctx.currency)
        self.set_empty(not ctx.plan.lines)
        self.series = cd.sensitivity(ctx.plan, ctx.catalog, ctx.ranking) if ctx.plan.lines else []
        floor = min((v for s in self.series for v in s.y if v > 0), default=1.0)
        while len(self.curves) < len(self.series):
            curve = pg.PlotDataItem([], [])
            self.curves.append(curve)
            self.plot.addItem(curve)
        legend_key = []
        for i, curve in enumerate(self.curves):
            if i >= len(self.series):
                curve.setData([], [])
                curve.hide()
                continue
            s = self.series[i]
            style = Qt.PenStyle.DashLine if "alternative" in s.name else Qt.PenStyle.SolidLine
            width = 3 if s.model_id is None else 1.6
            color = "#222" if s.model_id is None else PALETTE[i % len(PALETTE)]
            pen_key = (color, width, style)
            if getattr(curve, "_pen_key", None) != pen_key:
                curve.setPen(pg.mkPen(color, width=width, style=style))
                curve._pen_key = pen_key
            curve.setData(s.x, [math.log10(max(v, floor / 10)) for v in s.y])
            curve.show()
            legend_key.append((color, _short(s.name, 34), "dash" if style == Qt.PenStyle.DashLine else "line"))
        self.set_key(legend_key)
        self.follow(ctx)

    def follow(self, ctx: ChartContext) -> None:
        """Only the marker and the note for the plan as it is now (cheap: while a drag goes on,
        the curves wait)."""
        now = cd.plan_input_share(ctx.plan) if self.series else None
        self.now_line.setVisible(now is not None)
        if now is None:
            self.set_note("")
            return
        self.now_line.setPos(now)
        self.now_line.label.setFormat(f"now: {now:.1f}% input")
        monthly = ctx.result.summary().optimized
        self.set_note(f"Plan as it is at {now:.1f}% input: <b>{money_text(float(monthly), ctx.currency, 2)}</b>/month")


class ForecastChart(Chart):
    title = "Forecast"
    question = "Where is the monthly bill heading, and when does it cross the budget?"

    def __init__(self, parent=None) -> None:
        self.money_axis = MoneyAxis("left")
        self.month_axis = CategoryAxis("bottom")
        super().__init__({"left": self.money_axis, "bottom": self.month_axis}, parent)
        self.data: cd.ForecastData | None = None
        self.low = pg.PlotDataItem([], [], pen=pg.mkPen((78, 121, 167, 90)))
        self.high = pg.PlotDataItem([], [], pen=pg.mkPen((78, 121, 167, 90)))
        self.band = pg.FillBetweenItem(self.low, self.high, brush=pg.mkBrush(78, 121, 167, 50))
        for item in (self.low, self.high, self.band):
            self.plot.addItem(item)
        self.expected = pg.PlotDataItem([], [], pen=pg.mkPen(OPTIMIZED_COLOR, width=2.5), symbol="o", symbolSize=5,
                                        symbolBrush=OPTIMIZED_COLOR)
        self.plot.addItem(self.expected)
        self.budget_line = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen("#e15759", width=1.5, style=Qt.PenStyle.DashLine),
                                           label="budget", labelOpts={"position": 0.08, "color": "#a33"})
        self.over_mark = pg.ScatterPlotItem([], [], symbol="x", size=14, pen=pg.mkPen("#e15759", width=3))
        self.over_text = pg.TextItem("", color="#a33", anchor=(1.05, 1.2))
        for item in (self.budget_line, self.over_mark, self.over_text):
            item.hide()
            self.plot.addItem(item)
        self._bottom_label: str | None = None
        self._ticks: list | None = None

    def update_from(self, ctx: ChartContext) -> None:
        self.money_axis.set_currency(ctx.currency)
        group = ctx.group_figures()
        _scope(self, group)
        months = None if group is None else ctx.result.group_forecast([ln.group for ln in ctx.plan.lines], group.name)
        self.data = d = cd.forecast(ctx.result, months)
        n = len(d.labels) if ctx.plan.lines else 0
        for item in (self.low, self.high, self.band, self.expected, self.budget_line, self.over_mark, self.over_text):
            item.setVisible(bool(n))
        self.set_empty(not n)
        if not n:
            return
        self.set_key([(OPTIMIZED_COLOR, "Expected", "line"), ("#a9bcd3", "Low – high range", "band")]
                     + ([("#e15759", "Budget", "dash")] if d.budget is not None else []))
        dated = ctx.plan.forecast.start_month is not None
        short = d.ticks
        step = max(1, math.ceil(n / 12))
        ticks = [[(i, short[i]) for i in range(0, n, step)]]
        if ticks != self._ticks:
            self.month_axis.setTicks(ticks)
            self._ticks = ticks
        bottom_label = "" if dated else "Month"
        if bottom_label != self._bottom_label:
            self.plot.setLabel("bottom", bottom_label)
            self._bottom_label = bottom_label
        x = np.arange(n)
        self.low.blockSignals(True)  # (the band between the curves is rebuilt once, with the second)
        self.low.setData(x, d.low)
        self.low.blockSignals(False)
        self.high.setData(x, d.high)
        self.expected.setData(x, d.expected)
        top = max(d.high + d.expected)
        self.budget_line.setVisible(d.budget is not None)
        if d.budget is not None:
            self.budget_line.setPos(d.budget)
            self.budget_line.label.setFormat(f"budget {money_text(d.budget, ctx.currency)}")
            top = max(top, d.budget)
        over = d.first_over is not None
        self.over_mark.setVisible(over)
        self.over_text.setVisible(over)
        if over:
            k = d.first_over
            self.over_mark.setData([k], [d.expected[k]])
            self.over_text.setText(f"over budget from {d.labels[k]}")
            # to the left of the mark in the second half of the months, else to its right
            # (a first month already over budget would push the text off the chart)
            self.over_text.setAnchor((1.05, 1.2) if k >= n / 2 else (-0.05, 1.2))
            self.over_text.setPos(k, d.expected[k])
        self.set_note(f"{n}-month total: <b>{money_text(d.total, ctx.currency, 2)}</b>"
                      f" (growth {float(ctx.plan.forecast.monthly_growth) * 100:g}%/month, "
                      f"prices {float(ctx.plan.forecast.yearly_price_trend) * 100:+g}%/year)"
                      + ("; the budget is the whole plan's, not drawn for a group" if group is not None else ""))
        self.fit("y", 0, top * 1.1, loose=True)
        self.fit("x", -0.3, n - 0.7)


class PriceHistoryChart(Chart):
    title = "Price history"
    question = "How have input prices fallen? (log axis)"

    def __init__(self, parent=None) -> None:
        self.price_axis = LogMoneyAxis("left")
        super().__init__({"left": self.price_axis, "bottom": DateAxis("bottom")}, parent)
        self.points: list[cd.HistoryPoint] = []
        self.plot.setLabel("left", "Input $ per 1M")

    def update_from(self, ctx: ChartContext) -> None:
        self.clear()
        pts, cheapest = cd.price_history(ctx.catalog)
        self.points = pts
        if not pts:
            return
        self.set_note("Grey dots: every dated price in the catalog (hover for the model and source); lines: models priced more than once.")
        self.set_key([("#787878", "A dated price", "dot"), ("#e15759", "Cheapest input price so far", "line")])
        ts = lambda d: datetime.combine(d, time()).timestamp()  # noqa: E731
        by_model: dict[str, list[cd.HistoryPoint]] = {}
        for p in pts:
            by_model.setdefault(p.model_id, []).append(p)
        multi = [v for v in by_model.values() if len(v) > 1]
        for i, series in enumerate(sorted(multi, key=lambda v: v[0].when)[:8]):
            self.plot.addItem(pg.PlotDataItem([ts(p.when) for p in series], [math.log10(p.price) for p in series],
                                              pen=pg.mkPen(PALETTE[i % len(PALETTE)], width=1.5), symbol="o", symbolSize=5,
                                              symbolBrush=PALETTE[i % len(PALETTE)]))
        dots = pg.ScatterPlotItem([ts(p.when) for p in pts], [math.log10(p.price) for p in pts], size=6,
                                  brush=pg.mkBrush(120, 120, 120, 110), pen=None, hoverable=True,
                                  data=list(range(len(pts))))
        dots.sigHovered.connect(lambda _s, points, _e: self.plot_widget.setToolTip(
            f"{pts[points[0].data()].name}: ${pts[points[0].data()].price:g} per 1M input, {pts[points[0].data()].when:%b %Y}\n"
            f"{pts[points[0].data()].source}" if len(points) else ""))
        self.plot.addItem(dots)
        if len(cheapest) > 1:
            end = ts(max(p.when for p in pts))
            xs, ys = [], []
            for k, (d, price, _name) in enumerate(cheapest):  # a staircase: each low holds until the next
                nxt = ts(cheapest[k + 1][0]) if k + 1 < len(cheapest) else end
                xs += [ts(d), nxt]
                ys += [math.log10(price)] * 2
            step = pg.PlotDataItem(xs, ys, pen=pg.mkPen("#e15759", width=2.5), name="Cheapest input price so far")
            self.plot.addItem(step)
            first, last = ts(pts[0].when), end
            x_range = (first - (last - first) * 0.03, last + (last - first) * 0.12)
            logs = [math.log10(p.price) for p in pts]
            y_range = (min(logs) - 0.1, max(logs) + 0.15)
            # the latest lows first: the newest are what a reader looks for
            self.add_names([(ts(d), math.log10(price), f"{_short(name, 18)} ${price:g}", "#a33")
                            for d, price, name in reversed(cheapest)], x_range, y_range)
            self.plot.setXRange(*x_range, padding=0)
            self.plot.setYRange(*y_range, padding=0)


#: The most turn counts the multi-turn chart costs per line (evenly spread over 1..2T).
MAX_TURN_POINTS = 60


def turn_counts(turns: int) -> list[int]:
    """The turn counts a line with `turns` turns is costed at: 1..2T, at most MAX_TURN_POINTS
    of them, T itself always among them."""
    top = 2 * turns
    if top <= MAX_TURN_POINTS:
        return list(range(1, top + 1))
    return sorted({*(round(float(v)) for v in np.linspace(1, top, MAX_TURN_POINTS)), turns})


def session_costs(plan: Plan, catalog: Catalog, index: int) -> list[tuple[int, Decimal]]:
    """(turns, cost of one session) for line `index` of the plan re-costed by the engine at
    other turn counts, on its model with its levers: the line's monthly cost ÷ its sessions."""
    line = plan.lines[index]
    sessions = line.sessions_per_month
    if line.turns is None or not sessions:
        return []
    lc = line_context(plan, catalog)
    with localcontext() as c:
        c.prec = ENGINE_PRECISION
        return [(n, cost_line(index, line.model_copy(update={"turns": n}), lc).optimized / sessions)
                for n in turn_counts(line.turns)]


class MultiTurnChart(Chart):
    title = "Cost per session by turns"
    question = "What does a longer conversation cost? (each multi-turn line, on its model with its levers)"

    def __init__(self, parent=None) -> None:
        self.money_axis = MoneyAxis("left")
        super().__init__({"left": self.money_axis}, parent)
        self.plot.setLabel("bottom", "Turns per session")
        self.series: dict[str, list[tuple[int, Decimal]]] = {}

    def shown_for(self, ctx: ChartContext) -> bool:
        return any(line.turns is not None for line in ctx.plan.lines)

    def update_from(self, ctx: ChartContext) -> None:
        self.clear()
        self.money_axis.set_currency(ctx.currency)
        self.series = {}
        key, top, right = [], 0.0, 1
        for i, line in enumerate(ctx.plan.lines):
            points = session_costs(ctx.plan, ctx.catalog, i)
            if not points:
                continue
            self.series[line.name] = points
            colour = PALETTE[len(key) % len(PALETTE)]
            xs, ys = [n for n, _ in points], [float(v) for _, v in points]
            self.plot.addItem(pg.PlotDataItem(xs, ys, pen=pg.mkPen(colour, width=2)))
            now = dict(points)[line.turns]
            self.plot.addItem(pg.ScatterPlotItem([line.turns], [float(now)], size=9, brush=colour, pen=pg.mkPen("w")))
            key.append((colour, f"{_short(line.name, 30)}: {line.turns} turns, "
                                f"{money_text(float(now), ctx.currency)} a session", "line"))
            top, right = max(top, max(ys)), max(right, xs[-1])
        self.set_empty(not key, "Give a line turns on the Workload tab to see this chart")
        self.set_key(key)
        if key:
            self.set_note("Dots: each line's turns now. A session re-sends its history, so its cost grows faster than its turns.")
            self.fit("x", 0.5, right + 0.5)
            self.fit("y", 0, top * 1.1 or 1, loose=True)


#: the bar of the group the totals and charts show
CHOSEN_COLOR = "#e15759"


class CostByGroupChart(_HBarChart):
    title = "Cost by group"
    question = "What does each team, product or cost centre cost a month, and how far might it range?"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.bars: list[cd.GroupBar] = []
        self.ranges = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), left=np.zeros(0), right=np.zeros(0), beam=0.22,
                                      pen=pg.mkPen("#333", width=1.5))
        self.plot.addItem(self.ranges)
        self._add_labels()

    def shown_for(self, ctx: ChartContext) -> bool:
        return any(ln.group.strip() for ln in ctx.plan.lines)

    def update_from(self, ctx: ChartContext) -> None:
        self.money_axis.set_currency(ctx.currency)
        self.bars = bars = cd.cost_by_group(ctx.result, ctx.plan)
        self.set_empty(not bars, "Give lines a group on the Workload tab to see this chart")
        if not bars:
            return
        chosen = [(CHOSEN_COLOR, f"{_short(ctx.group, 30)}: shown in the totals and charts", "box")] \
            if any(b.label == ctx.group for b in bars) else []
        self.set_key([(OPTIMIZED_COLOR, "Expected", "box"), ("#333333", "Low – high range", "line"), *chosen])
        self.set_note("Each group's lines added up, as the totals show them; pick a group (Alt+G) to see its "
                      "totals and charts.")
        self._labels([b.label for b in bars])
        y = np.arange(len(bars), dtype=float)
        exp = np.array([b.expected for b in bars])
        self.bars_by_colour.set_bars([0.0] * len(bars), list(y), list(exp),
                                     [OPTIMIZED_COLOR if b.label != ctx.group else CHOSEN_COLOR for b in bars])
        self.ranges.setData(x=exp, y=y, left=exp - np.array([b.low for b in bars]),
                            right=np.array([b.high for b in bars]) - exp)
        top = max(b.high for b in bars) or 1
        self.value_labels.set_labels([b.high + top * 0.015 for b in bars], y,
                                     [f"{money_text(b.expected, ctx.currency, 2)}"
                                      + (f"  ({money_text(b.low, ctx.currency, 2)}–{money_text(b.high, ctx.currency, 2)})"
                                         if b.low != b.high else "") for b in bars])
        self._ranges(top * 1.8, len(bars))


ALL_CHARTS: tuple[type[Chart], ...] = (
    CostByLineChart, WaterfallChart, CostByModelChart, ForecastChart, CostByGroupChart,
    QualityPriceChart, ValueRankingChart, SensitivityChart, PriceHistoryChart, MultiTurnChart,
)
#: The charts the PDF budget carries.
PDF_CHARTS: tuple[type[Chart], ...] = (CostByLineChart, WaterfallChart, ForecastChart)
