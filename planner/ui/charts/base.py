"""Chart plumbing: pyqtgraph set-up, money and log axes, a chart widget with Save image."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Hashable, Sequence
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QImage,
    QPaintEngine,
    QPainter,
    QPixmap,
    QTransform,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QGraphicsItem, QLabel, QVBoxLayout, QWidget

from planner.domain.currency import minor_digits
from planner.formatting import fmt_money
from planner.ui.style import muted_css

pg.setConfigOptions(background="w", foreground="#333333", antialias=True, exitCleanup=False)

#: One palette for every chart (colour-blind friendly, Tableau 10).
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
BASELINE_COLOR = "#9db4d3"
OPTIMIZED_COLOR = "#2f5d8c"
SAVING_COLOR = "#59a14f"
INCREASE_COLOR = "#e15759"
TOTAL_COLOR = "#4e79a7"


def money_text(v: float, currency: str, decimals: int | None = None) -> str:
    """A chart's amount in the display locale: `decimals` places (by default by size), no
    more than the currency has for amounts of a unit or more (¥1,235, not ¥1,234.50)."""
    if not math.isfinite(v):
        return "—"
    a = abs(v)
    if decimals is None:
        decimals = 0 if a >= 100 else 2 if a >= 0.1 or a == 0 else 4
    if a >= 1:
        decimals = min(decimals, minor_digits(currency))
    return fmt_money(Decimal(repr(float(v))), currency, places=decimals)


def _premultiplied(color: QColor) -> int:
    """`color` as a premultiplied ARGB32 pixel value (as Qt's fills blend it)."""
    pixel = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
    pixel.fill(color)
    return int(np.frombuffer(pixel.constBits(), dtype=np.uint32)[0])


class FastTicks:
    """Tick and grid lines drawn as the pixels they cover rather than stroked as lines.

    pyqtgraph strokes them aliased and semi-transparent, which Qt's raster engine blends
    span by span, and a vertical line is one span per pixel row: a grid cost milliseconds
    on every repaint of a chart. On a raster device the same pixels (an aliased 1-pixel
    line covers floor(x0)..floor(x1) on row floor(y)) are drawn instead as filled rows,
    and the vertical lines of one length as a one-pixel-high strip tiled down that length.
    Elsewhere (SVG) the lines are stroked as before.
    """

    _tick_specs: list = []
    _raster_ticks: tuple | None = None  # (device transform, rows, strips, strokes) for the current picture

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs):  # noqa: N802,N803 (pyqtgraph API)
        self._tick_specs = tickSpecs
        self._raster_ticks = None
        super().drawPicture(p, axisSpec, [], textSpecs)

    def _ticks_for(self, d: QTransform) -> tuple[list, list, list]:
        """The tick lines under device transform `d`, in item coordinates: horizontal ones as
        rectangles by colour, vertical ones as (target, strip) tiles, and any other line."""
        key = (d.m11(), d.m12(), d.m21(), d.m22(), d.dx(), d.dy())
        if self._raster_ticks is not None and self._raster_ticks[0] == key:
            return self._raster_ticks[1:]
        inv, ok = d.inverted()
        sx, _, _, sy, dx, dy = key
        # (only a scale and a shift: device x = sx * x + dx, as QTransform.map computes it)
        uniform = ok and d.m12() == 0 and d.m21() == 0 and d.isAffine() and sx > 0 and sy == sx
        rows: dict[int, tuple[QColor, list[QRectF]]] = {}
        columns: dict[tuple, tuple[QColor, list[int]]] = {}
        strokes = []
        simple_pens: dict[int, bool] = {}
        for pen, p1, p2 in self._tick_specs:
            simple = simple_pens.get(id(pen))
            if simple is None:
                simple = simple_pens[id(pen)] = (uniform and pen.isCosmetic() and pen.widthF() <= 1
                                                 and pen.style() == Qt.PenStyle.SolidLine)
            if not simple:
                strokes.append((pen, p1, p2))
                continue
            ax, ay, bx, by = sx * p1.x() + dx, sy * p1.y() + dy, sx * p2.x() + dx, sy * p2.y() + dy
            if ay == by:
                x0, x1 = sorted((math.floor(ax), math.floor(bx)))
                color = pen.color()
                rows.setdefault(color.rgba(), (color, []))[1].append(inv.mapRect(QRectF(x0, math.floor(ay), x1 - x0 + 1, 1)))
            elif ax == bx:
                y0, y1 = sorted((math.floor(ay), math.floor(by)))
                color = pen.color()
                columns.setdefault((color.rgba(), y0, y1), (color, []))[1].append(math.floor(ax))
            else:
                strokes.append((pen, p1, p2))
        # vertical lines of the same length share one strip (each column holds its colour),
        # unless two of them fall on the same column
        by_length: dict[tuple[int, int], list[tuple[QColor, list[int]]]] = {}
        for (_rgba, y0, y1), group in columns.items():
            by_length.setdefault((y0, y1), []).append(group)
        strips = []
        for (y0, y1), groups in by_length.items():
            xs_all = [x for _color, xs in groups for x in xs]
            shared = len(set(xs_all)) == len(xs_all)
            for part in ([groups] if shared else [[g] for g in groups]):
                left = min(x for _color, xs in part for x in xs)
                right = max(x for _color, xs in part for x in xs)
                pixels = np.zeros(right - left + 1, dtype=np.uint32)
                for color, xs in part:
                    pixels[np.array(xs) - left] = _premultiplied(color)
                strip = QPixmap.fromImage(QImage(pixels.tobytes(), len(pixels), 1, QImage.Format.Format_ARGB32_Premultiplied))
                strip.setDevicePixelRatio(sx)  # one strip pixel per device pixel
                strips.append((inv.mapRect(QRectF(left, y0, len(pixels), y1 - y0 + 1)), strip))
        self._raster_ticks = (key, list(rows.values()), strips, strokes)
        return self._raster_ticks[1:]

    def paint(self, p: QPainter, opt, widget) -> None:
        p.save()  # (the picture leaves its clip to the labels on the painter)
        super().paint(p, opt, widget)  # (re)builds the picture of the axis line and the labels
        p.restore()
        if not self._tick_specs:
            return
        if p.paintEngine().type() == QPaintEngine.Type.Raster:
            rows, strips, strokes = self._ticks_for(p.deviceTransform())
        else:
            rows, strips, strokes = [], [], self._tick_specs
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(Qt.PenStyle.NoPen)
        for color, rects in rows:
            p.setBrush(color)
            p.drawRects(rects)
        for target, strip in strips:
            p.drawTiledPixmap(target, strip)
        for pen, p1, p2 in strokes:
            p.setPen(pen)
            p.drawLine(p1, p2)
        p.restore()


class Axis(FastTicks, pg.AxisItem):
    """pyqtgraph's axis with fast tick and grid lines."""


class DateAxis(FastTicks, pg.DateAxisItem):
    """pyqtgraph's date axis with fast tick and grid lines."""


class MoneyAxis(Axis):
    """Tick labels in the plan currency with thousands separators."""

    def __init__(self, orientation: str, currency: str = "USD", **kw) -> None:
        super().__init__(orientation, **kw)
        self.currency = currency
        self.enableAutoSIPrefix(False)
        if orientation in ("left", "right"):
            self.setWidth(78)  # labels are dropped, not squeezed, when the axis is too narrow

    def set_currency(self, currency: str) -> None:
        if currency != self.currency:
            self.currency = currency
            self.picture = None  # the cached tick labels are redrawn
            self.update()

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        decimals = 0 if spacing >= 1 else 2 if spacing >= 0.01 else 4
        if not self.currency:  # a plain number axis
            return [f"{v * scale:,.{decimals}f}" for v in values]
        return [money_text(v * scale, self.currency, decimals) for v in values]


class LogMoneyAxis(Axis):
    """An axis whose values are log10 of a price: ticks at 1-2-5 steps, labelled in dollars."""

    def __init__(self, orientation: str, unit: str = "", **kw) -> None:
        super().__init__(orientation, **kw)
        self.unit = unit
        self.enableAutoSIPrefix(False)
        if orientation in ("left", "right"):
            self.setWidth(70)

    def tickValues(self, minVal, maxVal, size):  # noqa: N802,N803
        lo, hi = 10 ** minVal, 10 ** maxVal
        major, minor = [], []
        for e in range(math.floor(minVal) - 1, math.ceil(maxVal) + 1):
            for m in (1, 2, 5):
                v = m * 10.0**e
                if lo <= v <= hi:
                    (major if m == 1 else minor).append(math.log10(v))
        if len(major) < 2:
            return [(1.0, major + minor)]
        return [(1.0, major), (0.5, minor)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        out = []
        for v in values:
            p = 10**v
            text = f"${p:,.0f}" if p >= 10 else f"${p:g}"
            out.append(text if not self.currency else money_text(p, self.currency))
        return out

    currency = ""
    set_currency = MoneyAxis.set_currency


def row_step(row_px: float) -> int:
    """Every how many rows a horizontal bar chart names its rows and states their amounts
    (the rows whose index is a multiple of it): 1 while rows are a line of text apart or
    more, else the rows a line of text spans, so that no two labels overlap."""
    line = QFontMetricsF(QFont()).height()
    return max(1, math.ceil(line / row_px)) if row_px > 0 else 1


class CategoryAxis(Axis):
    """Integer positions labelled with category names (for horizontal bar charts): every
    row_step-th row's, the rows whose amounts are drawn (see ValueLabels)."""

    def __init__(self, orientation: str, **kw) -> None:
        super().__init__(orientation, **kw)
        self.labels: list[str] = []
        # kept as a pixmap on screen: the names rarely change, the plot beside them often does
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_labels(self, labels: list[str]) -> None:
        """Name the positions 0, 1, 2...; unchanged names keep the axis as it is drawn."""
        if labels == self.labels:
            return
        self.labels = labels
        self.picture = None  # (the ticks are worked out from the names when next drawn)
        self.update()
        if self.orientation in ("left", "right") and labels:
            # room for the longest name (pyqtgraph drops labels that do not fit)
            fm = QFontMetrics(self.font() if hasattr(self, "font") else QFont())
            self.setWidth(min(max(fm.horizontalAdvance(s) for s in labels) + 16, 260))

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802, N803 (pyqtgraph API)
        lo, hi = sorted((minVal, maxVal))
        first, last = max(0, math.ceil(lo)), min(len(self.labels) - 1, math.floor(hi))
        if last < first:
            return []
        step = row_step(size / (hi - lo) if hi > lo else size)
        return [(float(step), list(range(first + (-first) % step, last + 1, step)))]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        return [self.labels[int(round(v))] for v in values]


class FormattedTexts(Sequence[str]):
    """Value labels' texts, each made from its value by `fmt` when first read: a chart of a
    500-line plan draws the labels of a few dozen rows (see ValueLabels), and formatting
    every amount at each redraw was most of a redraw. `key` stands for everything else `fmt`
    depends on (the currency, the display locale): equal values and keys, equal texts."""

    def __init__(self, values: Sequence[float], fmt: Callable[[float], str], key: Hashable) -> None:
        self.values = [float(v) for v in values]
        self.key = key
        self._fmt = fmt
        self._made: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self))[i]  # (negative indices; IndexError past the end)
        text = self._made.get(i)
        if text is None:
            text = self._made[i] = self._fmt(self.values[i])
        return text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FormattedTexts):
            return self.key == other.key and self.values == other.values
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class ValueLabels(pg.GraphicsObject):
    """Unscaled text at data points, like one pg.TextItem per label, drawn as one item.

    A chart with a hundred value labels would otherwise carry a hundred items, each
    re-transformed whenever the view changes. `set_labels` replaces the texts in place; the
    layout matches TextItem's (its text box has a 4-pixel margin, placed by `anchor`).

    With `rows` (a label per row of a horizontal bar chart, row 0 first), only every
    row_step-th row's label is drawn, as an axis leaves out ticks that do not fit: 500 rows
    in 300 pixels show a row's amount in every twenty or so, not a smear of 500 overlapping
    ones, and only those texts are made (see FormattedTexts).
    """

    MARGIN = 4.0  # QGraphicsTextItem's document margin

    def __init__(self, color: str = "#333", anchor: tuple[float, float] = (0, 0.5), rows: bool = False) -> None:
        super().__init__()
        self.color = QColor(color)
        self.anchor = anchor
        self.rows = rows
        self.texts: Sequence[str] = []
        self.xs: list[float] = []
        self.ys: list[float] = []
        self._font = QFont()

    def set_labels(self, xs, ys, texts: Sequence[str]) -> None:
        xs, ys = [float(x) for x in xs], [float(y) for y in ys]
        texts = texts if isinstance(texts, FormattedTexts) else list(texts)
        if xs == self.xs and ys == self.ys and texts == self.texts:
            return
        self.xs, self.ys, self.texts = xs, ys, texts
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API): the whole view (the texts are in pixels)
        vb = self.getViewBox()
        if vb is None or not hasattr(vb, "childGroup"):
            return QRectF()
        return self.mapRectFromItem(vb, vb.boundingRect())

    def viewTransformChanged(self) -> None:  # noqa: N802 (pyqtgraph API)
        self.prepareGeometryChange()
        super().viewTransformChanged()

    def paint(self, p: QPainter, *_args) -> None:
        if not self.texts:
            return
        t = p.transform()
        p.resetTransform()  # draw in device pixels: the text is not scaled with the data
        p.setFont(self._font)
        p.setPen(self.color)
        fm = QFontMetricsF(self._font)
        m, (ax, ay) = self.MARGIN, self.anchor
        box_h = fm.height() + 2 * m
        dy = -ay * box_h + m + fm.ascent()
        step = row_step(abs(t.m22())) if self.rows else 1  # (a row is one unit of y)
        for i, (x, y) in enumerate(zip(self.xs, self.ys, strict=True)):
            if i % step:
                continue
            pt = t.map(QPointF(x, y))
            text = self.texts[i]
            dx = m - ax * (fm.horizontalAdvance(text) + 2 * m) if ax else m
            p.drawText(QPointF(pt.x() + dx, pt.y() + dy), text)
        p.setTransform(t)


class FlatBars(pg.BarGraphItem):
    """Bars without an outline: nothing is drawn outside the bars, so the bounding rectangle
    needs no padding of a pixel, which pyqtgraph works out from the view on every call."""

    def pixelPadding(self) -> float:  # noqa: N802 (pyqtgraph API)
        return 0.0 if self._sharedPen is not None and self._sharedPen.style() == Qt.PenStyle.NoPen else super().pixelPadding()


class ColourBars(pg.GraphicsObject):
    """Horizontal bars, each with its colour, as one item updated in place.

    It fills the bars of each colour with one drawRects, as a one-colour pg.BarGraphItem does
    (one with a brush per bar is replayed from a QPicture, several times slower), and a
    chart with ten colours keeps one item rather than ten.
    """

    def __init__(self, height: float) -> None:
        super().__init__()
        self.height = height
        self.groups: list[tuple[QBrush, list[QRectF]]] = []
        self._bounds = QRectF()
        self._key: tuple = ()

    def set_bars(self, x0, y, width, colours: list[str]) -> None:
        key = (list(map(float, x0)), list(map(float, y)), list(map(float, width)), list(colours))
        if key == self._key:
            return
        self._key = key
        h = self.height
        by_colour: dict[str, list[QRectF]] = {}
        for left, mid, w, colour in zip(*key, strict=True):
            by_colour.setdefault(colour, []).append(QRectF(left, mid - h / 2, w, h))
        self.prepareGeometryChange()
        self.groups = [(QBrush(QColor(colour)), rects) for colour, rects in by_colour.items()]
        rects = [r for _brush, group in self.groups for r in group]
        self._bounds = QRectF()
        for r in rects:
            self._bounds = self._bounds.united(r.normalized())
        self.informViewBoundsChanged()
        self.update()

    def count(self) -> int:
        """How many bars are drawn."""
        return sum(len(rects) for _brush, rects in self.groups)

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):  # noqa: N802 (pyqtgraph API)
        if not self.groups:
            return None, None
        b = self._bounds
        return (b.left(), b.right()) if ax == 0 else (b.top(), b.bottom())

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt API)
        return QRectF(self._bounds)

    def paint(self, p: QPainter, *_args) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        for brush, rects in self.groups:
            p.setBrush(brush)
            p.drawRects(rects)


#: What a chart drawn from the plan's lines says while the plan has none.
EMPTY_TEXT = "Add a line on the Workload tab to see this chart"
#: The marks a chart's key draws before each name.
KEY_MARKS = {"box": "■", "line": "━━", "dash": "╍╍", "dot": "●", "band": "▬"}


def place_labels(anchors: list[tuple[float, float]], sizes: list[tuple[float, float]], gap: float = 3.0,
                 bounds: tuple[float, float] | None = None) -> list[tuple[float, float] | None]:
    """Where to put text labels next to points without overlapping one another.

    `anchors` are the points (pixels, y down), `sizes` the labels' (width, height), in order
    of importance. Each label tries above-right, below-right, above-left, below-left of its
    point, then the same one and two label heights further up or down; the first spot free
    of the labels already placed (and inside `bounds`, width and height, if given) wins; a
    label with no free spot is left out (None). Returns the top-left corner of each label."""
    placed: list[QRectF] = []
    out: list[tuple[float, float] | None] = []
    area = QRectF(0, 0, *bounds) if bounds is not None else None
    for (x, y), (w, h) in zip(anchors, sizes, strict=True):
        spot = None
        for k in range(3):
            for left, top in ((x + gap, y - h - gap - k * h), (x + gap, y + gap + k * h),
                              (x - w - gap, y - h - gap - k * h), (x - w - gap, y + gap + k * h)):
                r = QRectF(left, top, w, h)
                if (area is None or area.contains(r)) and not any(r.intersects(p) for p in placed):
                    spot = (left, top)
                    placed.append(r)
                    break
            if spot is not None:
                break
        out.append(spot)
    return out


#: While results stream in (a drag), a chart keeps the range of its value axis as long as the
#: values still fill at least LIVE_FILL of it, and otherwise leaves LIVE_HEADROOM above them:
#: that axis (its ticks and grid are rebuilt whenever its range changes) moves now and then
#: rather than at every step. Once results stop, the charts are fitted exactly again.
LIVE_FILL = 0.8
LIVE_HEADROOM = 1.1


class Chart(QWidget):
    """A titled pyqtgraph plot that can save itself as PNG or SVG and render for the PDF."""

    message = Signal(str)

    title = "Chart"
    question = ""
    #: drawing a result that is one of a stream (see LIVE_FILL)
    live = False
    #: the value axis is a loose live fit, not the exact one
    provisional = False

    def __init__(self, axis_items: dict | None = None, parent=None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.set_scope("")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)  # (a narrow chart wraps its question rather than cutting it)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        #: the legend, as a line of text above the plot: it never covers the data
        self.key = QLabel()
        self.key.setWordWrap(True)
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.key.hide()
        #: what an empty chart says in place of axes that would mean nothing
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(muted_css())
        self.empty.setWordWrap(True)
        self.empty.hide()
        axis_items = dict(axis_items or {})
        for side in ("left", "bottom"):  # (the right and top axes stay hidden)
            axis_items.setdefault(side, Axis(side))
        self.plot_widget = pg.PlotWidget(axisItems=axis_items)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setMenuEnabled(True)
        self.plot.hideButtons()
        self.legend = None
        vb_menu = self.plot.getViewBox().menu
        vb_menu.addSeparator()
        vb_menu.addAction("Save image…", self.save_dialog)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.heading)
        lay.addWidget(self.note)
        lay.addWidget(self.key)
        lay.addWidget(self.plot_widget, 1)
        lay.addWidget(self.empty, 1)
        self.setMinimumSize(420, 300)

    def set_scope(self, scope: str) -> None:
        """Name the lines the chart shows after its title ('' for the whole plan)."""
        where = f": {html.escape(scope)}" if scope else ""
        text = f"<b>{self.title}{where}</b>  <span style='{muted_css()}'>{self.question}</span>"
        if self.heading.text() != text:
            self.heading.setText(text)

    def shown_for(self, ctx) -> bool:
        """Whether the Charts tab shows this chart for a ChartContext (a chart only some plans need)."""
        return True

    def update_from(self, ctx) -> None:  # each chart draws itself from a ChartContext
        raise NotImplementedError

    def draw(self, ctx, live: bool = False) -> None:
        """Update from `ctx`, then apply the new view range at once: pyqtgraph otherwise
        applies it while painting, which moves every item and costs a second paint. With
        `live`, the value axis may keep its range (see LIVE_FILL)."""
        self.live, self.provisional = live, False
        try:
            self.update_from(ctx)
        finally:
            self.live = False
        self.plot.getViewBox().prepareForPaint()

    def fit(self, axis: str, lo: float, hi: float, loose: bool = False) -> None:
        """Show lo..hi on the "x" or "y" axis. A `loose` fit (the value axis) drawn live keeps
        the current range while the values fill most of it, and otherwise leaves headroom."""
        vb = self.plot.getViewBox()
        current = tuple(vb.viewRange()[0 if axis == "x" else 1])
        if loose and self.live:
            if current[0] == lo and lo < hi <= current[1] and hi - lo >= LIVE_FILL * (current[1] - lo):
                self.provisional = self.provisional or current[1] != hi
                return
            hi = lo + (hi - lo) * LIVE_HEADROOM
            self.provisional = True
        if current != (lo, hi):
            (vb.setXRange if axis == "x" else vb.setYRange)(lo, hi, padding=0)

    def add_legend(self, **kw) -> pg.LegendItem:
        self.legend = self.plot.addLegend(offset=kw.pop("offset", (-10, 10)), labelTextSize="8pt", **kw)
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 220))
        return self.legend

    def set_key(self, entries: list[tuple[str, str, str]]) -> None:
        """The legend: (colour, name, mark) entries, mark one of KEY_MARKS."""
        text = "&nbsp;&nbsp;&nbsp; ".join(
            f"<span style='color:{colour}'>{KEY_MARKS[mark]}</span>&nbsp;{html.escape(name)}" for colour, name, mark in entries)
        if text != self.key.text():
            self.key.setText(text)
        self.key.setVisible(bool(entries))

    def set_empty(self, empty: bool, text: str = EMPTY_TEXT) -> None:
        """Show `text` in place of the plot (no axes, no legend) while the chart has nothing to draw."""
        self.empty.setText(text)
        self.empty.setVisible(empty)
        self.plot_widget.setVisible(not empty)
        if empty:
            self.key.hide()
            self.set_note("")

    def add_names(self, names: list[tuple[float, float, str, str]], x_range: tuple[float, float],
                  y_range: tuple[float, float]) -> list[str]:
        """Text by data points, (x, y, text, colour) in order of importance, for the view
        ranges about to be set: a name that would overlap one already placed moves to
        another side of its point, or is left out. Returns the names shown."""
        vb = self.plot.getViewBox()
        w, h = max(vb.width(), 400.0), max(vb.height(), 220.0)
        (x0, x1), (y0, y1) = x_range, y_range
        fm = QFontMetricsF(QFont())
        spots = place_labels([((x - x0) / (x1 - x0) * w, (y1 - y) / (y1 - y0) * h) for x, y, _t, _c in names],
                             [(fm.horizontalAdvance(text) + 8, fm.height() + 4) for _x, _y, text, _c in names],
                             bounds=(w, h))
        shown = []
        for (_x, _y, text, colour), spot in zip(names, spots, strict=True):
            if spot is None:
                continue
            item = pg.TextItem(text, color=colour, anchor=(0, 0))
            item.setPos(x0 + spot[0] / w * (x1 - x0), y1 - spot[1] / h * (y1 - y0))
            self.plot.addItem(item)
            shown.append(text)
        return shown

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def clear(self) -> None:
        self.plot.clear()
        if self.legend is not None:
            self.legend.clear()

    # -- export ------------------------------------------------------------------------------

    def save_dialog(self) -> None:
        path, flt = QFileDialog.getSaveFileName(self, f"Save {self.title}", str(Path.home() / f"{self.title}.png"),
                                                "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return
        p = Path(path)
        if p.suffix.lower() not in (".png", ".svg"):
            p = p.with_suffix(".svg" if "svg" in flt.lower() else ".png")
        try:
            self.save(p)
        except OSError as e:
            self.message.emit(str(e))
        else:
            self.message.emit(f"Saved {p}")

    def save(self, path: Path, size: QSize | None = None) -> Path:
        """PNG through a grab, SVG through QSvgGenerator (pyqtgraph's own SVG exporter is
        broken on Qt 6.12)."""
        path = Path(path)
        if path.suffix.lower() == ".svg":
            gen = QSvgGenerator()
            gen.setFileName(str(path))
            s = size or self.size()
            gen.setSize(s)
            gen.setViewBox(QRectF(0, 0, s.width(), s.height()))
            gen.setTitle(self.title)
            painter = QPainter(gen)
            try:
                self._render(painter)
            finally:
                painter.end()
            if not path.exists() or path.stat().st_size == 0:
                raise OSError(f"{path}: the SVG could not be written")
            return path
        img = self.image(size)
        if not img.save(str(path)):
            raise OSError(f"{path}: the PNG could not be written")
        return path

    def image(self, size: QSize | None = None) -> QImage:
        """The chart (heading included) as an image, for files and for the PDF."""
        if size is not None and size != self.size():
            self.resize(size)
        img = QImage(self.size() * 2, QImage.Format.Format_ARGB32_Premultiplied)  # (Qt blends fastest into it)
        img.setDevicePixelRatio(2)
        img.fill(QColor("white"))
        painter = QPainter(img)
        try:
            self._render(painter)
        finally:
            painter.end()
        return img

    def _render(self, painter: QPainter) -> None:
        """Render the chart afresh: items cached as screen pixels are drawn without their
        cache, at the painter's own resolution."""
        cached = [item for item in self.plot.scene().items() if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
        modes = [item.cacheMode() for item in cached]
        for item in cached:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        try:
            self.render(painter, QPoint(0, 0))
        finally:
            for item, mode in zip(cached, modes, strict=True):
                item.setCacheMode(mode)
